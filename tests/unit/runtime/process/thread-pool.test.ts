import { describe, expect, it } from 'vitest';
import { ThreadPool } from '../../../../runner/runtime/process/thread-pool.ts';
import { makePlatform, runAll, testPlatform } from '../../../helpers/test-platform.ts';

describe('ThreadPool', () => {
  it('runs the completion callback as a main-thread task when the work is done', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p);
    let doneAt = -1;
    let onMainThread = false;
    p.loop.runNow(() =>
      pool.submit(10, () => {
        doneAt = p.loop.now();
        onMainThread = p.loop.running;
      }),
    );
    runAll(p);
    expect(doneAt).toBe(10);
    expect(onMainThread).toBe(true);
    expect(pool.completed).toBe(1);
  });

  it('runs size items at once and queues the rest in FIFO order', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p, { size: 4 });
    const done: [number, number][] = [];
    p.loop.runNow(() => {
      for (let i = 0; i < 8; i++) pool.submit(30, () => done.push([i, p.loop.now()]));
      expect(pool.active).toBe(4);
      expect(pool.queued).toBe(4);
    });
    runAll(p);
    expect(done).toEqual([
      [0, 30],
      [1, 30],
      [2, 30],
      [3, 30],
      [4, 60],
      [5, 60],
      [6, 60],
      [7, 60],
    ]);
    expect(pool.active).toBe(0);
    expect(pool.queued).toBe(0);
  });

  it('reports its queue length to the run counters', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p, { size: 4 });
    p.loop.runNow(() => {
      for (let i = 0; i < 6; i++) pool.submit(5, () => {});
    });
    expect(p.counters.threadPoolQueued).toBe(2);
    expect(p.counters.threadPoolQueueMax).toBe(2);
    runAll(p);
    expect(p.counters.threadPoolQueued).toBe(0);
    expect(p.counters.threadPoolQueueMax).toBe(2);
  });

  it('starts work at the virtual time of the submit, after the CPU the task has burnt', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p);
    let doneAt = -1;
    p.loop.runNow(() => {
      p.loop.charge(5);
      pool.submit(10, () => (doneAt = p.loop.now()));
    });
    runAll(p);
    expect(doneAt).toBe(15);
  });

  it('does not start a queued item before the task that submitted it had reached that point', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p, { size: 1 });
    const done: Record<string, number> = {};
    p.loop.runNow(() => {
      pool.submit(10, () => (done.a = p.loop.now()));
      p.loop.charge(20); // the only thread frees at t=10, while this task still runs
      pool.submit(5, () => (done.b = p.loop.now()));
    });
    runAll(p);
    // a's callback waits for the busy main thread; b starts at t=20, its submit time.
    expect(done).toEqual({ a: 20, b: 25 });
  });

  it('runs the completion callback in the async context of the submitter', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p);
    const request = { route: 'POST /login' };
    let seen: unknown;
    p.loop.post(0, () => pool.submit(3, () => (seen = p.jobs.context)), request);
    runAll(p);
    expect(seen).toBe(request);
  });

  it('throws a clear error when the queue limit is reached', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p, { size: 1, queueLengthMax: 2 });
    let thrown: unknown;
    p.loop.runNow(() => {
      pool.submit(1, () => {});
      pool.submit(1, () => {});
      pool.submit(1, () => {});
      try {
        pool.submit(1, () => {});
      } catch (err) {
        thrown = err;
      }
    });
    expect(String(thrown)).toMatch(/Thread pool queue is full: 2 work items are waiting for 1 threads \(limit 2\)/);
    runAll(p);
    expect(pool.completed).toBe(3);
  });

  it('rejects bad sizes and durations', () => {
    const p = makePlatform();
    expect(() => new ThreadPool(p, { size: 0 })).toThrow(RangeError);
    expect(() => new ThreadPool(p, { size: 2.5 })).toThrow(/integer from 1 to 1024/);
    const pool = new ThreadPool(p);
    expect(() => pool.submit(-1, () => {})).toThrow(/finite number of ms >= 0/);
    expect(() => pool.submit(Number.NaN, () => {})).toThrow(RangeError);
  });

  it('keeps FIFO order across a long backlog', () => {
    const p = makePlatform();
    const pool = new ThreadPool(p, { size: 2 });
    const order: number[] = [];
    p.loop.runNow(() => {
      for (let i = 0; i < 5000; i++) pool.submit(1, () => order.push(i));
    });
    runAll(p);
    expect(order).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(p.kernel.nowMs).toBe(2500);
  });

  it("shares the machine's cores with the main thread: on one core, a pool item and a main-thread task each take twice as long", () => {
    const { p, run } = testPlatform(1, 1);
    const pool = new ThreadPool(p, { size: 4 });
    let poolDoneAt = -1;
    let nextTaskAt = -1;
    p.loop.runNow(() => {
      pool.submit(10, () => {
        poolDoneAt = p.loop.now();
      });
      p.loop.charge(10); // the main thread is busy too, from the same instant
      p.loop.postNow(() => {
        nextTaskAt = p.loop.now();
      });
    });
    run();
    // Both bursts start together and share the core: each ends at 20 ms.
    expect(nextTaskAt).toBe(20);
    expect(poolDoneAt).toBe(20);
  });
});
