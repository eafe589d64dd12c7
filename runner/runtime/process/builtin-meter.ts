/**
 * What the built-ins cost whose work grows with their input: `sort` (n log n), `join`,
 * `indexOf`, `slice`, `split`, a regex over a large string, `Array.from`, spreading a large
 * array, `Buffer` copies, `Object.keys` of a large object, an iteration whose callback is not
 * metered code (`xs.map(Math.sqrt)`), `new Set(xs)`. Calls that reach them through `call`,
 * `apply` or `Reflect` are charged alike (builtin-indirect-calls.ts), and so are calls of one
 * the service keeps as a value, through its stand-in (builtin-stand-ins.ts). Their work runs in V8's own code, so
 * the instrumentation that meters the service's JavaScript (sandbox/cpu-instrument.ts) cannot
 * count it; it rewrites their call sites instead, so the value that gives the work its size
 * passes through the meter on its way: `rows.sort(f)` becomes `M.r(rows, 1).sort(f)`, and
 * `M.r` adds the units for 100 000 rows sorted and hands `rows` back unchanged.
 *
 * The intrinsics are frozen and shared with the platform, so they are not patched. What a
 * value's size is, is read without running the service's code where the language allows it
 * (a string's length; a typed array's, a Map's or a Set's through the intrinsic getter). An
 * array's `length` is read as a property, which runs code only when the array is a Proxy: then
 * a trap that throws, or a length no array can have, counts as size 0. Charges are whole
 * units, finite and never negative, whatever the service hands over.
 *
 * Simplified: a search (`indexOf`, `includes`, a regex) is charged as if it scanned to the end,
 * and a regex costs the same per character whatever its pattern. Catastrophic backtracking
 * (`/^(a+)+$/` on `'aaa…b'`) is not modelled: such a call runs in real time until the host's
 * watchdog stops the run and says to look for one (host-node/run-in-worker.ts). Calibrated
 * against real Node by bench/calibrate-cpu.ts.
 */
import type { CpuCounter } from './cpu-meter.ts';
import { Buffer } from '../modules/buffer/buffer.ts';
import { createIndirectCalls } from './builtin-indirect-calls.ts';
import { createStandIns } from './builtin-stand-ins.ts';

/**
 * Units (see cpu-meter.ts) per element of what is measured, by its type: a string's
 * characters, an array's elements, a typed array's elements (a Buffer's bytes), a Map's or
 * Set's entries. 0: that type is not charged for this kind (a string's `slice` is a view in
 * V8, an array's is a copy).
 */
export interface BuiltinCost {
  string: number;
  array: number;
  typed: number;
  collection: number;
  /**
   * How the work grows with n elements: n; n log₂ n (a sort); or n (log₂ n − 8), at least n,
   * for listing an object's keys: V8 keeps a large object's properties in a dictionary, and
   * listing 100 000 of them costs ten times more per key than listing 1 000.
   */
  scale?: 'n' | 'nLogN' | 'dictionary';
}

/**
 * The kinds of work, by the name the instrumentation gives them; the code refers to each by
 * its index. Rates from bench/calibrate-cpu.ts (Node 20, 2-core machine; 28.6 units ≈ 1 ns).
 */
export const BUILTIN_COSTS = {
  /** `sort()`/`toSorted()` with no comparator: V8 compares an array's elements as strings. */
  sort: { string: 0, array: 380, typed: 75, collection: 0, scale: 'nLogN' },
  /** `sort(cmp)`: the sort's own work per comparison (the comparator's body is metered as code). */
  sortBy: { string: 0, array: 3, typed: 3, collection: 0, scale: 'nLogN' },
  /** `reverse`, `fill`, `copyWithin`, `splice`, `toReversed`, `toSpliced`, `with`: each element moved once. */
  rearrange: { string: 0, array: 15, typed: 5, collection: 0 },
  /** `indexOf`, `lastIndexOf`, `includes`: each element (character) compared once. */
  search: { string: 8, array: 15, typed: 5, collection: 0 },
  /** `join`, and `toString` of an array or a Buffer: each element turned into text. */
  join: { string: 0, array: 900, typed: 12, collection: 0 },
  /** `split`, `match`, `matchAll`, `search` on a string: each character scanned. */
  text: { string: 60, array: 0, typed: 0, collection: 0 },
  /** `replace`, `replaceAll` on a string: scanned, and a new string built. */
  replace: { string: 150, array: 0, typed: 0, collection: 0 },
  /** `test`/`exec` of a regex, by the string it runs over. */
  regex: { string: 45, array: 0, typed: 0, collection: 0 },
  /** `concat`, `Buffer.concat`, by the copy made (a string's `concat` costs one concatenation). */
  copy: { string: 0, array: 105, typed: 9, collection: 0 },
  /** `slice`, by the copy made: an array's or a typed array's (a Buffer's is a view, as a string's is). */
  slice: { string: 0, array: 105, typed: 9, collection: 0 },
  /** `Array.from`, `Buffer.from`, by the array or Buffer built. */
  build: { string: 0, array: 130, typed: 14, collection: 0 },
  /** `Object.keys`, by the keys listed. */
  keys: { string: 0, array: 370, typed: 0, collection: 0, scale: 'dictionary' },
  /** `Object.values`: each property's value read besides. */
  values: { string: 0, array: 1150, typed: 0, collection: 0, scale: 'dictionary' },
  /** `Object.entries`: and a pair allocated per key. */
  entries: { string: 0, array: 1700, typed: 0, collection: 0, scale: 'dictionary' },
  /** `repeat`, `padStart`, `padEnd`, by the string built (V8 builds it lazily, then flattens it once read). */
  pad: { string: 11, array: 0, typed: 0, collection: 0 },
  /** `typedArray.set(source)`, by the source copied. */
  copyInto: { string: 0, array: 60, typed: 5, collection: 0 },
  /** `[...x]`, `f(...x)`, and the list of `f.apply(t, x)`: the iteration over x. */
  spread: { string: 200, array: 100, typed: 100, collection: 120 },
  /**
   * `forEach`, `some`, `every`, `find`, `findIndex`, `findLast`, `findLastIndex`, `reduce`,
   * `reduceRight` with a callback that is not a function written in place (`xs.every(Number.isFinite)`,
   * `xs.forEach(log)`): each element visited and the callback called. A function written in
   * place carries this in its entry weight instead (sandbox/cpu-instrument.ts), so it is charged
   * per call it really gets, and a `find` that stops early costs what it visited; charged here, a
   * `find` or `some` is taken to visit every element, as `indexOf` is.
   */
  iterate: { string: 0, array: 130, typed: 300, collection: 110 },
  /** `map`, `filter` likewise: and each result stored in the new array (`xs.map(Math.sqrt)`). */
  iterateInto: { string: 0, array: 450, typed: 400, collection: 0 },
  /** `flatMap`, whatever its callback: V8 flattens each result through a generic path, about 90 ns an element. */
  flatMap: { string: 0, array: 2700, typed: 0, collection: 0 },
  /** `Array.from(x, f)`, `Float64Array.from(x, f)`, by the array built: each element read through the iterator and mapped by a call. */
  buildBy: { string: 0, array: 1000, typed: 2000, collection: 0 },
  /** `new Set(x)`, `new WeakSet(x)`, by x: each element iterated and looked up. */
  collect: { string: 500, array: 150, typed: 150, collection: 300 },
  /** `new Map(x)`, `new WeakMap(x)`, by x: each entry read as a `[key, value]` pair and looked up. */
  collectEntries: { string: 0, array: 500, typed: 0, collection: 900 },
  /**
   * By the Set or Map a constructor built: each distinct entry inserted and the table grown
   * (a Set of 100 000 distinct numbers costs ten times one of 1 000 built from as many).
   */
  insert: { string: 0, array: 0, typed: 0, collection: 900 },
  /** `new Float64Array(xs)` and the other typed-array constructors, by the array or typed array copied. */
  typedCopy: { string: 0, array: 200, typed: 14, collection: 0 },
  /** `Object.fromEntries(x)`, by x: a property defined per entry, the object's shape changed each time (100 to 400 ns an entry in Node; up to 1 300 near 1 000 keys). */
  fromEntries: { string: 0, array: 5000, typed: 0, collection: 5000 },
} satisfies Record<string, BuiltinCost>;

export type BuiltinKind = keyof typeof BUILTIN_COSTS;

/**
 * Units for one string concatenation (`a + b`, `s += c`, a piece of a template) that makes a
 * string: V8 allocates a new string for it (a cons string pointing at both halves, or a flat
 * copy of a short one), whatever the halves' length, so the cost is one small allocation's.
 * Measured in Node 20 here: a loop doing `s += c` takes about 2.5 ns more per iteration than
 * the same loop adding lengths (28.6 units ≈ 1 ns).
 */
export const STRING_CONCAT_UNITS = 70;

const KINDS = Object.keys(BUILTIN_COSTS) as BuiltinKind[];

/** The number the instrumented code uses for `kind`. */
export function builtinKindIndex(kind: BuiltinKind): number {
  return KINDS.indexOf(kind);
}
const INDEX_OF = new Map(KINDS.map((k, i) => [k, i]));

/**
 * A method charged by its receiver's size: `kind`, or `withArguments` when the call has
 * arguments (a comparator); with `unlessWritten`, not charged when its first argument is a
 * function written in place, whose entries carry the per-element cost (sandbox/cpu-instrument.ts).
 */
export interface ReceiverMethod {
  kind: BuiltinKind;
  withArguments?: BuiltinKind;
  unlessWritten?: boolean;
}

/** The methods charged by their receiver, by name: at a call site that names them, or by a computed name (`k`). */
export const RECEIVER_METHODS = new Map<string, ReceiverMethod>();
const receiverMethods = (names: string[], method: ReceiverMethod): void => {
  for (const name of names) RECEIVER_METHODS.set(name, method);
};
receiverMethods(['sort', 'toSorted'], { kind: 'sort', withArguments: 'sortBy' });
receiverMethods(['reverse', 'toReversed', 'fill', 'copyWithin', 'splice', 'toSpliced', 'with'], { kind: 'rearrange' });
receiverMethods(['indexOf', 'lastIndexOf', 'includes'], { kind: 'search' });
receiverMethods(['join', 'toString'], { kind: 'join' });
receiverMethods(['split', 'match', 'matchAll', 'search'], { kind: 'text' });
receiverMethods(['replace', 'replaceAll'], { kind: 'replace' });
const visits = ['forEach', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex', 'reduce', 'reduceRight'];
receiverMethods(visits, { kind: 'iterate', unlessWritten: true });
receiverMethods(['map', 'filter'], { kind: 'iterateInto', unlessWritten: true });
receiverMethods(['flatMap'], { kind: 'flatMap' });

/** `k`'s flags, from the call site: the call has arguments; its first is a function written in place. */
export const COMPUTED_WITH_ARGUMENTS = 1;
export const COMPUTED_WRITTEN_CALLBACK = 2;

/**
 * The meter's methods the instrumented code calls. Each hands its first argument back, so a
 * call site keeps its value, its `this` and its order of evaluation. With a CPU profile, a
 * charging call also names its call site: the module's tally and the site's region there
 * (cpu-instrument.ts), which is credited with the units, so the profile puts them on the line.
 */
export interface BuiltinMeter {
  /** Charges for the size of `value` (a receiver, an argument, a result) as `kind` work. */
  r(value: unknown, kind: number, tally?: Float64Array, site?: number): unknown;
  /** A `test`/`exec` (or typed `set`) receiver: remembers whether it is one, for the `a` that follows. */
  p(receiver: unknown, kind: number): unknown;
  /** The argument of the call whose receiver `p` saw: charged only if that receiver was one. */
  a(value: unknown, kind: number, tally?: Float64Array, site?: number): unknown;
  /** The first argument of `new C(value)`: charged only if `callee` is one of the kind's real constructors (`Set`). */
  c(callee: unknown, value: unknown, kind: number, tally?: Float64Array, site?: number): unknown;
  /** The value of an `a + b` or `s += c` whose operands' types are known only at run time: charged a concatenation if it is a string. */
  s(value: unknown, tally?: Float64Array, site?: number): unknown;
  /**
   * The receiver of a `.call(`, `.apply(` or `.construct(` (`which`, see builtin-indirect-calls.ts):
   * handed back, or for a size-charged built-in (or `Reflect`) a stand-in that charges the call.
   */
  v(value: unknown, which: number, tally?: Float64Array, site?: number): unknown;
  /**
   * A value the service may keep and call later (a built-in read as a property, a constructor
   * by another name): handed back, or for a size-charged built-in its stand-in (builtin-stand-ins.ts).
   */
  f(value: unknown): unknown;
  /** The receiver of a method called by a computed name (`xs[name](…)`), for the `k` that follows: handed back as `f` would. */
  o(receiver: unknown): unknown;
  /**
   * The computed name of the method whose receiver `o` saw, as the property key it converts to:
   * a method charged by its receiver (`RECEIVER_METHODS`) is charged as its call site would be.
   */
  k(key: unknown, flags: number, tally?: Float64Array, site?: number): unknown;
  /**
   * The value an object pattern destructures (`const { keys } = Object`): a view whose
   * properties are read as `f` hands them back. `name` and `text` (the first property, the
   * value's source) word the error for a null or undefined value as the engine does.
   */
  d(value: unknown, name: string, text: string): unknown;
}

/** More pending `p` calls than this (arguments that threw, again and again) are forgotten. */
const PENDING_MAX = 64;
/** The largest length an array can have; a length claimed above it is a lie, counted as 0. */
const ARRAY_LENGTH_MAX = 2 ** 32 - 1;

const COSTS: Record<BuiltinKind, BuiltinCost> = BUILTIN_COSTS;
const rates = (type: 'string' | 'array' | 'typed' | 'collection'): Float64Array => Float64Array.from(KINDS, (k) => COSTS[k][type]);
const STRING_RATE = rates('string');
const ARRAY_RATE = rates('array');
const TYPED_RATE = rates('typed');
const COLLECTION_RATE = rates('collection');
const SCALE = KINDS.map((k) => COSTS[k].scale ?? 'n');
const REGEX = builtinKindIndex('regex');
const COPY_INTO = builtinKindIndex('copyInto');
const SLICE = builtinKindIndex('slice');
const COPY = builtinKindIndex('copy');
const BUILD = builtinKindIndex('build');
const BUILD_BY = builtinKindIndex('buildBy');
const COLLECT = builtinKindIndex('collect');
const COLLECT_ENTRIES = builtinKindIndex('collectEntries');
const TYPED_COPY = builtinKindIndex('typedCopy');
const FROM_ENTRIES = builtinKindIndex('fromEntries');

/** The constructors whose argument `c` charges for (`new Set(xs)`), by kind: only the real ones. */
const TYPED_ARRAYS: unknown[] = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array];
TYPED_ARRAYS.push(Float32Array, Float64Array, BigInt64Array, BigUint64Array);
const CONSTRUCTORS = new Map<number, unknown[]>([
  [COLLECT, [Set, WeakSet]],
  [COLLECT_ENTRIES, [Map, WeakMap]],
  [TYPED_COPY, TYPED_ARRAYS],
]);

// Intrinsic getters, called directly: they read internal slots, never the service's code, and
// throw for anything that is not the real thing (a Proxy included).
const getter = (proto: object, name: string): ((this: unknown) => unknown) =>
  Object.getOwnPropertyDescriptor(proto, name)?.get as (this: unknown) => unknown;
const typedLength = getter(Object.getPrototypeOf(Uint8Array.prototype) as object, 'length');
const mapSize = getter(Map.prototype, 'size');
const setSize = getter(Set.prototype, 'size');
const regexSource = getter(RegExp.prototype, 'source');
const { isArray } = Array;
const { isView } = ArrayBuffer;
const { call } = Function.prototype;
const read = (get: (this: unknown) => unknown, target: unknown): unknown => call.call(get, target);
const reflectGet = Reflect.get;
const { ownKeys, getOwnPropertyDescriptor } = Reflect;

/**
 * What an object pattern reads instead of `source` (`value` as an object): its properties, each
 * as `f` hands it back. The view's target is an empty object of its own, so a frozen source (an
 * intrinsic, after lockdown) may be seen with other values than its own; a pattern's rest
 * (`...rest`) sees the source's own keys, each configurable as the copy made of it is.
 */
function destructuringView(source: object, value: unknown, f: (value: unknown) => unknown): object {
  return new Proxy(Object.create(null) as object, {
    get: (_, key) => f(reflectGet(source, key, value)),
    has: (_, key) => key in source,
    ownKeys: () => ownKeys(source),
    getOwnPropertyDescriptor: (_, key) => {
      const own = getOwnPropertyDescriptor(source, key);
      if (own && 'value' in own) own.value = f(own.value);
      if (own) own.configurable = true;
      return own;
    },
  });
}

/** `key` as the property key it converts to (a string, a symbol, or a number kept as it is), converted once. */
function propertyKey(key: unknown): unknown {
  if ((typeof key !== 'object' || key === null) && typeof key !== 'function') return key;
  // The engine's own conversion, made once: the service's `toString` runs once, as the plain call would run it.
  return ownKeys({ [key as unknown as PropertyKey]: 0 })[0];
}

/** A length as a count: anything but a whole number an array can have is 0. */
function count(length: unknown): number {
  return typeof length === 'number' && length >= 0 && length <= ARRAY_LENGTH_MAX ? Math.floor(length) : 0;
}

/**
 * log₂ n, piecewise linear between powers of two (within 0.09 of the real one): exact in
 * floating point, so a charge is the same number on every engine, which `Math.log2` does not promise.
 */
function log2(n: number): number {
  if (n < 2) return 1;
  const e = n < 2 ** 31 ? 31 - Math.clz32(n) : Math.floor(Math.log2(n));
  return e + n / 2 ** e - 1;
}

/** Units for `value` as `kind` work: 0 for what that kind does not charge. */
function unitsFor(value: unknown, kind: number): number {
  let n = 0;
  let rate = 0;
  if (typeof value === 'string') {
    // `s.concat(c)` is a concatenation like `s + c`: one small allocation, whatever the length.
    if (kind === COPY) return value.length > 0 ? STRING_CONCAT_UNITS : 0;
    n = value.length;
    rate = STRING_RATE[kind];
  } else if (typeof value === 'object' && value !== null) {
    try {
      if (isArray(value)) {
        rate = ARRAY_RATE[kind];
        // A real array's length is a data property; only a Proxy's read runs code.
        if (rate > 0) n = count((value as { length: unknown }).length);
      } else if (isView(value)) {
        // A Buffer's slice is a view; `Buffer.from(s, 'hex')` maps nothing through a function.
        const buffer = value instanceof Buffer;
        rate = kind === SLICE && buffer ? 0 : TYPED_RATE[kind === BUILD_BY && buffer ? BUILD : kind];
        if (rate > 0) n = count(read(typedLength, value));
      } else if (COLLECTION_RATE[kind] > 0) {
        rate = COLLECTION_RATE[kind];
        // `instanceof` first, so a generator spread does not throw here; the getter decides.
        n = value instanceof Map ? count(read(mapSize, value)) : value instanceof Set ? count(read(setSize, value)) : 0;
      }
    } catch {
      // A Proxy whose trap throws, a DataView, a revoked Proxy: nothing to charge.
      n = 0;
    }
  }
  if (n === 0 || rate === 0) return 0;
  const scale = SCALE[kind];
  const work = scale === 'n' ? n : scale === 'nLogN' ? n * log2(n) : n * Math.max(1, log2(n) - 8);
  return Math.round(work * rate);
}

/**
 * Whether `receiver` is what `kind` charges for through `p`/`a` (or `c`): a regex, a typed
 * array, the real `Object` (of `Object.fromEntries`), or one of the kind's real constructors (`new Set`).
 */
function isReceiver(receiver: unknown, kind: number): boolean {
  if (kind === FROM_ENTRIES) return receiver === Object;
  const constructors = CONSTRUCTORS.get(kind);
  if (constructors) return constructors.includes(receiver);
  if (typeof receiver !== 'object' || receiver === null) return false;
  try {
    // `instanceof` first, so a validator's own `test` does not throw here; the getter decides.
    if (kind === REGEX) return receiver instanceof RegExp && typeof read(regexSource, receiver) === 'string';
    if (kind === COPY_INTO) return isView(receiver) && typeof read(typedLength, receiver) === 'number';
  } catch {
    // Not a regex (or a typed array): the getter said so.
  }
  return false;
}

/** The methods instrumented code calls, adding to `counter`. */
export function createBuiltinMeter(counter: CpuCounter): BuiltinMeter {
  const pending: boolean[] = [];
  const receivers: unknown[] = [];
  const add = (value: unknown, kind: number, tally?: Float64Array, site?: number): void => {
    const units = unitsFor(value, kind);
    if (units > 0) {
      counter.n += units;
      if (tally) tally[site as number] += units;
    }
  };
  const standIns = createStandIns((value, kind) => add(value, INDEX_OF.get(kind) as number));
  return {
    r(value, kind, tally, site) {
      add(value, kind as number, tally, site);
      return value;
    },
    p(receiver, kind) {
      if (pending.length >= PENDING_MAX) pending.length = 0;
      pending.push(isReceiver(receiver, kind as number));
      return receiver;
    },
    a(value, kind, tally, site) {
      if (pending.pop() === true) add(value, kind as number, tally, site);
      return value;
    },
    c(callee, value, kind, tally, site) {
      if (isReceiver(callee, kind)) add(value, kind, tally, site);
      return value;
    },
    s(value, tally, site) {
      if (typeof value === 'string') {
        counter.n += STRING_CONCAT_UNITS;
        if (tally) tally[site as number] += STRING_CONCAT_UNITS;
      }
      return value;
    },
    v: createIndirectCalls((value, kind, tally, site) => add(value, INDEX_OF.get(kind) as number, tally, site), standIns.targetOf),
    f: standIns.standInFor,
    o(receiver) {
      if (receivers.length >= PENDING_MAX) receivers.length = 0;
      receivers.push(receiver);
      return standIns.standInFor(receiver);
    },
    k(key, flags, tally, site) {
      const receiver = receivers.pop();
      const name = propertyKey(key);
      const method = typeof name === 'string' ? RECEIVER_METHODS.get(name) : undefined;
      if (method && !(method.unlessWritten && flags & COMPUTED_WRITTEN_CALLBACK)) {
        const kind = flags & COMPUTED_WITH_ARGUMENTS && method.withArguments ? method.withArguments : method.kind;
        add(receiver, INDEX_OF.get(kind) as number, tally, site);
      }
      return name;
    },
    d(value, name, text) {
      if (value === null || value === undefined) {
        const what = value === null ? 'null' : 'undefined';
        throw new TypeError(
          name ? `Cannot destructure property '${name}' of '${text}' as it is ${what}.` : `Cannot destructure '${text}' as it is ${what}.`,
        );
      }
      return destructuringView(Object(value) as object, value, standIns.standInFor);
    },
  };
}
