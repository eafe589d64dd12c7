/**
 * The draft versions' store over IndexedDB: one object store, an index by scenario and time.
 * Where IndexedDB is missing or refused (some private windows, Node), versions are kept in
 * memory for the page's lifetime instead, and the lab goes on working.
 */
import type { DraftVersion, DraftVersionStore } from './draftHistory.ts';

const DB_NAME = 'tailspin';
const DB_VERSION = 1;
const STORE = 'draft-versions';
const BY_SCENARIO = 'by-scenario';

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function open(): Promise<IDBDatabase> {
  const r = indexedDB.open(DB_NAME, DB_VERSION);
  r.onupgradeneeded = () => {
    const store = r.result.createObjectStore(STORE, { keyPath: 'id', autoIncrement: true });
    store.createIndex(BY_SCENARIO, ['scenarioId', 'savedAt']);
  };
  return request(r);
}

function memoryStore(): DraftVersionStore {
  const all: DraftVersion[] = [];
  let nextId = 1;
  return {
    add: async (v) => void all.push({ ...v, id: nextId++ }),
    list: async (scenarioId) => all.filter((v) => v.scenarioId === scenarioId).sort((a, b) => b.savedAt - a.savedAt || b.id! - a.id!),
    remove: async (ids) => {
      for (const id of ids)
        all.splice(
          all.findIndex((v) => v.id === id),
          1,
        );
    },
  };
}

export function idbDraftStore(): DraftVersionStore {
  let db: Promise<IDBDatabase> | null = null;
  let fallback: DraftVersionStore | null = null;
  const use = async <T>(idb: (db: IDBDatabase) => Promise<T>, memory: (store: DraftVersionStore) => Promise<T>): Promise<T> => {
    if (!fallback) {
      try {
        if (typeof indexedDB === 'undefined') throw new Error('no IndexedDB');
        db ??= open();
        return await idb(await db);
      } catch {
        fallback = memoryStore();
      }
    }
    return memory(fallback);
  };
  return {
    add: (version) =>
      use(
        async (d) => {
          const tx = d.transaction(STORE, 'readwrite');
          tx.objectStore(STORE).add(version);
          await done(tx);
        },
        (m) => m.add(version),
      ),
    list: (scenarioId) =>
      use(
        async (d) => {
          const range = IDBKeyRange.bound([scenarioId, -Infinity], [scenarioId, Infinity]);
          const found = await request(d.transaction(STORE).objectStore(STORE).index(BY_SCENARIO).getAll(range));
          return (found as DraftVersion[]).sort((a, b) => b.savedAt - a.savedAt || b.id! - a.id!);
        },
        (m) => m.list(scenarioId),
      ),
    remove: (ids) =>
      use(
        async (d) => {
          const tx = d.transaction(STORE, 'readwrite');
          for (const id of ids) tx.objectStore(STORE).delete(id);
          await done(tx);
        },
        (m) => m.remove(ids),
      ),
  };
}
