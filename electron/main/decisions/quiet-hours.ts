import type { QuietHours } from '../../../shared/settings.ts';

const minutes = (hhmm: string) => {
  const [h = 0, m = 0] = hhmm.split(':').map(Number);
  return h * 60 + m;
};

/** Whether `now` (local time) falls in the quiet hours; a window like 22:00–08:00 spans midnight. */
export function inQuietHours(now: Date, q: QuietHours): boolean {
  if (!q.enabled) return false;
  const start = minutes(q.start);
  const end = minutes(q.end);
  const t = now.getHours() * 60 + now.getMinutes();
  if (start === end) return false;
  return start < end ? t >= start && t < end : t >= start || t < end;
}

/**
 * "Pause until morning": the next time the clock shows the end of the quiet hours (08:00 when quiet
 * hours are not set), at least a minute away.
 */
export function nextMorning(now: Date, q: QuietHours): Date {
  const at = minutes(q.enabled ? q.end : '08:00');
  const d = new Date(now);
  d.setHours(Math.floor(at / 60), at % 60, 0, 0);
  if (d.getTime() <= now.getTime() + 60_000) d.setDate(d.getDate() + 1);
  return d;
}
