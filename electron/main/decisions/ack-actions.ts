import type { IncidentSummary } from '../../../shared/incident.ts';
import type { Batch } from './coalesce.ts';
import type { NotifyItem } from './notify-policy.ts';
import type { NotifyLanguage } from './notify-text.ts';

/** How long "acknowledge and silence" silences, from the notification or the tray (the UI offers a choice). */
export const QUICK_SILENCE_MINUTES = 60;

/** What an ack from the notification or the tray asks of the API (ackIncident). */
export interface AckRequest {
  id: number;
  silenceMinutes?: number;
}

const TEXT = {
  en: {
    ack: 'Acknowledge',
    ackSilence: 'Acknowledge and silence 1 h',
    section: 'Acknowledge',
    notSilencedTitle: 'Acknowledged, but not silenced',
    failedTitle: 'Could not acknowledge',
  },
  zh: {
    ack: '确认',
    ackSilence: '确认并静默 1 小时',
    section: '确认',
    notSilencedTitle: '已确认，但未静默',
    failedTitle: '无法确认',
  },
} as const;

export const ackTexts = (lang: NotifyLanguage) => TEXT[lang];

/**
 * The notification's buttons (where the platform shows them): only when it is about one incident that
 * is firing and not acknowledged — a coalesced notification stands for many and opens the list instead.
 */
export function notificationAcks(
  batch: Batch<NotifyItem>,
  lang: NotifyLanguage,
): { texts: string[]; requests: AckRequest[] } {
  const i = batch.first.incident;
  if (batch.more > 0 || i.status !== 'firing' || i.ackedAt) return { texts: [], requests: [] };
  const t = TEXT[lang];
  return {
    texts: [t.ack, t.ackSilence],
    requests: [{ id: i.id }, { id: i.id, silenceMinutes: QUICK_SILENCE_MINUTES }],
  };
}

/** The tray's "Acknowledge" entries: firing, unacknowledged incidents, most severe then newest, at most five. */
export function trayAcks(
  incidents: IncidentSummary[],
  lang: NotifyLanguage,
): Array<{
  label: string;
  ack: AckRequest;
  ackSilence: AckRequest;
  ackText: string;
  ackSilenceText: string;
}> {
  const rank = { critical: 0, warning: 1, info: 2, none: 3 } as const;
  const t = TEXT[lang];
  return incidents
    .filter((i) => i.status === 'firing' && !i.ackedAt)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || b.receivedAt.localeCompare(a.receivedAt))
    .slice(0, 5)
    .map((i) => ({
      label: `${i.alertname} — ${i.target}`.slice(0, 80),
      ack: { id: i.id },
      ackSilence: { id: i.id, silenceMinutes: QUICK_SILENCE_MINUTES },
      ackText: t.ack,
      ackSilenceText: t.ackSilence,
    }));
}
