/**
 * Speed of the production build in headless Chromium, printed (not asserted: timings on a
 * shared 2-core machine vary): editor ready, database ready and first run result after a fresh
 * load of each scenario page, a second run, main-thread responsiveness during the runs, where
 * the first result's time went (the page's and the lab worker's milestones), and the size of
 * the app's JavaScript outside Monaco and esbuild. Three rounds by default, with the Chromium
 * version and the machine's load average beside them. Only `npm run bench:web` runs it (Playwright's
 * `bench` project); `npm test` and a plain `playwright test` leave it out.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { gzipSync } from 'node:zlib';
import type { Browser } from '@playwright/test';
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

/** Rounds of every scenario (`BENCH_WEB_ROUNDS`, default 3): one round alone says little on a shared machine. */
const ROUNDS = Math.max(1, Number(process.env.BENCH_WEB_ROUNDS) || 3);

type Timings = Partial<Record<string, number>>;

/** Where the first result's time went, in ms since navigation: the page's and the worker's milestones in order. */
const BREAKDOWN = [
  'workerCreatedMs',
  'workerStartedMs',
  'editorReadyMs',
  'engineReadyMs',
  'snapshotReadyMs',
  'databaseReadyMs',
  'runRequestedMs',
  'runReceivedMs',
  'runCompiledMs',
  'userCodeStartMs',
  'runDoneMs',
  'firstResultMs',
] as const;

const ms = (v: number | undefined) => (v === undefined ? '' : Math.round(v));

async function measureScenario(browser: Browser, id: string) {
  // A fresh browser context per scenario: a learner arriving from a link, nothing cached.
  const context = await browser.newContext();
  const page = await context.newPage();
  const fresh = new LabPage(page);
  await page.goto(`/#/s/${id}`);
  await fresh.waitForEditor();
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
  const timings: Timings = await page.evaluate(() => ({ ...window.__tailspin!.timings }));
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
  const pageScripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((r) => new URL(r.name).pathname.split('/').pop()!)
      .filter((f) => f.endsWith('.js')),
  );
  await context.close();
  return {
    pageScripts,
    timings,
    row: {
      scenario: id,
      editorReadyMs: ms(timings.editorReadyMs),
      databaseReadyMs: ms(timings.databaseReadyMs),
      firstResultMs: ms(timings.firstResultMs),
      secondRunMs,
      compilerWarmAfterIdleMs: ms(compilerWarmMs),
      longestTaskFirstRunMs: Math.round(Math.max(0, ...longTasksMs)),
      longestTaskSecondRunMs: Math.round(Math.max(0, ...longTasksSecondMs)),
    },
  };
}

/** Median of the rounds, per scenario and column. */
function medians(rows: Record<string, string | number>[]): Record<string, string | number>[] {
  const byScenario = new Map<string, Record<string, string | number>[]>();
  for (const r of rows) byScenario.set(r.scenario as string, [...(byScenario.get(r.scenario as string) ?? []), r]);
  return [...byScenario].map(([scenario, rs]) => {
    const out: Record<string, string | number> = { scenario };
    for (const key of Object.keys(rs[0]).filter((k) => k !== 'scenario' && k !== 'round')) {
      const values = rs
        .map((r) => r[key])
        .filter((v): v is number => typeof v === 'number')
        .sort((a, b) => a - b);
      out[key] = values.length ? values[Math.floor((values.length - 1) / 2)] : '';
    }
    return out;
  });
}

test('measure: editor ready, first result, responsiveness, bundle sizes', async ({ lab, browser }) => {
  test.setTimeout(ROUNDS * 600_000);
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  // The catalog's own worker would warm up beside the first measurement: leave the page.
  await lab.page.goto('about:blank');
  const rows: Record<string, string | number>[] = [];
  const breakdown: Record<string, string | number>[] = [];
  let pageScripts: string[] = [];
  const load = () =>
    loadavg()
      .map((v) => v.toFixed(2))
      .join(' ');
  const loadBefore = load();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const id of ids) {
      const m = await measureScenario(browser, id);
      pageScripts = m.pageScripts;
      rows.push({ round, ...m.row });
      breakdown.push({ round, scenario: id, ...Object.fromEntries(BREAKDOWN.map((k) => [k.replace(/Ms$/, ''), ms(m.timings[k])])) });
    }
  }
  const s = sizes(pageScripts);
  const report = {
    chromium: browser.version(),
    rounds: ROUNDS,
    // The machine is shared: its load says how far to trust the figures.
    loadAverage: { before: loadBefore, after: load(), cores: availableParallelism() },
    perRun: rows,
    medians: medians(rows),
    breakdown,
    appPageJsGzipKb: round1(s.appPageGzipKb),
    labWorkerJsGzipKb: round1(s.labWorkerGzipKb),
    monacoJsGzipKb: round1(s.monacoGzipKb),
  };
  console.log(
    `\nChromium ${report.chromium}, ${ROUNDS} rounds, load average ${loadBefore} before, ${report.loadAverage.after} after (${report.loadAverage.cores} cores)`,
  );
  console.log('Per run, ms since navigation (second run: ms from its click):');
  console.table(rows);
  console.log('Medians:');
  console.table(report.medians);
  console.log("Where the first result's time went, ms since navigation:");
  console.table(breakdown);
  console.log(
    `Page JS outside Monaco ${report.appPageJsGzipKb} KB gzip, lab worker ${report.labWorkerJsGzipKb} KB, Monaco ${report.monacoJsGzipKb} KB`,
  );
  console.table(s.rows.map((r) => ({ file: r.file, rawKb: round1(r.rawKb), gzipKb: round1(r.gzipKb), loadedByPage: r.page })));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(`${SCREENSHOT_DIR}/perf.json`, JSON.stringify(report, null, 2));
});
