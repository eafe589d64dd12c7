/**
 * Runs a scenario in a worker thread under a wall-clock watchdog. User code that never
 * yields (`while (true) {}`) cannot be interrupted from inside its own thread; the parent
 * terminates the worker when heartbeats stop and reports it in plain words.
 */
import { Worker } from 'node:worker_threads';
import type { Diagnostic, RunSummary } from '../types.ts';
import { BadInput } from '../errors.ts';

/** A run that sends no heartbeat for this long is stopped. */
export const WATCHDOG_MS = 5000;

export interface WorkerRequest {
  scenario: string;
  code: string;
  seed: number;
  loadScale?: number;
}

export type WorkerMessage =
  | { type: 'heartbeat' }
  | { type: 'done'; summary: RunSummary }
  | { type: 'bad-input'; kind: BadInput['kind']; diagnostics: Diagnostic[] }
  | { type: 'crash'; message: string };

export const WATCHDOG_MESSAGE =
  `The service ran for ${WATCHDOG_MS / 1000} s of real time without yielding and was stopped. ` +
  'Look for a loop that never ends (a while loop whose condition never changes).';

export function runInWorker(req: WorkerRequest, watchdogMs = WATCHDOG_MS): Promise<RunSummary> {
  const worker = new Worker(new URL('./run-worker-boot.mjs', import.meta.url), { workerData: req });
  return new Promise<RunSummary>((resolve, reject) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      fn();
    };
    const arm = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => finish(() => reject(new BadInput('watchdog', [{ message: WATCHDOG_MESSAGE }]))), watchdogMs);
    };
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'heartbeat':
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
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`The run's worker exited unexpectedly (code ${code}).`))));
  });
}
