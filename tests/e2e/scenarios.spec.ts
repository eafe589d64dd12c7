/**
 * Every scenario, found by folder: the starter misses an SLO; the solution, typed into the
 * editor, meets them all; and the browser's summary equals the CLI's for the same seed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scenarioIds } from '../../runner/host-node/scenario-discovery.ts';
import { expect, test } from './fixtures.ts';

const SCENARIOS_DIR = 'scenarios';
const SEED = 7;

// The folders every host finds (runner/scenario/layout.ts); a folder that breaks the rule throws.
const ids = scenarioIds();

for (const id of ids) {
  test.describe(`scenario ${id}`, () => {
    test.describe.configure({ mode: 'serial' });

    test('the starter misses an SLO, and its first run needs no compiler', async ({ lab, page }) => {
      const compilerLoads: string[] = [];
      page.context().on('request', (r) => {
        if (/esbuild[^/]*\.wasm/.test(r.url())) compilerLoads.push(r.url());
      });
      await lab.openScenario(id);
      await lab.setSeed(SEED);
      await lab.run();
      expect(await lab.waitForRunEnd()).toBe('done');
      // The build compiled the starter: esbuild loads only once the lab is idle.
      expect(compilerLoads).toEqual([]);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-passed', 'false');
      const failing = page.locator('[data-testid="slo-row"][data-pass="false"], [data-testid="check-row"][data-pass="false"]');
      expect(await failing.count()).toBeGreaterThan(0);
      // The diagnosis names the mechanism beside a missed SLO, and the starter's line behind it.
      await expect(page.getByTestId('slo-explained-by').first()).toBeVisible();
      await expect(page.getByTestId('finding').first()).toBeVisible();
      const line = page.getByTestId('finding-line').first();
      await expect(line).toBeVisible();
      await line.click();
      const shown = Number((await line.textContent())!.replace(/\D/g, ''));
      await expect.poll(() => page.evaluate(() => window.__tailspin?.cursor()?.line)).toBe(shown);
      // ...and a request's trace where it shows: a click puts that trace in the waterfall.
      const trace = page.getByTestId('finding').first().getByTestId('finding-trace');
      await expect(trace).toBeVisible();
      const traceId = (await trace.getAttribute('data-trace-id'))!;
      await trace.click();
      await expect(page.getByTestId('trace-summary')).toContainText(traceId);
      await expect(page.getByTestId('trace-waterfall')).toBeInViewport();
      await lab.screenshot(`run-${id}-starter`);
    });

    test('the solution, typed into the editor, meets every SLO', async ({ lab, page }) => {
      const solution = readFileSync(join(SCENARIOS_DIR, id, 'solution.ts'), 'utf8');
      await lab.openScenario(id);
      await lab.setSeed(SEED);
      await lab.typeCode(solution);
      expect(await lab.code()).toBe(solution);
      await lab.run();
      expect(await lab.waitForRunEnd()).toBe('done');
      const summary = await lab.lastSummary();
      const missed = summary?.slos.filter((s) => !s.pass).map((s) => `${s.label}: ${s.actual}`);
      expect(missed, 'missed SLOs').toEqual([]);
      await expect(page.getByTestId('verdict')).toHaveAttribute('data-passed', 'true');
      await expect(page.locator('[data-testid="slo-row"][data-pass="false"]')).toHaveCount(0);
      await expect(page.getByTestId('findings')).toHaveCount(0);
      await lab.screenshot(`run-${id}`);
    });

    test('the browser gives the same summary as `tailspin run --json`', async ({ lab }) => {
      const starter = readFileSync(join(SCENARIOS_DIR, id, 'starter.ts'), 'utf8');
      await lab.openScenario(id);
      await lab.setCode(starter);
      await lab.setSeed(SEED);
      await lab.run();
      expect(await lab.waitForRunEnd()).toBe('done');
      const browser = await lab.lastSummary();
      const cli = spawnSync('node', ['bin/tailspin.js', 'run', join(SCENARIOS_DIR, id), '--seed', String(SEED), '--json'], {
        encoding: 'utf8',
        timeout: 120_000,
      });
      expect([0, 1], cli.stderr).toContain(cli.status);
      expect(browser).toEqual(JSON.parse(cli.stdout));
    });
  });
}
