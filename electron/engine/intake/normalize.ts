import type { Alert, WebhookPayload } from '../../../shared/alert.ts';
import { isoTimestamp } from '../../../shared/alert.ts';
import { labelsFingerprint } from './fingerprint.ts';

/** Go's zero time, or anything before year 2, means "not ended" (PROTOCOLS §1.1). */
export function endTime(raw: string | undefined): string | null {
  if (!raw) return null;
  const iso = isoTimestamp(raw);
  // Years 0 and 1, and any before (toISOString writes them with a sign).
  return iso === null || iso.startsWith('0000-') || iso.startsWith('0001-') || iso.startsWith('-')
    ? null
    : iso;
}

/**
 * One canonical form for start times: Alertmanager's webhook sends nanoseconds, its API milliseconds;
 * both must dedupe to the same incident. The text has been validated as a timestamp.
 */
export function canonicalTime(raw: string): string {
  const iso = isoTimestamp(raw);
  if (iso === null) throw new RangeError(`not a timestamp: ${raw}`);
  return iso;
}

export function alertsFromPayload(payload: WebhookPayload): Alert[] {
  const receiver = unquoteMeta(payload.receiver);
  return payload.alerts.map((a) => ({
    fingerprint: a.fingerprint ?? labelsFingerprint(a.labels),
    status: a.status,
    labels: a.labels,
    annotations: a.annotations,
    startsAt: canonicalTime(a.startsAt),
    endsAt: endTime(a.endsAt),
    generatorURL: a.generatorURL,
    externalURL: payload.externalURL,
    receiver,
    groupKey: payload.groupKey,
  }));
}

/** The webhook's receiver name is escaped with Go's regexp.QuoteMeta (`k8s\.diag`); show it as named. */
export function unquoteMeta(s: string): string {
  return s.replace(/\\([\\.+*?()|[\]{}^$])/g, '$1');
}
