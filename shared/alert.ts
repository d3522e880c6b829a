import { z } from 'zod';

/** Alertmanager sends Go's zero time for "not ended yet" (PROTOCOLS §1.1). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const labelMap = z.record(z.string(), z.string());

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function kindOf(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

/**
 * An object of bounded strings, checked in one pass over its entries. As `z.record(key, value)` it cost a
 * webhook request more than parsing its JSON did: each key and value went through a schema of its own,
 * 2.4 times the time of this loop (a 100-alert payload: 0.47 ms against 0.20 ms).
 */
function stringMap(r: {
  plural: string;
  nameMax: number;
  valueMax: number;
  tooLong: string;
  names?: { pattern: RegExp; message: string };
}) {
  return z
    .custom<Record<string, string>>((v) => kindOf(v) === 'object', {
      error: (issue) => `must be an object of ${r.plural}, received ${kindOf(issue.input)}`,
    })
    .superRefine((map, ctx) => {
      const names = Object.keys(map);
      if (names.length > 100) ctx.addIssue({ code: 'custom', message: `has more than 100 ${r.plural}` });
      for (const name of names) {
        const value = map[name];
        const message =
          typeof value !== 'string'
            ? `must be a string, received ${kindOf(value)}`
            : name.length > r.nameMax
              ? `the name is longer than ${r.nameMax} characters`
              : r.names && !r.names.pattern.test(name)
                ? r.names.message
                : value.length > r.valueMax
                  ? r.tooLong
                  : undefined;
        if (message) {
          ctx.addIssue({ code: 'custom', message, path: [name] });
          return;
        }
      }
    });
}

/** Prometheus label names, bounded values: a 1 MB "label" is an attack or a bug, not an alert. */
const labels = stringMap({
  plural: 'labels',
  nameMax: 128,
  valueMax: 4096,
  tooLong: 'is longer than 4096 characters',
  names: {
    pattern: LABEL_NAME,
    message: 'is not a valid label name (letters, digits and _, not starting with a digit)',
  },
});
const annotations = stringMap({
  plural: 'annotations',
  nameMax: 256,
  valueMax: 65_536,
  tooLong: 'is longer than 64 KiB',
});

const timeCache = new Map<string, string | null>();

/**
 * A timestamp in one canonical form (ISO 8601 in UTC, milliseconds), or null if it is not one. Remembered
 * for the last few hundred distinct texts: the alerts of a storm share a handful of start times (and
 * Go's zero time as their end), and parsing the same text twice per alert, to check it and to store it,
 * cost a webhook payload more than its JSON.parse did.
 */
export function isoTimestamp(raw: string): string | null {
  let iso = timeCache.get(raw);
  if (iso === undefined) {
    const t = Date.parse(raw);
    iso = Number.isNaN(t) ? null : new Date(t).toISOString();
    if (timeCache.size >= 512) timeCache.clear();
    timeCache.set(raw, iso);
  }
  return iso;
}

const timestamp = z.string().refine((s) => isoTimestamp(s) !== null, {
  message: 'must be an RFC 3339 timestamp',
});

export const AlertStatus = z.enum(['firing', 'resolved']);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** One alert as it appears inside an Alertmanager v4 webhook payload. */
export const WebhookAlert = z.object({
  status: AlertStatus,
  labels: labels.refine((l) => typeof l.alertname === 'string' && l.alertname.length > 0, {
    message: 'must contain a non-empty "alertname"',
  }),
  annotations: annotations.default({}),
  startsAt: timestamp,
  endsAt: timestamp.optional(),
  generatorURL: z.string().default(''),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{1,64}$/, 'must be lowercase hex')
    .optional(),
});
export type WebhookAlert = z.infer<typeof WebhookAlert>;

/** The Alertmanager webhook body, version 4 (PROTOCOLS §1.1). Unknown fields are kept out, not rejected. */
export const WebhookPayload = z.object({
  version: z.literal('4', { message: 'must be "4" (Alertmanager webhook payload version)' }),
  status: AlertStatus,
  receiver: z.string().default(''),
  groupKey: z.string().default(''),
  groupLabels: labelMap.default({}),
  commonLabels: labelMap.default({}),
  commonAnnotations: labelMap.default({}),
  externalURL: z.string().default(''),
  truncatedAlerts: z.number().int().nonnegative().default(0),
  alerts: z.array(WebhookAlert).min(1, 'must contain at least one alert').max(10_000),
});
export type WebhookPayload = z.infer<typeof WebhookPayload>;

/** An alert after intake: the fields the rest of the engine relies on, always present. */
export const Alert = z.object({
  fingerprint: z.string(),
  status: AlertStatus,
  labels: labelMap,
  annotations: labelMap,
  startsAt: z.string(),
  endsAt: z.string().nullable(),
  generatorURL: z.string(),
  externalURL: z.string(),
  receiver: z.string(),
  groupKey: z.string(),
});
export type Alert = z.infer<typeof Alert>;

export const Severity = z.enum(['critical', 'warning', 'info', 'none']);
export type Severity = z.infer<typeof Severity>;

/** Maps the many severity spellings in the wild onto the four the UI knows. */
export function normalizeSeverity(raw: string | undefined): Severity {
  const s = (raw ?? '').toLowerCase();
  if (['critical', 'crit', 'page', 'p1', 'high', 'error', 'fatal', 'emergency'].includes(s))
    return 'critical';
  if (['warning', 'warn', 'p2', 'medium', 'major', 'minor'].includes(s)) return 'warning';
  if (['info', 'informational', 'low', 'p3', 'p4', 'notice'].includes(s)) return 'info';
  return s === 'none' ? 'none' : 'warning';
}

/** Queue order: lower runs first (the enum lists the severities worst first). */
export function severityRank(severity: Severity): number {
  return Severity.options.indexOf(severity);
}

/** The severity of a rank: the inverse of severityRank. */
export function severityOfRank(rank: number): Severity {
  return Severity.options[rank] ?? 'warning';
}
