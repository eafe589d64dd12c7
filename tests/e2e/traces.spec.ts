/**
 * Request traces in the lab: for every scenario, the starter's run shows a waterfall of one of
 * its slow requests, with the bars of the mechanism behind it (an N+1's fifty-one queries, a
 * retry storm's attempts and sleeps, a blocked loop's wait, a saturated pool's wait), the
 * same spans as the summary has, and a table of them for screen readers.
 */
import type { RequestTrace, TraceSpanKind } from '../../runner/index.ts';
import { expect, SCREENSHOT_DIR, test } from './fixtures.ts';

const SEED = 7;

const count = (t: RequestTrace, kind: TraceSpanKind): number => t.spans.filter((s) => s.kind === kind).length;

/** Per scenario: the slow request to open, and what its waterfall must show at least. */
const CASES: Record<string, { pick: (t: RequestTrace) => boolean; least: Partial<Record<TraceSpanKind, number>> }> = {
  'n-plus-one': { pick: (t) => t.route === 'GET /api/events' && t.sampledAs.includes('slowest'), least: { 'db.query': 51 } },
  // The starter retries at once: its slowest requests are five timed-out attempts, no sleep between.
  'retry-storm': { pick: (t) => t.sampledAs.includes('slowest') && count(t, 'fetch') >= 5, least: { fetch: 5 } },
  'blocking-event-loop': { pick: (t) => t.sampledAs.includes('slowest') && count(t, 'loop.wait') >= 1, least: { 'loop.wait': 1, cpu: 1 } },
  'pool-exhaustion': { pick: (t) => t.sampledAs.includes('slowest') && count(t, 'pg.pool.wait') >= 1, least: { 'pg.pool.wait': 1 } },
};

for (const [id, c] of Object.entries(CASES)) {
  test(`${id}: the starter's run shows a waterfall of a slow request`, async ({ lab, page }) => {
    await lab.openScenario(id);
    await lab.setSeed(SEED);
    await lab.run();
    expect(await lab.waitForRunEnd()).toBe('done');
    const summary = await lab.lastSummary();
    const traces = summary?.traces ?? [];
    const index = traces.findIndex(c.pick);
    expect(index, 'a trace of the mechanism').toBeGreaterThanOrEqual(0);
    const trace = traces[index];

    const waterfall = page.getByTestId('trace-waterfall');
    await expect(waterfall).toBeVisible();
    await page.getByTestId('trace-select').selectOption(String(index));
    await expect(page.getByTestId('trace-summary')).toContainText(trace.traceId);
    const bars = waterfall.getByTestId('waterfall-bar');
    await expect(bars).toHaveCount(trace.spans.length);
    for (const [kind, least] of Object.entries(c.least)) {
      const n = await waterfall.locator(`[data-testid="waterfall-bar"][data-kind="${kind}"]`).count();
      expect(n, `${kind} bars`).toBe(count(trace, kind as TraceSpanKind));
      expect(n, `${kind} bars`).toBeGreaterThanOrEqual(least as number);
    }
    // The text alternative: every span a row of the table.
    await waterfall.getByText('The spans as a table').click();
    await expect(waterfall.getByTestId('trace-table').locator('tbody tr')).toHaveCount(trace.spans.length);
    await waterfall.getByText('The spans as a table').click();
    // Its bottom at the window's: the sticky top bar stays clear of it.
    await waterfall.evaluate((el) => el.scrollIntoView({ block: 'end' }));
    await waterfall.screenshot({ path: `${SCREENSHOT_DIR}/waterfall-${id}.png` });
  });
}
