/**
 * Errors that mean "the learner's code cannot run": each carries what to show, with
 * TypeScript positions where known. Anything else thrown by the runner is a bug in Tailspin.
 */
import type { Diagnostic } from './run-types.ts';

export class BadInput extends Error {
  constructor(
    readonly kind: 'compile' | 'load' | 'routes' | 'watchdog',
    readonly diagnostics: Diagnostic[],
  ) {
    super(diagnostics.map((d) => (d.line ? `${d.line}:${d.column ?? 1} ${d.message}` : d.message)).join('\n'));
    this.name = 'BadInput';
  }
}

/** The service does not compile; diagnostics are esbuild's, at TypeScript positions. */
export class CompileFailed extends BadInput {
  constructor(diagnostics: Diagnostic[]) {
    super('compile', diagnostics);
    this.name = 'CompileFailed';
  }
}
