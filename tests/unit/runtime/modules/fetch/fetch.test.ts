/**
 * Simulated fetch against downstream services: connection reuse, aborts, failures, the
 * main thread's part in timing, and the retry-amplification counters.
 */
import type { RequestContext } from '../../../../../runner/runtime/platform.ts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DownstreamSpec } from '../../../../../runner/scenario/types.ts';
import { createAbort, type AbortApi } from '../../../../../runner/runtime/modules/abort.ts';
import { DownstreamService } from '../../../../../runner/runtime/remote/downstream.ts';
import { createFetch, FETCH_CPU_MS, type FetchOptions } from '../../../../../runner/runtime/modules/fetch/fetch.ts';
import type { SimResponse } from '../../../../../runner/runtime/modules/fetch/response.ts';
import { testPlatform } from '../../../../helpers/test-platform.ts';

const constant = (ms: number) => ({ kind: 'constant' as const, ms });
const A: DownstreamSpec = { host: 'a.internal', concurrency: 4, queueLimit: 10, serviceTime: constant(5), rttMs: 1, connectMs: 3 };

function setup(specs: DownstreamSpec[] = [A], options?: FetchOptions) {
  const tp = testPlatform();
  const services = specs.map((s) => new DownstreamService(s, tp.p.kernel, tp.p.rng));
  const abort = createAbort(tp.p);
  return { ...tp, services, abort, ...createFetch(tp.p, services, abort, options) };
}

/** How a promise settled, and the virtual time its reaction ran. */
interface Outcome<T> {
  value?: T;
  error?: unknown;
  atMs?: number;
}

function watch<T>(p: { loop: { now(): number } }, promise: Promise<T>): Outcome<T> {
  const out: Outcome<T> = {};
  promise.then(
    (value) => Object.assign(out, { value, atMs: p.loop.now() }),
    (error) => Object.assign(out, { error, atMs: p.loop.now() }),
  );
  return out;
}

// Times below are compared to 0.01 ms: promise jobs cost 0.0005 ms each on the main thread.
const close = (actual: number | undefined, expected: number) => expect(actual).toBeCloseTo(expected, 2);

beforeEach(() => {
  // Nothing may reach the host's network.
  vi.stubGlobal('fetch', () => {
    throw new Error('the real fetch was called');
  });
});
afterEach(() => vi.unstubAllGlobals());

describe('timing and keep-alive', () => {
  it('a new connection pays connectMs; a kept-alive one does not', () => {
    const t = setup();
    let first!: Outcome<SimResponse>;
    let second!: Outcome<SimResponse>;
    let secondSentMs = 0;
    t.task(0, () => {
      first = watch(t.p, t.fetch('https://a.internal/x'));
    });
    t.run();
    // CPU 0.05 + rtt/2 0.5 + connect 3 + service 5 + rtt/2 0.5
    close(first.atMs, FETCH_CPU_MS + 0.5 + 3 + 5 + 0.5);
    t.task(100, () => {
      secondSentMs = t.p.loop.now();
      second = watch(t.p, t.fetch('https://a.internal/x'));
    });
    t.run();
    close((second.atMs ?? 0) - secondSentMs, FETCH_CPU_MS + 0.5 + 5 + 0.5);
    expect(t.stats().connections).toEqual([{ origin: 'https://a.internal', opened: 1, reused: 1, busy: 0, idle: 1, destroyed: 0 }]);
  });

  it('concurrent fetches each open a connection, later ones reuse them all', () => {
    const t = setup();
    t.task(0, () => {
      for (let i = 0; i < 3; i++) t.fetch('http://a.internal/');
    });
    t.run();
    t.task(50, () => {
      for (let i = 0; i < 3; i++) t.fetch('http://a.internal/');
    });
    t.run();
    expect(t.stats().connections[0]).toMatchObject({ opened: 3, reused: 3, idle: 3 });
  });

  it('an idle connection closes after undici’s 4 s keep-alive timeout', () => {
    const t = setup();
    t.task(0, () => void t.fetch('http://a.internal/'));
    t.task(3_000, () => void t.fetch('http://a.internal/'));
    t.task(8_000, () => void t.fetch('http://a.internal/'));
    t.run();
    expect(t.stats().connections[0]).toMatchObject({ opened: 2, reused: 1 });
  });

  it('a busy main thread delays the continuation of a finished fetch', () => {
    const t = setup([{ ...A, connectMs: 0 }]);
    let idle!: Outcome<SimResponse>;
    let busy!: Outcome<SimResponse>;
    t.task(0, () => {
      idle = watch(t.p, t.fetch('http://a.internal/'));
    });
    t.task(100, () => {
      busy = watch(t.p, t.fetch('http://a.internal/'));
      t.p.loop.charge(50); // synchronous work after the call, e.g. a pbkdf2Sync
    });
    t.run();
    close(idle.atMs, FETCH_CPU_MS + 6);
    // The answer is back at 106.05, but the thread is busy until 150.05.
    close(busy.atMs, 100 + FETCH_CPU_MS + 50);
    expect(t.services[0].stats().completed).toBe(2);
  });
});

describe('abort', () => {
  it('AbortSignal.timeout rejects with TimeoutError on time while the server keeps working', () => {
    const t = setup([{ ...A, serviceTime: constant(100) }]);
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      out = watch(t.p, t.fetch('http://a.internal/slow', { signal: t.abort.AbortSignal.timeout(20) }));
    });
    t.run(60);
    expect((out.error as DOMException).name).toBe('TimeoutError');
    close(out.atMs, 20);
    const during = t.services[0].stats();
    expect(during).toMatchObject({ received: 1, inService: 1, completed: 0 });
    expect(t.p.counters.downstreamAttempts).toBe(1);
    t.run();
    // Work of the abandoned request finished at 0.05 + 0.5 + 3 + 100.
    expect(t.services[0].stats()).toMatchObject({ completed: 1, inService: 0 });
    expect(t.stats()).toMatchObject({ aborted: 1 });
    // An aborted request's socket is destroyed, never reused.
    expect(t.stats().connections[0]).toMatchObject({ opened: 1, destroyed: 1, busy: 0, idle: 0 });
  });

  it('a timeout signal nobody listens to is aborted on time, with one TimeoutError however often it is read', () => {
    const t = setup();
    let signal!: ReturnType<typeof t.abort.AbortSignal.timeout>;
    t.task(0, () => {
      signal = t.abort.AbortSignal.timeout(20);
    });
    t.run(10);
    expect(signal.aborted).toBe(false);
    expect(signal.reason).toBeUndefined();
    t.run(30);
    expect(signal.aborted).toBe(true);
    const reason = signal.reason as DOMException;
    expect([reason.name, reason.message]).toEqual(['TimeoutError', 'The operation was aborted due to timeout']);
    expect(signal.reason).toBe(reason);
    expect(() => signal.throwIfAborted()).toThrow(reason);
    expect(t.abort.AbortSignal.any([signal]).reason).toBe(reason);
  });

  it('AbortController.abort rejects with the given reason at once', () => {
    const t = setup();
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      const ac = new t.abort.AbortController();
      out = watch(t.p, t.fetch('http://a.internal/', { signal: ac.signal }));
      t.p.loop.charge(1);
      ac.abort(new Error('user gave up'));
    });
    t.run();
    expect((out.error as Error).message).toBe('user gave up');
    close(out.atMs, FETCH_CPU_MS + 1);
  });

  it('an already aborted signal rejects without sending anything', () => {
    const t = setup();
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      out = watch(t.p, t.fetch('http://a.internal/', { signal: t.abort.AbortSignal.abort() }));
    });
    t.run();
    expect((out.error as DOMException).name).toBe('AbortError');
    expect(t.p.counters.downstreamAttempts).toBe(0);
    expect(t.services[0].stats().received).toBe(0);
  });
});

describe('failures', () => {
  it('an unknown host rejects like getaddrinfo ENOTFOUND and names the hosts on offer', () => {
    const unknown: string[] = [];
    const t = setup([A, { ...A, host: 'b.internal' }], { onUnknownHost: (h) => unknown.push(h) });
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      out = watch(t.p, t.fetch('https://api.stripe.com/v1/charges'));
    });
    t.run();
    const err = out.error as TypeError & { cause: Error & { code: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause.code).toBe('ENOTFOUND');
    expect(err.cause.message).toBe("getaddrinfo ENOTFOUND api.stripe.com — this lab's network has only: a.internal, b.internal");
    expect(unknown).toEqual(['api.stripe.com']);
  });

  it('an outage refuses the connection: TypeError fetch failed, cause ECONNREFUSED, one round trip', () => {
    const t = setup([{ ...A, faults: [{ kind: 'outage', fromMs: 0, toMs: 1000 }] }]);
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      out = watch(t.p, t.fetch('http://a.internal:8080/'));
    });
    t.run();
    const err = out.error as TypeError & { cause: Error & { code: string } };
    expect(err).toBeInstanceOf(TypeError);
    expect(err.message).toBe('fetch failed');
    expect(err.cause.code).toBe('ECONNREFUSED');
    expect(err.cause.message).toBe('connect ECONNREFUSED a.internal:8080');
    close(out.atMs, FETCH_CPU_MS + 1);
    expect(t.stats().connections[0]).toMatchObject({ busy: 0, idle: 0 });
  });

  it('an errors window answers 503 after the service time', () => {
    const t = setup([{ ...A, faults: [{ kind: 'errors', fromMs: 0, toMs: 1000, rate: 1 }] }]);
    let out!: Outcome<SimResponse>;
    t.task(0, () => {
      out = watch(t.p, t.fetch('http://a.internal/'));
    });
    t.run();
    expect(out.value?.status).toBe(503);
    expect(out.value?.ok).toBe(false);
    expect(out.value?.statusText).toBe('Service Unavailable');
    close(out.atMs, FETCH_CPU_MS + 9);
  });

  it('queueLimit 0 answers 503 at once when the servers are busy', () => {
    const t = setup([{ ...A, concurrency: 1, queueLimit: 0 }]);
    const outs: Outcome<SimResponse>[] = [];
    t.task(0, () => {
      outs.push(watch(t.p, t.fetch('http://a.internal/')));
      outs.push(watch(t.p, t.fetch('http://a.internal/')));
    });
    t.run();
    expect(outs.map((o) => o.value?.status)).toEqual([200, 503]);
    // The second left at 0.10 and is rejected on arrival, after its handshake.
    close(outs[1].atMs, 2 * FETCH_CPU_MS + 4);
  });

  it('bad arguments reject like undici', () => {
    const t = setup();
    const outs: Outcome<SimResponse>[] = [];
    t.task(0, () => {
      outs.push(watch(t.p, t.fetch('/relative')));
      outs.push(watch(t.p, t.fetch('http://a.internal/', { method: 'GET', body: 'x' })));
    });
    t.run();
    expect((outs[0].error as Error).message).toBe('Failed to parse URL from /relative');
    expect((outs[1].error as Error).message).toBe('Request with GET/HEAD method cannot have body.');
  });
});

describe('request and response', () => {
  it('the downstream receives method, path, query, headers and the parsed JSON body', () => {
    const seen: unknown[] = [];
    const t = setup([{ ...A, respond: (req) => (seen.push(req), { status: 201, body: { id: 7 }, headers: { 'X-Trace': 'abc' } }) }]);
    let status = 0;
    let json: unknown;
    let trace: string | null = null;
    t.task(0, () => {
      t.fetch('http://a.internal/orders?limit=2', {
        method: 'post',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sku: 'x' }),
      })
        .then((res) => {
          status = res.status;
          trace = res.headers.get('x-trace');
          return res.json();
        })
        .then((v) => {
          json = v;
        });
    });
    t.run();
    expect(seen).toEqual([
      { method: 'POST', path: '/orders', query: { limit: '2' }, headers: { 'content-type': 'application/json' }, body: { sku: 'x' } },
    ]);
    expect([status, trace, json]).toEqual([201, 'abc', { id: 7 }]);
  });

  it('json() on a non-JSON body rejects with SyntaxError; a body reads once', () => {
    const t = setup([{ ...A, respond: () => ({ status: 200, body: 'not json' }) }]);
    const results: unknown[] = [];
    t.task(0, () => {
      t.fetch('http://a.internal/').then((res) => {
        const copy = res.clone();
        res.json().catch((e: unknown) => results.push(e));
        res.text().catch((e: unknown) => results.push(e));
        copy.text().then((s: string) => results.push(s));
        results.push(res.headers.get('content-type'));
      });
    });
    t.run();
    expect(results[0]).toBe('text/plain; charset=utf-8');
    expect(results.find((r) => r instanceof SyntaxError)).toBeDefined();
    expect(results.find((r) => r instanceof TypeError && /Body is unusable/.test(r.message))).toBeDefined();
    expect(results).toContain('not json');
  });

  it('Response, Headers and Request are usable on their own', () => {
    const t = setup();
    const h = new t.Headers({ 'X-A': '1' });
    h.append('x-a', '2');
    expect(h.get('X-A')).toBe('1, 2');
    const r = t.Response.json({ a: 1 }, { status: 202 });
    expect([r.status, r.ok, r.headers.get('content-type')]).toEqual([202, true, 'application/json']);
    const req = new t.Request('http://a.internal/x', { method: 'delete' });
    expect([req.method, req.signal?.aborted]).toEqual(['DELETE', false]);
  });
});

describe('counters', () => {
  it('attempts count every fetch; calls count each host once per request context', () => {
    const t = setup([A, { ...A, host: 'b.internal' }]);
    const requestOne: RequestContext = { route: 'GET /one', seq: 1, dbQueries: 0, calledHosts: undefined };
    const requestTwo: RequestContext = { route: 'GET /two', seq: 2, dbQueries: 0, calledHosts: undefined };
    t.task(
      0,
      () => {
        for (let i = 0; i < 3; i++) t.fetch('http://a.internal/'); // a retry loop
        t.fetch('http://b.internal/');
      },
      requestOne,
    );
    t.task(1, () => void t.fetch('http://a.internal/'), requestTwo);
    t.run();
    // Replies settle in the context of the request that sent them.
    let laterCtx: unknown = 'unset';
    t.task(
      100,
      () => {
        t.fetch('http://a.internal/').then(() => {
          laterCtx = t.p.jobs.context;
          return t.fetch('http://a.internal/');
        });
      },
      requestOne,
    );
    t.run();
    expect(laterCtx).toBe(requestOne);
    expect(t.p.counters.downstreamAttempts).toBe(7);
    expect(t.p.counters.downstreamCalls).toBe(3);
    expect(t.stats().hosts).toEqual([
      { host: 'a.internal', attempts: 6, calls: 2 },
      { host: 'b.internal', attempts: 1, calls: 1 },
    ]);
  });

  it('outside any request (startup, background timers) each fetch is its own call', () => {
    const t = setup();
    t.p.loop.runNow(() => {
      t.fetch('http://a.internal/');
      t.fetch('http://a.internal/');
    });
    t.run();
    expect([t.p.counters.downstreamAttempts, t.p.counters.downstreamCalls]).toEqual([2, 2]);
  });

  it('outside any request, a fetch after one that failed is a retry: work moved out of the requests still counts', () => {
    // Failing (503) for the first 100 ms, then healthy.
    const t = setup([{ ...A, faults: [{ kind: 'errors', fromMs: 0, toMs: 100, rate: 1 }] }]);
    const statuses: number[] = [];
    // A queue the handlers only wake, running in the startup context: five tries each.
    const attempt = (tries: number): Promise<void> =>
      t.fetch('http://a.internal/').then((r) => {
        statuses.push(r.status);
        if (r.status >= 500 && tries > 1) return attempt(tries - 1);
      });
    t.p.loop.runNow(() => void attempt(5));
    t.run();
    expect(statuses).toEqual([503, 503, 503, 503, 503]);
    expect(t.stats().hosts).toEqual([{ host: 'a.internal', attempts: 5, calls: 1 }]);
    // Once one succeeds, the next is a call of its own again.
    t.task(200, () => void attempt(1));
    t.run();
    t.task(300, () => void attempt(1));
    t.run();
    expect(statuses.slice(5)).toEqual([200, 200]);
    expect(t.stats().hosts).toEqual([{ host: 'a.internal', attempts: 7, calls: 2 }]);
  });
});

describe('determinism', () => {
  const once = (seed: number) => {
    const t = testPlatform(seed);
    const spec: DownstreamSpec = { ...A, serviceTime: { kind: 'exponential', meanMs: 5 } };
    const services = [new DownstreamService(spec, t.p.kernel, t.p.rng)];
    const api = createFetch(t.p, services, createAbort(t.p) as AbortApi);
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      t.task(i * 2, () => {
        api.fetch('http://a.internal/').then(() => times.push(t.p.loop.now()));
      });
    }
    t.run();
    return { times, stats: api.stats() };
  };

  it('the same seed gives the same timings; another seed does not', () => {
    expect(once(5)).toEqual(once(5));
    expect(once(6).times).not.toEqual(once(5).times);
  });
});
