import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../../../electron/engine/events.ts';
import { UI_CSP } from '../../../electron/engine/http/static.ts';
import type { ApiImpl } from '../../../shared/api.ts';
import { ROOT } from '../../helpers/cli-process.ts';

/**
 * Electron's security checklist, read off the real code with a small hand-written `electron` (the
 * binary cannot run here): window options, navigation, window.open, permissions, IPC senders and
 * arguments, and the renderer's Content-Security-Policy.
 */
const fake = vi.hoisted(() => {
  type Handler = (...args: unknown[]) => unknown;
  class FakeContents {
    id: number;
    handlers = new Map<string, Handler[]>();
    windowOpen?: (d: { url: string }) => { action: string };
    permission?: (wc: unknown, p: string, cb: (ok: boolean) => void) => void;
    sent: unknown[][] = [];
    session = { setPermissionRequestHandler: (fn: FakeContents['permission']) => (this.permission = fn) };
    constructor(id: number) {
      this.id = id;
    }
    on(e: string, fn: Handler) {
      this.handlers.set(e, [...(this.handlers.get(e) ?? []), fn]);
    }
    setWindowOpenHandler(fn: FakeContents['windowOpen']) {
      this.windowOpen = fn;
    }
    send(...args: unknown[]) {
      this.sent.push(args);
    }
    emit(e: string, ...args: unknown[]) {
      for (const fn of this.handlers.get(e) ?? []) fn(...args);
    }
  }
  let nextId = 1;
  class FakeWindow {
    static created: FakeWindow[] = [];
    webContents = new FakeContents(nextId++);
    handlers = new Map<string, Handler[]>();
    loaded: string | null = null;
    hidden = false;
    constructor(readonly options: Record<string, unknown>) {
      FakeWindow.created.push(this);
    }
    on(e: string, fn: Handler) {
      this.handlers.set(e, [...(this.handlers.get(e) ?? []), fn]);
    }
    once(e: string, fn: Handler) {
      this.on(e, fn);
    }
    emit(e: string, ...args: unknown[]) {
      for (const fn of this.handlers.get(e) ?? []) fn(...args);
    }
    loadFile(f: string) {
      this.loaded = f;
      return Promise.resolve();
    }
    loadURL(u: string) {
      this.loaded = u;
      return Promise.resolve();
    }
    hide() {
      this.hidden = true;
    }
    show() {}
    maximize() {}
    isDestroyed() {
      return false;
    }
  }
  const ipcHandlers = new Map<string, Handler>();
  return {
    FakeWindow,
    FakeContents,
    ipcHandlers,
    opened: [] as string[],
    module: {
      BrowserWindow: FakeWindow,
      shell: {
        openExternal: async (url: string) => {
          fake.opened.push(url);
        },
      },
      ipcMain: {
        handle: (ch: string, fn: Handler) => ipcHandlers.set(ch, fn),
        removeHandler: (ch: string) => ipcHandlers.delete(ch),
      },
    },
  };
});
vi.mock('electron', () => ({ ...fake.module, default: fake.module }));

const { createMainWindow, windowOptions, isSafeExternal } = await import('../../../electron/main/window.ts');
const { registerIpc } = await import('../../../electron/main/ipc.ts');

beforeEach(() => {
  fake.FakeWindow.created.length = 0;
  fake.opened.length = 0;
});

describe('BrowserWindow', () => {
  it('keeps every security option of the checklist', () => {
    const o = windowOptions('/x/preload/index.cjs');
    expect(o.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
    });
    // Nothing else may sneak in (e.g. enableBlinkFeatures, disableBlinkFeatures, additionalArguments).
    expect(Object.keys(o.webPreferences!).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
    // The sandboxed preload is the CommonJS build.
    expect(o.webPreferences!.preload).toMatch(/index\.cjs$/);
  });

  it('the real window uses those options, blocks navigation and window.open, denies permissions', () => {
    const win = createMainWindow('/app/out', { quitting: () => false }) as unknown as InstanceType<
      typeof fake.FakeWindow
    >;
    expect(win.options).toEqual(windowOptions('/app/out/preload/index.cjs', undefined));
    expect(win.loaded).toBe(path.join('/app/out', 'renderer', 'index.html'));
    const wc = win.webContents;
    for (const e of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const ev = {
        prevented: false,
        preventDefault() {
          this.prevented = true;
        },
      };
      wc.emit(e, ev);
      expect(ev.prevented, e).toBe(true);
    }
    expect(wc.windowOpen!({ url: 'https://runbooks.example.com/x' })).toEqual({ action: 'deny' });
    expect(wc.windowOpen!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(wc.windowOpen!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(fake.opened).toEqual(['https://runbooks.example.com/x']);
    let granted: boolean | undefined;
    wc.permission!(wc, 'media', (ok) => (granted = ok));
    expect(granted).toBe(false);
    // Closing hides to the tray unless the app is quitting.
    const close = {
      prevented: false,
      preventDefault() {
        this.prevented = true;
      },
    };
    win.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(win.hidden).toBe(true);
  });

  it('opens only http(s) externally', () => {
    expect(isSafeExternal('http://am:9093/#/alerts')).toBe(true);
    expect(isSafeExternal('https://x')).toBe(true);
    for (const u of [
      'javascript:alert(1)',
      'file:///etc/passwd',
      'smb://host/share',
      'data:text/html,x',
      'nonsense',
    ])
      expect(isSafeExternal(u), u).toBe(false);
  });
});

describe('IPC', () => {
  it('drops messages from foreign senders and validates every argument with zod', async () => {
    const calls: unknown[] = [];
    const impl = new Proxy(
      {},
      {
        get: (_t, name) => async (input: unknown) => {
          calls.push([name, input]);
          return { ok: 1 };
        },
      },
    ) as ApiImpl;
    const win = new fake.FakeWindow({});
    const off = registerIpc(impl, new EventBus(), () => [win as never]);
    const ack = fake.ipcHandlers.get('api:ackIncident')!;
    expect(await ack({ sender: { id: 999 } }, { id: 1 })).toEqual({ ok: false, error: 'unknown sender' });
    expect(await ack({ sender: win.webContents }, { id: 'x' })).toMatchObject({ ok: false, field: 'id' });
    const bad = (await fake.ipcHandlers.get('api:updateSettings')!(
      { sender: win.webContents },
      { ollamaHost: 'ftp://x' },
    )) as { error: string };
    expect(bad.error).toMatch(/^ollamaHost: /);
    expect(
      await fake.ipcHandlers.get('api:updateSettings')!({ sender: win.webContents }, { evil: 1 }),
    ).toMatchObject({ ok: false });
    expect(calls).toEqual([]);
    expect(await ack({ sender: win.webContents }, { id: '5' })).toEqual({ ok: true, value: { ok: 1 } });
    expect(calls).toEqual([['ackIncident', { id: 5 }]]);
    off();
    expect(fake.ipcHandlers.size).toBe(0);
  });
});

describe('Content-Security-Policy', () => {
  const html = fs.readFileSync(path.join(ROOT, 'renderer', 'index.html'), 'utf8');
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
  const directives = (csp: string) =>
    Object.fromEntries(
      csp
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .filter((p) => p[0])
        .map(([name, ...values]) => [name!, values]),
    );

  it('is strict in renderer/index.html: no inline or eval script, no plugins, no base or form tricks', () => {
    const d = directives(meta);
    expect(d['default-src']).toEqual(["'none'"]);
    expect(d['script-src']).toEqual(["'self'"]);
    expect(d['style-src']).toEqual(["'self'"]);
    expect(d['object-src']).toEqual(["'none'"]);
    expect(d['base-uri']).toEqual(["'none'"]);
    expect(d['form-action']).toEqual(["'none'"]);
    expect(d['frame-src']).toEqual(["'none'"]);
    expect(d['connect-src']).toEqual(["'self'"]);
    expect(meta).not.toMatch(/unsafe-|\*|https?:/);
  });

  it('is the same policy the HTTP server sends with the UI (plus frame-ancestors, header-only)', () => {
    expect(UI_CSP).toBe(`${meta}; frame-ancestors 'none'`);
  });
});
