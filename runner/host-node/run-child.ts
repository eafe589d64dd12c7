/**
 * The process side of `runInChildProcess`: takes the request and the parent's token from the
 * first IPC message, runs it with `runInWorker`, and answers once with the outcome and the
 * token. The parent kills this process when it has the answer, even if a worker is still
 * stuck in a call that termination cannot interrupt.
 */
import { BadInput } from '../errors.ts';
import { MemoryLimitExceeded, runInWorker } from './run-in-worker.ts';
import type { ChildOutcome, ChildRequest } from './run-in-child.ts';

const send = (m: ChildOutcome): void => {
  process.send?.(m);
};

process.once('message', (m: ChildRequest) => {
  const { token, request } = m;
  runInWorker(request).then(
    (summary) => send({ token, type: 'done', summary }),
    (err: unknown) => {
      if (err instanceof BadInput)
        send({ token, type: 'bad-input', kind: err.kind, diagnostics: err.diagnostics, memory: err instanceof MemoryLimitExceeded });
      else send({ token, type: 'crash', message: describe(err) });
    },
  );
});

// Without its parent there is nobody to answer; a stuck worker would keep a normal exit waiting.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));

function describe(err: unknown): string {
  try {
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
  } catch {
    return 'a value that cannot be shown was thrown';
  }
}
