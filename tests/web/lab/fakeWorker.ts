/**
 * A stand-in for the lab worker, driven by the test: it records what the page posts and says
 * what the test makes it say. It can model the two ways a worker ends after `terminate()`: at
 * once, as a worker in a loop of the service's own code does, or only once the built-in call it
 * is inside returns (`new Array(1e9).fill(0)`), which is when a real worker stuck there could
 * still report an error.
 */
import type { HostMessage, WorkerMessage } from '../../../web/lab/protocol.ts';

export class FakeWorker {
  onmessage: ((e: MessageEvent<WorkerMessage>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  onmessageerror: ((e: MessageEvent) => void) | null = null;
  /** Everything the page posted, in order. */
  readonly posted: HostMessage[] = [];
  terminated = false;
  /** Still running: false once terminated, unless stuck inside a built-in call. */
  running = true;
  /** Set by the test: `terminate()` does not stop this worker until `returnFromBuiltIn()`. */
  insideBuiltIn = false;

  postMessage(msg: HostMessage): void {
    this.posted.push(msg);
  }

  terminate(): void {
    this.terminated = true;
    if (!this.insideBuiltIn) this.running = false;
  }

  /** The built-in call returns; a terminated worker stops now. */
  returnFromBuiltIn(): void {
    this.insideBuiltIn = false;
    if (this.terminated) this.running = false;
  }

  /** The worker posts `msg`. Delivered even after `terminate()`: the page must be the one to ignore it. */
  say(msg: WorkerMessage): void {
    this.onmessage?.({ data: msg } as MessageEvent<WorkerMessage>);
  }

  /** The worker dies with an error it did not handle. */
  fail(message: string): void {
    this.onerror?.({ message, preventDefault: () => undefined } as ErrorEvent);
  }

  /** The messages of one type the page posted. */
  sent<T extends HostMessage['type']>(type: T): Extract<HostMessage, { type: T }>[] {
    return this.posted.filter((m): m is Extract<HostMessage, { type: T }> => m.type === type);
  }
}

/** A worker factory for LabClient that keeps every worker it made, newest last. */
export function fakeWorkers(): { create: () => Worker; all: FakeWorker[]; latest: () => FakeWorker } {
  const all: FakeWorker[] = [];
  return {
    create: () => {
      const w = new FakeWorker();
      all.push(w);
      return w as unknown as Worker;
    },
    all,
    latest: () => all[all.length - 1],
  };
}
