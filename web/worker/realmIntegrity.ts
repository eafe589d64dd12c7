/**
 * A tripwire on the realm the lab worker shares with the learner's service. The runner seals
 * the realm before the first service runs (`lockdown()` freezes every intrinsic) and the
 * service is evaluated in a compartment, so a service cannot change a built-in; this checks,
 * after every run, that none was changed all the same. A realm whose built-ins changed could
 * bias every later run in it (and the starter baseline the page caches), so the lab discards
 * it: that run does not count, and the page replaces the worker.
 *
 * In a sealed realm: every watched object is frozen, and the members known ways to forge a
 * verdict go through (`Array.prototype.every`, `%TypedArray%.prototype.sort`, `Math.ceil`,
 * `Array.prototype[Symbol.iterator]`, and the like) are the ones this worker found at start.
 * `lockdown()` itself changes other members (it drops properties its list does not know, such
 * as newer engines' `Symbol.dispose`, makes accessors plain data, replaces the locale
 * methods), so those are not compared. In a realm nothing sealed, every own property of the
 * watched objects must be as at start, and none added (an `Object.prototype.then` would make
 * every object a thenable).
 */

const TypedArray = Object.getPrototypeOf(Uint8Array) as { prototype: object };
const ArrayIteratorPrototype = Object.getPrototypeOf([][Symbol.iterator]()) as object;
const IteratorPrototype = Object.getPrototypeOf(ArrayIteratorPrototype) as object;

/** Objects whose own properties are watched, by the name a message gives them. */
const ROOTS: [string, object][] = [
  ['Object', Object],
  ['Object.prototype', Object.prototype],
  ['Function.prototype', Function.prototype],
  ['Array', Array],
  ['Array.prototype', Array.prototype],
  ['%TypedArray%', TypedArray],
  ['%TypedArray%.prototype', TypedArray.prototype],
  ['Float64Array.prototype', Float64Array.prototype],
  ['%ArrayIteratorPrototype%', ArrayIteratorPrototype],
  ['%IteratorPrototype%', IteratorPrototype],
  ['Math', Math],
  ['JSON', JSON],
  ['Reflect', Reflect],
  ['Promise', Promise],
  ['Promise.prototype', Promise.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['WeakMap.prototype', WeakMap.prototype],
  ['String.prototype', String.prototype],
  ['Number', Number],
  ['Number.prototype', Number.prototype],
  ['ArrayBuffer.prototype', ArrayBuffer.prototype],
  ['Date.prototype', Date.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Error.prototype', Error.prototype],
];

/** Members the simulator measures and judges with, by the root's name in ROOTS. */
const FORGE_TARGETS: Record<string, (string | symbol)[]> = {
  'Object': ['keys', 'values', 'entries', 'assign', 'freeze', 'defineProperty', 'getPrototypeOf', 'is'],
  'Object.prototype': ['hasOwnProperty', 'toString', 'valueOf'],
  'Function.prototype': ['call', 'apply', 'bind', Symbol.hasInstance],
  'Array': ['from', 'isArray', 'of'],
  'Array.prototype': [
    'every',
    'some',
    'sort',
    'map',
    'filter',
    'reduce',
    'forEach',
    'push',
    'pop',
    'shift',
    'slice',
    'splice',
    'concat',
    'indexOf',
    'includes',
    'join',
    'find',
    'findIndex',
    'fill',
    'keys',
    'values',
    'entries',
    Symbol.iterator,
  ],
  '%TypedArray%.prototype': ['sort', 'subarray', 'fill', 'set', 'slice', 'reduce', 'map', Symbol.iterator],
  '%ArrayIteratorPrototype%': ['next'],
  'Math': ['ceil', 'floor', 'round', 'trunc', 'min', 'max', 'abs', 'sqrt', 'log', 'exp', 'pow'],
  'JSON': ['stringify', 'parse'],
  'Reflect': ['apply', 'get', 'ownKeys'],
  'Promise': ['resolve', 'reject', 'all'],
  'Promise.prototype': ['then', 'catch', 'finally'],
  'Map.prototype': ['get', 'set', 'has', 'delete', Symbol.iterator],
  'Set.prototype': ['add', 'has', 'delete', Symbol.iterator],
  'String.prototype': ['slice', 'split', 'startsWith', 'indexOf', 'padStart'],
  'Number': ['isFinite', 'isNaN', 'isInteger'],
  'Number.prototype': ['toFixed'],
};

type Snapshot = Map<string, unknown>;

/**
 * A property's value: its data value, or for an accessor its getter, or the value SES keeps
 * behind an accessor it made from a data property (`overrideTaming`), so that change does
 * not count.
 */
function valueOfDescriptor(descriptor: PropertyDescriptor): unknown {
  if ('value' in descriptor) return descriptor.value;
  const getter = descriptor.get as (Function & { originalValue?: unknown }) | undefined;
  if (getter && Object.hasOwn(getter, 'originalValue')) return getter.originalValue;
  return getter ?? descriptor.set;
}

function snapshot(keysOf: (name: string, root: object) => (string | symbol)[]): Snapshot {
  const out: Snapshot = new Map();
  for (const [name, root] of ROOTS) {
    for (const key of keysOf(name, root)) {
      const descriptor = Object.getOwnPropertyDescriptor(root, key);
      out.set(`${name}.${String(key)}`, descriptor ? valueOfDescriptor(descriptor) : undefined);
    }
  }
  return out;
}

const everyKey = (_name: string, root: object) => Reflect.ownKeys(root);
const forgeTargets = (name: string) => FORGE_TARGETS[name] ?? [];

function differences(before: Snapshot, now: Snapshot): string[] {
  const changed: string[] = [];
  for (const [name, value] of before) if (!now.has(name) || !Object.is(now.get(name), value)) changed.push(name);
  for (const name of now.keys()) if (!before.has(name)) changed.push(name);
  return changed;
}

/**
 * Takes the snapshot now (call before any service runs) and returns the check: what changed
 * since, by name; empty when nothing did.
 */
export function watchRealm(): () => string[] {
  const all = snapshot(everyKey);
  const targets = snapshot(forgeTargets);
  return () => {
    if (!Object.isFrozen(Array.prototype)) return differences(all, snapshot(everyKey));
    const unfrozen = ROOTS.filter(([, root]) => !Object.isFrozen(root)).map(([name]) => `${name} (not frozen)`);
    return [...unfrozen, ...differences(targets, snapshot(forgeTargets))];
  };
}

/**
 * Freezes plain data for good: `value`, and the plain objects, arrays and functions reachable
 * through its own data properties. For what the lab worker keeps from one run to the next and
 * hands to the runner (scenario definitions, compiled code): the runner hands the service none
 * of it, and should a path ever do so, the service still could not change a later run's
 * targets or code. Instances of classes (state a run may keep, a generator's seed) and the
 * contents of maps, sets and typed arrays are left as they are.
 */
export function freezeData<T>(value: T, seen: WeakSet<object> = new WeakSet()): T {
  if (value === null || (typeof value !== 'object' && typeof value !== 'function') || seen.has(value)) return value;
  seen.add(value);
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as object | null;
    if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) return value;
  }
  Object.freeze(value);
  if (typeof value === 'function') return value;
  for (const key of Reflect.ownKeys(value)) {
    const descriptor = Object.getOwnPropertyDescriptor(value, key)!;
    if ('value' in descriptor) freezeData(descriptor.value, seen);
  }
  return value;
}
