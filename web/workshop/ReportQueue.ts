/**
 * The learner's outbox: each finished run's report waits here until the server has
 * acknowledged it. A report that fails to send (no network, the server restarting, a rate
 * limit) is sent again later with the same `runId`, so the server keeps it once even when only
 * its answer was lost. Nothing here waits on the lab: `add` returns at once, and a failure is
 * a message for the workshop bar, never an exception for the run.
 *
 * The timer and persistence are passed in, so tests drive retries without waiting.
 */
import { type RunReport, WorkshopApiError } from './api.ts';
import { jitteredBackoffMs } from './backoff.ts';

/** Reports kept at most: past this, the oldest unsent one is dropped (a run per few seconds for minutes). */
export const PENDING_MAX = 50;
/**
 * The first retry comes soon: a report fails most often on a connection that a restarting
 * server closed as it was sent, and the server that took over answers at once. A server that
 * is really down costs a refused connection per attempt, and the waits double from here.
 */
export const RETRY_MS_MIN = 250;
const SETTLED_KEPT = 4 * PENDING_MAX;
export const RETRY_MS_MAX = 30_000;

/**
 * The wait before the next attempt after `failures` failed ones in a row: from half to all of
 * 0.25 s, 0.5 s, 1 s… up to RETRY_MS_MAX, at random, so a room's browsers that met the same restart
 * do not all send again at the same moment (backoff.ts).
 */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
  return jitteredBackoffMs(failures, RETRY_MS_MIN, RETRY_MS_MAX, random);
}

export interface OutboxState {
  pending: number;
  /** Why the last attempt failed, until one succeeds; null when all is well. */
  error: string | null;
}

export interface ReportQueueOptions {
  send(report: RunReport): Promise<unknown>;
  /** Reports left unsent by an earlier page, and where to keep the list. */
  load(): RunReport[];
  /** `settled`: the runIds this queue has seen acknowledged or refused (see mergeOutbox). */
  save(reports: RunReport[], settled: ReadonlySet<string>): void;
  schedule(fn: () => void, ms: number): () => void;
  onChange(state: OutboxState): void;
  /** Draws the random part of each retry's wait, from [0, 1); Math.random when not given. */
  random?: () => number;
}

export class ReportQueue {
  #reports: RunReport[];
  readonly #settled = new Set<string>();
  #sending = false;
  #failures = 0;
  #cancelRetry: (() => void) | null = null;
  #error: string | null = null;
  #disposed = false;

  constructor(private readonly options: ReportQueueOptions) {
    this.#reports = options.load().slice(-PENDING_MAX);
  }

  get state(): OutboxState {
    return { pending: this.#reports.length, error: this.#error };
  }

  /** Queues a report and sends what is waiting. A runId already queued is not queued twice. */
  add(report: RunReport): void {
    if (this.#reports.some((r) => r.runId === report.runId)) return;
    this.#reports.push(report);
    if (this.#reports.length > PENDING_MAX) {
      this.#drop(this.#reports[0]);
      this.#error = `More than ${PENDING_MAX} runs could not be sent; the oldest was dropped.`;
    }
    this.#changed();
    this.flush();
  }

  /** Sends now, without waiting for a scheduled retry (after a reconnect, say). */
  flush(): void {
    if (this.#disposed || this.#sending || this.#reports.length === 0) return;
    this.#cancelRetry?.();
    this.#cancelRetry = null;
    void this.#sendHead();
  }

  dispose(): void {
    this.#disposed = true;
    this.#cancelRetry?.();
  }

  async #sendHead(): Promise<void> {
    const report = this.#reports[0];
    this.#sending = true;
    try {
      await this.options.send(report);
      this.#failures = 0;
      this.#error = null;
      this.#drop(report);
    } catch (err) {
      const apiError = err instanceof WorkshopApiError ? err : new WorkshopApiError(0, String(err));
      if (apiError.retryable) {
        this.#failures++;
        this.#error = `A run report could not be sent (${apiError.message}); trying again.`;
      } else {
        // Refused as it stands (too large, not on the track): sending it again cannot help.
        this.#error = `The server refused a run report: ${apiError.message}`;
        this.#drop(report);
      }
    } finally {
      this.#sending = false;
    }
    this.#changed();
    if (this.#disposed || this.#reports.length === 0) return;
    if (this.#failures === 0) this.flush();
    else this.#cancelRetry = this.options.schedule(() => this.flush(), retryDelayMs(this.#failures, this.options.random));
  }

  #drop(report: RunReport): void {
    this.#reports = this.#reports.filter((r) => r.runId !== report.runId);
    this.#settled.add(report.runId);
    // Only recent ones matter: an older runId is no longer in any tab's outbox.
    if (this.#settled.size > SETTLED_KEPT) this.#settled.delete(this.#settled.values().next().value!);
  }

  #changed(): void {
    this.options.save(this.#reports, this.#settled);
    this.options.onChange(this.state);
  }
}

/**
 * The outbox as stored after a change by this page. Two tabs of the same room share one
 * stored list: writing only this page's reports would erase those another tab is still
 * trying to send, and a crash of that tab would lose them. So what is stored keeps the other
 * tab's reports, less those this page has settled (the server keeps a runId once, so a report
 * both tabs send is no harm), bounded like the queue.
 */
export function mergeOutbox(stored: RunReport[], mine: RunReport[], settled: ReadonlySet<string>): RunReport[] {
  const ids = new Set(mine.map((r) => r.runId));
  const others = stored.filter((r) => !ids.has(r.runId) && !settled.has(r.runId));
  return [...others, ...mine].slice(-PENDING_MAX);
}
