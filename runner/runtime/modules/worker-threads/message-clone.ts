/**
 * What a message between threads costs. `postMessage` copies its value with the structured
 * clone algorithm (the host's own `structuredClone`, so what cannot be sent fails as it
 * fails in Node, with a DataCloneError), and both threads pay for it: the sender serialises,
 * the receiver deserialises. The cost follows the size of the data, measured on the copy
 * (plain data, so measuring runs none of the service's getters).
 *
 * Calibrated on Node 20 on a 2-core machine: a round trip of a small object between two
 * threads ≈ 40 µs; cloning 10 000 rows of three fields (≈ 400 KB as JSON) ≈ 11 ms.
 */

/** CPU of one `postMessage` on each side, besides the data: the port's own work. */
export const MESSAGE_COST_MS = 0.008;
/** Delay between the sender's `postMessage` and the receiver's loop taking the message. */
export const MESSAGE_HOP_MS = 0.01;
/** CPU per byte of data (as JSON would count it) on each side. */
export const CLONE_MS_PER_BYTE = 0.000_013;
/** Binary data (ArrayBuffer, typed arrays, Buffer) is copied as a block: a tenth of the rate. */
export const BINARY_BYTE_WEIGHT = 0.1;

export interface ClonedMessage {
  value: unknown;
  /** CPU each side pays for it. */
  costMs: number;
}

/** Copies `value` for another thread, moving the ArrayBuffers in `transfer`. */
export function cloneMessage(value: unknown, transfer?: readonly unknown[]): ClonedMessage {
  const copy = transfer && transfer.length > 0 ? structuredClone(value, { transfer: transfer as Transferable[] }) : structuredClone(value);
  return { value: copy, costMs: MESSAGE_COST_MS + messageBytes(copy) * CLONE_MS_PER_BYTE };
}

/**
 * The size of plain data (a clone) in bytes, as JSON would count it (binary at a tenth). All of
 * it is measured: the clone has already cost the host as much as the walk, and a message
 * charged only up to some size would make the rest free.
 */
export function messageBytes(value: unknown): number {
  let bytes = 0;
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    switch (typeof v) {
      case 'string':
        bytes += v.length + 2;
        continue;
      case 'number':
      case 'bigint':
        bytes += 8;
        continue;
      case 'boolean':
        bytes += 5;
        continue;
      case 'object':
        break;
      default:
        bytes += 4;
        continue;
    }
    if (v === null) {
      bytes += 4;
      continue;
    }
    if (seen.has(v)) continue;
    seen.add(v);
    if (v instanceof ArrayBuffer) bytes += v.byteLength * BINARY_BYTE_WEIGHT;
    else if (ArrayBuffer.isView(v)) bytes += v.byteLength * BINARY_BYTE_WEIGHT;
    else if (v instanceof Map) {
      bytes += 2;
      for (const [k, x] of v) stack.push(k, x);
    } else if (v instanceof Set) {
      bytes += 2;
      for (const x of v) stack.push(x);
    } else {
      bytes += 2;
      for (const key of Object.keys(v)) {
        bytes += key.length + 3;
        stack.push((v as Record<string, unknown>)[key]);
      }
    }
  }
  return bytes;
}
