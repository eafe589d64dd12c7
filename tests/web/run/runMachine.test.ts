/**
 * The run machine as xstate recommends testing it: the worker actor is replaced through
 * `machine.provide({ actors })` by one the test drives, events go in, snapshots are checked.
 * A last part drives the real actor and client against a fake worker, for what the learner
 * finally sees when a worker stops answering.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createActor, fromCallback, type EventObject } from 'xstate';
import type { RunSummary } from '../../../runner/index.ts';
import { LabClient } from '../../../web/lab/LabClient.ts';
import type { RunRequest } from '../../../web/lab/protocol.ts';
import { HUNG_MESSAGE, runMachine, type RunEvent } from '../../../web/run/runMachine.ts';
import { isBusy, runStateOf } from '../../../web/run/runState.ts';
import { fakeWorkers } from '../lab/fakeWorker.ts';

const STARTER = 'export const starter = 1;';
let nextSeed = 1;

/** A request no earlier test has run: the starter's baselines are cached for the module's life. */
function freshRequest(code = 'export const fixed = 1;'): RunRequest {
  return { scenarioId: 'demo', code, seed: nextSeed++, loadScale: 1 };
}

function summary(status: RunSummary['status'] = 'completed', tag = 'run'): RunSummary {
  return { status, series: [{ tag }] } as unknown as RunSummary;
}

/** One invocation of the worker actor, as the machine started it. */
interface FakeRun {
  request: RunRequest;
  /** Says something to the machine as the real actor would. */
  send(event: RunEvent): void;
  stopsReceived: number;
  disposed: boolean;
}

function harness() {
  const runs: FakeRun[] = [];
  const finished: [RunSummary, RunRequest][] = [];
  const workerRun = fromCallback<EventObject, { client: LabClient; request: RunRequest }>(({ input, sendBack, receive }) => {
    const run: FakeRun = { request: input.request, send: sendBack, stopsReceived: 0, disposed: false };
    runs.push(run);
    receive((e) => {
      if (e.type === 'stop') run.stopsReceived++;
    });
    return () => {
      run.disposed = true;
    };
  });
  const actor = createActor(runMachine.provide({ actors: { workerRun } }), {
    input: { client: {} as LabClient, starter: STARTER, onRunFinished: (s, r) => finished.push([s, r]) },
  }).start();
  return {
    actor,
    runs,
    finished,
    state: () => runStateOf(actor.getSnapshot()),
    context: () => actor.getSnapshot().context,
    last: () => runs[runs.length - 1],
  };
}

describe("a run of the learner's code", () => {
  it('goes idle → compiling → simulating → comparing → done, with the starter run for comparison', () => {
    const h = harness();
    expect(h.state()).toBe('idle');
    const request = freshRequest();
    h.actor.send({ type: 'run.start', request });
    expect(h.state()).toBe('compiling');
    expect(isBusy(h.state())).toBe(true);
    expect(h.runs).toHaveLength(1);
    expect(h.last().request).toEqual(request);

    h.last().send({ type: 'compile.done', compileMs: 40 });
    expect(h.state()).toBe('simulating');
    h.last().send({ type: 'run.progress', progress: { virtualMs: 1000, durationMs: 60_000, buckets: [{ a: 1 }] } as never });
    h.last().send({ type: 'run.progress', progress: { virtualMs: 2000, durationMs: 60_000, buckets: [{ a: 2 }] } as never });
    expect(h.context()).toMatchObject({ compileMs: 40, virtualMs: 2000, durationMs: 60_000, buckets: [{ a: 1 }, { a: 2 }] });

    const mine = summary('completed', 'mine');
    h.last().send({ type: 'run.done', summary: mine, simulateMs: 900 });
    expect(h.state()).toBe('comparing');
    expect(h.context()).toMatchObject({ summary: mine, simulateMs: 900, buckets: mine.series });
    expect(h.finished).toEqual([[mine, request]]);
    expect(h.runs).toHaveLength(2);
    expect(h.runs[0].disposed).toBe(true);
    expect(h.last().request).toEqual({ ...request, code: STARTER });

    h.last().send({ type: 'run.progress', progress: { virtualMs: 1000, durationMs: 60_000, buckets: [{ b: 1 }] } as never });
    expect(h.context().baselineBuckets).toEqual([{ b: 1 }]);
    const starter = summary('completed', 'starter');
    h.last().send({ type: 'run.done', summary: starter, simulateMs: 800 });
    expect(h.state()).toBe('done');
    expect(isBusy(h.state())).toBe(false);
    expect(h.context()).toMatchObject({ summary: mine, baseline: starter, baselineBuckets: starter.series, baselineMessage: null });
  });

  it('uses the cached starter run when the same comparison was made before', () => {
    const h = harness();
    const request = freshRequest();
    h.actor.send({ type: 'run.start', request });
    h.last().send({ type: 'run.done', summary: summary(), simulateMs: 1 });
    const starter = summary('completed', 'starter');
    h.last().send({ type: 'run.done', summary: starter, simulateMs: 1 });

    h.actor.send({ type: 'run.start', request: { ...request, code: 'export const other = 2;' } });
    h.last().send({ type: 'run.done', summary: summary(), simulateMs: 1 });
    expect(h.state()).toBe('done');
    expect(h.runs).toHaveLength(3);
    expect(h.context().baseline).toBe(starter);
  });

  it('is its own comparison when the code is the starter', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest(STARTER) });
    const own = summary();
    h.last().send({ type: 'run.done', summary: own, simulateMs: 1 });
    expect(h.state()).toBe('done');
    expect(h.runs).toHaveLength(1);
    expect(h.context().baseline).toBe(own);
    expect(h.finished).toHaveLength(1);
  });

  it('ends in compileFailed with the diagnostics, and reports no finished run', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    const diagnostics = [{ message: 'Expected ";"', line: 3 }] as never[];
    h.last().send({ type: 'compile.failed', diagnostics });
    expect(h.state()).toBe('compileFailed');
    expect(h.context().diagnostics).toEqual(diagnostics);
    expect(h.finished).toEqual([]);
    expect(h.last().disposed).toBe(true);
  });

  it('ends in failed with the message and the reason the lab gave', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.last().send({ type: 'compile.done', compileMs: 1 });
    h.last().send({ type: 'run.failed', message: 'too much memory', reason: 'memory' });
    expect(h.state()).toBe('failed');
    expect(h.context()).toMatchObject({ message: 'too much memory', failureReason: 'memory', diagnostics: [] });
  });

  it('ends in hung with one message that names a loop and memory alike and keeps the code', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.last().send({ type: 'compile.done', compileMs: 1 });
    h.last().send({ type: 'run.hung' });
    expect(h.state()).toBe('hung');
    expect(h.context().message).toBe(HUNG_MESSAGE);
    expect(h.context().failureReason).toBeNull();
    expect(HUNG_MESSAGE).toContain('never yield');
    expect(HUNG_MESSAGE).toContain('memory');
    expect(HUNG_MESSAGE).toContain('Your code is kept');
  });

  it('forwards a stop to the worker, and ends in stopped with the part that ran', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.last().send({ type: 'compile.done', compileMs: 1 });
    h.actor.send({ type: 'run.stop' });
    expect(h.last().stopsReceived).toBe(1);
    expect(h.state()).toBe('simulating');
    const part = summary('aborted');
    h.last().send({ type: 'run.done', summary: part, simulateMs: 1 });
    expect(h.state()).toBe('stopped');
    expect(h.context()).toMatchObject({ summary: part, message: expect.stringContaining('stopped') });
    expect(h.finished).toEqual([]);
    expect(h.runs).toHaveLength(1);
  });

  it('ends in stopped when stopped before the simulation began', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.actor.send({ type: 'run.stop' });
    h.last().send({ type: 'run.cancelled' });
    expect(h.state()).toBe('stopped');
    expect(h.context().summary).toBeNull();
  });

  it('ignores a second start while one is running', () => {
    const h = harness();
    const request = freshRequest();
    h.actor.send({ type: 'run.start', request });
    h.actor.send({ type: 'run.start', request: freshRequest() });
    expect(h.runs).toHaveLength(1);
    expect(h.context().request).toEqual(request);
  });

  it("starts afresh after a failure, forgetting the last run's message and reason", () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.last().send({ type: 'run.failed', message: 'boom', diagnostics: [{ message: 'x' }] as never[], reason: 'crash' });
    h.actor.send({ type: 'run.start', request: freshRequest() });
    expect(h.state()).toBe('compiling');
    expect(h.context()).toMatchObject({ message: null, failureReason: null, diagnostics: [], summary: null, compileMs: null });
  });
});

describe('the comparison run', () => {
  function comparing() {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    h.last().send({ type: 'run.done', summary: summary('completed', 'mine'), simulateMs: 1 });
    expect(h.state()).toBe('comparing');
    return h;
  }

  it.each<[string, RunEvent, string]>([
    ['fails', { type: 'run.failed', message: 'no route' }, 'The starter could not be run for comparison: no route'],
    ['stops answering', { type: 'run.hung' }, 'The comparison run was stopped.'],
    ['is cancelled', { type: 'run.cancelled' }, 'The comparison run was stopped.'],
    ['does not compile', { type: 'compile.failed', diagnostics: [] }, 'The comparison run was stopped.'],
  ])("that %s still shows the learner's run, with a note", (_, event, note) => {
    const h = comparing();
    h.last().send(event);
    expect(h.state()).toBe('done');
    expect(h.context()).toMatchObject({ baseline: null, baselineBuckets: [], baselineMessage: note, message: null });
    expect(h.context().summary?.series).toEqual([{ tag: 'mine' }]);
  });

  it("can be stopped; the learner's run is kept", () => {
    const h = comparing();
    h.actor.send({ type: 'run.stop' });
    expect(h.last().stopsReceived).toBe(1);
    h.last().send({ type: 'run.done', summary: summary('aborted'), simulateMs: 1 });
    expect(h.state()).toBe('done');
    expect(h.context().baseline).toBeNull();
    expect(h.context().baselineMessage).toBe('The comparison run was stopped.');
  });

  it('gives way to a new run, whose worker actor replaces it', () => {
    const h = comparing();
    const request = freshRequest();
    h.actor.send({ type: 'run.start', request });
    expect(h.state()).toBe('compiling');
    expect(h.runs[1].disposed).toBe(true);
    expect(h.last().request).toEqual(request);
  });
});

describe('stale messages', () => {
  it("from the learner's run are ignored once the comparison runs", () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    const first = h.last();
    first.send({ type: 'run.done', summary: summary('completed', 'mine'), simulateMs: 1 });
    first.send({ type: 'run.done', summary: summary('completed', 'stale'), simulateMs: 1 });
    first.send({ type: 'run.progress', progress: { virtualMs: 5, durationMs: 5, buckets: [{ stale: true }] } as never });
    expect(h.state()).toBe('comparing');
    expect(h.context().baselineBuckets).toEqual([]);
    expect(h.context().baseline).toBeNull();
  });

  it('from an earlier run are ignored by the next one', () => {
    const h = harness();
    h.actor.send({ type: 'run.start', request: freshRequest() });
    const earlier = h.last();
    earlier.send({ type: 'run.failed', message: 'first' });
    h.actor.send({ type: 'run.start', request: freshRequest() });
    earlier.send({ type: 'compile.done', compileMs: 99 });
    earlier.send({ type: 'run.hung' });
    expect(h.state()).toBe('compiling');
    expect(h.context().compileMs).toBeNull();
  });
});

describe('with the real worker actor and client, a worker that stops answering', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  /** Stuck in a loop, or inside a built-in call terminate() cannot interrupt: the page sees one outcome. */
  it.each([false, true])('ends in hung with the one message (worker ignores terminate: %s)', async (ignoresTerminate) => {
    vi.useFakeTimers();
    const workers = fakeWorkers();
    const client = new LabClient(workers.create);
    const actor = createActor(runMachine, { input: { client, starter: STARTER } }).start();
    actor.send({ type: 'run.start', request: freshRequest() });
    const worker = workers.latest();
    worker.say({ type: 'init.done', scenarios: [], platformTypes: [] });
    await vi.advanceTimersByTimeAsync(0);
    const { runId } = worker.sent('run')[0];
    worker.say({ type: 'compile.done', runId, compileMs: 1 });
    worker.say({ type: 'heartbeat', runId, userCode: true });
    worker.insideBuiltIn = ignoresTerminate;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(runStateOf(actor.getSnapshot())).toBe('hung');
    expect(actor.getSnapshot().context.message).toBe(HUNG_MESSAGE);
    worker.fail('Uncaught RangeError: Out of memory');
    expect(runStateOf(actor.getSnapshot())).toBe('hung');
    actor.stop();
    client.dispose();
  });
});
