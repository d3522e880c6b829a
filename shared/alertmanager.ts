import { z } from 'zod';

/**
 * Alertmanagers the engine pulls alerts from (pull mode) and silences alerts in (ack): one schema for
 * the config file, the flags and Settings. A source is reached either at a URL or as a Kubernetes
 * Service through the API server's service proxy with the user's kubeconfig (no port-forward).
 */

const httpUrl = z
  .string()
  .max(2048)
  .refine((s) => /^https?:\/\/[^\s/]+/i.test(s) && URL.canParse(s), {
    message: 'must be an http:// or https:// URL',
  });

/** The API server's proxy path format: `namespace/[https:]name[:port]` (port name or number). */
export const SERVICE_REF =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/((https?):)?([a-z0-9]([-a-z0-9]*[a-z0-9])?)(:([\w-]{1,63}))?$/;

export interface ServiceRef {
  namespace: string;
  scheme?: 'http' | 'https';
  name: string;
  port?: string;
}

export function parseServiceRef(ref: string): ServiceRef | null {
  const m = SERVICE_REF.exec(ref);
  if (!m) return null;
  return {
    namespace: m[1]!,
    ...(m[4] ? { scheme: m[4] as 'http' | 'https' } : {}),
    name: m[5]!,
    ...(m[8] ? { port: m[8] } : {}),
  };
}

/** The fields of a source; AlertmanagerSource adds the rule that it has a URL or a service. */
export const AlertmanagerSourceFields = z
  .object({
    /** Shown in the UI and recorded with each alert as `pull:<name>`; default: the host or the service. */
    name: z
      .string()
      .regex(/^[\w.:/@-]{1,100}$/, 'must be 1-100 letters, digits or . : / @ _ -')
      .optional(),
    url: httpUrl.optional(),
    /** `namespace/service:port`, e.g. `monitoring/alertmanager-main:web`, reached through the API server. */
    service: z
      .string()
      .regex(SERVICE_REF, 'must be namespace/service:port, e.g. monitoring/alertmanager-main:web')
      .optional(),
    /** The kubeconfig context for a service source; default: the engine's context. */
    context: z.string().max(253).optional(),
    bearerToken: z.string().max(8192).optional(),
    basicAuth: z
      .object({ username: z.string().max(256), password: z.string().max(4096) })
      .strict()
      .optional(),
    /** Which alerts become incidents (Alertmanager's own API filters): active, silenced, inhibited. */
    active: z.boolean().default(true),
    silenced: z.boolean().default(false),
    inhibited: z.boolean().default(false),
    /** Label matchers passed to the API's `filter`, e.g. `severity=~"critical|warning"`. */
    filter: z.array(z.string().min(1).max(1024)).max(50).default([]),
    /** Only alerts routed to receivers matching this regex. */
    receiver: z.string().max(1024).optional(),
    intervalSeconds: z.number().int().min(1).max(3600).default(15),
    timeoutSeconds: z.number().int().min(1).max(300).default(10),
    /** After Alertmanager (re)starts, alerts missing from its list are not taken as resolved for this long. */
    restartGraceSeconds: z.number().int().min(0).max(3600).default(90),
  })
  .strict();

export function oneTarget(s: { url?: string | null; service?: string | null }, ctx: z.RefinementCtx): void {
  if (Boolean(s.url) === Boolean(s.service))
    ctx.addIssue({ code: 'custom', message: 'give either "url" or "service" (namespace/service:port)' });
}

export const AlertmanagerSource = AlertmanagerSourceFields.superRefine(oneTarget);
export type AlertmanagerSource = z.infer<typeof AlertmanagerSource>;
export type AlertmanagerSourceInput = z.input<typeof AlertmanagerSource>;

/** The name a source is known by: its own, else the URL's host, else the service reference. */
export function sourceName(s: { name?: string; url?: string; service?: string }): string {
  if (s.name) return s.name;
  if (s.url) return new URL(s.url).host;
  return s.service ?? 'alertmanager';
}

/** What a source is doing, for the UI and `GET /api/status`. */
export const SourceStatus = z.object({
  name: z.string(),
  /** The URL (without credentials) or `namespace/service:port via <API server>`. */
  target: z.string(),
  kind: z.enum(['url', 'service']),
  /** starting: no poll finished yet; ok: the last poll worked; failing: it did not (see lastError). */
  state: z.enum(['starting', 'ok', 'failing']),
  lastPollAt: z.string().nullable(),
  lastSuccessAt: z.string().nullable(),
  /** What went wrong last, and what to do about it. */
  lastError: z.string().nullable(),
  /** Consecutive failed polls; the next one waits intervalSeconds × 2^failures (at most 5 min). */
  failures: z.number().int(),
  nextPollAt: z.string().nullable(),
  backoffMs: z.number().int().nullable(),
  /** Alerts the source lists (any state), and those of them that become incidents under its filters. */
  alerts: z.number().int(),
  firing: z.number().int(),
  version: z.string().nullable(),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

/** A silence created when an incident was acknowledged. */
export const SilenceInfo = z.object({
  id: z.string(),
  /** The Alertmanager's API base (no credentials). */
  alertmanager: z.string(),
  /** The configured source it went through, if any. */
  source: z.string().nullable(),
  createdBy: z.string(),
  startsAt: z.string(),
  endsAt: z.string(),
  expiredAt: z.string().nullable(),
});
export type SilenceInfo = z.infer<typeof SilenceInfo>;

/** A secret as Settings shows it: whether it is set, and its last characters. */
const SecretShown = z.object({ set: z.boolean(), hint: z.string().nullable() });

/** A source as Settings shows it: credentials never come back. */
export const AlertmanagerSourceView = AlertmanagerSourceFields.omit({
  bearerToken: true,
  basicAuth: true,
}).extend({
  name: z.string(),
  bearerToken: SecretShown,
  basicAuth: z.object({ username: z.string(), password: SecretShown }).nullable(),
});
export type AlertmanagerSourceView = z.infer<typeof AlertmanagerSourceView>;

/**
 * A source as Settings saves it. Credentials: absent keeps the saved one (matched by name), null or
 * '' removes it, a value replaces it.
 */
export const AlertmanagerSourcePatch = AlertmanagerSourceFields.omit({ bearerToken: true, basicAuth: true })
  .extend({
    bearerToken: z.string().max(8192).nullable().optional(),
    basicAuth: z
      .object({ username: z.string().max(256), password: z.string().max(4096).nullable().optional() })
      .strict()
      .nullable()
      .optional(),
  })
  .superRefine(oneTarget);
export type AlertmanagerSourcePatch = z.input<typeof AlertmanagerSourcePatch>;
