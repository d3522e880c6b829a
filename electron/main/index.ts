import fs from 'node:fs';
import path from 'node:path';
import { app, BrowserWindow } from 'electron';
import { defaultDataDir, readConfigFile, resolveConfig } from '../engine/config.ts';
import { createEngine } from '../engine/engine.ts';
import { createServer, listen } from '../engine/server.ts';
import { registerIpc } from './ipc.ts';
import { createMainWindow } from './window.ts';

/**
 * Electron glue only: the engine is the same one `oncall-scout serve` runs. better-sqlite3 needs a
 * build for Electron's ABI; `npm start` prepares one under .cache/ so the Node build used by the tests
 * stays untouched.
 */
function nativeBinding(): string | undefined {
  const candidate = path.join(
    app.getAppPath(),
    '.cache',
    'electron-native',
    process.versions.electron ?? '',
    'better_sqlite3.node',
  );
  return fs.existsSync(candidate) ? candidate : undefined;
}

async function main(): Promise<void> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  const configFile = process.env.ONCALL_SCOUT_CONFIG;
  const config = resolveConfig({ dataDir: defaultDataDir() }, configFile ? readConfigFile(configFile) : {}, {
    kubeconfig: process.env.KUBECONFIG || undefined,
    ollamaHost: process.env.OLLAMA_HOST || undefined,
  });
  const engine = createEngine(config, {
    nativeBinding: nativeBinding(),
    workerEntry: path.join(import.meta.dirname, 'pipeline-worker.js'),
    log: (m) => console.error(m),
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
  let win = createMainWindow(outDir);
  registerIpc(engine.api, engine.bus, () => BrowserWindow.getAllWindows());
  app.on('second-instance', () => {
    if (win.isDestroyed()) win = createMainWindow(outDir);
    win.show();
    win.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) win = createMainWindow(outDir);
  });
  app.on('before-quit', () => {
    server.close();
    void engine.close();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

main().catch((err) => {
  console.error(err);
  app.exit(1);
});
