/**
 * Speed of the production build in headless Chromium, printed (not asserted: timings on a
 * shared 2-core machine vary): editor ready, first run result after load, and the size of the
 * app's JavaScript outside Monaco and esbuild.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test, SCREENSHOT_DIR } from './fixtures.ts';

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

test('measure: editor ready, first result, bundle sizes', async ({ lab, page }) => {
  const ids = await (async () => {
    await lab.gotoCatalog();
    return lab.scenarioIds();
  })();
  // A fresh load of a scenario page, as a learner arriving from a link.
  await page.goto('about:blank');
  const t0 = Date.now();
  await page.goto(`/#/s/${ids[0]}`);
  await lab.waitForEditor();
  const editorReadyMs = await page.evaluate(() => window.__tailspin!.timings.editorReadyMs!);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  const firstResultMs = await page.evaluate(() => window.__tailspin!.timings.firstResultMs!);
  const wallMs = Date.now() - t0;
  // The page's own script loads (a worker's loads are in the worker's timeline, not here).
  const pageScripts = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((r) => new URL(r.name).pathname.split('/').pop()!)
      .filter((f) => f.endsWith('.js')),
  );
  const s = sizes(pageScripts);
  const report = {
    scenario: ids[0],
    editorReadyMs: Math.round(editorReadyMs),
    firstResultMs: Math.round(firstResultMs),
    wallFromNavigationToResultMs: wallMs,
    appPageJsGzipKb: +s.appPageGzipKb.toFixed(1),
    labWorkerJsGzipKb: +s.labWorkerGzipKb.toFixed(1),
    monacoJsGzipKb: +s.monacoGzipKb.toFixed(1),
  };
  console.log('\n' + JSON.stringify(report, null, 2));
  console.table(s.rows.map((r) => ({ file: r.file, rawKb: r.rawKb.toFixed(1), gzipKb: r.gzipKb.toFixed(1), loadedByPage: r.page })));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(`${SCREENSHOT_DIR}/perf.json`, JSON.stringify(report, null, 2));
});
