import { defineConfig } from 'vite';

/** The web UI: built into dist/ (git-ignored), served by the dashboard service; no CDN, everything bundled. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 600 },
  server: { proxy: { '/api': 'http://127.0.0.1:8090' } },
});
