/**
 * `util.inspect`: Node's formatter for console output, bounded. It follows Node's layout
 * rules (lib/internal/util/inspect.js) closely enough that logs read as they would in a
 * terminal: depth 2, arrays and maps cut after 100 items, strings quoted (and cut after
 * 10 000 characters), the single-line form when it fits in 80 columns, number arrays
 * grouped in columns, `<ref *1>`/`[Circular *1]` for cycles, `<Buffer 61 62>`, `Map(1) {
 * 'a' => 1 }`, and `nodejs.util.inspect.custom` hooks.
 *
 * Two deliberate differences: errors print their header (`TypeError [ERR_X]: message`) and
 * properties but not their stack unless `stack: true`, because stack traces depend on the
 * host (file URLs, engine) and runs must be byte-identical in Node and the browser; and
 * objects show at most `maxPropertyCount` properties, so output stays bounded.
 */
import { Buffer } from '../buffer/buffer.ts';
import { peekPromise } from '../../process/sim-promise.ts';
import { groupArrayElements } from './inspect-group.ts';
import { formatNumber, formatPrimitive, quote } from './inspect-primitive.ts';

export interface InspectOptions {
  /** Nesting levels shown before an object becomes `[Object]`; null or Infinity for all. */
  depth?: number | null;
  /** Array, typed-array, Set and Map items shown before `... n more items`. */
  maxArrayLength?: number;
  /** String characters shown before `... n more characters`. */
  maxStringLength?: number;
  /** Width a single-line object must fit in, as in Node. */
  breakLength?: number;
  /** How many inner levels may be combined on one line (Node's `compact`, default 3). */
  compact?: number;
  /** Sorts object keys, Set values and Map keys. */
  sorted?: boolean;
  /** Not in Node: own properties shown per object before `... n more properties`. */
  maxPropertyCount?: number;
  /** Not in Node: print error stacks (host-dependent, so off by default). */
  stack?: boolean;
  /** Accepted for compatibility and ignored: output is never colored. */
  colors?: boolean;
  /** Accepted for compatibility and ignored: non-enumerable properties are not shown. */
  showHidden?: boolean;
}

interface Ctx {
  depth: number;
  maxArrayLength: number;
  maxStringLength: number;
  breakLength: number;
  compact: number;
  sorted: boolean;
  maxPropertyCount: number;
  stack: boolean;
  indentationLvl: number;
  currentDepth: number;
  seen: object[];
  circular: Map<object, number>;
  options: InspectOptions;
}

export const inspectCustom: unique symbol = Symbol.for('nodejs.util.inspect.custom') as never;
const BUFFER_BYTES_MAX = 50;
const ARRAY_TYPE = 1;
const OBJECT_TYPE = 0;

export function inspect(value: unknown, options?: InspectOptions): string {
  const o = options && typeof options === 'object' ? options : {};
  const ctx: Ctx = {
    depth: o.depth === null ? Infinity : (o.depth ?? 2),
    maxArrayLength: Math.max(0, o.maxArrayLength ?? 100),
    maxStringLength: Math.max(0, o.maxStringLength ?? 10_000),
    breakLength: o.breakLength ?? 80,
    compact: o.compact ?? 3,
    sorted: o.sorted ?? false,
    maxPropertyCount: Math.max(0, o.maxPropertyCount ?? 1000),
    stack: o.stack ?? false,
    indentationLvl: 0,
    currentDepth: 0,
    seen: [],
    circular: new Map(),
    options: o,
  };
  return formatValue(ctx, value, 0);
}
inspect.custom = inspectCustom;

function formatValue(ctx: Ctx, value: unknown, recurseTimes: number): string {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return formatPrimitive(ctx, value);
  const custom = (value as Record<symbol, unknown>)[inspectCustom];
  const isPrototype = (value as { constructor?: { prototype?: unknown } }).constructor?.prototype === value;
  if (typeof custom === 'function' && custom !== inspect && !isPrototype) {
    const remaining = ctx.depth - recurseTimes;
    const ret: unknown = custom.call(value, remaining, { ...ctx.options, depth: remaining, stylize: (s: string) => s }, inspect);
    if (ret !== value) {
      if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
      return ret.replaceAll('\n', `\n${' '.repeat(ctx.indentationLvl)}`);
    }
  }
  if (ctx.seen.includes(value)) {
    let id = ctx.circular.get(value);
    if (id === undefined) ctx.circular.set(value, (id = ctx.circular.size + 1));
    return `[Circular *${id}]`;
  }
  return formatRaw(ctx, value, recurseTimes);
}

function ctorName(value: object): string | null {
  for (let obj: object | null = value; obj; obj = Object.getPrototypeOf(obj) as object | null) {
    const d = Object.getOwnPropertyDescriptor(obj, 'constructor');
    if (d && typeof d.value === 'function' && typeof d.value.name === 'string' && d.value.name !== '') return d.value.name as string;
  }
  return null;
}

/** Prefix such as `Foo `, `[Object: null prototype] ` or `Object [Tag] `. */
function prefix(name: string | null, tag: string, fallback: string, size = ''): string {
  if (name === null) return `[${fallback}${size}: null prototype] ${tag && tag !== fallback ? `[${tag}] ` : ''}`;
  return `${name}${size} ${tag && tag !== name ? `[${tag}] ` : ''}`;
}

function ownKeys(value: object, skipIndices: boolean): (string | symbol)[] {
  let keys: (string | symbol)[] = Object.keys(value);
  if (skipIndices) keys = keys.filter((k) => !/^(0|[1-9]\d*)$/.test(k as string));
  for (const s of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, s)) keys.push(s);
  }
  return keys;
}

function formatRaw(ctx: Ctx, value: object, recurseTimes: number): string {
  const name = ctorName(value);
  const rawTag = (value as Record<symbol, unknown>)[Symbol.toStringTag];
  // An own enumerable Symbol.toStringTag is listed as a property instead, as in Node.
  const ownTag = Object.prototype.propertyIsEnumerable.call(value, Symbol.toStringTag);
  const tag = typeof rawTag === 'string' && !ownTag ? rawTag : '';
  let keys: (string | symbol)[];
  let base = '';
  let braces: [string, string] = ['{', '}'];
  let extrasType = OBJECT_TYPE;
  let formatter: (() => string[]) | undefined;
  const noEntries = (): string[] => [];

  if (Array.isArray(value)) {
    keys = ownKeys(value, true);
    const p = name !== 'Array' || tag ? prefix(name, tag, 'Array', `(${value.length})`) : '';
    braces = [`${p}[`, ']'];
    if (value.length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = ARRAY_TYPE;
    formatter = () => formatArray(ctx, value, recurseTimes);
  } else if (value instanceof Set) {
    keys = ownKeys(value, false);
    braces = [`${prefix(name, tag, 'Set', `(${value.size})`)}{`, '}'];
    if (value.size === 0 && keys.length === 0) return `${braces[0]}}`;
    formatter = () => formatSet(ctx, value, recurseTimes);
  } else if (value instanceof Map) {
    keys = ownKeys(value, false);
    braces = [`${prefix(name, tag, 'Map', `(${value.size})`)}{`, '}'];
    if (value.size === 0 && keys.length === 0) return `${braces[0]}}`;
    formatter = () => formatMap(ctx, value, recurseTimes);
  } else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    const bytes = value as unknown as ArrayLike<number | bigint>;
    if (value instanceof Buffer || name === 'Buffer') return formatBuffer(value as Uint8Array);
    keys = ownKeys(value, true);
    braces = [`${prefix(name, tag, 'TypedArray', `(${bytes.length})`)}[`, ']'];
    if (bytes.length === 0 && keys.length === 0) return `${braces[0]}]`;
    extrasType = ARRAY_TYPE;
    formatter = () => formatTypedArray(ctx, bytes);
  } else {
    keys = ownKeys(value, false);
    const special = formatSpecial(ctx, value, name, tag, recurseTimes);
    if (special) {
      if (special.keys) keys = special.keys;
      base = special.base;
      if (special.braces) braces = special.braces;
      formatter = special.entries;
      if (keys.length === 0 && !formatter) return base;
    } else {
      braces = [`${name === 'Object' && !tag ? '' : prefix(name, tag, 'Object')}{`, '}'];
      if (keys.length === 0) return `${braces[0]}}`;
    }
  }

  if (recurseTimes > ctx.depth) {
    return `[${Array.isArray(value) ? 'Array' : (name ?? 'Object')}]`;
  }
  recurseTimes += 1;
  ctx.seen.push(value);
  ctx.currentDepth = recurseTimes;
  let output: string[];
  try {
    output = (formatter ?? noEntries)();
    if (ctx.sorted && extrasType === OBJECT_TYPE && !(value instanceof Map)) output.sort();
    const shown = keys.slice(0, ctx.maxPropertyCount);
    if (ctx.sorted) shown.sort((a, b) => String(a).localeCompare(String(b)));
    for (const key of shown) output.push(formatProperty(ctx, value, recurseTimes, key));
    if (keys.length > shown.length) {
      const more = keys.length - shown.length;
      output.push(`... ${more} more propert${more > 1 ? 'ies' : 'y'}`);
    }
  } finally {
    ctx.seen.pop();
  }
  const id = ctx.circular.get(value);
  const ref = id === undefined ? '' : `<ref *${id}> `;
  return ref + reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
}

interface Special {
  base: string;
  braces?: [string, string];
  keys?: (string | symbol)[];
  entries?: () => string[];
}

/** Functions, errors, dates, regexps, promises, boxed primitives, weak collections, ArrayBuffers. */
function formatSpecial(ctx: Ctx, value: object, name: string | null, tag: string, recurseTimes: number): Special | undefined {
  if (typeof value === 'function') return { base: functionBase(value, name) };
  if (value instanceof Error) return { base: errorBase(ctx, value, name), keys: errorKeys(value) };
  if (value instanceof Date) return { base: Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString() };
  if (value instanceof RegExp) return { base: String(value) };
  const kind = Object.prototype.toString.call(value).slice(8, -1);
  if (kind === 'Promise') {
    return {
      base: '',
      keys: [],
      braces: [`${prefix(name, tag, 'Promise')}{`, '}'],
      entries: () => [promiseState(ctx, value, recurseTimes)],
    };
  }
  if (value instanceof WeakMap || value instanceof WeakSet) {
    return { base: '', braces: [`${prefix(name, tag, kind)}{`, '}'], entries: () => ['<items unknown>'] };
  }
  if (value instanceof ArrayBuffer) {
    const bytes = new Uint8Array(value);
    const shown = Array.from(bytes.subarray(0, BUFFER_BYTES_MAX), (b) => b.toString(16).padStart(2, '0')).join(' ');
    const more =
      bytes.length > BUFFER_BYTES_MAX
        ? ` ... ${bytes.length - BUFFER_BYTES_MAX} more byte${bytes.length - BUFFER_BYTES_MAX > 1 ? 's' : ''}`
        : '';
    return {
      base: '',
      braces: [`${prefix(name, tag, 'ArrayBuffer')}{`, '}'],
      entries: () => [`[Uint8Contents]: <${shown}${more}>`, `byteLength: ${bytes.length}`],
    };
  }
  for (const [Box, label] of [
    [Number, 'Number'],
    [String, 'String'],
    [Boolean, 'Boolean'],
    [BigInt, 'BigInt'],
    [Symbol, 'Symbol'],
  ] as const) {
    if (kind === label && typeof value === 'object' && Object.getPrototypeOf(value) === Box.prototype) {
      const prim = (value as { valueOf(): unknown }).valueOf();
      return { base: `[${label}: ${formatPrimitive(ctx, prim)}]`, keys: label === 'String' ? ownKeys(value, true) : undefined };
    }
  }
  return undefined;
}

function functionBase(fn: Function, name: string | null): string {
  const src = Function.prototype.toString.call(fn);
  if (src.startsWith('class') && /^class\b/.test(src)) {
    const parent = Object.getPrototypeOf(fn) as { name?: string } | null;
    const ext = parent && parent !== Function.prototype && parent.name ? ` extends ${parent.name}` : '';
    return `[class ${fn.name || '(anonymous)'}${ext}]`;
  }
  const type = name === 'AsyncFunction' || name === 'GeneratorFunction' || name === 'AsyncGeneratorFunction' ? name : 'Function';
  return fn.name ? `[${type}: ${fn.name}]` : `[${type} (anonymous)]`;
}

function errorBase(ctx: Ctx, err: Error, name: string | null): string {
  const code = (err as { code?: unknown }).code;
  const errName = typeof err.name === 'string' && err.name ? err.name : (name ?? 'Error');
  const header = `${errName}${typeof code === 'string' && code ? ` [${code}]` : ''}${err.message ? `: ${err.message}` : ''}`;
  if (!ctx.stack || typeof err.stack !== 'string') return header;
  const frames = err.stack.split('\n').filter((l) => /^\s+at\s/.test(l));
  const indent = ' '.repeat(ctx.indentationLvl);
  return [header, ...frames.map((l) => indent + l.trim().replace(/^/, '    '))].join('\n');
}

/** An error's own enumerable properties except those the header shows, plus its cause. */
function errorKeys(err: Error): (string | symbol)[] {
  const keys = ownKeys(err, false).filter((k) => k !== 'stack' && k !== 'message');
  if (Object.hasOwn(err, 'cause') && !keys.includes('cause')) keys.push('cause');
  return keys;
}

/** SimPromise keeps its state in plain fields (0 pending, 1 fulfilled, 2 rejected); host promises hide theirs. */
function promiseState(ctx: Ctx, p: object, recurseTimes: number): string {
  const s = peekPromise(p);
  if (s === undefined) return '<unknown>';
  if (s.state === 0) return '<pending>';
  if (s.state === 1) return formatValue(ctx, s.value, recurseTimes);
  if (s.state === 2) return `<rejected> ${formatValue(ctx, s.value, recurseTimes)}`;
  return '<unknown>';
}

function formatBuffer(b: Uint8Array): string {
  let s = '';
  const n = Math.min(b.length, BUFFER_BYTES_MAX);
  for (let i = 0; i < n; i++) s += ` ${b[i].toString(16).padStart(2, '0')}`;
  const more = b.length - n;
  return `<${ctorName(b) ?? 'Buffer'}${s}${more > 0 ? ` ... ${more} more byte${more > 1 ? 's' : ''}` : ''}>`;
}

function moreItems(n: number): string {
  return `... ${n} more item${n > 1 ? 's' : ''}`;
}

function formatArray(ctx: Ctx, arr: unknown[], recurseTimes: number): string[] {
  const output: string[] = [];
  const shown = Math.min(arr.length, ctx.maxArrayLength);
  let i = 0;
  for (; i < arr.length && output.length < shown; i++) {
    if (!Object.hasOwn(arr, i)) {
      let j = i;
      while (j < arr.length && !Object.hasOwn(arr, j)) j++;
      const holes = j - i;
      output.push(`<${holes} empty item${holes > 1 ? 's' : ''}>`);
      i = j - 1;
      continue;
    }
    output.push(formatEntry(ctx, arr[i], recurseTimes));
  }
  if (i < arr.length) output.push(moreItems(arr.length - i));
  return output;
}

function formatTypedArray(ctx: Ctx, arr: ArrayLike<number | bigint>): string[] {
  const shown = Math.min(arr.length, ctx.maxArrayLength);
  const output: string[] = [];
  for (let i = 0; i < shown; i++) {
    const v = arr[i];
    output.push(typeof v === 'bigint' ? `${v}n` : formatNumber(v));
  }
  if (arr.length > shown) output.push(moreItems(arr.length - shown));
  return output;
}

function formatSet(ctx: Ctx, set: Set<unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  for (const v of set) {
    if (output.length >= ctx.maxArrayLength) break;
    output.push(formatValue(ctx, v, recurseTimes));
  }
  ctx.indentationLvl -= 2;
  if (set.size > output.length) output.push(moreItems(set.size - output.length));
  return output;
}

function formatMap(ctx: Ctx, map: Map<unknown, unknown>, recurseTimes: number): string[] {
  const output: string[] = [];
  ctx.indentationLvl += 2;
  for (const [k, v] of map) {
    if (output.length >= ctx.maxArrayLength) break;
    output.push(`${formatValue(ctx, k, recurseTimes)} => ${formatValue(ctx, v, recurseTimes)}`);
  }
  ctx.indentationLvl -= 2;
  if (map.size > output.length) output.push(moreItems(map.size - output.length));
  return output;
}

function formatEntry(ctx: Ctx, v: unknown, recurseTimes: number): string {
  ctx.indentationLvl += 2;
  const s = formatValue(ctx, v, recurseTimes);
  ctx.indentationLvl -= 2;
  return s;
}

function formatProperty(ctx: Ctx, obj: object, recurseTimes: number, key: string | symbol): string {
  const desc = Object.getOwnPropertyDescriptor(obj, key) ?? { value: (obj as Record<string | symbol, unknown>)[key] };
  let str: string;
  if (desc.get || desc.set) str = desc.get && desc.set ? '[Getter/Setter]' : desc.get ? '[Getter]' : '[Setter]';
  else str = formatEntry(ctx, desc.value, recurseTimes);
  let name: string;
  if (typeof key === 'symbol') name = `[${key.toString()}]`;
  else if (key === 'cause' && obj instanceof Error && !Object.prototype.propertyIsEnumerable.call(obj, 'cause')) name = '[cause]';
  else name = /^[a-zA-Z_][a-zA-Z_0-9]*$/.test(key) ? key : quote(key);
  return `${name}: ${str}`;
}

/** Node's reduceToSingleString for `compact: 3`: one line if it fits, else one entry per line. */
function reduceToSingleString(
  ctx: Ctx,
  output: string[],
  base: string,
  braces: [string, string],
  extrasType: number,
  recurseTimes: number,
  value: unknown,
): string {
  const entries = output.length;
  if (extrasType === ARRAY_TYPE && entries > 6) output = groupArrayElements(ctx, output, value as ArrayLike<unknown>);
  if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
    const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
    if (isBelowBreakLength(ctx, output, start, base)) {
      const joined = output.join(', ');
      if (!joined.includes('\n')) return `${base ? `${base} ` : ''}${braces[0]} ${joined} ${braces[1]}`;
    }
  }
  const indentation = `\n${' '.repeat(ctx.indentationLvl)}`;
  return `${base ? `${base} ` : ''}${braces[0]}${indentation}  ${output.join(`,${indentation}  `)}${indentation}${braces[1]}`;
}

function isBelowBreakLength(ctx: Ctx, output: string[], start: number, base: string): boolean {
  let total = output.length + start;
  if (total + output.length > ctx.breakLength) return false;
  for (const s of output) {
    total += s.length;
    if (total > ctx.breakLength) return false;
  }
  return base === '' || !base.includes('\n');
}
