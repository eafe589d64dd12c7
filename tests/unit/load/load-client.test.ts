/**
 * The load client's count of the whole run's arrivals (what an early verdict is bounded by)
 * is the number of requests the run then sends, whatever the service does, and counting it
 * does not move the run's own arrivals.
 */
import { describe, expect, it } from 'vitest';
import { LoadClient } from '../../../runner/load/load-client.ts';
import type { RequestHandler } from '../../../runner/load/balancer.ts';
import type { ServerReply } from '../../../runner/runtime/process/http-server.ts';
import type { LoadSpec } from '../../../runner/scenario/types.ts';
import { Kernel } from '../../../runner/sim/kernel.ts';
import { createPrng } from '../../../runner/sim/prng.ts';

const SPEC: LoadSpec = {
  durationMs: 5000,
  arrivals: { kind: 'ramp', fromPerSec: 10, toPerSec: 300 },
  mix: [
    { route: 'GET /a', weight: 3, build: (rng) => ({ method: 'GET', path: `/a/${Math.floor(rng.next() * 10)}` }) },
    { route: 'GET /b', weight: 1, build: () => ({ method: 'GET', path: '/b' }) },
  ],
  clientTimeoutMs: 1000,
};

/** Runs the load against a service that answers after `serviceMs`; returns the arrivals and their times. */
function drive(serviceMs: number, countFirst: boolean) {
  const kernel = new Kernel();
  const server: RequestHandler = {
    handle: (_req, atMs, _ctx, done) => kernel.at(atMs + serviceMs, () => done({ status: 200 } as ServerReply, atMs + serviceMs)),
  };
  const times: number[] = [];
  const client = new LoadClient(kernel, SPEC, 1, createPrng(3, 'load'), server, {
    arrive: (l) => times.push(l.scheduledMs),
    finish: () => {},
  });
  const counted = countFirst ? client.arrivalsTotal() : undefined;
  client.start();
  while (kernel.step()) {}
  return { counted: counted ?? client.arrivalsTotal(), times };
}

describe('LoadClient.arrivalsTotal', () => {
  it('is the number of requests the run sends, however slow the service, and leaves the arrivals as they were', () => {
    const fast = drive(1, true);
    const slow = drive(3000, false);
    expect(fast.times.length).toBeGreaterThan(500);
    expect(fast.counted).toBe(fast.times.length);
    expect(slow.counted).toBe(slow.times.length);
    expect(slow.times).toEqual(fast.times);
  });
});
