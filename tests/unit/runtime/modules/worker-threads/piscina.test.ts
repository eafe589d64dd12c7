/**
 * piscina in the lab, on its documented behaviour: a task runs the file's exported function
 * on a worker and resolves with its (copied) result; the pool grows to maxThreads and queues
 * beyond, in order; a full queue rejects with piscina's message; a handler's error rejects the
 * task; the file knows it is a piscina worker.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, runFolder } from '../../../../helpers/run-fixture.ts';
import type { ScenarioDefinition } from '../../../../../runner/scenario/types.ts';

const TWO_ROUTES = `${FIXTURES}two-routes`;

const short = (d: ScenarioDefinition): ScenarioDefinition => ({
  ...d,
  platform: { ...d.platform, cpus: 4 },
  load: { ...d.load, durationMs: 500 },
});

/** Runs `body` (an async function body using `pool` and `log`) at startup; returns the log. */
async function logOf(exportsCode: string, body: string): Promise<string[]> {
  const code = `
import Piscina from 'piscina';
${exportsCode}
const log = (...a) => console.log(...a);
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => ({ n: req.body.n }));
  (async () => { ${body} })().catch((e) => log('failed', e.message));
}
`;
  const s = await runFolder(TWO_ROUTES, code, 1, short);
  expect(s.errors).toEqual([]);
  return s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));
}

const BURN = `export function burn({ ms, tag }) {
  const end = performance.now() + ms;
  let i = 0;
  while (performance.now() < end) i++;
  return { tag, isWorker: Piscina.isWorkerThread };
}
export function double(x) { return x * 2; }
export function fail() { throw new RangeError('no such thing'); }`;

describe('piscina', () => {
  it("runs the pool's named export, or the task's, on workers, with copied results and errors", async () => {
    const log = await logOf(
      BURN,
      `const pool = new Piscina({ filename: new URL(import.meta.url).href, name: 'double' });
       log('main isWorker', Piscina.isWorkerThread);
       log('double', await pool.run(21));
       log('burn', JSON.stringify(await pool.run({ ms: 1, tag: 'a' }, { name: 'burn' })));
       try { await pool.run(null, { name: 'fail' }); } catch (e) { log('error', e.name, e.message); }
       try { await pool.run(null, { name: 'missing' }); } catch (e) { log('error', e.message.replace(/from .*/, 'from <file>')); }`,
    );
    expect(log).toEqual([
      'main isWorker false',
      'double 42',
      'burn {"tag":"a","isWorker":true}',
      'error RangeError no such thing',
      'error No handler function "missing" exported from <file>',
    ]);
  });

  it('grows to maxThreads, queues beyond in order, and rejects when the queue is full', async () => {
    const log = await logOf(
      BURN,
      `const pool = new Piscina({ filename: import.meta.url, name: 'burn', minThreads: 1, maxThreads: 2, maxQueue: 2 });
       const t0 = performance.now();
       const tasks = ['a', 'b', 'c', 'd', 'e'].map((tag) =>
         pool.run({ ms: 10, tag }).then(
           (r) => log('done', r.tag, Math.round(performance.now() - t0)),
           (e) => log('rejected', tag, e.message),
         ),
       );
       log('queued', pool.queueSize, 'threads', pool.threads.length);
       await Promise.all(tasks);
       log('completed', pool.completed);`,
    );
    // No worker is ready yet: all wait while two start; with room for maxQueue plus one task
    // per starting worker, the fifth finds the queue full (as piscina counts it).
    expect(log[0]).toBe('queued 4 threads 2');
    expect(log[1]).toBe('rejected e Task queue is at limit');
    const done = log.filter((l) => l.startsWith('done')).map((l) => l.split(' '));
    expect(done.map((d) => d[1])).toEqual(['a', 'b', 'c', 'd']);
    const at = done.map((d) => Number(d[2]));
    expect(at[2]).toBeGreaterThanOrEqual(at[0] + 10);
    expect(at[3]).toBeGreaterThanOrEqual(at[1] + 10);
    expect(log.at(-1)).toBe('completed 4');
  });

  it('an aborted signal rejects a waiting task with an AbortError, and destroy rejects the rest', async () => {
    const log = await logOf(
      BURN,
      `const pool = new Piscina({ filename: import.meta.url, name: 'burn', minThreads: 1, maxThreads: 1 });
       const ac = new AbortController();
       const first = pool.run({ ms: 5, tag: 'first' });
       const waiting = pool.run({ ms: 5, tag: 'waiting' }, { signal: ac.signal });
       const last = pool.run({ ms: 5, tag: 'last' });
       ac.abort();
       try { await waiting; } catch (e) { log('waiting', e.name); }
       log('first', (await first).tag);
       const pending = pool.run({ ms: 50, tag: 'late' });
       await pool.destroy();
       try { await pending; } catch (e) { log('late', e.message); }
       log('last', (await last.catch((e) => ({ tag: e.message }))).tag);`,
    );
    // 'last' was running by then (it took the worker when 'first' finished): destroy stops it too.
    expect(log).toEqual(['waiting AbortError', 'first first', 'late Terminating worker thread', 'last Terminating worker thread']);
  });
});
