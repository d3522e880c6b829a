import { z } from 'zod';
import type { Alert } from '../../../shared/alert.ts';
import type { AlertmanagerSource } from '../../../shared/alertmanager.ts';
import { canonicalTime } from '../intake/normalize.ts';
import type { AmConnection } from './connection.ts';
import type { HttpReply } from './http.ts';

const timestamp = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an RFC 3339 timestamp');
const ids = z
  .array(z.string())
  .nullish()
  .transform((v) => v ?? []);

/** `gettableAlert` of Alertmanager's API v2 (PROTOCOLS §1.6); unknown fields are ignored. */
const GettableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z
    .record(z.string(), z.string())
    .nullish()
    .transform((v) => v ?? {}),
  startsAt: timestamp,
  endsAt: timestamp.nullish(),
  fingerprint: z.string().regex(/^[0-9a-f]{1,64}$/, 'must be lowercase hex'),
  generatorURL: z
    .string()
    .nullish()
    .transform((v) => v ?? ''),
  receivers: z
    .array(z.object({ name: z.string() }))
    .nullish()
    .transform((v) => v ?? []),
  status: z.object({
    state: z.enum(['unprocessed', 'active', 'suppressed']),
    silencedBy: ids,
    inhibitedBy: ids,
  }),
});

/** An alert as one source lists it, with what Alertmanager says about its state. */
export interface ListedAlert {
  key: string;
  alert: Alert;
  state: 'unprocessed' | 'active' | 'suppressed';
  silenced: boolean;
  inhibited: boolean;
}

export interface AlertList {
  alerts: ListedAlert[];
  /** Entries that were not alerts; when there are any the list cannot say what disappeared. */
  invalid: number;
  firstProblem: string | null;
}

export const alertKey = (a: { fingerprint: string; startsAt: string }) => `${a.fingerprint}@${a.startsAt}`;

/**
 * The query for `/api/v2/alerts`. Every state is asked for (active, silenced, inhibited): an alert
 * silenced after it became an incident — by our own ack, typically — is still firing and must not
 * read as resolved. The source's state filters are applied here instead (see eligible()).
 */
export function alertsPath(source: Pick<AlertmanagerSource, 'filter' | 'receiver'>): string {
  const q = new URLSearchParams();
  for (const f of source.filter) q.append('filter', f);
  if (source.receiver) q.set('receiver', source.receiver);
  const s = q.toString();
  return `/api/v2/alerts${s ? `?${s}` : ''}`;
}

/** Whether a listed alert becomes an incident under the source's filters (active / silenced / inhibited). */
export function eligible(
  a: ListedAlert,
  f: Pick<AlertmanagerSource, 'active' | 'silenced' | 'inhibited'>,
): boolean {
  if (a.silenced && !f.silenced) return false;
  if (a.inhibited && !f.inhibited) return false;
  if (!a.silenced && !a.inhibited && !f.active) return false;
  return true;
}

/** A reply that is not a JSON answer from Alertmanager, said so that the user can tell what they hit. */
export class BadAnswer extends Error {}

export function parseJsonReply(reply: HttpReply, what: string): unknown {
  if (reply.status < 200 || reply.status > 299) {
    const detail = reply.text.trim().slice(0, 200).replace(/\s+/g, ' ');
    const hint =
      reply.status === 401 || reply.status === 403
        ? ': check the credentials (bearer token or basic auth) of this source'
        : reply.status === 404
          ? ': is this the Alertmanager API (…/api/v2)? check the URL and any path prefix'
          : reply.status === 410
            ? ': this path is gone; Oncall Scout needs the API v2'
            : '';
    throw new BadAnswer(`${what} answered HTTP ${reply.status}${detail ? ` (${detail})` : ''}${hint}`);
  }
  try {
    return JSON.parse(reply.text);
  } catch {
    const start = reply.text.trim().slice(0, 80).replace(/\s+/g, ' ');
    throw new BadAnswer(
      `${what} did not answer JSON (${reply.contentType || 'no content type'}${start ? `: "${start}"` : ', empty body'}): is this the Alertmanager API?`,
    );
  }
}

/** Parses `/api/v2/alerts`: a non-array is a bad answer; single bad entries are counted and skipped. */
export function parseAlertList(body: unknown, externalURL: string, now: Date): AlertList {
  if (!Array.isArray(body))
    throw new BadAnswer(
      `the answer is not a list of alerts (got ${body === null ? 'null' : typeof body}): is this the Alertmanager API v2?`,
    );
  const alerts: ListedAlert[] = [];
  let invalid = 0;
  let firstProblem: string | null = null;
  for (const [i, raw] of body.entries()) {
    const r = GettableAlert.safeParse(raw);
    if (!r.success) {
      invalid++;
      const issue = r.error.issues[0];
      firstProblem ??= `alert ${i}: ${issue?.path.join('.') || 'entry'}: ${issue?.message}`;
      continue;
    }
    const a = r.data;
    const startsAt = canonicalTime(a.startsAt);
    const endsAt = a.endsAt ? Date.parse(a.endsAt) : Number.NaN;
    // The API lists no resolved alert, but a clock ahead of Alertmanager's can see one end.
    const ended = Number.isFinite(endsAt) && endsAt <= now.getTime() && new Date(endsAt).getUTCFullYear() > 1;
    const alert: Alert = {
      fingerprint: a.fingerprint,
      status: ended ? 'resolved' : 'firing',
      labels: a.labels,
      annotations: a.annotations,
      startsAt,
      // The API's endsAt of a firing alert is only Alertmanager's projection (now + resolve_timeout).
      endsAt: ended ? new Date(endsAt).toISOString() : null,
      generatorURL: a.generatorURL,
      externalURL,
      receiver: a.receivers[0]?.name ?? '',
      groupKey: '',
    };
    alerts.push({
      key: alertKey(alert),
      alert,
      state: a.status.state,
      silenced: a.status.silencedBy.length > 0,
      inhibited: a.status.inhibitedBy.length > 0,
    });
  }
  return { alerts, invalid, firstProblem };
}

/** Alertmanager's version and start time (`/api/v2/status`), to tell a restarted Alertmanager. */
export async function readAmStatus(
  conn: AmConnection,
): Promise<{ version: string | null; startedAt: number | null }> {
  const body = parseJsonReply(await conn.request('/api/v2/status'), conn.target) as {
    uptime?: unknown;
    versionInfo?: { version?: unknown };
  };
  const started = typeof body?.uptime === 'string' ? Date.parse(body.uptime) : Number.NaN;
  const version = body?.versionInfo?.version;
  return {
    version: typeof version === 'string' ? version : null,
    startedAt: Number.isFinite(started) ? started : null,
  };
}
