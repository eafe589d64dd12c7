/**
 * Runs a scenario for the CLI in a child process that holds the worker thread (run-child.ts
 * calls `runInWorker` there). The extra process is what lets the CLI end on time with an
 * honest message: a worker stuck in one built-in call (`new Array(1e9).fill(0)`) cannot be
 * terminated until the call returns, and a process cannot exit while such a worker runs,
 * but a child process can always be killed. If the child dies on its own, which V8 does when
 * a worker runs out of heap inside such a call, its last words say whether it was memory.
 *
 * The answer is accepted once, from the IPC channel, and only with the random token this
 * process sent first: the token never leaves the child's main thread, so code in its worker
 * that could write to the channel's file descriptor still could not forge a verdict.
 */
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BadInput } from '../errors.ts';
import type { Diagnostic } from '../run-types.ts';
import type { RunSummary } from '../summary-schema.ts';
import { MemoryLimitExceeded, type WorkerRequest } from './run-in-worker.ts';
import { plainText } from './terminal-text.ts';

export interface ChildRequest {
  token: string;
  request: WorkerRequest;
}

export type ChildOutcome = { token: string } & (
  | { type: 'done'; summary: RunSummary }
  | { type: 'bad-input'; kind: BadInput['kind']; diagnostics: Diagnostic[]; memory: boolean }
  | { type: 'crash'; message: string }
);

/** How much of the child's stderr is kept to explain an unexpected end. */
const STDERR_KEPT = 64 * 1024;

/** Words V8 prints when a heap runs out (`FATAL ERROR: ... JavaScript heap out of memory`). */
const OUT_OF_MEMORY = /heap out of memory|Allocation failed/i;

export function runInChildProcess(request: WorkerRequest): Promise<RunSummary> {
  const token = randomBytes(32).toString('hex');
  const child = fork(new URL('./run-child-boot.mjs', import.meta.url), [], {
    execArgv: [],
    serialization: 'advanced',
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  // The child's stdout (what a worker printed, already shown plain) is passed on; its stderr
  // is kept, and shown only if the run ends without an answer or with a summary.
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => process.stdout.write(plainText(chunk)));
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEPT);
  });
  return new Promise<RunSummary>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      fn();
    };
    child.on('message', (m: ChildOutcome) => {
      if (!m || typeof m !== 'object' || m.token !== token) return;
      switch (m.type) {
        case 'done':
          if (stderr) process.stderr.write(plainText(stderr));
          finish(() => resolve(m.summary));
          break;
        case 'bad-input':
          finish(() => reject(m.memory ? new MemoryLimitExceeded(m.diagnostics[0]?.message) : new BadInput(m.kind, m.diagnostics)));
          break;
        case 'crash':
          finish(() => reject(new Error(m.message)));
          break;
      }
    });
    child.on('error', (err) => finish(() => reject(err)));
    child.on('exit', (code, signal) => {
      if (settled) return;
      const explain = (): void => {
        if (OUT_OF_MEMORY.test(stderr)) finish(() => reject(new MemoryLimitExceeded()));
        else
          finish(() =>
            reject(new Error(`The run's process ended without a result (${signal ?? `code ${code}`}).${stderr ? `\n${stderr}` : ''}`)),
          );
      };
      // Read its last words once its stderr has ended (or soon, if something else holds it open).
      if (child.stderr!.readableEnded) explain();
      else {
        child.stderr!.once('end', explain);
        setTimeout(explain, 1000).unref();
      }
    });
    child.send({ token, request } satisfies ChildRequest);
  });
}
