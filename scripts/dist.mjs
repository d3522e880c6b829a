#!/usr/bin/env node
// `npm run dist`: the Electron build of better-sqlite3 (once, under .cache/), the app build, then
// electron-builder with ELECTRON_VERSION set so the config picks that binary up.
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
const run = (cmd, args, env = {}) =>
  execFileSync(cmd, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...env },
    shell: process.platform === 'win32',
  });

run(process.execPath, [path.join(root, 'scripts', 'electron-native.mjs')]);
run(bin('electron-vite'), ['build', '-c', 'electron.config.ts']);
run(bin('electron-builder'), ['--config', 'electron-builder.yml', ...process.argv.slice(2)], {
  ELECTRON_VERSION: require('electron/package.json').version,
});
