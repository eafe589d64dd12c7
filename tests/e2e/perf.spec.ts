/**
 * Speed of the production build in headless Chromium, printed (not asserted: timings on a
 * shared 2-core machine vary): editor ready and first run result after a fresh load of each
 * scenario page, main-thread responsiveness during the run, and the size of the app's
 * JavaScript outside Monaco and esbuild. Only `npm run bench:web` runs it (Playwright's
 * `bench` project); `npm test` and a plain `playwright test` leave it out.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, LabPage, SCREENSHOT_DIR, test } from './fixtures.ts';

const DIST = 'dist/assets';

/**
 * Monaco's own chunks and workers: the editor core, the chunk of editor code split off with it
 * (named after `monaco.ts`), the TypeScript language service and its worker.
 */
const MONACO = /^(editor\.api|monaco|tsMode|ts\.worker|editor\.worker|typescript)-/;

function gzipKb(file: string): number {
  return gzipSync(readFileSync(`${DIST}/${file}`), { level: 9 }).length / 1024;
}

function sizes(pageScripts: string[]) {
  const rows = readdirSync(DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => ({ file: f, rawKb: readFileSync(`${DIST}/${f}`).length / 1024, gzipKb: gzipKb(f), page: pageScripts.includes(f) }));
  const sum = (pred: (r: (typeof rows)[number]) => boolean) => rows.filter(pred).reduce((a, r) => a + r.gzipKb, 0);
  return {
    rows,
    // What the page's main thread loads, outside Monaco; workers (whose script fetches the
    // page starts) are counted apart, and esbuild is wasm inside the lab worker.
    appPageGzipKb: sum((r) => r.page && !MONACO.test(r.file) && !/\.worker-/.test(r.file)),
    labWorkerGzipKb: sum((r) => r.file.startsWith('lab.worker')),
    monacoGzipKb: sum((r) => MONACO.test(r.file)),
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;

test('measure: editor ready, first result, responsiveness, bundle sizes', async ({ lab, browser }) => {
  test.setTimeout(600_000);
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  // The catalog's own worker would warm up beside the first measurement: leave the page.
  await lab.page.goto('about:blank');
  const perScenario = [];
  let pageScripts: string[] = [];
  for (const id of ids) {
    // A fresh browser context per scenario: a learner arriving from a link, nothing cached.
    const context = await browser.newContext();
    const page = await context.newPage();
    const fresh = new LabPage(page);
    await page.goto(`/#/s/${id}`);
    await fresh.waitForEditor();
    const editorReadyMs = await page.evaluate(() => window.__tailspin!.timings.editorReadyMs!);
    // Main-thread tasks over 50 ms while the run goes on: the page must stay responsive.
    await page.evaluate(() => {
      const w = window as unknown as { __longTasksMs: number[] };
      w.__longTasksMs = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) w.__longTasksMs.push(e.duration);
      }).observe({ type: 'longtask' });
    });
    await fresh.run();
    expect(await fresh.waitForRunEnd(180_000)).toBe('done');
    const timings = await page.evaluate(() => ({ ...window.__tailspin!.timings }));
    const firstResultMs = timings.firstResultMs!;
    const longTasksMs = await page.evaluate(() => (window as unknown as { __longTasksMs: number[] }).__longTasksMs.splice(0));
    // A second run, on a page that has finished loading: the steady state while learning.
    const t0 = Date.now();
    await fresh.run();
    expect(await fresh.waitForRunEnd(180_000)).toBe('done');
    const secondRunMs = Date.now() - t0;
    const longTasksSecondMs = await page.evaluate(() => (window as unknown as { __longTasksMs: number[] }).__longTasksMs);
    // The compiler loads once the lab has been idle for a moment, after these runs.
    await page.waitForFunction(() => window.__tailspin!.timings.compilerWarmMs !== undefined, null, { timeout: 30_000 });
    const compilerWarmMs = await page.evaluate(() => window.__tailspin!.timings.compilerWarmMs!);
    // The page's own script loads (a worker's loads are in the worker's timeline, not here).
    pageScripts = await page.evaluate(() =>
      performance
        .getEntriesByType('resource')
        .map((r) => new URL(r.name).pathname.split('/').pop()!)
        .filter((f) => f.endsWith('.js')),
    );
    perScenario.push({
      scenario: id,
      editorReadyMs: Math.round(editorReadyMs),
      firstResultMs: Math.round(firstResultMs),
      // Where the first result's time went: the lab worker's start-up milestones.
      workerStartedMs: Math.round(timings.workerStartedMs ?? NaN),
      databaseReadyMs: Math.round(timings.databaseReadyMs ?? NaN),
      compilerWarmAfterIdleMs: Math.round(compilerWarmMs),
      longestMainThreadTaskDuringFirstRunMs: Math.round(Math.max(0, ...longTasksMs)),
      secondRunMs,
      longestMainThreadTaskDuringSecondRunMs: Math.round(Math.max(0, ...longTasksSecondMs)),
    });
    await context.close();
  }
  const s = sizes(pageScripts);
  const report = {
    perScenario,
    appPageJsGzipKb: round1(s.appPageGzipKb),
    labWorkerJsGzipKb: round1(s.labWorkerGzipKb),
    monacoJsGzipKb: round1(s.monacoGzipKb),
  };
  console.log('\n' + JSON.stringify(report, null, 2));
  console.table(s.rows.map((r) => ({ file: r.file, rawKb: round1(r.rawKb), gzipKb: round1(r.gzipKb), loadedByPage: r.page })));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(`${SCREENSHOT_DIR}/perf.json`, JSON.stringify(report, null, 2));
});
