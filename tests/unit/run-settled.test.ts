/**
 * A run whose service burns the main thread in its own JavaScript ends as soon as an SLO can
 * no longer be met (run.ts, slo/settled.ts): the summary names the SLO, the time and the
 * evidence; the same code and seed give the same bytes; and the full run misses the same SLO.
 */
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { SETTLE_EARLY_SERVICE_CPU_MS, runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { loadScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import { renderSummaryText } from '../../runner/report/text.ts';
import { FIXTURES, littleGap } from '../helpers/run-fixture.ts';

/** Each POST /work spins a plain-JS loop of about 45 ms of metered CPU, twenty a second: /health waits behind them. */
const HEAVY = `
import type { FastifyInstance } from 'fastify';
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => {
    const mix = (h: number, i: number) => (h * 31 + i) | 0;
    let h = 0;
    for (let i = 0; i < 15_000_000; i++) h = mix(h, i);
    return { n: (req.body as { n: number }).n, h };
  });
}
`;

/** The fixture, three seconds long: its full run, for comparison, stays short. */
async function definition() {
  const folder = await loadScenarioFolder(join(FIXTURES, 'two-routes'));
  return { folder, def: { ...folder.definition, load: { ...folder.definition.load, durationMs: 3000 } } };
}

describe('a run settled early', () => {
  it('ends once an SLO can no longer be met, says which, when and why, and is deterministic', async () => {
    const { def } = await definition();
    const run = () => runScenario(def, { ...nodeHost(), code: HEAVY, seed: 4 });
    const first = await run();
    const early = first.earlyStop;
    expect(early, 'earlyStop').toBeDefined();
    expect(first.status).toBe('completed');
    expect(first.passed).toBe(false);
    expect(early!.slo.label).toBe('GET /health p99 under 20 ms');
    expect(early!.atMs).toBeLessThan(def.load.durationMs / 2);
    expect(early!.serviceCpuMs).toBeGreaterThan(SETTLE_EARLY_SERVICE_CPU_MS);
    expect(first.slos.find((s) => s.label === early!.slo.label)?.pass).toBe(false);
    expect(first.windowMs).toBeLessThan(def.load.durationMs);
    expect(littleGap(first)).toBeLessThan(0.01);
    expect(renderSummaryText(first)).toMatch(/Early stop\n {2}Stopped at [\d.]+ ms of 3\.0 s, once the verdict was settled/);
    expect(JSON.stringify(await run())).toBe(JSON.stringify(first));

    const full = await runScenario(def, { ...nodeHost(), code: HEAVY, seed: 4, settleEarly: false });
    expect(full.earlyStop).toBeUndefined();
    expect(full.passed).toBe(false);
    expect(full.slos.find((s) => s.label === early!.slo.label)?.pass).toBe(false);
  });

  it('never ends early while the service spends little CPU in its own JavaScript', async () => {
    const { folder, def } = await definition();
    const s = await runScenario(def, { ...nodeHost(), code: folder.starter, seed: 4 });
    expect(s.earlyStop).toBeUndefined();
  });
});
