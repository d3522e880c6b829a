import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The browser build of the same UI (served by `oncall-scout serve`); no Electron involved.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    // Vite's 500 kB warning is about downloads; this bundle is read from the local disk (the app's own
    // server, or the Electron package), once, and measured there (npm run bench:ui: first paint).
    chunkSizeWarningLimit: 800,
  },
});
