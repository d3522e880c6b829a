import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The browser build of the same UI (served by `oncall-scout serve`); no Electron involved.
export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react()],
  build: { outDir: resolve(import.meta.dirname, '../out/renderer'), emptyOutDir: true },
});
