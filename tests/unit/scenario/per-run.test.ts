/**
 * The helpers scenario checks keep per-run state with: one value per run (CheckDb), a table
 * read once and then at hand without waiting, and a ledger indexed as it grows.
 */
import { describe, expect, it } from 'vitest';
import { perRun, readOnce, whenRead } from '../../../runner/scenario/per-run.ts';
import { ledgerIndex } from '../../../runner/scenario/ledger-index.ts';
import type { CheckDb, LedgerEntry } from '../../../runner/scenario/types.ts';

function fakeDb(ledger: LedgerEntry[] = []): CheckDb & { queries: number } {
  const db = {
    queries: 0,
    query: async <T>() => {
      db.queries++;
      return { rows: [{ id: 1 }] as T[] };
    },
    ledger: () => ledger,
    derivations: () => [],
  };
  return db;
}

const entry = (card: string, status: number): LedgerEntry => ({
  req: { method: 'POST', path: '/', query: {}, headers: {}, body: { card } },
  status,
  body: {},
  atMs: 0,
});

describe('perRun', () => {
  it('creates one value per run, at its first use', () => {
    let created = 0;
    const notes = perRun(() => ({ n: ++created }));
    const run1 = fakeDb();
    const run2 = fakeDb();
    expect(notes(run1)).toBe(notes(run1));
    expect(notes(run2)).not.toBe(notes(run1));
    expect(created).toBe(2);
  });
});

describe('readOnce and whenRead', () => {
  it('reads once per run: a promise until the read completes, the value itself after', async () => {
    const table = readOnce(async (db) => (await db.query<{ id: number }>('SELECT id FROM t')).rows.length);
    const db = fakeDb();
    const first = table(db);
    expect(first).toBeInstanceOf(Promise);
    expect(table(db)).toBe(first);
    expect(await first).toBe(1);
    expect(table(db)).toBe(1);
    expect(db.queries).toBe(1);
  });

  it('answers at once when the value is read, later when it is a promise', async () => {
    expect(whenRead(2, (n) => n * 10)).toBe(20);
    const later = whenRead(Promise.resolve(2), (n) => n * 10);
    expect(later).toBeInstanceOf(Promise);
    expect(await later).toBe(20);
  });
});

describe('ledgerIndex', () => {
  it('finds what the ledger holds by key, in ledger order, including entries added since the last lookup', () => {
    const ledger = [entry('a', 200), entry('b', 402)];
    const db = fakeDb(ledger);
    const statusesOf = ledgerIndex('payments.internal', (w) => [(w.req.body as { card: string }).card, w.status] as const);
    expect(statusesOf(db, 'a')).toEqual([200]);
    ledger.push(entry('a', 503));
    expect(statusesOf(db, 'a')).toEqual([200, 503]);
    expect(statusesOf(db, 'none')).toEqual([]);
  });

  it('leaves out entries the caller skips, and keeps runs apart', () => {
    const okOnly = ledgerIndex('payments.internal', (w) => (w.status === 200 ? (['all', w.status] as const) : undefined));
    expect(okOnly(fakeDb([entry('a', 200), entry('b', 402)]), 'all')).toEqual([200]);
    expect(okOnly(fakeDb([entry('c', 200), entry('d', 200)]), 'all')).toEqual([200, 200]);
  });
});
