/**
 * The run's charts at a laptop's width (1280 × 800): the editor and the results side by side,
 * the editor still in view while the charts are read, each route's SLO drawn as a red line
 * on its latency chart and named in the legend, and every line's value in the legend without
 * hovering.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from './fixtures.ts';

const SCENARIO = 'blocking-event-loop';
const LOGIN_LATENCY = 'chart-latency-post-api-login';

test.use({ viewport: { width: 1280, height: 800 } });

test('at 1280 px the editor and the charts sit side by side, with SLO lines and legend values', async ({ lab, page }) => {
  await lab.openScenario(SCENARIO);
  await lab.setCode(readFileSync(join('scenarios', SCENARIO, 'solution.ts'), 'utf8'));
  await lab.setSeed(1);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');

  const editor = page.getByTestId('editor');
  const chart = page.getByTestId(LOGIN_LATENCY);
  await chart.scrollIntoViewIfNeeded();
  const e = (await editor.boundingBox())!;
  const c = (await chart.boundingBox())!;
  // Side by side: the chart starts right of the editor, and both are on the screen at once.
  expect(c.x).toBeGreaterThanOrEqual(e.x + e.width);
  for (const box of [e, c]) {
    expect(box.y).toBeGreaterThanOrEqual(0);
    expect(box.y + box.height).toBeLessThanOrEqual(800);
  }
  expect(e.height).toBeGreaterThan(400);

  // The SLO is named in the legend and drawn: the canvas holds a run of the threshold's red.
  await expect(chart.getByTestId('legend-threshold')).toHaveText('SLO p99 under 120 ms');
  await expect(chart).toHaveAttribute('data-thresholds', '120');
  const red = await chart.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let n = 0;
    for (let i = 0; i < data.length; i += 4) if (data[i] > 200 && data[i + 1] < 70 && data[i + 2] < 70 && data[i + 3] > 200) n++;
    return n;
  });
  expect(red, 'red pixels of the SLO line').toBeGreaterThan(100);

  // Values without hovering: each line of the legend carries one.
  const values = chart.getByTestId('chart-legend').locator('.legend-value');
  await expect(values).toHaveCount(4);
  for (const v of await values.allTextContents()) expect(v).toMatch(/^[\d.,]+ (ms|s)$/);
  await expect(page.getByTestId('chart-latency-get-api-products-id').getByTestId('legend-threshold')).toHaveText('SLO p99 under 25 ms');

  await page.evaluate(() => window.scrollTo(0, 0));
  await lab.screenshot('charts-1280-full');
  await chart.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'tests/e2e/screenshots/charts-1280-viewport.png' });
});

test("a fault window is shaded on the charts, and the starter's own run has no starter line", async ({ lab, page }) => {
  await lab.openScenario('retry-storm');
  await lab.setSeed(1);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  const charts = page.getByTestId('charts');
  await expect(page.getByTestId('chart-notes')).toContainText('pricing.internal 3× slower from 20 s to 30 s');
  await expect(page.getByTestId('chart-notes')).toContainText('no dashed starter line');
  await expect(charts.locator('.legend-starter')).toHaveCount(0);
  await charts.screenshot({ path: 'tests/e2e/screenshots/charts-retry-storm-starter.png' });
});

test('database statements per second, with statements per request against their SLO, and the spike shaded', async ({ lab, page }) => {
  await lab.openScenario('n-plus-one');
  await lab.setSeed(1);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  const db = page.getByTestId('chart-db');
  await expect(db.getByTestId('legend-threshold')).toHaveText('SLO GET /api/events average under 5/req (right axis)');
  await expect(db.getByTestId('chart-legend')).toContainText(/statements [\d,.]+\/s/);
  await expect(page.getByTestId('chart-notes')).toContainText('380/s from 30 s');
  await page.getByTestId('charts').screenshot({ path: 'tests/e2e/screenshots/charts-n-plus-one-starter.png' });
});
