import type { Alert } from '../../../shared/alert.ts';
import { parseJsonReply } from './alerts.ts';
import type { AmConnection } from './connection.ts';

export interface SilenceRequest {
  minutes: number;
  createdBy: string;
  comment: string;
  now: Date;
}

/**
 * Matchers that select exactly this alert: every label, matched exactly. Alertmanager drops empty label
 * values from alerts, so an empty one would only make the silence match nothing.
 */
export function silenceMatchers(alert: Pick<Alert, 'labels'>) {
  return Object.entries(alert.labels)
    .filter(([, value]) => value !== '')
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value, isRegex: false, isEqual: true }));
}

/** `POST /api/v2/silences` (PROTOCOLS §1.6); returns the silence's id and its time span. */
export async function createSilence(
  conn: AmConnection,
  alert: Pick<Alert, 'labels'>,
  r: SilenceRequest,
): Promise<{ id: string; startsAt: string; endsAt: string }> {
  const matchers = silenceMatchers(alert);
  if (!matchers.length) throw new Error('the alert has no labels to silence it by');
  const startsAt = r.now.toISOString();
  const endsAt = new Date(r.now.getTime() + r.minutes * 60_000).toISOString();
  const reply = await conn.request('/api/v2/silences', {
    method: 'POST',
    body: { matchers, startsAt, endsAt, createdBy: r.createdBy, comment: r.comment },
  });
  const body = parseJsonReply(reply, `${conn.target} (creating the silence)`) as { silenceID?: unknown };
  if (typeof body?.silenceID !== 'string' || !body.silenceID)
    throw new Error(`${conn.target} accepted the silence but sent no silenceID`);
  return { id: body.silenceID, startsAt, endsAt };
}

/**
 * `DELETE /api/v2/silence/{id}`. A silence that is already gone (404) or expired (Alertmanager answers
 * 500 "already expired") counts as expired: the goal is reached either way.
 */
export async function expireSilence(conn: AmConnection, id: string): Promise<void> {
  const reply = await conn.request(`/api/v2/silence/${encodeURIComponent(id)}`, { method: 'DELETE' });
  if (reply.status >= 200 && reply.status < 300) return;
  if (reply.status === 404 || /already expired/i.test(reply.text)) return;
  parseJsonReply(reply, `${conn.target} (expiring silence ${id})`);
}
