import path from 'node:path';
import { app, Menu, nativeImage, Tray } from 'electron';
import type { TrayView } from './decisions/tray-state.ts';

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
    update(view: TrayView, labels: TrayLabels, paused: boolean) {
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
