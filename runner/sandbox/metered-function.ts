/**
 * The service's `Function` and `eval`: code made from strings at run time is metered like the
 * rest of the service (cpu-instrument.ts), so a hot loop written as a string costs CPU too.
 * `Function(…params, body)` is compiled in the service's compartment with the charges
 * inserted, bound to the thread's counter as evaluate.ts binds the module's. `eval` is
 * refused: an eval'd program's completion value and its declarations cannot be kept once
 * it is wrapped to carry the counter, and services have `Function` for the same needs.
 *
 * The other ways to a code-string compiler are closed by SES itself: lockdown makes every
 * function's `constructor` (plain, async, generator) an inert function that throws.
 */
import type { CpuCounter } from '../runtime/process/cpu-meter.ts';
import { parse } from 'acorn';
import { instrumentCpu } from './cpu-instrument.ts';

export const EVAL_REFUSED =
  'eval is not available in this lab: write the code directly, or build a function with new Function(...params, body)';

/** Evaluates source text in the service's compartment (strict or not, as the text says). */
export type CompartmentEvaluate = (source: string) => unknown;

/** The service's `Function` constructor, metered on `counter`. */
export function createMeteredFunction(evaluate: CompartmentEvaluate, counter: CpuCounter): FunctionConstructor {
  function MeteredFunction(...args: unknown[]): unknown {
    const body = args.length > 0 ? String(args[args.length - 1]) : '';
    const params = args.slice(0, -1).map(String).join(',');
    // The shape the spec gives Function's source text, so a parameter list or body that
    // tries to close the function early is a SyntaxError, as it is in Node.
    const source = `(function anonymous(${params}\n) {\n${body}\n})`;
    if (!isOneFunction(source)) throw new SyntaxError('Function: the parameters or the body close the function early');
    // Instrumented as a program that returns the function: the program's own charge comes first.
    const metered = instrumentCpu(`return ${source};`);
    const make = evaluate(`(function (${metered.meterName}) {\n${metered.code}\n})`) as (c: CpuCounter) => unknown;
    return make(counter);
  }
  Object.defineProperty(MeteredFunction, 'prototype', { value: globalThis.Function.prototype, writable: false });
  Object.defineProperty(MeteredFunction, 'name', { value: 'Function' });
  return MeteredFunction as unknown as FunctionConstructor;
}

/**
 * Whether `source` is exactly one parenthesised function expression: text that closes it
 * early would otherwise run beside it, in the wrapper that holds the counter.
 */
function isOneFunction(source: string): boolean {
  let program: { body: Array<{ type: string; expression?: { type: string; start: number; end: number } }> };
  try {
    program = parse(source, { ecmaVersion: 'latest', sourceType: 'script' }) as unknown as typeof program;
  } catch (err) {
    throw new SyntaxError(`Function: ${(err as Error).message}`);
  }
  const only = program.body.length === 1 ? program.body[0] : undefined;
  const fn = only?.type === 'ExpressionStatement' ? only.expression : undefined;
  return fn?.type === 'FunctionExpression' && fn.start === 1 && fn.end === source.length - 1;
}

/** The service's `eval`: refused with what to write instead. */
export function refusedEval(): never {
  throw new EvalError(EVAL_REFUSED);
}
