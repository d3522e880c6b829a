import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

/**
 * The dev server injects styles and a websocket for hot reload, which the production CSP (strict, in
 * renderer/index.html) forbids: relax it for `electron-vite dev` only, never for a build.
 */
const devCsp: Plugin = {
  name: 'oncall-scout-dev-csp',
  apply: 'serve',
  transformIndexHtml: (html) =>
    html
      .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
      .replace("connect-src 'self'", "connect-src 'self' ws: http://localhost:*"),
};

// Found only through `-c electron.config.ts` (electron-vite looks for electron.vite.config.* by default).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      // The pipeline runs in a worker thread: a second entry, loaded by path at run time.
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'electron/main/index.ts'),
          'pipeline-worker': resolve(import.meta.dirname, 'electron/engine/pipeline-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // The sandboxed preload can require only 'electron': everything else is bundled in.
      externalizeDeps: false,
      // A sandboxed preload must be CommonJS even though the package is ESM.
      rollupOptions: {
        input: resolve(import.meta.dirname, 'electron/preload/index.ts'),
        output: { format: 'cjs', entryFileNames: 'index.cjs' },
      },
    },
  },
  renderer: {
    root: resolve(import.meta.dirname, 'renderer'),
    plugins: [react(), devCsp],
    build: {
      outDir: resolve(import.meta.dirname, 'out/renderer'),
      chunkSizeWarningLimit: 800, // as in renderer/vite.config.ts: read from disk, not downloaded
      rollupOptions: { input: resolve(import.meta.dirname, 'renderer/index.html') },
    },
  },
});
