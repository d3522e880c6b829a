import os from 'node:os';
import type { SilenceInfo } from '../../../shared/alertmanager.ts';
import type { IncidentDetail } from '../../../shared/incident.ts';
import type { Sources } from '../intake/sources.ts';
import type { AlertmanagerStore } from '../store/alertmanager.ts';
import { alertKey } from './alerts.ts';
import { type AmConnection, displayUrl, urlConnection } from './connection.ts';
import { createSilence, expireSilence } from './silences.ts';

export interface SilenceDeps {
  sources: Sources;
  store: AlertmanagerStore;
  now(): Date;
}

/** Who acknowledges when the caller does not say: the person logged in on this machine. */
export function localUser(): string {
  try {
    return os.userInfo().username || 'oncall-scout';
  } catch {
    return 'oncall-scout';
  }
}

/** The silence's comment: who took it, and the diagnosis, so the team sees both in Alertmanager. */
export function silenceComment(d: IncidentDetail, by: string, comment?: string): string {
  if (comment?.trim()) return comment.trim();
  const diagnosis = d.category
    ? `${d.category}${d.confidence !== null ? ` (${d.confidence}%)` : ''}${d.summary ? `: ${d.summary}` : ''}`
    : 'not diagnosed yet';
  return `Acknowledged in Oncall Scout by ${by} — ${d.alertname} on ${d.target}. Diagnosis: ${diagnosis}`.slice(
    0,
    1000,
  );
}

const httpish = (u: string) => /^https?:\/\//i.test(u) && URL.canParse(u);

/**
 * Where the alert can be silenced, best first: the sources that list it now, those that listed it
 * before, the Alertmanager that sent the webhook (its externalURL — through a configured source with
 * the same address, so its credentials apply), then any other configured source.
 */
export function silenceCandidates(d: IncidentDetail, deps: SilenceDeps): AmConnection[] {
  const out: AmConnection[] = [];
  const add = (c: AmConnection | undefined) => {
    if (c && !out.some((o) => o.target === c.target && o.source === c.source)) out.push(c);
  };
  const all = deps.sources.connectionsFor(alertKey(d.alert));
  for (const c of all) if (deps.sources.status().find((s) => s.name === c.source)?.state === 'ok') add(c);
  for (const src of deps.store.listedBy(d.id)) add(deps.sources.connection(src.replace(/^pull:/, '')));
  const ext = d.alert.externalURL;
  if (ext && httpish(ext)) {
    const base = displayUrl(ext);
    add(all.find((c) => c.kind === 'url' && c.target === base) ?? urlConnection(ext, { timeoutMs: 5_000 }));
  }
  for (const c of all) add(c);
  return out;
}

/**
 * Creates a silence for the incident's alert in the first Alertmanager that answers. Returns the
 * silence, or why there is none — the acknowledgement stands either way.
 */
export async function silenceIncident(
  d: IncidentDetail,
  o: { minutes: number; by: string; comment?: string },
  deps: SilenceDeps,
): Promise<{ silence: SilenceInfo | null; error: string | null }> {
  const candidates = silenceCandidates(d, deps);
  if (!candidates.length) {
    return {
      silence: null,
      error:
        'acknowledged, but not silenced: no Alertmanager is known for this incident (it came by webhook without an externalURL, and no Alertmanager source is configured) — add one in Settings → Alertmanagers or with --alertmanager URL',
    };
  }
  const tried: string[] = [];
  for (const conn of candidates) {
    try {
      const now = deps.now();
      const s = await createSilence(conn, d.alert, {
        minutes: o.minutes,
        createdBy: o.by,
        comment: silenceComment(d, o.by, o.comment),
        now,
      });
      const silence: SilenceInfo = {
        id: s.id,
        alertmanager: conn.target,
        source: conn.source,
        createdBy: o.by,
        startsAt: s.startsAt,
        endsAt: s.endsAt,
        expiredAt: null,
      };
      deps.store.add(d.id, silence, now.toISOString());
      return { silence, error: null };
    } catch (err) {
      tried.push(`${conn.target}: ${(err as Error).message}`);
    }
  }
  return {
    silence: null,
    error: `acknowledged, but not silenced: no Alertmanager took the silence (${tried.join('; ')}) — check the Alertmanager settings, or silence it in Alertmanager`,
  };
}

/** Expires the incident's active silence, in the Alertmanager that holds it. Throws with what to do. */
export async function expireIncidentSilence(incidentId: number, deps: SilenceDeps): Promise<void> {
  const s = deps.store.latest(incidentId);
  if (!s || s.expiredAt) return;
  const conn =
    (s.source ? deps.sources.connection(s.source) : undefined) ??
    (httpish(s.alertmanager) ? urlConnection(s.alertmanager) : undefined);
  if (!conn)
    throw new Error(
      `silence ${s.id} was made through the source "${s.source}", which is no longer configured: add it back, or expire the silence in Alertmanager`,
    );
  try {
    await expireSilence(conn, s.id);
  } catch (err) {
    throw new Error(
      `could not expire silence ${s.id} in ${s.alertmanager}: ${(err as Error).message}. The incident stays acknowledged; try again, or expire the silence in Alertmanager`,
    );
  }
  deps.store.expired(s.rowId, deps.now().toISOString());
}
