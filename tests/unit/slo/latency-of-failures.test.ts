/**
 * A latency SLO reads the requests that were answered (or given up on at timeout): a route
 * whose every request fails at once is not a fast route, and failing some requests fast does
 * not lower the latency of the rest.
 */
import { describe, expect, it } from 'vitest';
import type { ScenarioDefinition } from '../../../runner/scenario/types.ts';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';

const withWorkSlo = (d: ScenarioDefinition): ScenarioDefinition => ({
  ...d,
  load: { ...d.load, durationMs: 2000 },
  slos: [
    ...d.slos,
    { metric: 'http_req_duration{route:POST /work}', threshold: 'p(99)<50', label: 'work p99 under 50 ms' },
    { metric: 'http_req_duration{route:POST /work}', threshold: 'med<50', label: 'work median under 50 ms' },
  ],
});

describe('latency SLOs and failed requests', () => {
  it('a route whose every request fails has no latency to meet its SLO with', async () => {
    const code = `
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => { throw new Error('broken'); });
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, withWorkSlo);
    const slo = s.slos.find((x) => x.label === 'work p99 under 50 ms')!;
    expect(slo.actual).toBeNull();
    expect(slo.pass).toBe(false);
  });

  it('failing most requests fast leaves the latency of those answered', async () => {
    const code = `
let n = 0;
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req, reply) => {
    if (n++ % 4 !== 0) return reply.code(503).send({ busy: true });
    await new Promise((r) => setTimeout(r, 80));
    return { n: req.body.n };
  });
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, withWorkSlo);
    // Three in four fail at once: with them counted, the median would be a fast failure.
    const slo = s.slos.find((x) => x.label === 'work median under 50 ms')!;
    expect(slo.actual).toBeGreaterThan(80);
    expect(slo.pass).toBe(false);
  });
});
