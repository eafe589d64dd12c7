/**
 * The run machine's worker actor against a fake client: callbacks become machine events,
 * progress is batched to the page's redraw rate, and a run the machine leaves is stopped.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { assign, createActor, sendTo, setup, type EventObject } from 'xstate';
import type { RunProgress, RunSummary } from '../../../runner/index.ts';
import type { LabClient, RunHandlers } from '../../../web/lab/LabClient.ts';
import type { RunRequest } from '../../../web/lab/protocol.ts';
import { workerRun } from '../../../web/run/workerRunActor.ts';

const REQUEST: RunRequest = { scenarioId: 'demo', code: 'export {}', seed: 1, loadScale: 1 };

/** A client that hands the test the run's handlers and counts stops. */
function fakeClient() {
  const state = { handlers: null as RunHandlers | null, stops: 0, requests: [] as RunRequest[] };
  const client = {
    run(request: RunRequest, handlers: RunHandlers) {
      state.requests.push(request);
      state.handlers = handlers;
      return { runId: 1, stop: () => state.stops++ };
    },
  } as unknown as LabClient;
  return { client, state, h: () => state.handlers! };
}

/** A parent that invokes the actor while `on`, and keeps every event it sends back. */
function parentOf(client: LabClient) {
  const machine = setup({
    types: { context: {} as { events: EventObject[] } },
    actors: { workerRun },
  }).createMachine({
    context: { events: [] },
    initial: 'on',
    states: {
      on: {
        invoke: { id: 'worker', src: 'workerRun', input: { client, request: REQUEST } },
        on: { leave: 'off', stop: { actions: sendTo('worker', { type: 'stop' }) } },
      },
      off: {},
    },
    on: { '*': { actions: assign({ events: ({ context, event }) => [...context.events, event] }) } },
  });
  const actor = createActor(machine).start();
  return { actor, events: () => actor.getSnapshot().context.events };
}

const progress = (virtualMs: number, bucket: number): RunProgress => ({ virtualMs, durationMs: 60_000, buckets: [{ b: bucket }] }) as never;

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe('workerRun', () => {
  it('starts the run with its request and turns callbacks into events', () => {
    const { client, state, h } = fakeClient();
    const { events } = parentOf(client);
    expect(state.requests).toEqual([REQUEST]);
    h().onCompiled(12);
    h().onFailed('boom', undefined, 'crash');
    expect(events()).toEqual([
      { type: 'compile.done', compileMs: 12 },
      { type: 'run.failed', message: 'boom', diagnostics: undefined, reason: 'crash' },
    ]);
  });

  it('sends progress at most every 100 ms, latest numbers with every bucket since the last', async () => {
    const { client, h } = fakeClient();
    const { events } = parentOf(client);
    h().onProgress(progress(1000, 1));
    h().onProgress(progress(2000, 2));
    h().onProgress(progress(3000, 3));
    expect(events()).toEqual([]);
    await vi.advanceTimersByTimeAsync(100);
    const buckets = [{ b: 1 }, { b: 2 }, { b: 3 }];
    expect(events()).toEqual([{ type: 'run.progress', progress: { virtualMs: 3000, durationMs: 60_000, buckets } }]);
    h().onProgress(progress(4000, 4));
    await vi.advanceTimersByTimeAsync(100);
    expect(events()).toHaveLength(2);
    expect(events()[1]).toMatchObject({ progress: { virtualMs: 4000, buckets: [{ b: 4 }] } });
  });

  it('sends pending progress before the run ends, so no bucket is lost', () => {
    const { client, h } = fakeClient();
    const { events } = parentOf(client);
    h().onProgress(progress(1000, 1));
    const summary = { status: 'completed', series: [] } as unknown as RunSummary;
    h().onDone(summary, 5);
    expect(events().map((e) => e.type)).toEqual(['run.progress', 'run.done']);
  });

  it('passes a stop on to the client', () => {
    const { client, state } = fakeClient();
    parentOf(client).actor.send({ type: 'stop' });
    expect(state.stops).toBe(1);
  });

  it('stops the run when the machine leaves it unfinished, and not once it has ended', () => {
    const unfinished = fakeClient();
    parentOf(unfinished.client).actor.send({ type: 'leave' });
    expect(unfinished.state.stops).toBe(1);

    const ended = fakeClient();
    const parent = parentOf(ended.client);
    ended.h().onHung();
    parent.actor.send({ type: 'leave' });
    expect(ended.state.stops).toBe(0);
    expect(parent.events()).toEqual([{ type: 'run.hung' }]);
  });
});
