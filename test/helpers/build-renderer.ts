import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli-process.ts';

const OUT = path.join(ROOT, 'out', 'renderer', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile()) newest = Math.max(newest, fs.statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

/**
 * Builds the browser UI when out/renderer is missing or older than its sources or this recipe, so the
 * browser tests never drive a stale build (CI starts from a clean clone; a developer may have edited the
 * renderer).
 */
export function ensureRendererBuilt(): void {
  const built = fs.statSync(OUT, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const sources = Math.max(
    newestMtime(path.join(ROOT, 'renderer')),
    newestMtime(path.join(ROOT, 'shared')),
    // How it is built counts too: a build older than this recipe was made another way.
    fs.statSync(new URL(import.meta.url)).mtimeMs,
  );
  if (built > sources) return;
  execFileSync(
    process.execPath,
    [
      path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '-c',
      'renderer/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    // Vite's builds follow NODE_ENV, which vitest sets to `test`: without this, the tests and benchmarks
    // would drive React's development build (several times slower) instead of the one users get.
    { cwd: ROOT, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
}

/** vitest globalSetup. */
export default function setup(): void {
  ensureRendererBuilt();
}
