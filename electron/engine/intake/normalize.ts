import type { Alert, WebhookPayload } from '../../../shared/alert.ts';
import { labelsFingerprint } from './fingerprint.ts';

/** Go's zero time, or anything before year 2, means "not ended" (PROTOCOLS §1.1). */
export function endTime(raw: string | undefined): string | null {
  if (!raw) return null;
  const t = Date.parse(raw);
  if (Number.isNaN(t) || new Date(t).getUTCFullYear() < 2) return null;
  return new Date(t).toISOString();
}

/**
 * One canonical form for start times: Alertmanager's webhook sends nanoseconds, its API milliseconds;
 * both must dedupe to the same incident.
 */
export function canonicalTime(raw: string): string {
  return new Date(Date.parse(raw)).toISOString();
}

export function alertsFromPayload(payload: WebhookPayload): Alert[] {
  return payload.alerts.map((a) => ({
    fingerprint: a.fingerprint ?? labelsFingerprint(a.labels),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: canonicalTime(a.startsAt),
    endsAt: endTime(a.endsAt),
    generatorURL: a.generatorURL,
    externalURL: payload.externalURL,
    receiver: unquoteMeta(payload.receiver),
    groupKey: payload.groupKey,
  }));
}

/** The webhook's receiver name is escaped with Go's regexp.QuoteMeta (`k8s\.diag`); show it as named. */
export function unquoteMeta(s: string): string {
  return s.replace(/\\([\\.+*?()|[\]{}^$])/g, '$1');
}
