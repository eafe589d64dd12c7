/**
 * A run started ahead of the learner's click (LabClient.runAhead): a run of exactly its request
 * adopts it and sees all of it, in order and never before it has its handle; any other run
 * stops it and drops its messages; a run ahead that failed or stalled is never adopted; and it
 * never displaces a run the learner started.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../runner/index.ts';
import { LabClient, type RunHandlers } from '../../../web/lab/LabClient.ts';
import type { RunRequest, WorkerMessage } from '../../../web/lab/protocol.ts';
import { type FakeWorker, fakeWorkers } from './fakeWorker.ts';

const STARTER: RunRequest = { scenarioId: 'demo', code: 'export const starter = 1', seed: 1, loadScale: 1 };
const INIT_DONE: WorkerMessage = { type: 'init.done', scenarios: [], platformTypes: [] };
const SUMMARY = { status: 'completed', series: [] } as unknown as RunSummary;

function recorder(): { handlers: RunHandlers; calls: [string, ...unknown[]][] } {
  const calls: [string, ...unknown[]][] = [];
  const log =
    (name: string) =>
    (...args: unknown[]) =>
      calls.push([name, ...args]);
  return {
    calls,
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

const settle = () => vi.advanceTimersByTimeAsync(0);

let workers: ReturnType<typeof fakeWorkers>;
let client: LabClient;
let worker: FakeWorker;

beforeEach(async () => {
  vi.useFakeTimers();
  workers = fakeWorkers();
  client = new LabClient(workers.create, 5000, () => 1);
  void client.init();
  worker = workers.latest();
  worker.say(INIT_DONE);
  await settle();
});

afterEach(() => {
  client.dispose();
  vi.useRealTimers();
});

/** Starts a run ahead of STARTER; returns its runId and what its onDone was told. */
async function startAhead(): Promise<{ runId: number; summaries: RunSummary[] }> {
  const summaries: RunSummary[] = [];
  client.runAhead(STARTER, (s) => summaries.push(s));
  await settle();
  const sent = worker.sent('run');
  return { runId: sent[sent.length - 1].runId, summaries };
}

describe('a run ahead', () => {
  it('is adopted once finished by a run of the same request, which sees all of it without a second simulation', async () => {
    const { runId, summaries } = await startAhead();
    worker.say({ type: 'compile.done', runId, compileMs: 3 });
    worker.say({ type: 'run.progress', runId, progress: { virtualMs: 1000 } as never });
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 40 });
    expect(summaries).toEqual([SUMMARY]);

    const rec = recorder();
    const handle = client.run({ ...STARTER }, rec.handlers);
    expect(handle.runId).toBe(runId);
    expect(rec.calls).toEqual([]); // not before the caller has its handle
    await settle();
    expect(rec.calls).toEqual([
      ['compiled', 3],
      ['progress', { virtualMs: 1000 }],
      ['done', SUMMARY, 40],
    ]);
    expect(worker.sent('run')).toHaveLength(1);
  });

  it('is adopted while in flight: what came before first, then the rest as it comes', async () => {
    const { runId } = await startAhead();
    worker.say({ type: 'compile.done', runId, compileMs: 3 });
    const rec = recorder();
    client.run(STARTER, rec.handlers);
    worker.say({ type: 'run.progress', runId, progress: { virtualMs: 1000 } as never });
    await settle();
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 40 });
    await settle();
    expect(rec.calls.map((c) => c[0])).toEqual(['compiled', 'progress', 'done']);
    expect(worker.sent('stop')).toEqual([]);
  });

  it('can be stopped through the adopted handle, like any run', async () => {
    const { runId } = await startAhead();
    client.run(STARTER, recorder().handlers).stop();
    expect(worker.sent('stop')).toEqual([{ type: 'stop', runId }]);
  });

  it('is stopped by a run of anything else, whose own run starts; its messages are dropped', async () => {
    const { runId, summaries } = await startAhead();
    const rec = recorder();
    const other = client.run({ ...STARTER, code: 'export const edited = 2' }, rec.handlers);
    await settle();
    expect(worker.sent('stop')).toEqual([{ type: 'stop', runId }]);
    expect(other.runId).not.toBe(runId);
    expect(worker.sent('run').at(-1)).toMatchObject({ runId: other.runId, code: 'export const edited = 2' });
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    expect(rec.calls).toEqual([]);
    expect(summaries).toEqual([]);
  });

  it.each([
    ['a different seed', { seed: 2 }],
    ['a different load scale', { loadScale: 2 }],
    ['another scenario', { scenarioId: 'other' }],
  ])('is not adopted by a run with %s', async (_, change) => {
    await startAhead();
    client.run({ ...STARTER, ...change }, recorder().handlers);
    await settle();
    expect(worker.sent('run')).toHaveLength(2);
  });

  it('is adopted at most once: the next run of the same request simulates again', async () => {
    const { runId } = await startAhead();
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    client.run(STARTER, recorder().handlers);
    await settle();
    client.run(STARTER, recorder().handlers);
    await settle();
    expect(worker.sent('run')).toHaveLength(2);
  });

  it('that failed is not adopted: the run asked for runs afresh and reports its own outcome', async () => {
    const { runId } = await startAhead();
    worker.say({ type: 'run.failed', runId, message: 'boom' });
    const rec = recorder();
    const { runId: ownId } = client.run(STARTER, rec.handlers);
    await settle();
    expect(ownId).not.toBe(runId);
    worker.say({ type: 'run.done', runId: ownId, summary: SUMMARY, simulateMs: 1 });
    expect(rec.calls.map((c) => c[0])).toEqual(['done']);
  });

  it('that went silent is not adopted, and its replacement worker runs the request', async () => {
    const { runId } = await startAhead();
    worker.say({ type: 'heartbeat', runId, userCode: true });
    await vi.advanceTimersByTimeAsync(6000);
    expect(worker.terminated).toBe(true);
    const rec = recorder();
    client.run(STARTER, rec.handlers);
    const replacement = workers.latest();
    replacement.say(INIT_DONE);
    await settle();
    expect(replacement.sent('run')).toHaveLength(1);
    expect(rec.calls).toEqual([]);
  });

  it('never displaces a run already going on', async () => {
    const rec = recorder();
    const { runId } = client.run({ ...STARTER, code: 'mine' }, rec.handlers);
    await settle();
    client.runAhead(STARTER);
    await settle();
    expect(worker.sent('run')).toHaveLength(1);
    expect(worker.sent('stop')).toEqual([]);
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    expect(rec.calls.map((c) => c[0])).toEqual(['done']);
  });
});

describe('waiting for the lab', () => {
  it('whenNoRun resolves between runs even before the warm-up has finished; whenIdle waits for it', async () => {
    const { runId } = await startAhead();
    let noRun = false;
    let idle = false;
    void client.whenNoRun().then(() => (noRun = true));
    void client.whenIdle().then(() => (idle = true));
    await settle();
    expect(noRun).toBe(false);
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    await settle();
    expect([noRun, idle]).toEqual([true, false]);
    worker.say({ type: 'warm.done' });
    await settle();
    expect(idle).toBe(true);
  });
});

describe('leaving the page that asked for it', () => {
  it('a newer run ahead replaces an unadopted one; the same request again changes nothing', async () => {
    const { runId } = await startAhead();
    await startAhead();
    expect(worker.sent('run')).toHaveLength(1);
    client.runAhead({ ...STARTER, scenarioId: 'other' });
    await settle();
    expect(worker.sent('stop')).toEqual([{ type: 'stop', runId }]);
    expect(worker.sent('run').at(-1)).toMatchObject({ scenarioId: 'other' });
  });

  it('cancelAhead stops a run ahead nobody adopted, which a page asking again starts afresh', async () => {
    const { runId } = await startAhead();
    client.cancelAhead();
    expect(worker.sent('stop')).toEqual([{ type: 'stop', runId }]);
    const again = await startAhead();
    expect(again.runId).not.toBe(runId);
    expect(worker.sent('run')).toHaveLength(2);
  });

  it('cancelAhead keeps a finished run ahead for a page that asks again', async () => {
    const { runId } = await startAhead();
    worker.say({ type: 'run.done', runId, summary: SUMMARY, simulateMs: 1 });
    client.cancelAhead();
    await startAhead();
    const rec = recorder();
    client.run(STARTER, rec.handlers);
    await settle();
    expect(rec.calls.map((c) => c[0])).toEqual(['done']);
    expect(worker.sent('run')).toHaveLength(1);
  });

  it('cancelAhead never stops a run that was adopted', async () => {
    await startAhead();
    client.run(STARTER, recorder().handlers);
    client.cancelAhead();
    expect(worker.sent('stop')).toEqual([]);
  });
});
