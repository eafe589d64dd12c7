/**
 * The handlers of a run nobody is watching yet (a run ahead, see LabClient.runAhead): every
 * call is recorded, so whoever adopts the run later sees all of it, from its compilation to
 * its end, as if they had started it. A simulation is deterministic, so the adopted run is
 * exactly the run they asked for.
 */
import type { RunHandlers } from './LabClient.ts';

type Call = { [K in keyof RunHandlers]: { name: K; args: Parameters<RunHandlers[K]> } }[keyof RunHandlers];

/** Calls a watched run ends with, and those that make an unwatched run worth nothing. */
const ENDS: ReadonlySet<keyof RunHandlers> = new Set(['onDone', 'onCompileFailed', 'onCancelled', 'onFailed', 'onHung']);
const WORTHLESS: ReadonlySet<keyof RunHandlers> = new Set(['onCancelled', 'onFailed', 'onHung']);

export class RunRecording {
  private readonly calls: Call[] = [];
  private delivered = 0;
  private target: RunHandlers | null = null;
  private flushQueued = false;
  private ended = false;
  private worthless = false;

  /** Hand these to the run: they record each call, and forward it once the run is adopted. */
  readonly handlers: RunHandlers = {
    onCompiled: (...args) => this.record({ name: 'onCompiled', args }),
    onCompileFailed: (...args) => this.record({ name: 'onCompileFailed', args }),
    onProgress: (...args) => this.record({ name: 'onProgress', args }),
    onDone: (...args) => this.record({ name: 'onDone', args }),
    onCancelled: (...args) => this.record({ name: 'onCancelled', args }),
    onFailed: (...args) => this.record({ name: 'onFailed', args }),
    onHung: (...args) => this.record({ name: 'onHung', args }),
  };

  /** Still running, or ended with a result: a stopped, failed or stuck run is not worth adopting. */
  get adoptable(): boolean {
    return !this.worthless && this.target === null;
  }

  /** The run has ended (in whatever way). */
  get done(): boolean {
    return this.ended;
  }

  /** Nobody will want this run: it can no longer be adopted. */
  discard(): void {
    this.worthless = true;
  }

  /**
   * From now on `handlers` get every call: first those made so far, in order, then each as it
   * comes. Never synchronously: the adopter gets its run handle before any call.
   */
  adopt(handlers: RunHandlers): void {
    if (!this.adoptable) throw new Error('this run cannot be adopted');
    this.target = handlers;
    this.scheduleFlush();
  }

  private record(call: Call): void {
    if (this.ended) return;
    this.calls.push(call);
    this.ended = ENDS.has(call.name);
    this.worthless = WORTHLESS.has(call.name);
    if (this.target) this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => {
      this.flushQueued = false;
      const target = this.target!;
      while (this.delivered < this.calls.length) {
        const { name, args } = this.calls[this.delivered++];
        (target[name] as (...a: unknown[]) => void)(...args);
      }
    });
  }
}
