/**
 * The service's `structuredClone`: the host's own (what cannot be cloned fails as in Node,
 * with a DataCloneError), with its work charged on the thread's CPU counter by the size of the
 * copy, measured as a message between threads is (worker-threads/message-clone.ts: on the
 * copy, which is plain data, so measuring runs none of the service's getters). It replaces
 * the global, the only way the service reaches the function, so the charge cannot be dodged.
 *
 * Simplified: the cost follows the data's size as JSON would count it, whatever its shape.
 */
import type { CpuCounter } from '../runtime/process/cpu-meter.ts';
import { messageBytes } from '../runtime/modules/worker-threads/message-clone.ts';

/** Metering units per byte of the copy (see cpu-meter.ts), from bench/calibrate-cpu.ts. */
export const CLONE_UNITS_PER_BYTE = 140;

/** A `structuredClone` that charges `counter` for the size of what it copies. */
export function createMeteredStructuredClone(counter: CpuCounter, clone: typeof structuredClone): typeof structuredClone {
  return function structuredClone<T>(value: T, options?: StructuredSerializeOptions): T {
    const copy = clone(value, options);
    counter.n += Math.round(messageBytes(copy) * CLONE_UNITS_PER_BYTE);
    return copy;
  };
}
