/**
 * Attacks through node:worker_threads and piscina. A worker runs the service's file again on a
 * thread of its own; each test runs a small service end to end and requires that the work it
 * moves to a thread is charged somewhere and counted for the request it serves, that the
 * platform survives what a service throws or sends, and that threads stay within the lab's
 * limits.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { messageBytes } from '../../runner/runtime/modules/worker-threads/message-clone.ts';
import type { ScenarioDefinition } from '../../runner/scenario/types.ts';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { FIXTURES, runFolder } from '../helpers/run-fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TWO_ROUTES = `${FIXTURES}two-routes`;
const ROUTES = `
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => ({ n: req.body.n }));
}
`;

/** A short run of the two-routes fixture on a machine of `cpus` cores. */
function machine(cpus: number, durationMs = 1000) {
  return (d: ScenarioDefinition): ScenarioDefinition => ({
    ...d,
    platform: { ...d.platform, cpus },
    load: { ...d.load, durationMs },
  });
}

/** The service's console lines without their time stamps. */
const consoleLines = (s: RunSummary): string[] => s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));

/** What went wrong: the service could not start (a BadInput), or the errors of its run. */
async function failure(code: string): Promise<string> {
  try {
    const s = await runFolder(TWO_ROUTES, code, 1, machine(4, 500));
    return s.errors.map((e) => e.message).join('\n');
  } catch (err) {
    return String(err);
  }
}

describe("a worker's work is charged to the worker", () => {
  it('the callback of async crypto a worker starts runs on the worker, and its CPU counts there', async () => {
    // libuv's pool posts completions to the main thread: a worker's callback run there was
    // counted on no thread's meter, and the worker's promises waited for its next message.
    const code = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import crypto from 'node:crypto';
if (!isMainThread) {
  parentPort.on('message', async (m) => {
    if (m === 'digest') {
      const d = await crypto.subtle.digest('SHA-256', new Uint8Array(4));
      return parentPort.postMessage('digest ' + d.byteLength);
    }
    crypto.randomBytes(1, () => {
      const t0 = performance.now();
      let x = 0;
      for (let i = 0; i < 3_000_000; i++) x = (x + i) | 0;
      parentPort.postMessage('loop took ' + (performance.now() - t0 > 1 ? 'time' : 'nothing'));
    });
  });
}
${ROUTES.replace(
  'app.get',
  `const w = new Worker(new URL(import.meta.url));
  w.on('message', (m) => console.log(m));
  w.postMessage('digest');
  w.postMessage('loop');
  app.get`,
)}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(2, 500));
    expect(s.errors).toEqual([]);
    expect(consoleLines(s).sort()).toEqual(['digest 32', 'loop took time']);
  });

  it('a message with more than a million values is charged for all of them', () => {
    const small = messageBytes(new Array(500_000).fill(0));
    const large = messageBytes(new Array(2_000_000).fill(0));
    expect(large).toBeGreaterThanOrEqual(3.9 * small);
  });
});

describe('what a worker does for a request counts for that request', () => {
  /** n-plus-one with its lineups fetched on a worker: the queries are still the request's. */
  const nPlusOneOnWorker = (how: 'piscina' | 'worker'): string => `
import { Pool } from 'pg';
import Piscina from 'piscina';
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
const pool = new Pool({ max: 10 });
export async function lineups(ids) {
  const out = [];
  for (const id of ids) {
    const { rows } = await pool.query('SELECT a.id, a.name, a.genre FROM event_performers p JOIN artists a ON a.id = p.artist_id WHERE p.event_id = $1 ORDER BY p.billing', [id]);
    out.push(rows);
  }
  return out;
}
const onMain = isMainThread;
if (!onMain && !Piscina.isWorkerThread) parentPort.on('message', async ({ id, ids }) => parentPort.postMessage({ id, out: await lineups(ids) }));
const piscina = onMain && ${how === 'piscina'} ? new Piscina({ filename: import.meta.url, name: 'lineups', minThreads: 2, maxThreads: 2 }) : undefined;
const worker = onMain && ${how === 'worker'} ? new Worker(import.meta.url) : undefined;
const waiting = new Map();
let next = 0;
worker?.on('message', ({ id, out }) => { waiting.get(id)(out); waiting.delete(id); });
const viaWorker = (ids) => new Promise((resolve) => { const id = next++; waiting.set(id, resolve); worker.postMessage({ id, ids }); });
export default async function routes(app) {
  app.get('/api/events', async (req) => {
    const { rows } = await pool.query('SELECT e.id, e.title, e.starts_at, e.price_from_cents, e.tickets_available, v.id AS venue_id, v.name AS venue_name FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.city_id = $1 ORDER BY e.starts_at, e.id LIMIT 50', [req.query.city]);
    const all = await (piscina ? piscina.run(rows.map((r) => r.id)) : viaWorker(rows.map((r) => r.id)));
    return { city: req.query.city, events: rows.map((r, i) => ({ id: r.id, lineup: all[i] })) };
  });
  app.post('/api/events/:id/holds', async (req, reply) => reply.code(409).send({ error: 'not enough tickets left' }));
}
`;
  const short = (d: ScenarioDefinition): ScenarioDefinition => ({ ...d, load: { ...d.load, durationMs: 1500 } });
  const queriesPerList = (s: RunSummary) => s.slos.find((x) => x.metric.startsWith('db_queries_per_request'))?.actual;

  for (const how of ['piscina', 'worker'] as const) {
    it(`an N+1 loop moved to a ${how === 'piscina' ? 'piscina task' : 'hand-written worker'} still counts its queries per request`, async () => {
      const s = await runFolder(join(ROOT, 'scenarios/n-plus-one'), nPlusOneOnWorker(how), 1, short);
      expect(s.errors).toEqual([]);
      // One query for the page, then one per event (the page has 50 or fewer).
      expect(queriesPerList(s)).toBeGreaterThan(20);
    });
  }

  it('an N+1 loop moved to a queue the handler only wakes, running outside any request, still counts its queries per request', async () => {
    const code = `
import { Pool } from 'pg';
const pool = new Pool({ max: 10 });
const queue = [];
let wake;
// Started at load: its queries run in no request's context.
(async () => {
  for (;;) {
    await new Promise((r) => (wake = r));
    while (queue.length) {
      const job = queue.shift();
      pool.query('SELECT a.id, a.name, a.genre FROM event_performers p JOIN artists a ON a.id = p.artist_id WHERE p.event_id = $1 ORDER BY p.billing', [job.id]).then((r) => job.done(r.rows));
    }
  }
})();
const lineup = (id) => new Promise((done) => { queue.push({ id, done }); wake?.(); });
export default async function routes(app) {
  app.get('/api/events', async (req) => {
    const { rows } = await pool.query('SELECT e.id, e.title, e.starts_at, e.price_from_cents, e.tickets_available, v.id AS venue_id, v.name AS venue_name FROM events e JOIN venues v ON v.id = e.venue_id WHERE e.city_id = $1 ORDER BY e.starts_at, e.id LIMIT 50', [req.query.city]);
    const lineups = [];
    for (const r of rows) lineups.push(await lineup(r.id));
    return { city: req.query.city, events: rows.map((r, i) => ({ id: r.id, lineup: lineups[i] })) };
  });
  app.post('/api/events/:id/holds', async (req, reply) => reply.code(409).send({ error: 'not enough tickets left' }));
}
`;
    const s = await runFolder(join(ROOT, 'scenarios/n-plus-one'), code, 1, short);
    expect(s.errors).toEqual([]);
    expect(queriesPerList(s)).toBeGreaterThan(20);
  });

  // An instance's tallies (fetch attempts, leaked pg clients) add up its threads' own.
  it("a retry loop on a worker counts its attempts in the downstream's retry amplification", async () => {
    const code = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (!isMainThread) {
  parentPort.on('message', async (id) => {
    for (let i = 0; i < 3; i++) await fetch('http://inventory.internal/stock');
    parentPort.postMessage(id);
  });
}
const worker = isMainThread ? new Worker(__filename) : undefined;
const waiting = new Map();
let next = 0;
worker?.on('message', (id) => { waiting.get(id)(); waiting.delete(id); });
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => {
    await fetch('http://inventory.internal/stock');
    await new Promise((resolve) => { const id = next++; waiting.set(id, resolve); worker.postMessage(id); });
    return { n: req.body.n };
  });
}
`;
    const s = await runFolder(TWO_ROUTES, code, 1, (d) => ({
      ...machine(4, 1000)(d),
      slos: [
        ...d.slos,
        { metric: 'downstream_retry_amplification{host:inventory.internal}', threshold: 'value<100', label: 'amplification' },
      ],
    }));
    expect(s.errors).toEqual([]);
    // Each call to inventory made 4 attempts: one on the main thread, three on the worker.
    expect(s.slos.find((x) => x.label === 'amplification')?.actual).toBeCloseTo(4, 1);
  });
  it('a client a worker takes and never gives back counts as leaked', async () => {
    const code = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import { Pool } from 'pg';
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
if (!isMainThread) {
  parentPort.on('message', async (id) => {
    const client = await pool.connect();
    await client.query('SELECT 1');
    parentPort.postMessage(id);
  });
}
const worker = isMainThread ? new Worker(__filename) : undefined;
const waiting = new Map();
let next = 0;
worker?.on('message', (id) => { waiting.get(id)(); waiting.delete(id); });
export default async function routes(app) {
  app.get('/api/products/:id', async () => {
    await new Promise((resolve) => { const id = next++; waiting.set(id, resolve); worker.postMessage(id); });
    return { ok: true };
  });
  app.post('/api/checkout', async () => ({ ok: true }));
}
`;
    const s = await runFolder(join(ROOT, 'scenarios/pool-exhaustion'), code, 1, (d) => ({
      ...short(d),
      slos: [...d.slos, { metric: 'pg_pool_clients_leaked', threshold: 'value<1', label: 'no leaks' }],
    }));
    // Four replicas, each with a worker whose pool of ten is all leaked.
    expect(s.slos.find((x) => x.label === 'no leaks')?.actual).toBe(40);
  });
});

describe('piscina stays within the limits of the lab and of piscina', () => {
  const POOL = (options: string) => `
import Piscina from 'piscina';
export function echo(x) { return x; }
const pool = Piscina.isWorkerThread ? undefined : new Piscina({ filename: import.meta.url, name: 'echo', ${options} });
`;

  it("a pool's threads count towards the instance's limit of worker threads", async () => {
    expect(await failure(POOL('minThreads: 2000, maxThreads: 2000') + ROUTES)).toMatch(/already runs 64 worker threads/);
  });

  it('a file that starts its pool on every thread (no isWorkerThread check) stops at the limit, with the reason', async () => {
    const code = `
import Piscina from 'piscina';
export function echo(x) { return x; }
const pool = new Piscina({ filename: import.meta.url, name: 'echo', minThreads: 4, maxThreads: 4 });
${ROUTES}`;
    const msg = await failure(code);
    expect(msg).toMatch(/Worker thread \d+: Uncaught exception: .*already runs 64 worker threads/);
  });

  it('a task that cannot be copied is rejected with the reason and leaves its worker free', async () => {
    const code = `${POOL('minThreads: 1, maxThreads: 1')}
const log = (...a) => console.log(...a);
if (pool) {
  (async () => {
    // Queued while the worker starts, then sent: a function, a getter that throws, then plain data.
    const tasks = [() => 1, { get x() { throw new Error('getter'); } }, 3].map((t, i) =>
      pool.run(t).then((v) => log(i, 'ok', v), (e) => log(i, 'rejected', e.name, e.message.replace(/[(].*/, ''))));
    await Promise.all(tasks);
    // And once the worker is ready: sent at once.
    await pool.run(() => 2).catch((e) => log('ready', 'rejected', e.name));
    log('after', await pool.run(4));
  })();
}
${ROUTES}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(4, 500));
    expect(s.errors).toEqual([]);
    expect(consoleLines(s)).toEqual([
      '0 rejected DataCloneError ',
      '1 rejected Error getter',
      '2 ok 3',
      'ready rejected DataCloneError',
      'after 4',
    ]);
  });

  it('a pool whose workers fail while starting stops replacing them, as piscina does', async () => {
    const code = `
import Piscina from 'piscina';
export function echo(x) { return x; }
if (Piscina.isWorkerThread) throw new Error('cannot start');
const pool = new Piscina({ filename: import.meta.url, name: 'echo', minThreads: 2, maxThreads: 2 });
${ROUTES}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(4, 1000));
    // Each of the two first workers fails once; none is started again.
    expect(s.errors.map((e) => [e.message, e.count])).toEqual([
      ['Worker thread 1: Uncaught exception: cannot start', 1],
      ['Worker thread 2: Uncaught exception: cannot start', 1],
    ]);
  });

  it("a pool's methods can be wrapped on the instance, as in Node", async () => {
    const code = `${POOL('minThreads: 1, maxThreads: 1')}
if (pool) {
  const run = pool.run.bind(pool);
  pool.run = (t) => { console.log('running', t); return run(t); };
  pool.run(5).then((v) => console.log('got', v));
}
${ROUTES}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(4, 500));
    expect(s.errors).toEqual([]);
    expect(consoleLines(s)).toEqual(['running 5', 'got 5']);
  });
});

describe('what a worker throws is reported, and never reaches the runner', () => {
  const EVIL = `const evil = new Proxy({}, {
  getPrototypeOf() { throw evil; }, get() { throw evil; }, getOwnPropertyDescriptor() { throw evil; }, ownKeys() { throw evil; },
});`;

  it('a Proxy that throws itself from every trap, thrown by a worker, by a piscina task, or as a rejection', async () => {
    const code = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
import Piscina from 'piscina';
${EVIL}
export function task(kind) {
  if (kind === 'throw') throw evil;
  return Promise.reject(evil);
}
if (!isMainThread && !Piscina.isWorkerThread) {
  parentPort.on('message', (kind) => {
    if (kind === 'throw') throw evil;
    Promise.reject(evil);
  });
}
if (isMainThread) {
  for (const kind of ['throw', 'reject']) {
    const w = new Worker(__filename);
    w.on('error', (e) => console.log('worker', kind, e.message));
    w.postMessage(kind);
  }
  const pool = new Piscina({ filename: __filename, name: 'task', minThreads: 1, maxThreads: 1 });
  for (const kind of ['throw', 'reject']) pool.run(kind).catch((e) => console.log('task', kind, e.message));
}
${ROUTES}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(4, 500));
    expect(consoleLines(s).sort()).toEqual([
      'task reject A value that could not be copied was thrown (object)',
      'task throw A value that could not be copied was thrown (object)',
      'worker reject A value that could not be copied was thrown (object)',
      'worker throw A value that could not be copied was thrown (object)',
    ]);
    expect(s.errors.every((e) => e.message.startsWith('Worker thread'))).toBe(true);
  });
});

describe('threads end together', () => {
  it("a terminated worker's own workers stop too, and no longer slow the machine", async () => {
    // On one core, main measures a fixed loop before and after: a grandchild left spinning
    // would share the core with it and make it take twice as long.
    const code = `
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
const loop = () => { const t0 = performance.now(); let x = 0; for (let i = 0; i < 300_000; i++) x = (x + i) | 0; return performance.now() - t0; };
if (!isMainThread && workerData === 'child') new Worker(__filename, { workerData: 'grandchild' });
if (!isMainThread && workerData === 'grandchild') {
  const spin = () => { loop(); setImmediate(spin); };
  spin();
}
if (isMainThread) {
  const before = loop();
  const child = new Worker(__filename, { workerData: 'child' });
  setTimeout(() => {
    const during = loop();
    child.terminate().then(() => setTimeout(() => {
      console.log('during', (during / before).toFixed(1), 'after', (loop() / before).toFixed(1));
    }, 50));
  }, 100);
}
${ROUTES}`;
    const s = await runFolder(TWO_ROUTES, code, 1, machine(1, 500));
    expect(s.errors).toEqual([]);
    expect(consoleLines(s)).toEqual(['during 2.0 after 1.0']);
  });
});
