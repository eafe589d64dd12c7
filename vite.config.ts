import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

/** Fixed ports so the e2e web server and `npm start` never guess. */
export const PREVIEW_PORT = 4173;

/**
 * No connection may leave the lab's own origin: workers get their policy from their own
 * response, so it is a header on every response (index.html repeats it for static hosts).
 */
const headers = { 'Content-Security-Policy': "connect-src 'self'" };

export default defineConfig({
  plugins: [react()],
  // PGlite finds its wasm and data files with `new URL(..., import.meta.url)`; pre-bundling
  // would move the module away from them.
  optimizeDeps: { exclude: ['@electric-sql/pglite', 'esbuild-wasm'] },
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, headers },
  preview: { host: '127.0.0.1', port: PREVIEW_PORT, strictPort: true, headers },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 4000,
  },
});
