import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { pgliteSnapshot } from './build/pglite-snapshot.ts';
import { precompiledServices } from './build/precompiled-services.ts';
import { labCsp } from './build/csp.ts';

/** Fixed ports so the e2e web server and `npm start` never guess. */
export const PREVIEW_PORT = 4173;

/**
 * The dev server's React preamble is an inline script; the dev server marks it (and Vite's
 * own tags) with this nonce, which its Content-Security-Policy allows. Dev only: the build
 * has no inline script.
 */
const DEV_NONCE = 'tailspin-dev';

/**
 * PGlite's Emscripten glue uses direct eval (a warning per use), and the build timing report
 * only measures this machine: neither is something to act on.
 */
const quietChecks = { eval: false, bundlerTimings: false };

export default defineConfig(({ command }) => ({
  // Only the lab's own origin, for the page and its workers (see build/csp.ts).
  plugins: [react(), pgliteSnapshot(), precompiledServices(), labCsp({ devNonce: DEV_NONCE })],
  html: command === 'serve' ? { cspNonce: DEV_NONCE } : {},
  optimizeDeps: {
    // PGlite finds its wasm and data files with `new URL(..., import.meta.url)`; pre-bundling
    // would move the module away from them.
    exclude: ['@electric-sql/pglite'],
    // Crawl the worker (and the runner it imports) too, so `npm start` finds every dependency
    // up front instead of reloading the page when the first run imports one.
    entries: ['index.html', 'web/worker/lab.worker.ts'],
  },
  worker: { format: 'es', plugins: () => [pgliteSnapshot(), precompiledServices()], rolldownOptions: { checks: quietChecks } },
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: PREVIEW_PORT, strictPort: true },
  build: {
    target: 'es2022',
    // Monaco's core and TypeScript worker are large by nature; they load only on scenario pages.
    chunkSizeWarningLimit: 8000,
    rolldownOptions: { checks: quietChecks },
  },
}));
