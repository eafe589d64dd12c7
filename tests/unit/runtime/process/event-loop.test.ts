import { describe, expect, it } from 'vitest';
import { FIXTURES, littleGap, route, runFolder } from '../../../helpers/run-fixture.ts';

const dir = `${FIXTURES}two-routes`;

const service = (work: string, imports = '') => `
import type { FastifyInstance } from 'fastify';
${imports}
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => {
    ${work}
    return { done: true };
  });
}
`;

describe('the main thread in virtual time', () => {
  it('a busy-wait blocks the loop for the time it spins, and every other route waits behind it', async () => {
    const s = await runFolder(dir, service('const t = Date.now(); while (Date.now() - t < 50) {}'));
    expect(s.status).toBe('completed');
    expect(route(s, 'POST /work').latency.p50Ms).toBeGreaterThanOrEqual(50);
    // 20 spins a second at 50 ms each: the loop is busy ~100% of the time... and beyond.
    expect(route(s, 'GET /health').latency.p99Ms).toBeGreaterThan(50);
    expect(s.metrics['http_req_duration{route:GET /health}:p(99)']).toBeGreaterThan(20);
    expect(s.slos[0].pass).toBe(false);
  });

  it('the same handler without the spin leaves the cheap route fast', async () => {
    const s = await runFolder(dir, service(''));
    expect(route(s, 'GET /health').latency.p99Ms).toBeLessThan(1);
    expect(s.passed).toBe(true);
  });

  it('pbkdf2Sync under load inflates the p99 of an unrelated cheap route; pbkdf2 on the thread pool does not', async () => {
    const imports =
      "import { pbkdf2, pbkdf2Sync } from 'node:crypto';\nimport { promisify } from 'node:util';\nconst pbkdf2Async = promisify(pbkdf2);";
    const sync = await runFolder(dir, service("pbkdf2Sync('hunter2', 'salt', 100000, 32, 'sha256');", imports));
    const pooled = await runFolder(dir, service("await pbkdf2Async('hunter2', 'salt', 100000, 32, 'sha256');", imports));
    const syncP99 = route(sync, 'GET /health').latency.p99Ms;
    const pooledP99 = route(pooled, 'GET /health').latency.p99Ms;
    expect(syncP99).toBeGreaterThan(20);
    expect(pooledP99).toBeLessThan(2);
    // The expensive route itself costs about the same either way: ~30 ms of hashing.
    expect(route(pooled, 'POST /work').latency.p50Ms).toBeGreaterThan(29);
    expect(sync.metrics).toBeDefined();
  });

  it('samples event-loop delay like monitorEventLoopDelay: one long sample per stall, no catch-up samples', async () => {
    // One 200 ms stall in a 10 s run. Node's monitor is a repeating libuv timer: after the
    // stall it fires once (one sample of ~200 ms) and again 10 ms later, so only one of
    // about a thousand samples is large and the p99 stays near zero.
    const code = `
import type { FastifyInstance } from 'fastify';
setTimeout(() => { const t = Date.now(); while (Date.now() - t < 200) {} }, 5003);
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}`;
    const s = await runFolder(dir, code, 1, (d) => ({
      ...d,
      slos: ['p(99)<1', 'max<1000'].map((threshold) => ({ metric: 'eventloop_delay', threshold, label: threshold })),
    }));
    const m = (agg: string) => s.metrics[`eventloop_delay:${agg}`];
    expect(m('max')).toBeGreaterThan(190);
    expect(m('p(99)')).toBeLessThan(1);
  });

  it('is deterministic: same code and seed give byte-identical summaries, another seed differs', async () => {
    const code = service('await new Promise((r) => setTimeout(r, Math.random() * 10));');
    const a = JSON.stringify(await runFolder(dir, code, 7));
    const b = JSON.stringify(await runFolder(dir, code, 7));
    const c = JSON.stringify(await runFolder(dir, code, 8));
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("satisfies Little's law on the run within 1%", async () => {
    const s = await runFolder(dir, service("await fetch('http://inventory.internal/stock');"));
    expect(s.requests.arrivals).toBeGreaterThan(1500);
    expect(littleGap(s)).toBeLessThan(0.01);
  });
});
