import { type Severity, severityRank } from '../../../shared/alert.ts';
import type { IncidentSummary } from '../../../shared/incident.ts';
import type { NotificationSettings } from '../../../shared/settings.ts';
import { Coalescer } from './coalesce.ts';
import { inQuietHours } from './quiet-hours.ts';

export type NotifyKind = 'new' | 'diagnosis';

/** One thing worth telling the engineer about. */
export interface NotifyItem {
  kind: NotifyKind;
  incident: IncidentSummary;
}

/**
 * The coalescer of the tray's notifications: in a batch, the most severe incident leads, and a new
 * incident before a finished diagnosis of the same severity.
 */
export function notifyCoalescer(): Coalescer<NotifyItem> {
  return new Coalescer<NotifyItem>((i) => severityRank(i.incident.severity) * 2 + (i.kind === 'new' ? 0 : 1));
}

export type MuteReason = 'disabled' | 'paused' | 'severity' | 'quiet-hours';

/**
 * Why an incident of this severity must stay silent now, or null when it may notify. Pausing from the
 * tray silences everything; quiet hours let critical through, as a page at 3 am must still wake you.
 */
export function muteReason(
  severity: Severity,
  s: NotificationSettings,
  now: Date,
  pausedUntil: number | null,
): MuteReason | null {
  if (!s.enabled) return 'disabled';
  if (pausedUntil !== null && now.getTime() < pausedUntil) return 'paused';
  if (severityRank(severity) > severityRank(s.minSeverity)) return 'severity';
  if (severity !== 'critical' && inQuietHours(now, s.quietHours)) return 'quiet-hours';
  return null;
}

/**
 * Turns the stream of incident updates into notifications: one when an incident first fires, one when
 * its diagnosis is ready. An incident that was already there when the app started (resumed work) gets
 * no diagnosis notification: the engineer was not told about it, so "it is ready" means nothing.
 */
export class NotifyTracker {
  private readonly seen = new Map<number, { diagnosed: boolean }>();

  /** Records the update; returns what to notify (before muting), or null. */
  observe(s: IncidentSummary): NotifyItem | null {
    const known = this.seen.get(s.id);
    if (!known) {
      if (s.status !== 'firing' || s.state !== 'received') return null;
      this.seen.set(s.id, { diagnosed: false });
      return { kind: 'new', incident: s };
    }
    if (!known.diagnosed && s.state === 'ready' && s.status === 'firing' && s.category) {
      known.diagnosed = true;
      return { kind: 'diagnosis', incident: s };
    }
    if (s.status === 'resolved' || s.state === 'cancelled') this.seen.delete(s.id);
    return null;
  }
}
