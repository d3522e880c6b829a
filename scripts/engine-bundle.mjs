// The engine as two plain ES modules (out/engine/cli.mjs and its pipeline worker), so `oncall-scout`
// starts in about a second instead of compiling ~200 TypeScript modules through tsx on every start.
// Dependencies stay in node_modules (native better-sqlite3 cannot be bundled anyway).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, 'out', 'engine');
export const CLI = path.join(OUT_DIR, 'cli.mjs');

const SOURCES = [path.join(ROOT, 'electron'), path.join(ROOT, 'shared')];

function newestSource(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|mjs)$/.test(e.name)) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when out/engine is missing or older than any engine source (a checkout, an edit). */
export function bundleIsStale() {
  let built;
  try {
    built = fs.statSync(CLI).mtimeMs;
  } catch {
    return true;
  }
  const pkg = fs.statSync(path.join(ROOT, 'package.json')).mtimeMs;
  return Math.max(pkg, ...SOURCES.map(newestSource)) > built;
}

/**
 * `demo` bundles the simulated cluster from test/: its files find their fixtures next to themselves, so
 * there import.meta.url keeps naming the source file rather than the bundle.
 */
const sourceUrlForFixtures = {
  name: 'fixture-urls',
  setup(b) {
    b.onLoad({ filter: /[\\/]test[\\/].*\.ts$/ }, async (args) => ({
      contents: fs
        .readFileSync(args.path, 'utf8')
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
      loader: 'ts',
    }));
  },
};

/** Builds into a private directory, then renames: concurrent starts never load half a file. */
export async function buildEngine() {
  const { build } = await import('esbuild');
  const tmp = `${OUT_DIR}.tmp-${process.pid}-${Date.now()}`;
  await build({
    entryPoints: {
      cli: path.join(ROOT, 'electron', 'cli.ts'),
      'pipeline-worker': path.join(ROOT, 'electron', 'engine', 'pipeline-worker.ts'),
    },
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [sourceUrlForFixtures],
  });
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // The worker first: a cli.mjs that is new always finds its worker beside it.
  for (const f of ['pipeline-worker.mjs', 'pipeline-worker.mjs.map', 'cli.mjs.map', 'cli.mjs'])
    fs.renameSync(path.join(tmp, f), path.join(OUT_DIR, f));
  fs.rmSync(tmp, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildEngine();
