/**
 * The floor for the simulator's M/M/1 row: the same queue (Poisson arrivals, one server,
 * exponential service, the same seeded generator) as a plain discrete-event simulation in
 * callbacks, with the simulator's heap of timed events and nothing else: no service code, no
 * promises, no HTTP, no CPU model, no metrics but the mean time in system. It is what the
 * bench compares Tailspin's requests per wall second with, measured in the same process, so the
 * ratio holds on any machine however busy; it also checks itself against theory (W = 1/(μ−λ)).
 */
import { createPrng } from '../runner/sim/prng.ts';
import { EventHeap } from '../runner/sim/event-heap.ts';

export interface FloorResult {
  requests: number;
  wallSec: number;
  cpuSec: number;
  /** Mean time in system, ms, beside the textbook's. */
  meanMs: number;
  theoryMeanMs: number;
}

/** Runs an M/M/1 for `durationMs` of virtual time at `ratePerSec` with mean service `serviceMeanMs`. */
export function mm1Floor(ratePerSec: number, serviceMeanMs: number, durationMs: number, seed = 1): FloorResult {
  const rng = createPrng(seed, 'floor');
  const exp = (meanMs: number) => -Math.log(1 - rng.next()) * meanMs;
  // The simulator's own event heap (runner/sim/event-heap.ts), and nothing else of it.
  const heap = new EventHeap();
  let now = 0;
  const push = (at: number, fn: () => void): void => heap.push(at, fn);
  const pop = (): ((arg: unknown) => void) | undefined => {
    const fn = heap.pop();
    now = heap.poppedAtMs;
    return fn;
  };

  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let requests = 0;
  let totalMs = 0;
  const meanGapMs = 1000 / ratePerSec;
  const startService = (arrivedAt: number): void => {
    busy = true;
    push(now + exp(serviceMeanMs), () => {
      totalMs += now - arrivedAt;
      requests++;
      if (head < waiting.length) startService(waiting[head++]);
      else busy = false;
    });
  };
  const arrive = (): void => {
    const at = now;
    if (busy) waiting.push(at);
    else startService(at);
    const next = now + exp(meanGapMs);
    if (next < durationMs) push(next, arrive);
  };

  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  push(exp(meanGapMs), arrive);
  for (let fn = pop(); fn; fn = pop()) fn(undefined);
  const cpu = process.cpuUsage(cpuStart);
  const lambda = ratePerSec / 1000;
  const mu = 1 / serviceMeanMs;
  return {
    requests,
    wallSec: (performance.now() - wallStart) / 1000,
    cpuSec: (cpu.user + cpu.system) / 1e6,
    meanMs: totalMs / requests,
    theoryMeanMs: 1 / (mu - lambda),
  };
}
