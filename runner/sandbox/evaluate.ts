/**
 * Evaluates compiled CommonJS (the learner's service, or a bundled library such as
 * dataloader) inside an SES compartment of its own. The compartment's global object holds
 * the simulated globals and the realm's frozen intrinsics, nothing else: `globalThis`,
 * `Function('return this')()` and indirect `eval` all give that object, never the host's
 * (the CLI's `process`, the lab worker's scope). The realm is sealed first (seal.ts), so
 * nothing the service does to a built-in reaches the runner's measurements.
 *
 * The module function takes every global as a parameter. Code evaluated in a compartment
 * looks free names up through `with` scopes, which V8 cannot resolve statically; as
 * parameters, `Promise`, `Array`, `setTimeout`… are plain lexical bindings, as fast as
 * they were before sealing.
 *
 * Everything evaluated here is metered (cpu-instrument.ts): its work is counted on the
 * thread's CPU counter, which is bound in a closure around the module function under a name
 * the code does not contain, so the code can neither name it nor find it in `arguments`.
 */
import { noteSandboxFile, sealRealm } from './seal.ts';
import { SERVICE_FILE } from './compile.ts';
import { instrumentCpu } from './cpu-instrument.ts';
import { createMeteredFunction, refusedEval } from './metered-function.ts';
import type { CpuCounter } from '../runtime/process/cpu-meter.ts';
import type { ThreadProfile } from './cpu-profile.ts';

export type ModuleRequire = (name: string) => unknown;

export class ModuleLoadError extends Error {
  constructor(
    message: string,
    readonly moduleName?: string,
  ) {
    super(message);
    this.name = 'ModuleLoadError';
  }
}

/**
 * Source text is only ever compiled output, whose `import()` became `require` (see
 * compile.ts), or a metered `Function`; the two tests SES makes of the text would otherwise
 * refuse a string that merely contains `import(` or `<!--`, so they are evaded instead of
 * failing the run. A direct `eval(...)` call is allowed through: it reaches the service's
 * `eval`, which refuses with a message.
 */
const EVALUATE_OPTIONS = {
  __evadeHtmlCommentTest__: true,
  __evadeImportExpressionTest__: true,
  __rejectSomeDirectEvalExpressions__: false,
};

/** Names a global can have that cannot be a parameter of a strict function. */
const NOT_PARAMETERS = new Set(['eval', 'arguments']);
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The lines the module wrapper puts before the compiled code; stack positions in the
 * service are shifted back by this much (see source-map.ts).
 */
export const MODULE_HEADER_LINES = 2;

/** Globals SES adds to a compartment that are no part of Node's platform. */
const SES_GLOBALS = ['Compartment', 'lockdown', 'harden', 'assert', 'ModuleSource', 'StaticModuleRecord'];

export class ServiceRealm {
  readonly #compartment: Compartment;
  readonly #cpuCounter: CpuCounter;
  readonly #profile: ThreadProfile | undefined;

  /**
   * `globals` maps each simulated global's name to its value; the code's work is counted
   * on `cpuCounter` (the main thread's, see event-loop.ts), and with `profile`, by region
   * for the run's CPU profile (cpu-profile.ts).
   */
  constructor(globals: Record<string, unknown>, cpuCounter: CpuCounter, profile?: ThreadProfile) {
    this.#cpuCounter = cpuCounter;
    this.#profile = profile;
    sealRealm();
    this.#compartment = new Compartment({ globals, __options__: true });
    const global = this.#compartment.globalThis;
    // SES gives every compartment these; Node has none of them, and code a nested Compartment
    // evaluated would escape the CPU meter (its source is never instrumented).
    for (const name of SES_GLOBALS) {
      if (Object.hasOwn(global, name) && !delete (global as Record<string, unknown>)[name])
        throw new Error(`The sandbox could not remove the global ${name}`);
    }
    Object.defineProperty(global, 'global', { value: global, writable: true, configurable: true, enumerable: false });
    // Code made from strings is metered too (metered-function.ts); eval is refused.
    const evaluate = (source: string): unknown => this.#compartment.evaluate(source, EVALUATE_OPTIONS);
    for (const [name, value] of [
      ['Function', harden(createMeteredFunction(evaluate, cpuCounter))],
      ['eval', harden(refusedEval)],
    ] as const) {
      Object.defineProperty(global, name, { value, writable: true, configurable: true, enumerable: false });
    }
  }

  /** The service's `globalThis`. */
  get globalThis(): Record<string, unknown> {
    return this.#compartment.globalThis as Record<string, unknown>;
  }

  /**
   * Runs `code` as a CommonJS module body and returns its `module.exports`. `sourceName`
   * names the file in stack traces (the service's traces are mapped back to TypeScript by
   * that name).
   */
  evaluateCommonJs(code: string, require: ModuleRequire, sourceName = `${SERVICE_FILE}.js`): unknown {
    noteSandboxFile(sourceName);
    const global = this.globalThis;
    const names = Object.getOwnPropertyNames(global).filter((n) => IDENTIFIER.test(n) && !NOT_PARAMETERS.has(n));
    // Strict, as an ES module is in Node: a stray assignment must not create a global, and
    // `this` in a plain function is undefined. The code starts on the wrapper's third line.
    const profile = this.#profile;
    const metered = instrumentCpu(code, profile !== undefined);
    // With a profile, the regions' tally is bound beside the counter, as privately.
    const bound = metered.tallyName ? `${metered.meterName}, ${metered.tallyName}` : metered.meterName;
    const source =
      `(function (${bound}) { return function (${names.join(', ')}, module, exports, require) {\n'use strict';\n` +
      `${metered.code}\n}; })\n//# sourceURL=${sourceName}`;
    const withMeter = this.#compartment.evaluate(source, EVALUATE_OPTIONS) as (
      meter: CpuCounter,
      tally?: Float64Array,
    ) => (...args: unknown[]) => void;
    const moduleFunction = withMeter(this.#cpuCounter, profile?.addModule(sourceName, metered));
    const module = { exports: {} as unknown };
    moduleFunction.apply(module.exports, [...names.map((n) => global[n]), module, module.exports, require]);
    return module.exports;
  }
}
