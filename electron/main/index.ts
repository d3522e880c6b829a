import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow, Notification } from 'electron';
import { localUser } from '../engine/alertmanager/ack.ts';
import { defaultDataDir, readConfigFile, resolveConfig } from '../engine/config.ts';
import { createEngine } from '../engine/engine.ts';
import { createServer, listen } from '../engine/server.ts';
import { savedConfig } from '../engine/settings/stored.ts';
import { type AckRequest, ackTexts, trayAcks } from './decisions/ack-actions.ts';
import { approveTexts } from './decisions/approve-action.ts';
import type { NotifyLanguage } from './decisions/notify-text.ts';
import { activePause, pauseUntil } from './decisions/pause.ts';
import { trayView } from './decisions/tray-state.ts';
import { trayLabels } from './decisions/tray-text.ts';
import { registerIpc } from './ipc.ts';
import { setLaunchAtLogin } from './login-item.ts';
import { startNotifier } from './notifier.ts';
import { safeSecretStore } from './secrets.ts';
import { createTray } from './tray.ts';
import { createMainWindow } from './window.ts';
import { loadWindowState, trackWindowState } from './window-state.ts';

/**
 * Electron glue only: the engine is the same one `oncall-scout serve` runs; what to notify, how to
 * coalesce, what the tray shows and where a click leads are decided in ./decisions.
 */

/**
 * better-sqlite3 needs a build for Electron's ABI. `npm start` prepares one under .cache/ so the Node
 * build used by the tests stays untouched; a packaged app carries it in resources/native/.
 */
function nativeBinding(): string | undefined {
  const candidates = app.isPackaged
    ? [path.join(process.resourcesPath, 'native', 'better_sqlite3.node')]
    : [
        path.join(
          app.getAppPath(),
          '.cache',
          'electron-native',
          process.versions.electron ?? '',
          'better_sqlite3.node',
        ),
      ];
  return candidates.find((c) => fs.existsSync(c));
}

function resourcesDir(): string {
  return app.isPackaged ? process.resourcesPath : path.join(app.getAppPath(), 'resources');
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const log = (m: string) => console.error(m);
  const configFile = process.env.ONCALL_SCOUT_CONFIG;
  const dataDir = defaultDataDir();
  const secrets = safeSecretStore(dataDir, log);
  const config = resolveConfig(
    { dataDir },
    configFile ? readConfigFile(configFile) : {},
    { kubeconfig: process.env.KUBECONFIG || undefined, ollamaHost: process.env.OLLAMA_HOST || undefined },
    savedConfig(dataDir, secrets, log),
  );
  const engine = createEngine(config, {
    nativeBinding: nativeBinding(),
    workerEntry: path.join(import.meta.dirname, 'pipeline-worker.js'),
    log,
    secrets,
  });
  const server = createServer(engine);
  try {
    const addr = await listen(server, config.host, config.port);
    console.log(`listening on http://${addr.address}:${addr.port}`);
  } catch (err) {
    // The window still works; only the webhook is unavailable (e.g. `serve` already runs on the port).
    console.error(`webhook not available: ${(err as Error).message}`);
  }
  await engine.pipeline.start();

  const outDir = path.join(import.meta.dirname, '..');
  let quitting = false;
  let paused: number | null = null;
  const language = (): NotifyLanguage => {
    const l = engine.settings.view().language;
    if (l !== 'auto') return l;
    return app.getLocale().toLowerCase().startsWith('zh') ? 'zh' : 'en';
  };

  let win: BrowserWindow | null = null;
  const windowFor = () => {
    if (!win || win.isDestroyed()) {
      win = createMainWindow(outDir, { bounds: loadWindowState(dataDir), quitting: () => quitting });
      trackWindowState(win, dataDir);
    }
    return win;
  };
  const open = (hash?: string) => {
    const w = windowFor();
    if (hash && /^#\/[\w/?=&%.-]*$/.test(hash)) {
      // The route is one of shared/routes.ts's fragments, checked above; the renderer follows hashchange.
      void w.webContents.executeJavaScript(`window.location.hash = ${JSON.stringify(hash)}`);
    }
    if (w.isMinimized()) w.restore();
    w.show();
    w.focus();
  };
  windowFor();
  registerIpc(engine.api, engine.bus, () => BrowserWindow.getAllWindows());

  // Acknowledging from a notification or the tray goes through the same API as the window.
  const keep = new Set<Notification>();
  const tell = (title: string, body: string) => {
    if (!Notification.isSupported()) return;
    const n = new Notification({ title, body });
    keep.add(n);
    n.on('close', () => keep.delete(n));
    n.on('click', () => keep.delete(n));
    n.show();
  };
  const ack = (r: AckRequest) => {
    const t = ackTexts(language());
    engine.api
      .ackIncident({ id: r.id, ...(r.silenceMinutes ? { silenceMinutes: r.silenceMinutes } : {}) })
      .then(
        (res) => {
          if (res.silenceError) tell(t.notSilencedTitle, res.silenceError);
        },
        (err: Error) => tell(t.failedTitle, err.message),
      );
  };

  const tray = createTray(path.join(resourcesDir(), 'tray'), {
    open: () => open(),
    pauseFor: (option) => {
      paused = pauseUntil(option, new Date(), engine.settings.notifications().quietHours);
      refreshTray();
    },
    resume: () => {
      paused = null;
      refreshTray();
    },
    quit: () => {
      quitting = true;
      app.quit();
    },
  });
  const refreshTray = () => {
    paused = activePause(paused, Date.now());
    const counts = { ...engine.queries.firingCounts(), paused: paused !== null };
    const view = trayView(counts);
    const lang = language();
    const acks = trayAcks(engine.queries.list({ status: 'firing', acked: false, limit: 20 }), lang).map(
      (a) => ({
        ...a,
        ack: () => ack(a.ack),
        ackSilence: () => ack(a.ackSilence),
      }),
    );
    tray.update(
      view,
      { ...trayLabels(view, counts, paused, lang), ackSection: ackTexts(lang).section },
      paused !== null,
      acks,
    );
  };
  let trayTimer: NodeJS.Timeout | undefined;
  // Incident events come in bursts; one count query per quarter second is plenty.
  engine.bus.on('incident', () => {
    if (trayTimer) return;
    trayTimer = setTimeout(() => {
      trayTimer = undefined;
      refreshTray();
    }, 250);
  });
  // Also catches a pause running out.
  setInterval(refreshTray, 30_000).unref();
  refreshTray();

  const stopNotifier = startNotifier({
    bus: engine.bus,
    settings: engine.settings,
    language,
    pausedUntil: () => activePause(paused, Date.now()),
    open,
    ack,
    pendingApproval: (id) => engine.queries.detail(id)?.actions.find((a) => a.state === 'pending') ?? null,
    approve: (actionId) => {
      const t = approveTexts(language());
      engine.api.approveAction({ id: actionId, by: `${localUser()} (notification)` }).then(
        (r) => tell(t.approvedTitle, t.approvedBody(t.what(r.action))),
        (err: Error) => tell(t.failedTitle, err.message),
      );
    },
  });
  const applyLoginItem = () => {
    try {
      setLaunchAtLogin(engine.settings.notifications().launchAtLogin);
    } catch (err) {
      log(`launch at login: ${(err as Error).message}`);
    }
  };
  applyLoginItem();
  engine.settings.onChange(() => {
    applyLoginItem();
    refreshTray();
  });

  app.on('second-instance', () => open());
  app.on('activate', () => open());
  app.on('before-quit', () => {
    quitting = true;
    stopNotifier();
    tray.destroy();
    server.close();
    void engine.close();
  });
  // The tray keeps the app alive with every window closed (hidden).
  app.on('window-all-closed', () => {});
}

main().catch((err) => {
  console.error(err);
  app.exit(1);
});
