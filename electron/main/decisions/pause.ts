import type { QuietHours } from '../../../shared/settings.ts';
import { nextMorning } from './quiet-hours.ts';

/** When a pause chosen in the tray menu ends. */
export function pauseUntil(option: '1h' | 'morning', now: Date, quiet: QuietHours): number {
  return option === '1h' ? now.getTime() + 3_600_000 : nextMorning(now, quiet).getTime();
}

/** The pause still in force, or null once it has run out. */
export function activePause(pausedUntil: number | null, now: number): number | null {
  return pausedUntil !== null && now < pausedUntil ? pausedUntil : null;
}
