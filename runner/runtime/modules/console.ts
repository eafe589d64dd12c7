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

export class ConsoleCapture {
  readonly lines: string[] = [];
  dropped = 0;

  constructor(
    private readonly loop: EventLoop,
    private readonly format: (args: unknown[]) => string,
  ) {}

  write(level: string, args: unknown[]): void {
    this.loop.charge(CONSOLE_COST_MS);
    if (this.lines.length >= CONSOLE_MAX_LINES) {
      this.dropped++;
      return;
    }
    let text = this.format(args);
    if (text.length > CONSOLE_MAX_LINE_CHARS) text = `${text.slice(0, CONSOLE_MAX_LINE_CHARS)}… (${text.length} chars)`;
    const t = (this.loop.now() / 1000).toFixed(3);
    this.lines.push(`[${t}s] ${level === 'log' ? '' : `${level}: `}${text}`);
  }

  /** The captured lines, with a final note when some were dropped. */
  output(): string[] {
    return this.dropped ? [...this.lines, `… ${this.dropped} more lines not shown`] : [...this.lines];
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
