/**
 * Request traces in a run's summary: one small run per kind of span shows that kind where the
 * platform does the work (the event loop, the pool and the database, fetch and its timers,
 * libuv's pool, worker threads, the cache); failures are kept; ids follow W3C trace-context
 * and are the same for the same seed, as is every byte of the traces.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';
import { loadScenarioFolder } from '../../../runner/host-node/scenario-folder.ts';
import type { ScenarioDefinition } from '../../../runner/scenario/types.ts';
import type { RequestTrace, RunSummary, TraceSpan, TraceSpanKind } from '../../../runner/summary-schema.ts';

const TWO_ROUTES = `${FIXTURES}two-routes`;

const lasting =
  (durationMs: number, cpus?: number) =>
  (d: ScenarioDefinition): ScenarioDefinition => ({
    ...d,
    platform: cpus ? { ...d.platform, cpus } : d.platform,
    load: { ...d.load, durationMs },
  });

/** The two-routes fixture with `body` as the handler of POST /work (`n` is the request's number). */
function work(body: string, head = '', setup = ''): string {
  return `${head}
export default async function routes(app) {
  ${setup}
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => {
    const n = req.body.n;
    ${body}
  });
}`;
}

const tracesOf = (s: RunSummary, route?: string): RequestTrace[] => (s.traces ?? []).filter((t) => !route || t.route === route);
const spansOf = (t: RequestTrace, kind: TraceSpanKind): TraceSpan[] => t.spans.filter((s) => s.kind === kind);
const slowest = (s: RunSummary, route: string): RequestTrace => {
  const t = tracesOf(s, route).find((x) => x.sampledAs.includes('slowest'));
  if (!t) throw new Error(`no slowest trace of ${route}`);
  return t;
};

describe('request traces: span kinds', () => {
  it('a busy-wait is handler CPU on its own request, and event-loop wait on the requests behind it', async () => {
    const s = await runFolder(
      TWO_ROUTES,
      work('const end = performance.now() + 20; while (performance.now() < end) {} return { n };'),
      1,
      lasting(1000),
    );
    const cpu = spansOf(slowest(s, 'POST /work'), 'cpu');
    expect(cpu.some((x) => x.durationMs >= 20)).toBe(true);
    const waits = spansOf(slowest(s, 'GET /health'), 'loop.wait');
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0].name).toBe('waiting for the event loop');
  });

  it('the N+1 starter: each query a span with its SQL, rows, queue and execution time; pool waits', async () => {
    const s = await runFolder((await loadScenarioFolder('n-plus-one')).dir, undefined, 1, lasting(3000));
    const t = slowest(s, 'GET /api/events');
    const queries = spansOf(t, 'db.query');
    expect(queries.length).toBe(51);
    expect(new Set(queries.map((q) => q.name)).size).toBe(2);
    for (const q of queries) {
      expect(q.name).toMatch(/^SELECT /);
      expect(q.attributes).toMatchObject({ rows: expect.any(Number), dbQueueMs: expect.any(Number), dbExecMs: expect.any(Number) });
    }
    expect(tracesOf(s).some((x) => spansOf(x, 'pg.pool.wait').length > 0)).toBe(true);
  });

  it('fetch attempts with a timeout, and the backoff sleeps between them', async () => {
    const s = await runFolder(
      TWO_ROUTES,
      work(`
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await fetch('http://inventory.internal/items/' + n, { signal: AbortSignal.timeout(attempt < 3 ? 2 : 50) });
        return { n, status: res.status, attempt };
      } catch (err) {
        await new Promise((resolve) => setTimeout(resolve, 10 * attempt));
      }
    }`),
      1,
      lasting(1000),
    );
    const t = slowest(s, 'POST /work');
    const fetches = spansOf(t, 'fetch');
    expect(fetches.length).toBe(3);
    expect(fetches[0].name).toBe('GET inventory.internal/items/' + t.seq);
    expect(fetches.slice(0, 2).map((f) => f.attributes)).toEqual([
      expect.objectContaining({ aborted: true, timeout: true }),
      expect.objectContaining({ aborted: true, timeout: true }),
    ]);
    expect(fetches[2].attributes).toMatchObject({ status: 200 });
    expect(spansOf(t, 'timer').map((x) => x.name)).toEqual(['setTimeout 10 ms', 'setTimeout 20 ms']);
  });

  it("libuv's thread pool: waiting for a thread and working, for async pbkdf2", async () => {
    const folder = await loadScenarioFolder('blocking-event-loop');
    const code = folder.fixes.find((f) => f.name === 'alt-callback-pbkdf2.ts')?.code;
    const s = await runFolder(folder.dir, code, 1, lasting(2000));
    const spans = tracesOf(s).flatMap((t) => spansOf(t, 'threadpool'));
    expect(spans.length).toBeGreaterThan(0);
    expect(spans[0].name).toBe('thread pool: pbkdf2');
    expect(spans[0].attributes).toMatchObject({ poolWaitMs: expect.any(Number), workMs: expect.any(Number) });
  });

  it('piscina: the CPU a worker thread spends on the request, and its wait for one', async () => {
    const folder = await loadScenarioFolder('blocking-event-loop');
    const code = folder.fixes.find((f) => f.name === 'alt-piscina.ts')?.code;
    const s = await runFolder(folder.dir, code, 1, lasting(2000));
    const worker = tracesOf(s).flatMap((t) => spansOf(t, 'worker'));
    expect(worker.length).toBeGreaterThan(0);
    expect(worker[0].name).toMatch(/^worker thread \d+ CPU$/);
    expect(worker[0].attributes?.thread).toEqual(expect.any(Number));
    // The main thread's own CPU is still its own kind.
    expect(tracesOf(s).some((t) => spansOf(t, 'cpu').length > 0)).toBe(true);
  });

  it('cache commands, each a round trip named after its command', async () => {
    const s = await runFolder(
      TWO_ROUTES,
      work(
        `const hit = await cache.get('n:' + (n % 3));
    if (hit === null) await cache.set('n:' + (n % 3), String(n));
    return { n, hit };`,
        `import { createClient } from 'redis';
const cache = createClient();`,
        'await cache.connect();',
      ),
      1,
      lasting(500),
    );
    const names = tracesOf(s, 'POST /work').flatMap((t) => spansOf(t, 'cache').map((x) => x.name));
    expect(names).toContain('cache GET');
  });
});

describe('request traces: failures, ids and determinism', () => {
  const failing = work(`
    if (n % 10 === 3) throw new Error('boom');
    if (n % 10 === 7) await new Promise(() => {});
    return { n };`);

  it('keeps 5xx answers and client timeouts, marked as such', async () => {
    const s = await runFolder(TWO_ROUTES, failing, 1, lasting(1000));
    const work = tracesOf(s, 'POST /work');
    const errors = work.filter((t) => t.sampledAs.includes('error'));
    const timeouts = work.filter((t) => t.sampledAs.includes('timeout'));
    expect(errors.length).toBeGreaterThan(0);
    expect(timeouts.length).toBeGreaterThan(0);
    for (const t of errors) expect([t.outcome, t.status]).toEqual(['error', 500]);
    for (const t of timeouts) expect([t.outcome, t.status]).toEqual(['timeout', null]);
  });

  it('W3C trace-context ids: 32 and 16 lowercase hex digits, every parent a span of the trace', async () => {
    const s = await runFolder(TWO_ROUTES, failing, 1, lasting(1000));
    expect(tracesOf(s).length).toBeGreaterThan(0);
    const traceIds = new Set<string>();
    for (const t of tracesOf(s)) {
      expect(t.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(t.traceId).not.toMatch(/^0+$/);
      traceIds.add(t.traceId);
      const ids = new Set(t.spans.map((x) => x.spanId));
      expect(ids.size).toBe(t.spans.length);
      expect(t.spans[0].kind).toBe('request');
      expect(t.spans[0].parentId).toBeUndefined();
      for (const x of t.spans) {
        expect(x.spanId).toMatch(/^[0-9a-f]{16}$/);
        if (x !== t.spans[0]) expect(ids.has(x.parentId as string)).toBe(true);
      }
    }
    expect(traceIds.size).toBe(tracesOf(s).length);
  });

  it('the same code and seed give the same traces, byte for byte; another seed other ids', async () => {
    const code = work('const end = performance.now() + 3; while (performance.now() < end) {} return { n };');
    const a = await runFolder(TWO_ROUTES, code, 5, lasting(1000));
    const b = await runFolder(TWO_ROUTES, code, 5, lasting(1000));
    const c = await runFolder(TWO_ROUTES, code, 6, lasting(1000));
    expect(JSON.stringify(b.traces)).toBe(JSON.stringify(a.traces));
    const ids = (s: RunSummary) => new Set(tracesOf(s).map((t) => t.traceId));
    const other = ids(c);
    for (const id of ids(a)) expect(other.has(id)).toBe(false);
  });
});
