/**
 * Unhandled-rejection tracking. The tracker mirrors V8's promise-reject callback:
 * `rejectedUnhandled` when a promise is rejected with no handler, `handledLater` when a
 * handler is attached to such a promise afterwards. The runner reports whatever is still
 * unhandled once a task's jobs have drained, as Node does after its microtask checkpoint.
 */
import { describe, expect, it } from 'vitest';
import { JobQueue } from '../../../../../runner/runtime/process/job-queue.ts';
import { createPromiseClass, type RejectionTracker } from '../../../../../runner/runtime/process/sim-promise.ts';
import { runSim } from './harness.ts';

type Call = ['rejectedUnhandled', object, unknown] | ['handledLater', object];

function world(): { P: PromiseConstructor; jobs: JobQueue; calls: Call[]; drain(): void } {
  const jobs = new JobQueue();
  const calls: Call[] = [];
  const tracker: RejectionTracker = {
    rejectedUnhandled: (promise, reason) => void calls.push(['rejectedUnhandled', promise, reason]),
    handledLater: (promise) => void calls.push(['handledLater', promise]),
  };
  const P = createPromiseClass(jobs, tracker);
  const drain = (): void =>
    jobs.drain(
      (err) => {
        throw err;
      },
      () => {},
    );
  return { P, jobs, calls, drain };
}

/** Promises still unhandled after the calls so far, as the runner's afterTask sees them. */
function stillUnhandled(calls: Call[]): object[] {
  const set = new Set<object>();
  for (const c of calls) c[0] === 'rejectedUnhandled' ? set.add(c[1]) : set.delete(c[1]);
  return [...set];
}

describe('unhandled rejection tracking', () => {
  it('reports a floating rejected promise once, and nothing else', () => {
    const { P, calls, drain } = world();
    const err = new Error('floating');
    const p = P.reject(err);
    drain();
    expect(calls).toEqual([['rejectedUnhandled', p, err]]);
    expect(calls[0][1]).toBe(p);
    expect(stillUnhandled(calls)).toEqual([p]);
  });

  it('reports handledLater when a handler is attached in a later turn, and runs the handler', () => {
    const { P, calls, drain } = world();
    const err = new Error('late');
    const p = P.reject(err);
    drain();
    expect(stillUnhandled(calls)).toEqual([p]);

    const seen: unknown[] = [];
    p.catch((e) => seen.push(e));
    expect(calls).toEqual([
      ['rejectedUnhandled', p, err],
      ['handledLater', p],
    ]);
    expect(calls[1][1]).toBe(p);
    drain();
    expect(seen).toEqual([err]);
    // A second handler is not news.
    p.then(undefined, () => {});
    drain();
    expect(calls).toHaveLength(2);
    expect(stillUnhandled(calls)).toEqual([]);
  });

  it('reports nothing for a promise that had a handler before it was rejected', () => {
    const { P, calls, drain } = world();
    let reject!: (e: unknown) => void;
    const p = new P((_res, rej) => {
      reject = rej;
    });
    p.catch(() => {});
    reject(new Error('x'));
    drain();
    expect(calls).toEqual([]);
  });

  it('reports the derived promise of a then without an onRejected, not its parent', () => {
    const { P, calls, drain } = world();
    let reject!: (e: unknown) => void;
    const p = new P((_res, rej) => {
      reject = rej;
    });
    const derived = p.then(() => 'never');
    const err = new Error('passes through');
    reject(err);
    drain();
    expect(calls).toEqual([['rejectedUnhandled', derived, err]]);
  });

  it('reports a throwing handler in a chain at the promise the throw rejected', () => {
    const { P, calls, drain } = world();
    const err = new Error('thrown in then');
    const derived = P.resolve(1).then(() => {
      throw err;
    });
    drain();
    expect(calls).toEqual([['rejectedUnhandled', derived, err]]);
  });

  it('lowered user code: an async function that throws with nobody awaiting it is reported', async () => {
    const run = await runSim(`
      async function handler() { await null; throw new Error('nobody catches me'); }
      handler();
    `);
    expect(run.tracker.unhandled.map((e) => (e as Error).message)).toEqual(['nobody catches me']);
    expect(run.tracker.handledLater).toEqual([]);
  });

  it('lowered user code: a rejection awaited or caught later in the same turn ends up handled', async () => {
    const run = await runSim(`
      const p = Promise.reject(new Error('late'));
      async function f() { await null; await null; try { await p; } catch (e) { log.push('caught ' + e.message); } }
      const q = Promise.reject(new Error('caught later'));
      f();
      Promise.resolve().then(() => q.catch(() => log.push('q handled')));
    `);
    expect(run.log).toEqual(['q handled', 'caught late']);
    expect(run.tracker.unhandled.map((e) => (e as Error).message)).toEqual(['late', 'caught later']);
    expect(run.tracker.handledLater).toHaveLength(2);
    expect(new Set(run.tracker.handledLater)).toEqual(new Set(run.tracker.rejectedPromises));
  });

  it('Promise.all: the rejected inputs are handled by all(), the caught result is not reported', async () => {
    const run = await runSim(`
      Promise.all([Promise.reject(new Error('a')), Promise.reject(new Error('b'))]).catch((e) => log.push('all ' + e.message));
    `);
    expect(run.log).toEqual(['all a']);
    // Each input was rejected before all() attached its handler: reported, then handled.
    expect(run.tracker.rejectedPromises).toHaveLength(2);
    expect(new Set(run.tracker.handledLater)).toEqual(new Set(run.tracker.rejectedPromises));
  });
});
