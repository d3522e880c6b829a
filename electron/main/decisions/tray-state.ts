export type TrayStateName = 'firing' | 'analyzing' | 'paused' | 'ok';

export interface TrayInput {
  /** Firing incidents nobody has acknowledged yet. */
  unacknowledged: number;
  /** Firing incidents still being collected or diagnosed. */
  analyzing: number;
  paused: boolean;
}

/** The tray's states, most urgent first: the first whose condition holds is shown (freelens style). */
export const TRAY_STATES: ReadonlyArray<{ name: TrayStateName; when: (c: TrayInput) => boolean }> = [
  { name: 'firing', when: (c) => c.unacknowledged > 0 },
  { name: 'analyzing', when: (c) => c.analyzing > 0 },
  { name: 'paused', when: (c) => c.paused },
  { name: 'ok', when: () => true },
];

export interface TrayView {
  state: TrayStateName;
  /** Text beside the icon where the platform shows one (macOS menu bar); '' hides it. */
  title: string;
  /** Badge count (dock, launcher). */
  badge: number;
}

export function trayView(c: TrayInput): TrayView {
  const state = TRAY_STATES.find((s) => s.when(c))!.name;
  const count = state === 'firing' ? c.unacknowledged : 0;
  return { state, title: count ? String(count) : '', badge: count };
}
