/**
 * The service's `JSON`: the standard one, with its work charged by size on the thread's CPU
 * counter, since `JSON.stringify` of a large response or `JSON.parse` of a large body costs
 * real milliseconds in Node. It replaces the compartment's `JSON` global, the only way the
 * service reaches JSON's functions, so the charge cannot be dodged. The cost per character
 * is calibrated with the rest of metering (bench/calibrate-cpu.ts).
 *
 * Simplified: the cost is proportional to the text's length, whatever its shape.
 */
import type { CpuCounter } from '../runtime/process/cpu-meter.ts';

/** Metering units per character of text parsed (see cpu-meter.ts for a unit's cost). */
export const JSON_PARSE_UNITS_PER_CHAR = 88;
/** Metering units per character of text produced. */
export const JSON_STRINGIFY_UNITS_PER_CHAR = 61;

/**
 * A `JSON` object that charges `counter` for each character it parses or produces, and tells
 * `onUnits` of each charge (the CPU profile attributes it to the calling line).
 */
export function createMeteredJson(counter: CpuCounter, onUnits?: (units: number) => void): JSON {
  const { parse, stringify } = JSON;
  const metered = {
    parse(text: string, reviver?: (this: unknown, key: string, value: unknown) => unknown): unknown {
      const source = String(text);
      counter.n += source.length * JSON_PARSE_UNITS_PER_CHAR;
      onUnits?.(source.length * JSON_PARSE_UNITS_PER_CHAR);
      return parse(source, reviver);
    },
    stringify(value: unknown, replacer?: unknown, space?: string | number): string | undefined {
      const text = stringify(value, replacer as never, space);
      if (typeof text === 'string') {
        counter.n += text.length * JSON_STRINGIFY_UNITS_PER_CHAR;
        onUnits?.(text.length * JSON_STRINGIFY_UNITS_PER_CHAR);
      }
      return text;
    },
  };
  Object.defineProperty(metered, Symbol.toStringTag, { value: 'JSON', configurable: true });
  return metered as unknown as JSON;
}
