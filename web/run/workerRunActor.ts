/**
 * The run machine's one actor: drives a run through the lab client and turns the client's
 * callbacks into machine events.
 */
import { fromCallback, type EventObject } from 'xstate';
import type { RunProgress, SeriesBucket } from '../../runner/index.ts';
import type { LabClient } from '../lab/LabClient.ts';
import type { RunRequest } from '../lab/protocol.ts';

/**
 * The worker reports every virtual second, which for a fast simulation is dozens of times per
 * wall second; the page redraws at most this often.
 */
const PROGRESS_FLUSH_MS = 100;

export const workerRun = fromCallback<EventObject, { client: LabClient; request: RunRequest }>(({ input, sendBack, receive }) => {
  let finished = false;
  let latest: RunProgress | null = null;
  let buckets: SeriesBucket[] = [];
  let timer: ReturnType<typeof setTimeout> | null = null;
  const flush = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
    if (latest) sendBack({ type: 'run.progress', progress: { ...latest, buckets } });
    latest = null;
    buckets = [];
  };
  const handle = input.client.run(input.request, {
    onCompiled: (compileMs) => sendBack({ type: 'compile.done', compileMs }),
    onCompileFailed: (diagnostics) => ((finished = true), sendBack({ type: 'compile.failed', diagnostics })),
    onProgress: (progress) => {
      latest = progress;
      buckets = buckets.concat(progress.buckets);
      timer ??= setTimeout(flush, PROGRESS_FLUSH_MS);
    },
    onDone: (summary, simulateMs) => ((finished = true), flush(), sendBack({ type: 'run.done', summary, simulateMs })),
    onCancelled: () => ((finished = true), flush(), sendBack({ type: 'run.cancelled' })),
    onFailed: (message, diagnostics, reason) => ((finished = true), sendBack({ type: 'run.failed', message, diagnostics, reason })),
    onHung: () => ((finished = true), sendBack({ type: 'run.hung' })),
  });
  receive((e) => {
    if (e.type === 'stop') handle.stop();
  });
  return () => {
    if (timer !== null) clearTimeout(timer);
    if (!finished) handle.stop();
  };
});
