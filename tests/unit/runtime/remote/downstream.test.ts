/**
 * DownstreamService on its own: queue limit, fault windows, abandoned work, determinism
 * and the independence of its random streams.
 */
import { describe, expect, it } from 'vitest';
import type { DownstreamRequest, DownstreamSpec } from '../../../../runner/scenario/types.ts';
import { Kernel } from '../../../../runner/sim/kernel.ts';
import { createPrng } from '../../../../runner/sim/prng.ts';
import { DownstreamService, type DownstreamReply } from '../../../../runner/runtime/remote/downstream.ts';
import { runAll, runPoisson } from '../../../queueing/poisson-driver.ts';

const REQ: DownstreamRequest = { method: 'GET', path: '/x', query: {}, headers: {}, body: undefined };

interface Answer {
  i: number;
  atMs: number;
  reply: DownstreamReply;
}

/** Submits one request per entry of `arrivalsMs` and collects the answers. */
function drive(spec: DownstreamSpec, arrivalsMs: number[], seed = 1): { answers: Answer[]; service: DownstreamService } {
  const kernel = new Kernel();
  const service = new DownstreamService(spec, kernel, createPrng(seed));
  const answers: Answer[] = [];
  arrivalsMs.forEach((t, i) => {
    service.submit(REQ, t, (reply, atMs) => answers.push({ i, atMs, reply }));
  });
  runAll(kernel);
  answers.sort((a, b) => a.i - b.i);
  return { answers, service };
}

const constant = (ms: number) => ({ kind: 'constant' as const, ms });

describe('queue limit', () => {
  it('queueLimit 0 answers 503 at once when every server is busy', () => {
    const { answers, service } = drive({ host: 'a', concurrency: 1, queueLimit: 0, serviceTime: constant(10) }, [0, 1, 2, 12]);
    expect(answers.map((a) => [a.atMs, (a.reply as { status: number }).status])).toEqual([
      [10, 200],
      [1, 503],
      [2, 503],
      [22, 200],
    ]);
    const s = service.stats();
    expect(s).toMatchObject({ received: 4, accepted: 2, rejected: 2, completed: 2, waited: 0 });
  });

  it('queues FIFO up to the limit and rejects the excess', () => {
    const { answers, service } = drive({ host: 'a', concurrency: 2, queueLimit: 2, serviceTime: constant(10) }, [0, 0, 1, 2, 3]);
    // Two in service, two queued (start at 10 and finish at 20), the fifth rejected.
    expect(answers.map((a) => [a.atMs, (a.reply as { status: number }).status])).toEqual([
      [10, 200],
      [10, 200],
      [20, 200],
      [20, 200],
      [3, 503],
    ]);
    expect(service.stats()).toMatchObject({ accepted: 4, waited: 2, rejected: 1 });
  });

  it('refuses a bad configuration up front', () => {
    const k = new Kernel();
    expect(() => new DownstreamService({ host: 'a', concurrency: 0, queueLimit: 0, serviceTime: constant(1) }, k, createPrng(1))).toThrow(
      /concurrency/,
    );
    expect(() => new DownstreamService({ host: 'a', concurrency: 1, queueLimit: -1, serviceTime: constant(1) }, k, createPrng(1))).toThrow(
      /queueLimit/,
    );
  });
});

describe('fault windows', () => {
  it('slowdown multiplies the service time of requests started in the window', () => {
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 10,
      queueLimit: 0,
      serviceTime: constant(10),
      faults: [{ kind: 'slowdown', fromMs: 100, toMs: 200, factor: 5 }],
    };
    const { answers } = drive(spec, [95, 100, 199, 200]);
    expect(answers.map((a) => a.atMs)).toEqual([105, 150, 249, 210]);
  });

  it('errors answer the window status after the normal service time', () => {
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 10,
      queueLimit: 0,
      serviceTime: constant(10),
      faults: [
        { kind: 'errors', fromMs: 0, toMs: 50, rate: 1, status: 500 },
        { kind: 'errors', fromMs: 50, toMs: 100, rate: 1 },
      ],
    };
    const { answers, service } = drive(spec, [10, 60, 120]);
    expect(answers.map((a) => [a.atMs, (a.reply as { status: number }).status])).toEqual([
      [20, 500],
      [70, 503],
      [130, 200],
    ]);
    expect(service.stats().faultErrors).toBe(2);
  });

  it('an error rate fails about that fraction of requests', () => {
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 1000,
      queueLimit: 0,
      serviceTime: constant(1),
      faults: [{ kind: 'errors', fromMs: 0, toMs: 1e9, rate: 0.25 }],
    };
    const { service } = drive(
      spec,
      Array.from({ length: 20_000 }, (_, i) => i),
    );
    // Binomial: SE = sqrt(0.25 * 0.75 / 20 000) = 0.0031, so ±4σ = ±0.012.
    expect(Math.abs(service.stats().faultErrors / 20_000 - 0.25)).toBeLessThan(0.012);
  });

  it('outage refuses connections at once, and only inside the window', () => {
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 1,
      queueLimit: 10,
      serviceTime: constant(10),
      faults: [{ kind: 'outage', fromMs: 100, toMs: 200 }],
    };
    const { answers, service } = drive(spec, [95, 100, 150, 200]);
    expect(answers.map((a) => [a.atMs, 'refused' in a.reply])).toEqual([
      [105, false],
      [100, true],
      [150, true],
      [210, false],
    ]);
    expect(service.stats()).toMatchObject({ received: 4, refused: 2, completed: 2 });
  });

  it("a fault window's coin flips never shift the service times", () => {
    const base: DownstreamSpec = { host: 'a', concurrency: 100, queueLimit: 0, serviceTime: { kind: 'exponential', meanMs: 10 } };
    const withFaults: DownstreamSpec = { ...base, faults: [{ kind: 'errors', fromMs: 0, toMs: 1e9, rate: 0.5 }] };
    const arrivals = Array.from({ length: 200 }, (_, i) => i * 3);
    const plain = drive(base, arrivals, 9).answers.map((a) => a.atMs);
    const faulty = drive(withFaults, arrivals, 9).answers.map((a) => a.atMs);
    expect(faulty).toEqual(plain);
  });
});

describe('respond', () => {
  it('builds the answer with its own stream at the completion time', () => {
    const seen: number[] = [];
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 1,
      queueLimit: 5,
      serviceTime: constant(7),
      respond: (req, rng, nowMs) => {
        seen.push(nowMs);
        return { status: 201, body: { path: req.path, roll: rng.next() } };
      },
    };
    const { answers } = drive(spec, [0, 0]);
    expect(seen).toEqual([7, 14]);
    expect(answers[0].reply).toMatchObject({ status: 201, body: { path: '/x' } });
  });

  it('answers 200 {ok: true} by default', () => {
    const { answers } = drive({ host: 'a', concurrency: 1, queueLimit: 0, serviceTime: constant(1) }, [0]);
    expect(answers[0].reply).toEqual({ status: 200, body: { ok: true } });
  });
});

describe('handshake', () => {
  it('a new connection enters the queue after the handshake; a refused one does not wait for it', () => {
    const kernel = new Kernel();
    const spec: DownstreamSpec = {
      host: 'a',
      concurrency: 1,
      queueLimit: 0,
      serviceTime: constant(10),
      faults: [{ kind: 'outage', fromMs: 50, toMs: 60 }],
    };
    const service = new DownstreamService(spec, kernel, createPrng(1));
    const at: number[] = [];
    service.submit(REQ, 0, (_r, t) => at.push(t), 3);
    service.submit(REQ, 50, (_r, t) => at.push(t), 3);
    runAll(kernel);
    expect(at).toEqual([13, 50]);
  });
});

describe('determinism', () => {
  const spec: DownstreamSpec = {
    host: 'mm1.internal',
    concurrency: 2,
    queueLimit: 20,
    serviceTime: { kind: 'lognormal', medianMs: 10, sigma: 1 },
  };
  const statsFor = (seed: number) => {
    const run = runPoisson(spec, 150, 20_000, seed);
    runAll(run.kernel);
    return { stats: run.service.stats(), sojourn: Array.from(run.sojournMs.subarray(0, 100)) };
  };

  it('the same seed gives identical statistics', () => {
    expect(statsFor(42)).toEqual(statsFor(42));
  });

  it('a different seed gives different statistics', () => {
    expect(statsFor(43).stats).not.toEqual(statsFor(42).stats);
  });
});

describe('idempotency keys and the ledger', () => {
  const charge = (key: string | undefined, amount = 100): DownstreamRequest => ({
    method: 'POST',
    path: '/v1/charges',
    query: {},
    headers: key ? { 'idempotency-key': key } : {},
    body: { amount },
  });
  let next = 0;
  const spec = (over: Partial<DownstreamSpec> = {}): DownstreamSpec => ({
    host: 'payments',
    concurrency: 4,
    queueLimit: 10,
    serviceTime: constant(10),
    respond: () => ({ status: 200, body: { id: `ch_${++next}` } }),
    idempotency: { header: 'Idempotency-Key' },
    ...over,
  });

  /** Sends each [atMs, request] and returns the answers in order of sending, with the service. */
  function send(s: DownstreamSpec, reqs: [number, DownstreamRequest][]) {
    next = 0;
    const kernel = new Kernel();
    const service = new DownstreamService(s, kernel, createPrng(1));
    const answers: { status: number; body: unknown; atMs: number }[] = [];
    reqs.forEach(([t, r], i) => {
      service.submit(r, t, (reply, atMs) => {
        answers[i] = { ...(reply as { status: number; body: unknown }), atMs };
      });
    });
    runAll(kernel);
    return { answers, service };
  }

  it('a key seen before gets the first answer again, at once, and no second charge', () => {
    const { answers, service } = send(spec(), [
      [0, charge('k1')],
      [50, charge('k1')],
    ]);
    expect(answers.map((a) => [a.status, a.body, a.atMs])).toEqual([
      [200, { id: 'ch_1' }, 10],
      [200, { id: 'ch_1' }, 50],
    ]);
    expect(service.work()).toHaveLength(1);
    expect(service.work()[0]).toMatchObject({ status: 200, body: { id: 'ch_1' }, atMs: 10 });
    expect(service.stats()).toMatchObject({ received: 2, replayed: 1, accepted: 1 });
  });

  it('a key still in hand is answered 409, a key reused with another body 400', () => {
    const { answers, service } = send(spec(), [
      [0, charge('k1')],
      [5, charge('k1')],
      [20, charge('k1', 999)],
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 409, 400]);
    expect(service.work()).toHaveLength(1);
  });

  it('without keys, or without idempotency, a retried charge is charged twice', () => {
    const noKey = send(spec(), [
      [0, charge(undefined)],
      [50, charge(undefined)],
    ]);
    const ignored = send(spec({ idempotency: undefined }), [
      [0, charge('k1')],
      [50, charge('k1')],
    ]);
    for (const { answers, service } of [noKey, ignored]) {
      expect(answers.map((a) => a.body)).toEqual([{ id: 'ch_1' }, { id: 'ch_2' }]);
      expect(service.work()).toHaveLength(2);
    }
  });

  it("a gateway failure stores nothing, so the key's retry does the work", () => {
    const failing = spec({ faults: [{ kind: 'errors', fromMs: 0, toMs: 1, rate: 1, status: 503 }] });
    const { answers, service } = send(failing, [
      [0, charge('k1')],
      [20, charge('k1')],
    ]);
    expect(answers.map((a) => a.status)).toEqual([503, 200]);
    expect(service.work()).toHaveLength(1);
  });

  it('a key is forgotten ttlMs after its answer', () => {
    const { answers, service } = send(spec({ idempotency: { header: 'idempotency-key', ttlMs: 100 } }), [
      [0, charge('k1')],
      [105, charge('k1')],
      [115, charge('k1')],
    ]);
    expect(answers.map((a) => a.body)).toEqual([{ id: 'ch_1' }, { id: 'ch_1' }, { id: 'ch_2' }]);
    expect(service.work()).toHaveLength(2);
  });
});
