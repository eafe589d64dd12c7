/**
 * `console` for user code: lines are captured with their virtual time, bounded in count and
 * length so a log line in a hot loop cannot exhaust memory or the page.
 */
import type { EventLoop } from '../process/event-loop.ts';

/** Lines kept per run; later lines are counted, not stored. */
export const CONSOLE_MAX_LINES = 200;
/** Characters kept per line. */
export const CONSOLE_MAX_LINE_CHARS = 500;
/** Main-thread cost of one console call: writing to stdout is synchronous in Node for pipes/files. */
export const CONSOLE_COST_MS = 0.01;

/** The lines of one process, whichever of its threads wrote them. */
interface ConsoleStore {
  lines: string[];
  dropped: number;
}

export class ConsoleCapture {
  private readonly store: ConsoleStore;

  /**
   * `format` renders a call's arguments; `sharing` is the capture of the process's main
   * thread when this one is a worker thread's (one stdout, stamped with each thread's clock).
   */
  constructor(
    private readonly loop: EventLoop,
    private readonly format: (args: unknown[]) => string,
    sharing?: ConsoleCapture,
  ) {
    this.store = sharing ? sharing.store : { lines: [], dropped: 0 };
  }

  get lines(): readonly string[] {
    return this.store.lines;
  }

  write(level: string, args: unknown[]): void {
    this.loop.charge(CONSOLE_COST_MS, 'console');
    const store = this.store;
    if (store.lines.length >= CONSOLE_MAX_LINES) {
      store.dropped++;
      return;
    }
    let text = this.format(args);
    if (text.length > CONSOLE_MAX_LINE_CHARS) text = `${text.slice(0, CONSOLE_MAX_LINE_CHARS)}… (${text.length} chars)`;
    const t = (this.loop.now() / 1000).toFixed(3);
    store.lines.push(`[${t}s] ${level === 'log' ? '' : `${level}: `}${text}`);
  }

  /** The captured lines, with a final note when some were dropped. */
  output(): string[] {
    const { lines, dropped } = this.store;
    return dropped ? [...lines, `… ${dropped} more lines not shown`] : [...lines];
  }

  api(): Console {
    const make =
      (level: string) =>
      (...args: unknown[]) =>
        this.write(level, args);
    const c = {
      log: make('log'),
      info: make('info'),
      warn: make('warn'),
      error: make('error'),
      debug: make('debug'),
      trace: make('trace'),
      dir: make('log'),
      table: make('log'),
      assert: (cond: unknown, ...args: unknown[]) => {
        if (!cond) this.write('error', ['Assertion failed', ...args]);
      },
      time: () => {},
      timeEnd: () => {},
      timeLog: () => {},
      count: () => {},
      group: () => {},
      groupEnd: () => {},
    };
    return c as unknown as Console;
  }
}
