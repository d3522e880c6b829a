#!/usr/bin/env node
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
