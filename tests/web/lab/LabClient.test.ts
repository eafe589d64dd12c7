/**
 * The lab's worker client against a fake worker, on fake timers: starting once and again after
 * a failure, runs keyed by runId with stale messages dropped, a worker that dies or goes silent,
 * and disposal. What a silent worker is reported as must not depend on what it does after it is
 * ended, which is where the lab once gave the same code two different verdicts.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../runner/index.ts';
import { LabClient, type RunHandlers } from '../../../web/lab/LabClient.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  HUNG_AFTER_MS_MAX,
  MEMORY_MESSAGE,
  SETUP_TIMEOUT_MS,
  type RunRequest,
  type WorkerMessage,
} from '../../../web/lab/protocol.ts';
import { type FakeWorker, fakeWorkers } from './fakeWorker.ts';

const HEARTBEAT_TIMEOUT_MS = 5000;
const REQUEST: RunRequest = { scenarioId: 'demo', code: 'export {}', seed: 7, loadScale: 1 };
const INIT_DONE: WorkerMessage = { type: 'init.done', scenarios: [], platformTypes: [] };
const SUMMARY = { status: 'completed', series: [] } as unknown as RunSummary;

type Call = [string, ...unknown[]];

/** Handlers that log every call, with the (fake) time it came at. */
function recorder(): { handlers: RunHandlers; calls: Call[]; at: number[] } {
  const calls: Call[] = [];
  const at: number[] = [];
  const log =
    (name: string) =>
    (...args: unknown[]) => {
      calls.push([name, ...args]);
      at.push(performance.now());
    };
  return {
    calls,
    at,
    handlers: {
      onCompiled: log('compiled'),
      onCompileFailed: log('compileFailed'),
      onProgress: log('progress'),
      onDone: log('done'),
      onCancelled: log('cancelled'),
      onFailed: log('failed'),
      onHung: log('hung'),
    },
  };
}

/** Lets promise callbacks run (the client chains runs on `init()`), moving no time. */
const settle = () => vi.advanceTimersByTimeAsync(0);

let workers: ReturnType<typeof fakeWorkers>;
let client: LabClient;

beforeEach(() => {
  vi.useFakeTimers();
  workers = fakeWorkers();
  client = new LabClient(workers.create, HEARTBEAT_TIMEOUT_MS);
});

afterEach(() => {
  client.dispose();
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** Starts a run on a worker that has started; returns its id, the worker and the log. */
async function startRun(): Promise<{ runId: number; worker: FakeWorker } & ReturnType<typeof recorder>> {
  const rec = recorder();
  const { runId } = client.run(REQUEST, rec.handlers);
  const worker = workers.latest();
  if (!worker.sent('init').length) throw new Error('no worker was started');
  worker.say(INIT_DONE);
  await settle();
  return { runId, worker, ...rec };
}

describe('init', () => {
  it('starts one worker however often it is called, and resolves with what the worker reports', async () => {
    const first = client.init();
    const second = client.init();
    expect(second).toBe(first);
    expect(workers.all).toHaveLength(1);
    expect(workers.latest().posted).toEqual([{ type: 'init' }]);
    workers.latest().say({ type: 'init.done', scenarios: [{ id: 'a' } as never], platformTypes: [] });
    await expect(first).resolves.toEqual({ scenarios: [{ id: 'a' }], platformTypes: [] });
    await client.init();
    expect(workers.all).toHaveLength(1);
  });

  it('rejects when the worker cannot start, and starts a fresh worker on the next call', async () => {
    const first = client.init();
    workers.latest().say({ type: 'init.failed', message: 'no wasm' });
    await expect(first).rejects.toThrow('no wasm');
    expect(workers.all[0].terminated).toBe(true);
    const second = client.init();
    expect(workers.all).toHaveLength(2);
    workers.latest().say(INIT_DONE);
    await expect(second).resolves.toEqual({ scenarios: [], platformTypes: [] });
  });

  it('turns a worker the browser refuses to create into a rejection, and tries again next time', async () => {
    let refuse = true;
    const retrying = new LabClient(() => {
      if (refuse) throw new Error('blocked by policy');
      return workers.create();
    });
    await expect(retrying.init()).rejects.toThrow('blocked by policy');
    refuse = false;
    const second = retrying.init();
    workers.latest().say(INIT_DONE);
    await expect(second).resolves.toBeDefined();
    retrying.dispose();
  });

  it('fails a run waiting for a worker that cannot start, once', async () => {
    const rec = recorder();
    client.run(REQUEST, rec.handlers);
    workers.latest().say({ type: 'init.failed', message: 'no wasm' });
    await settle();
    expect(rec.calls.map((c) => c[0])).toEqual(['failed']);
    expect(rec.calls[0][3]).toBe('crash');
    expect(workers.latest().sent('run')).toEqual([]);
  });

  it('repeats the last warm-up request to a replacement worker', async () => {
    client.warm('demo');
    expect(workers.latest().sent('warm')).toEqual([{ type: 'warm', scenarioId: 'demo' }]);
    workers.latest().say({ type: 'init.failed', message: 'gone' });
    await settle();
    client.init().catch(() => undefined);
    expect(workers.all).toHaveLength(2);
    expect(workers.latest().sent('warm')).toEqual([{ type: 'warm', scenarioId: 'demo' }]);
  });
});

describe('runs', () => {
  it('sends the request with its runId once the worker has started, and reports its messages', async () => {
    const { runId, worker, calls } = await startRun();
    expect(worker.sent('run')).toEqual([{ type: 'run', runId, ...REQUEST }]);
    worker.say({ type: 'compile.done', runId, compileMs: 12 });
    worker.say({ type: 'run.progress', runId, progress: { virtualMs: 1000 } as never });
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 34 });
    expect(calls).toEqual([
      ['compiled', 12],
      ['progress', { virtualMs: 1000 }],
      ['done', SUMMARY, 34],
    ]);
  });

  it('reports nothing more for a run once it has ended', async () => {
    const { runId, worker, calls } = await startRun();
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 2 });
    worker.say({ type: 'run.failed', runId, message: 'late' });
    expect(calls.map((c) => c[0])).toEqual(['done']);
  });

  it("stops the previous run when a new one starts, and drops the old run's messages", async () => {
    const first = await startRun();
    const second = recorder();
    const { runId } = client.run(REQUEST, second.handlers);
    await settle();
    expect(first.worker.sent('stop')).toEqual([{ type: 'stop', runId: first.runId }]);
    expect(runId).toBe(first.runId + 1);
    first.worker.say({ type: 'compile.done', runId: first.runId, compileMs: 1 });
    first.worker.say({ type: 'run.done', runId: first.runId, summary: SUMMARY, simulateMs: 1 });
    first.worker.say({ type: 'compile.done', runId: 999, compileMs: 1 });
    first.worker.say({ type: 'run.cancelled', runId });
    expect(first.calls).toEqual([]);
    expect(second.calls).toEqual([['cancelled']]);
  });

  it('stops a run through its handle only while it is the active run', async () => {
    const { worker } = await startRun();
    const handle = client.run(REQUEST, recorder().handlers);
    await settle();
    handle.stop();
    expect(worker.sent('stop').at(-1)).toEqual({ type: 'stop', runId: handle.runId });
    client.run(REQUEST, recorder().handlers);
    const stopsSent = worker.sent('stop').length;
    handle.stop();
    expect(worker.sent('stop')).toHaveLength(stopsSent);
  });

  it('keeps the worker after an ordinary failure, and replaces it when the worker cannot be trusted', async () => {
    const plain = await startRun();
    plain.worker.say({ type: 'run.failed', runId: plain.runId, message: 'routes missing' });
    expect(plain.calls).toEqual([['failed', 'routes missing', undefined, undefined]]);
    expect(plain.worker.terminated).toBe(false);

    const tampered = await startRun();
    tampered.worker.say({ type: 'run.failed', runId: tampered.runId, message: 'built-ins changed', reason: 'realm' });
    expect(tampered.calls).toEqual([['failed', 'built-ins changed', undefined, 'realm']]);
    expect(tampered.worker.terminated).toBe(true);
    expect(workers.all).toHaveLength(2);
    expect(workers.latest().sent('init')).toHaveLength(1);
  });

  it('resolves whenIdle once the worker has warmed up and no run is active', async () => {
    let idle = false;
    const { runId, worker } = await startRun();
    void client.whenIdle().then(() => (idle = true));
    worker.say({ type: 'warm.done' });
    await settle();
    expect(idle).toBe(false);
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    await settle();
    expect(idle).toBe(true);
  });

  it('resolves whenNoRun once no run is active, warmed up or not', async () => {
    let noRun = false;
    const { runId, worker } = await startRun();
    void client.whenNoRun().then(() => (noRun = true));
    await settle();
    expect(noRun).toBe(false);
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    await settle();
    expect(noRun).toBe(true);
  });
});

describe('a worker that dies', () => {
  it('fails the active run as a crash, replaces the worker, and ignores the dead one', async () => {
    const { runId, worker, calls } = await startRun();
    worker.fail('Uncaught TypeError: x is not a function');
    expect(calls).toHaveLength(1);
    expect(calls[0][0]).toBe('failed');
    expect(calls[0][1]).toContain('x is not a function');
    expect(calls[0][1]).toContain('Your code is kept');
    expect(calls[0][3]).toBe('crash');
    expect(worker.terminated).toBe(true);
    expect(workers.all).toHaveLength(2);
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    worker.fail('again');
    expect(calls).toHaveLength(1);
  });

  it("cannot speak for its replacement, even with the new run's id", async () => {
    const dead = await startRun();
    dead.worker.fail('gone');
    const next = recorder();
    const { runId } = client.run(REQUEST, next.handlers);
    dead.worker.say(INIT_DONE);
    await settle();
    expect(workers.latest().sent('run')).toEqual([]);
    workers.latest().say(INIT_DONE);
    await settle();
    dead.worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    dead.worker.fail('out of memory');
    expect(next.calls).toEqual([]);
    workers.latest().say({ type: 'run.cancelled', runId });
    expect(next.calls).toEqual([['cancelled']]);
  });

  it('says memory when the worker died for lack of it', async () => {
    const { worker, calls } = await startRun();
    worker.fail('Uncaught RangeError: Out of memory');
    expect(calls).toEqual([['failed', MEMORY_MESSAGE, undefined, 'memory']]);
  });

  it('treats an unreadable message as a crash', async () => {
    const { worker, calls } = await startRun();
    worker.onmessageerror?.({} as MessageEvent);
    expect(calls[0][3]).toBe('crash');
  });
});

describe('a worker that stops answering', () => {
  it('is given the heartbeat timeout once user code runs, then reported as hung and replaced', async () => {
    const { runId, worker, calls } = await startRun();
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS - 250);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual([['hung']]);
    expect(worker.terminated).toBe(true);
    expect(workers.all).toHaveLength(2);
    expect(workers.latest().sent('init')).toHaveLength(1);
  });

  it('is given the longer setup timeout while it compiles and opens the database', async () => {
    const { calls } = await startRun();
    await vi.advanceTimersByTimeAsync(SETUP_TIMEOUT_MS - 250);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(500);
    expect(calls).toEqual([['hung']]);
  });

  it('is never judged while its heartbeats keep coming', async () => {
    const { runId, worker, calls } = await startRun();
    for (let t = 0; t < 60_000; t += HEARTBEAT_INTERVAL_MS) {
      worker.say({ type: 'heartbeat', runId, userCode: true });
      await vi.advanceTimersByTimeAsync(HEARTBEAT_INTERVAL_MS);
    }
    expect(calls).toEqual([]);
    expect(worker.terminated).toBe(false);
  });

  /**
   * After `terminate()` a worker in a loop of the service's own code stops at once; one inside
   * a built-in call on a huge array stops only when the call returns, seconds later or never,
   * and may die of memory or report first. Which happens depends on the machine. The page is
   * given the means to see the difference (Web Locks held by a worker until it stops, as a
   * browser offers), and must report the same thing at the same moment every way.
   */
  const AFTERMATHS: { how: string; stuck: boolean; after?: (w: FakeWorker, runId: number) => Promise<void> }[] = [
    { how: 'stops at once (a loop)', stuck: false },
    { how: 'stays inside the built-in call', stuck: true },
    {
      how: 'returns from the built-in 10 s later and dies of memory',
      stuck: true,
      after: async (w) => {
        await vi.advanceTimersByTimeAsync(10_000);
        w.returnFromBuiltIn();
        w.fail('Uncaught RangeError: Out of memory');
      },
    },
    {
      how: 'returns from the built-in 3 s later and reports running out of memory',
      stuck: true,
      after: async (w, runId) => {
        await vi.advanceTimersByTimeAsync(3000);
        w.returnFromBuiltIn();
        w.say({ type: 'run.failed', runId, message: MEMORY_MESSAGE, reason: 'memory' });
      },
    },
  ];

  it.each(AFTERMATHS)('is reported as hung, at the same moment, when the ended worker $how', async ({ stuck, after }) => {
    vi.stubGlobal('navigator', { locks: locksHeldByRunningWorkers(workers.all) });
    const { runId, worker, calls, at } = await startRun();
    const heardAt = performance.now();
    worker.say({ type: 'heartbeat', runId, userCode: true });
    worker.insideBuiltIn = stuck;
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS + 500);
    expect(worker.terminated).toBe(true);
    await after?.(worker, runId);
    await vi.advanceTimersByTimeAsync(30_000);
    expect(calls).toEqual([['hung']]);
    expect(at[0] - heardAt).toBe(HEARTBEAT_TIMEOUT_MS + 250);
    expect(workers.latest()).not.toBe(worker);
  });
});

/**
 * A slow machine is not a stuck service: on a laptop shared with other work (two cores at load
 * 11–16), a worker running a legitimate simulation gets a fraction of a core and can be silent
 * for longer than the heartbeat timeout. Before calling a worker stuck, the page measures how
 * much CPU a thread gets on this machine now, and gives the worker that much longer.
 */
describe('a silent worker on a busy machine', () => {
  /** A client whose measure of the machine says each thread runs `slowdown` times slower than alone. */
  async function startOnMachine(slowdown: () => number) {
    client.dispose();
    client = new LabClient(workers.create, HEARTBEAT_TIMEOUT_MS, slowdown);
    return startRun();
  }

  it('is not reported while a machine four times slower could explain its silence, and its run goes on', async () => {
    let measured = 0;
    const { runId, worker, calls } = await startOnMachine(() => (measured++, 4));
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS * 3);
    expect(calls).toEqual([]);
    expect(worker.terminated).toBe(false);
    expect(measured).toBeGreaterThan(0);
    worker.say({ type: 'heartbeat', runId, userCode: true });
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    expect(calls.map((c) => c[0])).toEqual(['done']);
    expect(workers.all).toHaveLength(1);
  });

  it('is reported once its silence is longer than even that machine explains', async () => {
    const { runId, worker, calls } = await startOnMachine(() => 3);
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS * 3 - 500);
    expect(calls).toEqual([]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(calls).toEqual([['hung']]);
    expect(worker.terminated).toBe(true);
  });

  it('is reported at the heartbeat timeout when the machine is idle', async () => {
    const { runId, worker, calls } = await startOnMachine(() => 1);
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(HEARTBEAT_TIMEOUT_MS + 500);
    expect(calls).toEqual([['hung']]);
  });

  it(`is reported after at most ${HUNG_AFTER_MS_MAX / 1000} s of silence, however slow the machine says it is`, async () => {
    const { runId, worker, calls } = await startOnMachine(() => 1000);
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(HUNG_AFTER_MS_MAX + 500);
    expect(calls).toEqual([['hung']]);
  });
});

/**
 * Web Locks as a browser gives them, for what the page could learn from them here: any lock the
 * page asks for may be held by a worker that exists when it asks, until that worker has stopped.
 */
function locksHeldByRunningWorkers(all: FakeWorker[]): Pick<LockManager, 'request'> {
  const request = (_name: string, callback: () => unknown): Promise<unknown> => {
    const holders = all.slice();
    return new Promise((resolve) => {
      const check = () => {
        if (holders.every((w) => !w.running)) resolve(callback());
        else setTimeout(check, 50);
      };
      check();
    });
  };
  return { request } as Pick<LockManager, 'request'>;
}

describe('dispose', () => {
  it('ends the worker, fails a pending start, and calls no handler again', async () => {
    const pending = client.init();
    const rec = recorder();
    client.run(REQUEST, rec.handlers);
    const worker = workers.latest();
    client.dispose();
    await expect(pending).rejects.toThrow('disposed');
    await settle();
    expect(worker.terminated).toBe(true);
    worker.say(INIT_DONE);
    worker.say({ type: 'run.done', runId: 1, summary: SUMMARY, simulateMs: 1 });
    worker.fail('late');
    await vi.advanceTimersByTimeAsync(SETUP_TIMEOUT_MS * 2);
    expect(rec.calls.filter((c) => c[0] !== 'failed')).toEqual([]);
    await expect(client.init()).rejects.toThrow('disposed');
    expect(workers.all).toHaveLength(1);
  });

  it('stops watching a running worker', async () => {
    const { runId, worker, calls } = await startRun();
    worker.say({ type: 'heartbeat', runId, userCode: true });
    client.dispose();
    await vi.advanceTimersByTimeAsync(SETUP_TIMEOUT_MS * 2);
    expect(calls).toEqual([]);
    expect(workers.all).toHaveLength(1);
  });
});
