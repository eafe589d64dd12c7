import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from './tests/e2e/browser-path.mjs';
import { PREVIEW_PORT } from './vite.config.ts';

/** TAILSPIN_E2E_PORT runs the suite on another port, beside a server that holds the usual one. */
const port = Number(process.env.TAILSPIN_E2E_PORT || PREVIEW_PORT);
const baseURL = `http://127.0.0.1:${port}`;

export default defineConfig({
  testDir: 'tests/e2e',
  testMatch: '**/*.spec.ts',
  // Two cores: one browser at a time keeps timings honest and the machine responsive.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 120_000,
  expect: { timeout: 30_000 },
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL,
    viewport: { width: 1440, height: 900 },
    launchOptions: { executablePath: findChromium() ?? undefined, args: CHROMIUM_ARGS },
    screenshot: 'only-on-failure',
    trace: 'off',
  },
  projects: [
    { name: 'chromium', use: { browserName: 'chromium' }, testIgnore: '**/perf.spec.ts' },
    // Timings, printed and not asserted: only `npm run bench:web` (--project=bench) runs them.
    { name: 'bench', use: { browserName: 'chromium' }, testMatch: '**/perf.spec.ts', default: false },
  ],
  // The production build, as users get it (`npm run test:e2e` builds it first). Never a server
  // already on the port: it may serve another checkout's build, or an old one, and the suite
  // would pass or fail on code it was not given. Such a server stops the run with Playwright's
  // "already used" message; each run stops its own server as it ends, so runs one after another
  // find the port free.
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${port} --strictPort`,
    url: baseURL,
    reuseExistingServer: false,
    timeout: 60_000,
  },
});
