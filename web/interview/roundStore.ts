/**
 * Where a round's records are kept in the candidate's browser: IndexedDB, one record per
 * event, keyed by round and sequence number, so a reload or a closed tab loses nothing.
 * Its own database, so the lab's draft store keeps its schema. Where IndexedDB is missing
 * or refused, records are kept in memory for the page's lifetime (the page says so).
 */
import type { RoundRecord } from '../../runner/interview/index.ts';

export interface RoundStore {
  /** False when records live in memory only (a reload would lose them). */
  readonly durable: boolean;
  append(roundId: string, record: RoundRecord): Promise<void>;
  /** A round's records in order. */
  load(roundId: string): Promise<RoundRecord[]>;
}

const DB_NAME = 'tailspin-interview';
const DB_VERSION = 1;
const STORE = 'records';

interface Row {
  roundId: string;
  seq: number;
  record: RoundRecord;
}

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

export function memoryRoundStore(): RoundStore {
  const rounds = new Map<string, RoundRecord[]>();
  return {
    durable: false,
    append: async (roundId, record) => {
      const list = rounds.get(roundId) ?? [];
      list.push(structuredClone(record));
      rounds.set(roundId, list);
    },
    load: async (roundId) => structuredClone(rounds.get(roundId) ?? []),
  };
}

/** The IndexedDB store; rejects when IndexedDB cannot be opened (the caller falls back). */
export async function idbRoundStore(): Promise<RoundStore> {
  if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
  const open = indexedDB.open(DB_NAME, DB_VERSION);
  open.onupgradeneeded = () => open.result.createObjectStore(STORE, { keyPath: ['roundId', 'seq'] });
  const db = await request(open);
  return {
    durable: true,
    append: (roundId, record) =>
      new Promise((resolve, reject) => {
        const tx = db.transaction(STORE, 'readwrite');
        // add, not put: a second tab on the same round fails here instead of overwriting this one's records.
        tx.objectStore(STORE).add({ roundId, seq: record.seq, record } satisfies Row);
        tx.oncomplete = () => resolve();
        tx.onerror = () => reject(tx.error);
        tx.onabort = () => reject(tx.error);
      }),
    load: async (roundId) => {
      const range = IDBKeyRange.bound([roundId, -Infinity], [roundId, Infinity]);
      const rows = (await request(db.transaction(STORE).objectStore(STORE).getAll(range))) as Row[];
      return rows.sort((a, b) => a.seq - b.seq).map((r) => r.record);
    },
  };
}

/** IndexedDB when the browser allows it, else memory. */
export async function openRoundStore(): Promise<RoundStore> {
  try {
    return await idbRoundStore();
  } catch {
    return memoryRoundStore();
  }
}
