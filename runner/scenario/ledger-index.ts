/**
 * Looking up what a downstream service really did, by key, without reading its whole ledger
 * for every response: the ledger only grows during a run, so each entry is indexed once, the
 * first time a lookup finds it new. Checks use this to ask "did payments make this charge?"
 * or "did pricing quote this price?" of ground truth the service cannot write.
 */
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
  const indexOf = perRun(() => ({ seen: 0, byKey: new Map<K, V[]>() }));
  return (db, key) => {
    const ledger = db.ledger(host);
    const index = indexOf(db);
    for (; index.seen < ledger.length; index.seen++) {
      const kept = entryOf(ledger[index.seen]);
      if (!kept) continue;
      const values = index.byKey.get(kept[0]);
      if (values) values.push(kept[1]);
      else index.byKey.set(kept[0], [kept[1]]);
    }
    return index.byKey.get(key) ?? [];
  };
}
