/**
 * The load balancer on its own: which instance each policy picks, and the outstanding count
 * it keeps per instance.
 */
import { describe, expect, it } from 'vitest';
import { LoadBalancer, type RequestHandler } from '../../../runner/load/balancer.ts';
import { createPrng } from '../../../runner/sim/prng.ts';
import type { ServerReply } from '../../../runner/runtime/process/http-server.ts';

/** Instances that hold every request until `answer(i)` is called. */
function instances(n: number) {
  const held: (() => void)[][] = Array.from({ length: n }, () => []);
  const handlers: RequestHandler[] = held.map((queue) => ({
    handle: (_req, _at, _ctx, done) => void queue.push(() => done({ status: 200 } as ServerReply, 0)),
  }));
  return { handlers, held, answer: (i: number) => held[i].shift()!() };
}

const REQ = { method: 'GET', path: '/' };
const send = (lb: LoadBalancer, n: number) => {
  for (let k = 0; k < n; k++) lb.handle(REQ, 0, {}, () => {});
};

describe('LoadBalancer', () => {
  it('round robin gives each instance every n-th request, whatever they have in hand', () => {
    const { handlers, held } = instances(3);
    const lb = new LoadBalancer(handlers, 'round-robin', createPrng(1));
    send(lb, 7);
    expect(held.map((q) => q.length)).toEqual([3, 2, 2]);
    expect(lb.handled).toEqual([3, 2, 2]);
  });

  it('least outstanding sends to the instance with the fewest unanswered requests', () => {
    const { handlers, answer } = instances(3);
    const lb = new LoadBalancer(handlers, 'least-outstanding', createPrng(1));
    send(lb, 3);
    expect(lb.outstanding).toEqual([1, 1, 1]);
    // Instance 2 is slow: until it answers, new requests go to the other two.
    for (let round = 0; round < 3; round++) {
      answer(0);
      answer(1);
      expect(lb.outstanding).toEqual([0, 0, 1]);
      send(lb, 2);
      expect(lb.outstanding).toEqual([1, 1, 1]);
    }
    expect(lb.handled).toEqual([4, 4, 1]);
  });

  it('least outstanding breaks ties in turn, not always to the first instance', () => {
    const { handlers, answer } = instances(3);
    const lb = new LoadBalancer(handlers, 'least-outstanding', createPrng(1));
    for (let k = 0; k < 9; k++) {
      const before = lb.handled.slice();
      send(lb, 1);
      const i = lb.handled.findIndex((h, j) => h !== before[j]);
      answer(i);
    }
    expect(lb.handled).toEqual([3, 3, 3]);
  });

  it('random spreads evenly over many requests and repeats for the same seed', () => {
    const a = new LoadBalancer(instances(4).handlers, 'random', createPrng(5));
    const b = new LoadBalancer(instances(4).handlers, 'random', createPrng(5));
    send(a, 40_000);
    send(b, 40_000);
    expect(b.handled).toEqual(a.handled);
    // Binomial(40 000, 1/4): sd ≈ 87.
    for (const h of a.handled) expect(Math.abs(h - 10_000)).toBeLessThan(400);
  });
});
