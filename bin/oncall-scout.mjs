#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node
// MALLOC_ARENA_MAX=2 (glibc, i.e. `serve` on Linux; ignored elsewhere): the C allocator then shares two
// arenas among the engine's threads instead of giving each thread its own (up to 8 per core), each of
// which kept its own freed memory resident: in a 30-minute soak RSS grew 10.5 % without it and 2.9 % with
// it (README, Reliability). It must be in the environment before node starts, hence the shebang.
// Runs the bundled engine (out/engine/cli.mjs), rebuilding it first when a source is newer, so a fresh
// checkout and an edited one both just work. Without esbuild it falls back to the sources through tsx.
import { pathToFileURL } from 'node:url';
import { buildEngine, bundleIsStale, CLI } from '../scripts/engine-bundle.mjs';

let entry = pathToFileURL(CLI).href;
try {
  if (bundleIsStale()) await buildEngine();
} catch (err) {
  console.error(`oncall-scout: running from the TypeScript sources (could not bundle: ${err.message})`);
  const { register } = await import('tsx/esm/api');
  register();
  entry = new URL('../electron/cli.ts', import.meta.url).href;
}
const { main } = await import(entry);
process.exitCode = await main(process.argv.slice(2));
