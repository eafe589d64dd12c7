/**
 * Freezes the classes whose instances the platform hands to a service. A service reaches a
 * class's prototype from any instance (`Object.getPrototypeOf(setTimeout(f))`), and a class
 * defined at module level is one object for every run in the realm: the lab's worker
 * evaluates run after run in one realm, so a patched `Timeout.prototype.refresh` or
 * `Reply.prototype.code` would change the platform for the next run, the learner's or a
 * candidate's. A class a factory makes per run is frozen too: patching it would change how
 * the platform behaves for the rest of the run that patched it.
 *
 * Each runtime module passes its classes to `hardenPlatform` where it defines them, so a new
 * class is frozen by the line that follows it rather than by a list kept elsewhere. `harden`
 * exists only once the realm is sealed (seal.ts: modules may still adjust the intrinsics
 * while they load, and hardening walks up to Object.prototype). Classes given before then
 * wait, and `hardenPlatformPending` freezes them once the environment has sealed the realm,
 * before any service is evaluated; those given later are frozen at once.
 *
 * A frozen prototype makes assigning one of its members on an instance throw (the "override
 * mistake"), and code written for Node does that: `reply.send = wrapped` in a hook, a pool's
 * `query` wrapped for logging. As SES does for the intrinsics it lets code override, each
 * member becomes an accessor whose setter defines the property on the instance, and refuses
 * on the prototype itself.
 */

const pending: object[] = [];
let sealed = false;

/** Freezes `cls` (its prototype, statics and ancestors) now, or once the realm is sealed. */
export function hardenPlatform<T extends abstract new (...args: never[]) => unknown>(cls: T): T {
  if (sealed) freeze(cls);
  else pending.push(cls);
  return cls;
}

/** Called once the realm is sealed: freezes what was given before, and from now on at once. */
export function hardenPlatformPending(): void {
  sealed = true;
  for (const cls of pending.splice(0)) freeze(cls);
}

function freeze(cls: object): void {
  const proto = (cls as { prototype?: unknown }).prototype;
  if (typeof proto === 'object' && proto !== null && !Object.isFrozen(proto)) allowOverrides(proto);
  harden(cls);
}

/**
 * Turns each data member of `proto` into an accessor that an instance may shadow by
 * assignment. `constructor` stays a data property: util.inspect names an object's class by
 * reading its descriptor, as Node's does.
 */
function allowOverrides(proto: object): void {
  for (const key of Reflect.ownKeys(proto)) {
    const desc = Object.getOwnPropertyDescriptor(proto, key);
    if (key === 'constructor' || !desc || !('value' in desc) || !desc.configurable) continue;
    const value: unknown = harden(desc.value);
    Object.defineProperty(proto, key, {
      get() {
        return value;
      },
      set(this: object, next: unknown) {
        if (this === proto) throw new TypeError(`Cannot assign to read only property '${String(key)}' of a platform prototype`);
        if (Object.hasOwn(this, key)) (this as Record<PropertyKey, unknown>)[key] = next;
        else Object.defineProperty(this, key, { value: next, writable: true, enumerable: true, configurable: true });
      },
      enumerable: desc.enumerable,
      configurable: true,
    });
  }
}
