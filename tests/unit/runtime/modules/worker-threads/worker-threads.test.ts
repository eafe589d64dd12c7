/**
 * node:worker_threads in the lab. First the order of events on each side, against Node's own
 * worker_threads running the same file; then what workers are for: CPU work on a worker no
 * longer delays the main thread's requests, and more busy threads than cores slow each other
 * down; then what is refused, and determinism.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES, route, runFolder } from '../../../../helpers/run-fixture.ts';
import type { ScenarioDefinition } from '../../../../../runner/scenario/types.ts';
import type { RunSummary } from '../../../../../runner/summary-schema.ts';

const TWO_ROUTES = `${FIXTURES}two-routes`;
const ROUTES = `
export default async function routes(app) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => ({ n: req.body.n }));
}
`;

/** A short run of the two-routes fixture on a machine of `cpus` cores. */
function machine(cpus: number, durationMs = 2000) {
  return (d: ScenarioDefinition): ScenarioDefinition => ({
    ...d,
    platform: { ...d.platform, cpus },
    load: { ...d.load, durationMs },
  });
}

/** The service's console lines without their time stamps. */
const consoleLines = (s: RunSummary): string[] => s.console.map((l) => l.replace(/^\[[\d.]+s\] /, ''));

/** One file for Node and for the lab: the main thread and its worker log what they see. */
const ORDER_SCRIPT = `
import { Worker, isMainThread, parentPort, workerData, threadId } from 'node:worker_threads';
if (isMainThread) {
  const data = { n: 1, list: [1, 2] };
  const w = new Worker(new URL(import.meta.url), { workerData: data });
  w.postMessage('a');
  w.postMessage('b');
  w.on('online', () => console.log('main: online', w.threadId));
  w.on('message', (m) => {
    console.log('main: message', JSON.stringify(m), 'data.n', data.n);
    if (m === 'done') w.postMessage('boom');
  });
  w.on('error', (e) => console.log('main: error', e.name, e.message, e instanceof Error));
  w.on('exit', (code) => console.log('main: exit', code));
} else {
  console.log('worker: start', threadId, JSON.stringify(workerData));
  workerData.n = 99;
  parentPort.on('message', (m) => {
    console.log('worker: got', m);
    if (m === 'b') {
      parentPort.postMessage({ echo: m, list: workerData.list });
      parentPort.postMessage('done');
    }
    if (m === 'boom') throw new TypeError('kaput');
  });
}
`;

describe('worker_threads: events in the order Node gives them', () => {
  it('online, messages both ways, a copied workerData, then error and exit: each side sees what Node shows it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'worker-order-'));
    const file = join(dir, 'service.mjs');
    writeFileSync(file, ORDER_SCRIPT);
    const nodeLines = execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim().split('\n');
    const lab = consoleLines(await runFolder(TWO_ROUTES, ORDER_SCRIPT + ROUTES, 1, machine(4)));
    const side = (lines: string[], who: string) => lines.filter((l) => l.startsWith(who));
    expect(side(lab, 'main:')).toEqual(side(nodeLines, 'main:'));
    expect(side(lab, 'worker:')).toEqual(side(nodeLines, 'worker:'));
    // And what the two sides saw, spelled out.
    expect(side(lab, 'main:')).toEqual([
      'main: online 1',
      'main: message {"echo":"b","list":[1,2]} data.n 1',
      'main: message "done" data.n 1',
      'main: error TypeError kaput true',
      'main: exit 1',
    ]);
  });
});

/** A service whose logins each burn `units` of loop on a worker (or on the main thread). */
function crunchService(where: 'worker' | 'main', workers = 1): string {
  return `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
const crunch = (n) => { let x = 0; for (let i = 0; i < n; i++) x = (x * 31 + i) % 1000003; return x; };
if (!isMainThread) parentPort.on('message', ({ id, n }) => parentPort.postMessage({ id, x: crunch(n) }));
export default async function routes(app) {
  const pool = [];
  const waiting = new Map();
  let next = 0;
  for (let i = 0; i < ${workers}; i++) {
    const w = new Worker(new URL(import.meta.url));
    w.on('message', ({ id, x }) => { waiting.get(id)(x); waiting.delete(id); });
    pool.push(w);
  }
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (req) => {
    const n = 3_000_000;
    if (${where === 'main'}) return { n: req.body.n, x: crunch(n) };
    const id = next++;
    const x = await new Promise((resolve) => { waiting.set(id, resolve); pool[id % pool.length].postMessage({ id, n }); });
    return { n: req.body.n, x };
  });
}
`;
}

describe('worker_threads: CPU off the main thread, on shared cores', () => {
  it('the same CPU-heavy work delays the cheap route when it runs on the main thread, and not when a worker runs it', async () => {
    const onMain = await runFolder(TWO_ROUTES, crunchService('main'), 1, machine(4));
    const onWorker = await runFolder(TWO_ROUTES, crunchService('worker', 2), 1, machine(4));
    expect(route(onMain, 'POST /work').latency.p99Ms).toBeGreaterThan(2); // the crunch is real CPU in virtual time
    const health = (s: RunSummary) => route(s, 'GET /health').latency.p99Ms;
    expect(health(onWorker)).toBeLessThan(0.5);
    expect(health(onMain)).toBeGreaterThan(5 * health(onWorker));
    expect(onWorker.checks.every((c) => c.failed === 0)).toBe(true);
  });

  it('four workers kept busy on two cores get through their work at half the pace of four cores', async () => {
    const service = `
import { Worker, isMainThread, parentPort } from 'node:worker_threads';
if (!isMainThread) {
  parentPort.on('message', () => {
    let x = 0;
    for (let i = 0; i < 5_000_000; i++) x = (x + i) | 0;
    parentPort.postMessage(x);
  });
}
export default async function routes(app) {
  let online = 0;
  let first;
  let done = 0;
  const workers = [];
  for (let i = 0; i < 4; i++) {
    const w = new Worker(new URL(import.meta.url));
    let jobs = 0;
    w.on('message', () => {
      if (++jobs < 20) return w.postMessage('go');
      if (++done === 4) console.log('all done after', (performance.now() - first).toFixed(3));
    });
    w.on('online', () => {
      if (++online < 4) return;
      first = performance.now();
      for (const x of workers) x.postMessage('go');
    });
    workers.push(w);
  }
${ROUTES.replace('export default async function routes(app) {', '').replace(/}\s*$/, '')}
}
`;
    const took = (s: RunSummary) => Number(consoleLines(s)[0]?.split(' ')[3]);
    const four = took(await runFolder(TWO_ROUTES, service, 1, machine(4)));
    const two = took(await runFolder(TWO_ROUTES, service, 1, machine(2)));
    expect(four).toBeGreaterThan(20);
    // Processor sharing: twice the threads per core, half the pace (a little more: the main thread runs too).
    expect(two / four).toBeGreaterThan(1.8);
    expect(two / four).toBeLessThan(2.2);
  });
});

describe('worker_threads: what the lab refuses, and determinism', () => {
  /** What went wrong: the service could not start (a BadInput), or the errors of its run. */
  const failure = async (code: string) => {
    try {
      const s = await runFolder(TWO_ROUTES, code + ROUTES, 1, machine(4, 500));
      return s.errors.map((e) => e.message).join('\n');
    } catch (err) {
      return String(err);
    }
  };

  it('a worker file other than the service, eval, shared memory and functions in a message fail with what to write instead', async () => {
    expect(await failure(`import { Worker } from 'node:worker_threads'; new Worker('./hash-worker.js');`)).toMatch(
      /Worker cannot run '\.\/hash-worker\.js'.*new Worker\(new URL\(import\.meta\.url\)/s,
    );
    expect(await failure(`import { Worker } from 'node:worker_threads'; new Worker('x', { eval: true });`)).toMatch(
      /Worker option 'eval' is not available/,
    );
    // No memory is shared between threads: the service has no SharedArrayBuffer at all.
    expect(await failure('new SharedArrayBuffer(8);')).toMatch(/SharedArrayBuffer is not (a constructor|defined)/);
    expect(await failure(`import { Worker } from 'node:worker_threads'; new Worker(__filename).postMessage(() => 1);`)).toMatch(
      /could not be cloned/,
    );
  });

  it('a worker that spawns a worker that spawns… stops at the lab limit with a message', async () => {
    const msg = await failure(`import { Worker } from 'node:worker_threads'; new Worker(import.meta.filename);`);
    expect(msg).toMatch(/already runs 64 worker threads/);
  });

  it('the same code and seed give the same summary, byte for byte', async () => {
    const code = crunchService('worker', 3);
    const a = await runFolder(TWO_ROUTES, code, 5, machine(2));
    const b = await runFolder(TWO_ROUTES, code, 5, machine(2));
    expect(JSON.stringify({ ...b, provenance: undefined })).toBe(JSON.stringify({ ...a, provenance: undefined }));
  });
});
