import path from 'node:path';
import { BrowserWindow, shell, type WebContents } from 'electron';
import type { WindowState } from './decisions/window-bounds.ts';

/** Options the security test reads: any weakening of these fails it. */
export function windowOptions(
  preload: string,
  bounds?: WindowState | null,
): Electron.BrowserWindowConstructorOptions {
  return {
    width: bounds?.width ?? 1280,
    height: bounds?.height ?? 820,
    ...(bounds ? { x: bounds.x, y: bounds.y } : {}),
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Oncall Scout',
    backgroundColor: '#0f1419',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

export function isSafeExternal(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * The renderer never navigates and never opens windows: links go to the system browser, and only
 * http(s) ones; permission requests (camera, notifications from the page, …) are all refused.
 */
export function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternal(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (e) => e.preventDefault());
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
}

export interface WindowHooks {
  bounds?: WindowState | null;
  /** Whether closing means quitting (app is quitting) rather than hiding to the tray. */
  quitting(): boolean;
}

export function createMainWindow(
  outDir: string,
  hooks: WindowHooks = { quitting: () => true },
): BrowserWindow {
  const win = new BrowserWindow(windowOptions(path.join(outDir, 'preload', 'index.cjs'), hooks.bounds));
  lockDown(win.webContents);
  win.once('ready-to-show', () => {
    if (hooks.bounds?.maximized) win.maximize();
    win.show();
  });
  // Closing the window hides it to the tray: the app keeps watching alerts.
  win.on('close', (e) => {
    if (hooks.quitting()) return;
    e.preventDefault();
    win.hide();
  });
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  if (devUrl) void win.loadURL(devUrl);
  else void win.loadFile(path.join(outDir, 'renderer', 'index.html'));
  return win;
}
