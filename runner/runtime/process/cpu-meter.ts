/**
 * The counter the service's instrumented JavaScript adds to (see sandbox/cpu-instrument.ts),
 * and what one unit of it costs. A unit is one syntax node of a region entered (a function
 * called, a loop iterated); the cost per unit is calibrated against real Node by
 * bench/calibrate-cpu.ts, so a plain-JS hash loop takes about as long in virtual time as it
 * takes on a real machine. The event loop folds the counter into the running thread's CPU
 * (event-loop.ts), so metering costs the hot loop one property add and nothing else.
 *
 * The same object carries the methods through which a call to a size-proportional built-in
 * charges for its input (builtin-meter.ts): the instrumented code reaches all of it by one name.
 */
import { type BuiltinMeter, createBuiltinMeter } from './builtin-meter.ts';

/** Units executed so far, added to by instrumented code; only the event loop reads it. */
export interface CpuCounter extends BuiltinMeter {
  n: number;
  /**
   * Returns its argument: instrumented code passes a function through it where V8 would
   * otherwise name the function after the variable it is assigned to (stack traces would show
   * the instrumenter's names; see cpu-instrument.ts `AsyncBodies`).
   */
  i<T>(value: T): T;
}

/** CPU milliseconds per unit (one syntax node executed), from bench/calibrate-cpu.ts. */
export const CPU_MS_PER_UNIT = 0.000_000_035;

/** A fresh counter, one per service instance (each replica is its own process). */
export function createCpuCounter(): CpuCounter {
  const counter = { n: 0 } as CpuCounter;
  return Object.assign(counter, createBuiltinMeter(counter), { i: <T>(value: T): T => value });
}
