/**
 * `Date`, `performance` and `process` on the virtual clock. Every clock read costs a
 * microsecond of main-thread CPU, so a busy-wait such as
 * `const t = Date.now(); while (Date.now() - t < 50) {}` blocks the loop for exactly 50 virtual
 * ms (in 50 000 reads, a few wall milliseconds) and then finishes.
 */
import type { Platform } from '../runtime/platform.ts';

/** CPU charged per clock read. Real reads cost ~25–50 ns; a microsecond keeps spins cheap to simulate. */
export const CLOCK_READ_MS = 0.001;

export function createVirtualDate(p: Platform): DateConstructor {
  const nowEpochMs = (): number => {
    p.loop.charge(CLOCK_READ_MS, 'clock reads');
    return p.epochMs + Math.floor(p.loop.now());
  };
  class VirtualDate extends Date {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(nowEpochMs());
      else super(...(args as [string]));
    }
    static override now(): number {
      return nowEpochMs();
    }
  }
  Object.defineProperty(VirtualDate, 'name', { value: 'Date' });
  return VirtualDate as unknown as DateConstructor;
}

export function createPerformance(p: Platform): { now(): number; timeOrigin: number; mark(): void; measure(): void } {
  return {
    now: () => {
      p.loop.charge(CLOCK_READ_MS, 'clock reads');
      return p.loop.now();
    },
    timeOrigin: p.epochMs,
    mark() {},
    measure() {},
  };
}

export function createProcess(p: Platform, env: Record<string, string>): Record<string, unknown> {
  const hrtime = (prev?: [number, number]): [number, number] => {
    p.loop.charge(CLOCK_READ_MS, 'clock reads');
    const ns = Math.round(p.loop.now() * 1e6);
    const t: [number, number] = [Math.floor(ns / 1e9), ns % 1e9];
    if (!prev) return t;
    let s = t[0] - prev[0];
    let n = t[1] - prev[1];
    if (n < 0) {
      s--;
      n += 1e9;
    }
    return [s, n];
  };
  hrtime.bigint = (): bigint => {
    p.loop.charge(CLOCK_READ_MS, 'clock reads');
    return BigInt(Math.round(p.loop.now() * 1e6));
  };
  // A listener for a signal or 'exit' is accepted and never called: the simulated process is
  // never signalled and never exits. A crash handler would change what an uncaught error does,
  // which the lab cannot honour (it counts the crash, as Node does with no handler): refused.
  const on = function (this: unknown, event: unknown) {
    if (event === 'uncaughtException' || event === 'unhandledRejection' || event === 'uncaughtExceptionMonitor') {
      throw new Error(
        `process.on('${event}') is not available in this lab: an uncaught error counts as a crash, as in Node without a handler; ` +
          'catch errors in the handler (try/catch, .catch) instead.',
      );
    }
    return this;
  };
  const noop = function (this: unknown) {
    return this;
  };
  const proc: Record<string, unknown> = {
    env: { NODE_ENV: 'production', ...env },
    nextTick: (fn: (...a: unknown[]) => void, ...args: unknown[]) => p.jobs.enqueueTick(() => fn(...args)),
    hrtime,
    uptime: () => p.loop.now() / 1000,
    memoryUsage: () => ({ rss: 80e6, heapTotal: 40e6, heapUsed: 30e6, external: 2e6, arrayBuffers: 1e6 }),
    cpuUsage: () => ({ user: Math.round(p.loop.busyTotalMs * 1000), system: 0 }),
    cwd: () => '/srv/app',
    platform: 'linux',
    arch: 'x64',
    pid: 4242,
    version: 'v20.20.0',
    versions: { node: '20.20.0' },
    argv: ['node', 'server.js'],
    exit: () => {
      throw new Error(
        'process.exit() is not available to the service in this lab: ' +
          'the process runs until the load ends; answer with an error status instead.',
      );
    },
    on,
    once: on,
    addListener: on,
    prependListener: on,
    off: noop,
    removeListener: noop,
    emitWarning: () => {},
  };
  proc.process = proc;
  return proc;
}
