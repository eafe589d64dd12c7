/**
 * State a scenario's checks keep for one run, keyed by that run's CheckDb (a new one per
 * run): notes of what other writers did, a table read once. Module-level state in
 * scenario.ts outlives a run, and the lab runs a scenario many times in one worker, so a
 * plain variable would mix one run's notes into the next; a WeakMap keyed by the run's
 * CheckDb cannot.
 */
import type { CheckDb } from './types.ts';

/** A per-run value: `create` is called at the first use in each run, its result kept for that run. */
export function perRun<T>(create: (db: CheckDb) => T): (db: CheckDb) => T {
  const values = new WeakMap<CheckDb, T>();
  return (db) => {
    if (values.has(db)) return values.get(db)!;
    const value = create(db);
    values.set(db, value);
    return value;
  };
}

/**
 * Something read from the database once per run (a table only the setup writes, say): a
 * promise until the first read completes, the value itself after, so the checks of every
 * later response need not wait (a check that answers at once is judged at once).
 */
export function readOnce<T>(read: (db: CheckDb) => Promise<T>): (db: CheckDb) => T | Promise<T> {
  const values = new WeakMap<CheckDb, T | Promise<T>>();
  return (db) => {
    let value = values.get(db);
    if (value === undefined) {
      value = read(db).then((v) => {
        values.set(db, v);
        return v;
      });
      values.set(db, value);
    }
    return value;
  };
}

/** `use(value)` now when `value` is already read, once it is when it is still a promise. */
export function whenRead<T, R>(value: T | Promise<T>, use: (v: T) => R): R | Promise<R> {
  return isPromise(value) ? value.then(use) : use(value);
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}
