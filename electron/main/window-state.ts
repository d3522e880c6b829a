import fs from 'node:fs';
import path from 'node:path';
import { type BrowserWindow, screen } from 'electron';
import { restoreBounds, type WindowState } from './decisions/window-bounds.ts';

const file = (dataDir: string) => path.join(dataDir, 'window-state.json');

/** The bounds to open with, if the saved ones still fit a connected display. */
export function loadWindowState(dataDir: string): WindowState | null {
  try {
    const saved = JSON.parse(fs.readFileSync(file(dataDir), 'utf8'));
    return restoreBounds(
      saved,
      screen.getAllDisplays().map((d) => d.workArea),
    );
  } catch {
    return null;
  }
}

/** Saves bounds when the user stops moving or resizing (debounced), and once more on close. */
export function trackWindowState(win: BrowserWindow, dataDir: string): void {
  let timer: NodeJS.Timeout | undefined;
  const save = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    const b = win.getNormalBounds();
    const state: WindowState = { ...b, maximized: win.isMaximized() };
    try {
      fs.writeFileSync(file(dataDir), JSON.stringify(state));
    } catch {
      // a read-only data dir costs only the remembered position
    }
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(save, 500);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e as 'resize', later);
  win.on('close', save);
}
