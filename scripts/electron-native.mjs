#!/usr/bin/env node
// Builds better-sqlite3 for Electron's ABI into .cache/electron-native/<electron version>/, leaving the
// Node build in node_modules (used by `npm test` and `oncall-scout serve`) untouched. Runs before
// `npm start`; does nothing when the build for this Electron version is already there.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(import.meta.dirname, '..');
const electronVersion = require('electron/package.json').version;
const target = path.join(root, '.cache', 'electron-native', electronVersion);
const binding = path.join(target, 'better_sqlite3.node');
if (fs.existsSync(binding)) process.exit(0);

const source = path.dirname(require.resolve('better-sqlite3/package.json'));
const work = path.join(root, '.cache', 'electron-native', `build-${electronVersion}`);
fs.rmSync(work, { recursive: true, force: true });
fs.cpSync(source, work, { recursive: true, filter: (p) => !p.includes(`${path.sep}build${path.sep}`) });
console.log(`building better-sqlite3 for Electron ${electronVersion} (once)…`);
const bin = (name) =>
  path.join(root, 'node_modules', '.bin', process.platform === 'win32' ? `${name}.cmd` : name);
try {
  // Prebuilt binaries for Electron exist for every release; compiling is the fallback.
  execFileSync(bin('prebuild-install'), ['--runtime', 'electron', '--target', electronVersion], {
    cwd: work,
    stdio: 'inherit',
  });
} catch {
  execFileSync(
    bin('node-gyp'),
    [
      'rebuild',
      '--release',
      `--target=${electronVersion}`,
      '--dist-url=https://electronjs.org/headers',
      '--runtime=electron',
    ],
    { cwd: work, stdio: 'inherit' },
  );
}
fs.mkdirSync(target, { recursive: true });
fs.copyFileSync(path.join(work, 'build', 'Release', 'better_sqlite3.node'), binding);
fs.rmSync(work, { recursive: true, force: true });
console.log(`better-sqlite3 for Electron ready: ${path.relative(root, binding)}`);
