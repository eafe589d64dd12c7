/**
 * Looking up what the service really did, by key, without reading a whole ledger for every
 * response: a ledger only grows during a run, so each entry is indexed once, the first time a
 * lookup finds it new. Checks use this to ask "did payments make this charge?", "did pricing
 * quote this price?" or "was this password's key derived?" of ground truth the service
 * cannot write.
 */
import type { KeyDerivation } from '../runtime/modules/crypto/derivations.ts';
import { perRun } from './per-run.ts';
import type { CheckDb, LedgerEntry } from './types.ts';

/**
 * An index of the ledger of the downstream at `host`: `entryOf` gives each entry's key and the
 * value to keep (or nothing, to leave the entry out); a lookup returns the values under a key
 * in ledger order, empty when there are none.
 */
export function ledgerIndex<K, V>(
  host: string,
  entryOf: (entry: LedgerEntry) => readonly [K, V] | undefined,
): (db: CheckDb, key: K) => readonly V[] {
  return growingIndex((db) => db.ledger(host), entryOf);
}

/** The same for the keys the service derived (CheckDb `derivations`). */
export function derivationIndex<K, V>(
  entryOf: (entry: KeyDerivation) => readonly [K, V] | undefined,
): (db: CheckDb, key: K) => readonly V[] {
  return growingIndex((db) => db.derivations(), entryOf);
}

function growingIndex<E, K, V>(
  entriesOf: (db: CheckDb) => readonly E[],
  entryOf: (entry: E) => readonly [K, V] | undefined,
): (db: CheckDb, key: K) => readonly V[] {
  const indexOf = perRun(() => ({ seen: 0, byKey: new Map<K, V[]>() }));
  return (db, key) => {
    const entries = entriesOf(db);
    const index = indexOf(db);
    for (; index.seen < entries.length; index.seen++) {
      const kept = entryOf(entries[index.seen]);
      if (!kept) continue;
      const values = index.byKey.get(kept[0]);
      if (values) values.push(kept[1]);
      else index.byKey.set(kept[0], [kept[1]]);
    }
    return index.byKey.get(key) ?? [];
  };
}
