import path from 'node:path';
import { app, Menu, nativeImage, Tray } from 'electron';
import type { TrayView } from './decisions/tray-state.ts';

/** A firing, unacknowledged incident the menu can acknowledge (decisions/ack-actions.ts). */
export interface TrayAck {
  label: string;
  ackText: string;
  ackSilenceText: string;
  ack(): void;
  ackSilence(): void;
}

export interface TrayActions {
  open(): void;
  pauseFor(option: '1h' | 'morning'): void;
  resume(): void;
  quit(): void;
}

export interface TrayLabels {
  tooltip: string;
  open: string;
  pause1h: string;
  pauseMorning: string;
  resume: string;
  quit: string;
  /** First, disabled line of the menu: what is going on. */
  status: string;
  /** The heading of the "Acknowledge" entries. */
  ackSection: string;
}

/**
 * The tray icon and its menu. Linux may never deliver a tray click, so everything is in the menu; the
 * click (macOS, Windows) only opens the window.
 */
export function createTray(iconDir: string, actions: TrayActions) {
  const icon = (state: TrayView['state']) => {
    const img = nativeImage.createFromPath(path.join(iconDir, `${state}.png`));
    if (process.platform === 'darwin') img.setTemplateImage(false);
    return img;
  };
  const tray = new Tray(icon('ok'));
  tray.on('click', () => actions.open());

  return {
    update(view: TrayView, labels: TrayLabels, paused: boolean, acks: TrayAck[] = []) {
      tray.setImage(icon(view.state));
      tray.setToolTip(labels.tooltip);
      if (process.platform === 'darwin') tray.setTitle(view.title);
      app.setBadgeCount(view.badge);
      tray.setContextMenu(
        Menu.buildFromTemplate([
          { label: labels.status, enabled: false },
          { type: 'separator' },
          { label: labels.open, click: actions.open },
          { type: 'separator' },
          ...(acks.length
            ? [
                { label: labels.ackSection, enabled: false },
                ...acks.map((a) => ({
                  label: a.label,
                  submenu: [
                    { label: a.ackText, click: a.ack },
                    { label: a.ackSilenceText, click: a.ackSilence },
                  ],
                })),
                { type: 'separator' as const },
              ]
            : []),
          paused
            ? { label: labels.resume, click: actions.resume }
            : { label: labels.pause1h, click: () => actions.pauseFor('1h') },
          ...(paused ? [] : [{ label: labels.pauseMorning, click: () => actions.pauseFor('morning') }]),
          { type: 'separator' },
          { label: labels.quit, click: actions.quit },
        ]),
      );
    },
    destroy: () => tray.destroy(),
  };
}
