/**
 * Runs a scenario in a worker thread, the second wall around the learner's service:
 *
 * - A wall-clock watchdog. User code that never yields (`while (true) {}`) cannot be
 *   interrupted from inside its own thread; the parent terminates the worker when heartbeats
 *   stop and reports it in plain words.
 * - Memory limits. The worker's V8 heap is capped (`resourceLimits`), and while a run is in
 *   flight the parent samples the process's resident memory, which also counts what the heap
 *   cap cannot see: ArrayBuffer and typed-array storage. A run stopped by either, or by the
 *   watchdog while the heap was nearly full, is reported as memory, not as a loop.
 * - The verdict travels on a private channel. The parent makes a MessageChannel and hands one
 *   port to the worker's bootstrap, which takes it out of `workerData` before any other module
 *   runs. Summaries, refusals, crashes and heartbeats are accepted from that port only; the
 *   worker's `parentPort`, which anything in the worker can reach, is not listened to.
 *
 * A worker busy inside one built-in call (`new Array(1e9).fill(0)` fills element by element
 * in C++) does not stop when terminated until that call returns, and a process cannot exit
 * while one of its workers is still running. So when the watchdog's `terminate()` is not
 * obeyed within TERMINATE_GRACE_MS, the run is reported as stopped in one huge allocation, and
 * a host that must exit promptly runs this in a process it can kill (see run-in-child.ts).
 */
import { availableParallelism, loadavg } from 'node:os';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import type { Diagnostic } from '../run-types.ts';
import type { RunSummary } from '../summary-schema.ts';
import { BadInput } from '../errors.ts';
import { plainText } from './terminal-text.ts';

/** A run that sends no heartbeat for this long, on a machine with a core to spare, is stopped. */
export const WATCHDOG_MS = 5000;

/**
 * A busy machine (a workshop laptop, a CI box running other jobs) runs the worker slower, and
 * its heartbeats come later: the watchdog waits longer by how many runnable threads each core
 * has (the load average per core), up to this many times as long. A loop that never yields
 * still stops, a little later.
 */
export const WATCHDOG_BUSY_FACTOR_MAX = 12;

/** How much longer the watchdog waits on this machine now: 1 when a core is free. */
export function watchdogBusyFactor(load = loadavg()[0], cores = availableParallelism()): number {
  const perCore = load / Math.max(1, cores);
  return Number.isFinite(perCore) ? Math.min(WATCHDOG_BUSY_FACTOR_MAX, Math.max(1, perCore)) : 1;
}

/**
 * The worker's V8 old-generation cap. A run of a bundled scenario's starter or solution uses
 * under 90 MB of heap (the simulator, the service, PGlite's JavaScript side, the collector);
 * 512 MB leaves a service room for real caches, and a service that keeps data on every
 * request reaches it within seconds rather than after minutes of collection.
 */
export const HEAP_LIMIT_MB = 512;

/**
 * The cap on the resident memory of the process while a run is in flight. A run of a bundled
 * scenario peaks near 750 MB, most of it PGlite's WebAssembly memory; 2 GB is that and a full
 * heap with room to spare for larger databases. This is what bounds typed arrays and
 * ArrayBuffers, which live outside the V8 heap (`new Float64Array(5e8)` is 4 GB).
 */
export const MEMORY_LIMIT_MB = 2048;

/** How often the parent samples memory while a run is in flight. */
export const MEMORY_POLL_MS = 100;

/** How long a terminated worker has to stop before it is taken to be inside one huge call. */
export const TERMINATE_GRACE_MS = 3000;

/**
 * A watchdog stop counts as memory when the last heartbeat found the heap this full: a
 * collector working near the cap also stops heartbeats.
 */
const HEAP_HIGH_FRACTION = 0.75;

export interface WorkerRequest {
  scenario: string;
  code: string;
  seed: number;
  loadScale?: number;
}

/** What the bootstrap finds in `workerData`: the request, and the private port it removes. */
export interface WorkerData {
  request: WorkerRequest;
  port?: MessagePort;
}

export type WorkerMessage =
  | { type: 'heartbeat'; heapUsedBytes: number }
  | { type: 'done'; summary: RunSummary }
  | { type: 'bad-input'; kind: BadInput['kind']; diagnostics: Diagnostic[] }
  | { type: 'crash'; message: string };

export const WATCHDOG_MESSAGE =
  `The service ran for ${WATCHDOG_MS / 1000} s of real time without yielding and was stopped. ` +
  'Look for a loop that never ends (a while loop whose condition never changes), or a regular expression ' +
  'that backtracks catastrophically: nested quantifiers such as /^(a+)+$/ run for ages on a long input that almost matches.';

export const MEMORY_MESSAGE =
  `The service used more memory than a run may (${HEAP_LIMIT_MB} MB of heap, ${MEMORY_LIMIT_MB} MB in all) and was stopped. ` +
  'Look for data kept on every request (a module-level array or cache that only grows) or one huge allocation.';

export const HUGE_ALLOCATION_MESSAGE =
  `The service spent ${WATCHDOG_MS / 1000} s of real time in one built-in call on a huge amount of memory and was stopped. ` +
  'Look for an allocation sized by a very large number, such as new Array(1e9).fill(0).';

/** A run stopped for memory. Its kind is the watchdog's: the host stopped the run. */
export class MemoryLimitExceeded extends BadInput {
  constructor(message = MEMORY_MESSAGE) {
    super('watchdog', [{ message }]);
    this.name = 'MemoryLimitExceeded';
  }
}

const MB = 1024 * 1024;
const overMemoryLimit = (): boolean => process.memoryUsage.rss() > MEMORY_LIMIT_MB * MB;

export function runInWorker(req: WorkerRequest, watchdogMs = WATCHDOG_MS, busyFactor = watchdogBusyFactor): Promise<RunSummary> {
  const { port1: replies, port2: workerPort } = new MessageChannel();
  const data: WorkerData = { request: req, port: workerPort };
  const worker = new Worker(new URL('./run-worker-boot.mjs', import.meta.url), {
    workerData: data,
    transferList: [workerPort],
    resourceLimits: { maxOldGenerationSizeMb: HEAP_LIMIT_MB },
    // The worker's output is passed on with its control characters shown as `?`.
    stdout: true,
    stderr: true,
  });
  forwardPlain(worker.stdout, process.stdout);
  forwardPlain(worker.stderr, process.stderr);
  return new Promise<RunSummary>((resolve, reject) => {
    let watchdog: ReturnType<typeof setTimeout> | undefined;
    let grace: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    let heapAtHeartbeat = 0;
    const heapNearlyFull = (): boolean => heapAtHeartbeat > HEAP_HIGH_FRACTION * HEAP_LIMIT_MB * MB;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(watchdog);
      clearTimeout(grace);
      clearInterval(poll);
      replies.close();
      void worker.terminate();
      fn();
    };
    const stopForMemory = (message?: string): void => finish(() => reject(new MemoryLimitExceeded(message)));
    const poll = setInterval(() => {
      if (overMemoryLimit()) stopForMemory();
    }, MEMORY_POLL_MS);
    let lastHeartbeatAt = performance.now();
    const onWatchdog = (): void => {
      if (overMemoryLimit() || heapNearlyFull()) return stopForMemory();
      // Silent for the watchdog's time, but the machine is busy: its silence may be the
      // machine's. Wait out the longer time the load explains before calling it stuck.
      const allowedMs = watchdogMs * busyFactor();
      const silentMs = performance.now() - lastHeartbeatAt;
      if (silentMs < allowedMs) {
        watchdog = setTimeout(onWatchdog, allowedMs - silentMs);
        return;
      }
      // A loop in the service's own code stops at once; a built-in call grinding through a
      // huge allocation does not, and the exit handler below never runs in time.
      clearInterval(poll);
      replies.close();
      void worker.terminate();
      grace = setTimeout(() => stopForMemory(HUGE_ALLOCATION_MESSAGE), TERMINATE_GRACE_MS);
    };
    const arm = (): void => {
      clearTimeout(watchdog);
      watchdog = setTimeout(onWatchdog, watchdogMs);
    };
    replies.on('message', (m: WorkerMessage) => {
      switch (m?.type) {
        case 'heartbeat':
          heapAtHeartbeat = typeof m.heapUsedBytes === 'number' ? m.heapUsedBytes : 0;
          lastHeartbeatAt = performance.now();
          arm();
          break;
        case 'done':
          finish(() => resolve(m.summary));
          break;
        case 'bad-input':
          finish(() => reject(new BadInput(m.kind, m.diagnostics)));
          break;
        case 'crash':
          finish(() => reject(new Error(m.message)));
          break;
      }
    });
    // Messages on parentPort are not listened to: user code could post there.
    worker.on('error', (err: Error & { code?: string }) => {
      if (err?.code === 'ERR_WORKER_OUT_OF_MEMORY' || overMemoryLimit() || heapNearlyFull()) stopForMemory();
      else finish(() => reject(err));
    });
    worker.on('exit', (code) => {
      if (grace !== undefined) finish(() => reject(new BadInput('watchdog', [{ message: WATCHDOG_MESSAGE }])));
      else if (overMemoryLimit() || heapNearlyFull()) stopForMemory();
      else finish(() => reject(new Error(`The run's worker exited unexpectedly (code ${code}).`)));
    });
  });
}

/** Copies a worker's output stream, with control characters other than newline and tab shown as `?`. */
function forwardPlain(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): void {
  from.setEncoding('utf8');
  from.on('data', (chunk: string) => to.write(plainText(chunk)));
}
