/**
 * `util.isDeepStrictEqual` (the comparison `assert.deepStrictEqual` makes): primitives by
 * `Object.is` (NaN equals NaN, 0 differs from -0), objects by prototype, type tag and own
 * enumerable properties, with the special cases Node has for arrays, dates, regexps, boxed
 * primitives, errors, typed arrays, ArrayBuffers, Maps and Sets (unordered), and cycles.
 */

export function isDeepStrictEqual(a: unknown, b: unknown): boolean {
  return equal(a, b, new Map());
}

/** Pairs being compared further up the stack: meeting one again means a cycle, assumed equal. */
type InProgress = Map<object, Set<object>>;

function equal(a: unknown, b: unknown, memo: InProgress): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return false;
  const seen = memo.get(a);
  if (seen?.has(b)) return true;
  if (seen) seen.add(b);
  else memo.set(a, new Set([b]));
  try {
    return sameKind(a, b, tag, memo) && sameKeys(a, b, memo);
  } finally {
    memo.get(a)?.delete(b);
  }
}

function sameKind(a: object, b: object, tag: string, memo: InProgress): boolean {
  if (Array.isArray(a)) return a.length === (b as unknown[]).length;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof RegExp) {
    const r = b as RegExp;
    return a.source === r.source && a.flags === r.flags && a.lastIndex === r.lastIndex;
  }
  if (a instanceof Error) {
    const e = b as Error;
    return a.message === e.message && a.name === e.name;
  }
  if (ArrayBuffer.isView(a)) return sameBytes(viewBytes(a), viewBytes(b as ArrayBufferView));
  if (a instanceof ArrayBuffer) return sameBytes(new Uint8Array(a), new Uint8Array(b as ArrayBuffer));
  if (a instanceof Map) return sameMap(a, b as Map<unknown, unknown>, memo);
  if (a instanceof Set) return sameSet(a, b as Set<unknown>, memo);
  if (a instanceof WeakMap || a instanceof WeakSet || tag === '[object Promise]') return false;
  if (
    tag === '[object Number]' ||
    tag === '[object String]' ||
    tag === '[object Boolean]' ||
    tag === '[object BigInt]' ||
    tag === '[object Symbol]'
  ) {
    return Object.is((a as { valueOf(): unknown }).valueOf(), (b as { valueOf(): unknown }).valueOf());
  }
  return true;
}

function keysOf(o: object): (string | symbol)[] {
  const keys: (string | symbol)[] = Object.keys(o);
  for (const s of Object.getOwnPropertySymbols(o)) if (Object.prototype.propertyIsEnumerable.call(o, s)) keys.push(s);
  return keys;
}

function sameKeys(a: object, b: object, memo: InProgress): boolean {
  // A typed array's indices were compared as bytes already.
  const skipIndices = ArrayBuffer.isView(a);
  const isIndex = (k: string | symbol): boolean => skipIndices && typeof k === 'string' && /^(0|[1-9]\d*)$/.test(k);
  const ka = keysOf(a).filter((k) => !isIndex(k));
  const kb = keysOf(b).filter((k) => !isIndex(k));
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.prototype.propertyIsEnumerable.call(b, k)) return false;
    if (!equal((a as Record<string | symbol, unknown>)[k], (b as Record<string | symbol, unknown>)[k], memo)) return false;
  }
  return true;
}

function viewBytes(v: ArrayBufferView): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function sameSet(a: Set<unknown>, b: Set<unknown>, memo: InProgress): boolean {
  if (a.size !== b.size) return false;
  const unmatched: unknown[] = [];
  for (const v of a) {
    if (typeof v === 'object' && v !== null) unmatched.push(v);
    else if (!b.has(v)) return false;
  }
  if (unmatched.length === 0) return true;
  const candidates = [...b].filter((v) => typeof v === 'object' && v !== null && !a.has(v));
  return unmatched.every((v) => b.has(v) || takeMatch(candidates, (c) => equal(v, c, memo)));
}

function sameMap(a: Map<unknown, unknown>, b: Map<unknown, unknown>, memo: InProgress): boolean {
  if (a.size !== b.size) return false;
  const objectKeys: unknown[] = [];
  for (const [k, v] of a) {
    if (typeof k === 'object' && k !== null && !b.has(k)) objectKeys.push(k);
    else if (!b.has(k) || !equal(v, b.get(k), memo)) return false;
  }
  if (objectKeys.length === 0) return true;
  const candidates = [...b.keys()].filter((k) => typeof k === 'object' && k !== null && !a.has(k));
  return objectKeys.every((k) => takeMatch(candidates, (c) => equal(k, c, memo) && equal(a.get(k), b.get(c), memo)));
}

/** Removes and reports the first candidate that matches, so each is matched at most once. */
function takeMatch(candidates: unknown[], matches: (c: unknown) => boolean): boolean {
  const i = candidates.findIndex(matches);
  if (i < 0) return false;
  candidates.splice(i, 1);
  return true;
}
