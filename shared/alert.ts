import { z } from 'zod';

/** Alertmanager sends Go's zero time for "not ended yet" (PROTOCOLS §1.1). */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

const labelMap = z.record(z.string(), z.string());

/** Prometheus label names, bounded values: a 1 MB "label" is an attack or a bug, not an alert. */
const labels = z
  .record(
    z
      .string()
      .regex(/^[a-zA-Z_][a-zA-Z0-9_]*$/, 'is not a valid label name')
      .max(128),
    z.string().max(4096, 'is longer than 4096 characters'),
  )
  .refine((l) => Object.keys(l).length <= 100, { message: 'has more than 100 labels' });
const annotations = z
  .record(z.string().max(256), z.string().max(65_536, 'is longer than 64 KiB'))
  .refine((a) => Object.keys(a).length <= 100, { message: 'has more than 100 annotations' });

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), {
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
