/**
 * Errors shaped like Node's internal ones (`TypeError [ERR_INVALID_ARG_TYPE]: The "callback"
 * argument must be of type function. Received undefined`): a standard error class, an
 * enumerable `code`, and Node's wording, so what a learner sees here is what they would
 * search for at work. Shared by the simulated `node:crypto`, `node:util` and `Buffer`.
 */

export type NodeErrorCtor = ErrorConstructor | TypeErrorConstructor | RangeErrorConstructor;

export interface NodeError extends Error {
  code: string;
}

export function nodeError(Ctor: NodeErrorCtor, code: string, message: string): NodeError {
  const err = new Ctor(message) as NodeError;
  err.code = code;
  // Node prints the code in the header ("TypeError [ERR_X]: ..."), and so do we.
  Object.defineProperty(err, 'toString', {
    value: () => `${err.name} [${code}]: ${err.message}`,
    enumerable: false,
  });
  if (typeof err.stack === 'string') {
    err.stack = err.stack.replace(/^[A-Za-z]*Error/, `${err.name} [${code}]`);
  }
  return err;
}

/**
 * An error Node raises from C++ (OpenSSL bindings): it has a `code` but, unlike the JS-side
 * errors, the code is not in its header ("TypeError: Invalid digest: sha257").
 */
export function codedError(Ctor: NodeErrorCtor, code: string, message: string): NodeError {
  const err = new Ctor(message) as NodeError;
  err.code = code;
  return err;
}

/** `The "name" argument must be <expected>. Received ...` (ERR_INVALID_ARG_TYPE). */
export function invalidArgType(name: string, expected: string, actual: unknown): NodeError {
  const what = name.includes('.') ? `"${name}" property` : `"${name}" argument`;
  return nodeError(TypeError, 'ERR_INVALID_ARG_TYPE', `The ${what} must be ${expected}.${describeReceived(actual)}`);
}

/** `The value of "name" is out of range. It must be <range>. Received ...` (ERR_OUT_OF_RANGE). */
export function outOfRange(name: string, range: string, actual: unknown): NodeError {
  const shown = typeof actual === 'number' ? addUnderscores(actual) : describeShort(actual);
  return nodeError(RangeError, 'ERR_OUT_OF_RANGE', `The value of "${name}" is out of range. It must be ${range}. Received ${shown}`);
}

/** Node's `validateInt32`: a number, an integer, within [min, max]. */
export function validateInt32(value: unknown, name: string, min = -2147483648, max = 2147483647): number {
  if (typeof value !== 'number') throw invalidArgType(name, 'of type number', value);
  if (!Number.isInteger(value)) throw outOfRange(name, 'an integer', value);
  if (value < min || value > max) throw outOfRange(name, `>= ${min} && <= ${max}`, value);
  return value;
}

export function validateFunction(value: unknown, name: string): asserts value is (...args: any[]) => unknown {
  if (typeof value !== 'function') throw invalidArgType(name, 'of type function', value);
}

/** Node's " Received ..." suffix: the instance's class, the function's name, or a short value. */
export function describeReceived(value: unknown): string {
  if (value === null || value === undefined) return ` Received ${value}`;
  if (typeof value === 'function') return value.name ? ` Received function ${value.name}` : ' Received function';
  if (typeof value === 'object') {
    const ctorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof ctorName === 'string' && ctorName ? ` Received an instance of ${ctorName}` : ' Received [Object: null prototype]';
  }
  let shown = describeShort(value);
  if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
  return ` Received type ${typeof value} (${shown})`;
}

function describeShort(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'number' && Object.is(value, -0)) return '-0';
  return String(value);
}

/** 4294967297 -> 4_294_967_297, as Node writes integers beyond 2^32 in range errors. */
function addUnderscores(n: number): string {
  if (!Number.isInteger(n) || Math.abs(n) <= 2 ** 32) return describeShort(n);
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.abs(n)).replace(/\B(?=(\d{3})+(?!\d))/g, '_');
}
