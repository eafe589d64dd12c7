/**
 * Speed of the production build in headless Chromium, printed (not asserted: timings on a
 * shared 2-core machine vary): editor ready, first run result after load, and the size of the
 * app's JavaScript outside Monaco and esbuild.
 */
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { expect, test, SCREENSHOT_DIR } from './fixtures.ts';

const DIST = 'dist/assets';

/** Monaco's own chunks and workers (TypeScript service, editor core, codicon font). */
const MONACO = /^(editor\.api|monaco|tsMode|ts\.worker|editor\.worker|typescript|codicon|editor)[-.]/;

function sizes() {
  const rows = readdirSync(DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => {
      const buf = readFileSync(`${DIST}/${f}`);
      return { file: f, rawKb: buf.length / 1024, gzipKb: gzipSync(buf, { level: 9 }).length / 1024 };
    });
  const sum = (pred: (f: string) => boolean) => rows.filter((r) => pred(r.file)).reduce((a, r) => a + r.gzipKb, 0);
  return {
    rows,
    appPageGzipKb: sum((f) => !MONACO.test(f) && !f.startsWith('lab.worker')),
    labWorkerGzipKb: sum((f) => f.startsWith('lab.worker')),
    monacoGzipKb: sum((f) => MONACO.test(f)),
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
  const s = sizes();
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
  console.table(s.rows.map((r) => ({ file: r.file, rawKb: r.rawKb.toFixed(1), gzipKb: r.gzipKb.toFixed(1) })));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  writeFileSync(`${SCREENSHOT_DIR}/perf.json`, JSON.stringify(report, null, 2));
});
