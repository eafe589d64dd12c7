/**
 * The per-second series ends where the run's window does. Its last bucket is usually shorter
 * than a second (a run ends between two ticks, or is stopped); it says how long it is, so a
 * chart scales its counts or leaves it out instead of drawing a drop to zero, and a stopped
 * run's series ends at the stop, not at the planned end.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../runner/run.ts';
import { nodeHost } from '../../../runner/host-node/node-host.ts';
import { loadScenarioFolder } from '../../../runner/host-node/scenario-folder.ts';
import type { RunSummary, SeriesBucket } from '../../../runner/summary-schema.ts';
import { FIXTURES } from '../../helpers/run-fixture.ts';

const spanOf = (b: SeriesBucket) => b.spanMs ?? 1000;

/** Buckets follow each other without gap or overlap, each of some length. */
function expectContiguous(series: SeriesBucket[]) {
  series.forEach((b, i) => {
    expect(b.tMs, `bucket ${i} starts where the one before ends`).toBe(i === 0 ? 0 : series[i - 1].tMs + spanOf(series[i - 1]));
    expect(spanOf(b), `bucket ${i} has a length`).toBeGreaterThan(0);
    if (i < series.length - 1) expect(b.spanMs, `bucket ${i} is a whole second`).toBeUndefined();
  });
}

async function fixture(durationMs: number) {
  const folder = await loadScenarioFolder(join(FIXTURES, 'two-routes'));
  const def = { ...folder.definition, load: { ...folder.definition.load, durationMs } };
  return { def, code: folder.starter };
}

describe('the last bucket of the series', () => {
  it('ends where the window of a completed run ends, and says how long it is', async () => {
    const { def, code } = await fixture(3000);
    const s: RunSummary = await runScenario(def, { ...nodeHost(), code, seed: 3 });
    expect(s.status).toBe('completed');
    expectContiguous(s.series);
    const last = s.series[s.series.length - 1];
    expect(last.tMs + spanOf(last)).toBeCloseTo(s.windowMs, 3);
  });

  it('of a stopped run ends at the stop, not at the planned end, and is deterministic', async () => {
    const { def, code } = await fixture(10_000);
    const run = async () => {
      let virtualMs = 0;
      const s = await runScenario(def, {
        ...nodeHost(),
        code,
        seed: 3,
        onProgress: (p) => (virtualMs = p.virtualMs),
        shouldStop: () => virtualMs >= 2400,
      });
      return s;
    };
    const s = await run();
    expect(s.status).toBe('aborted');
    expectContiguous(s.series);
    const last = s.series[s.series.length - 1];
    const endMs = last.tMs + spanOf(last);
    expect(endMs).toBeGreaterThanOrEqual(2400);
    expect(endMs).toBeLessThan(4000);
    expect(last.spanMs).toBeGreaterThan(0);
    // Its counts are those of a part of a second: scaled to a second they read like the others.
    const perSec = (b: SeriesBucket) => (b.requests * 1000) / spanOf(b);
    expect(perSec(last)).toBeGreaterThan(0.5 * perSec(s.series[1]));
    expect(JSON.stringify((await run()).series)).toBe(JSON.stringify(s.series));
  });
});
