/**
 * One Postgres per host process, reused across runs: creating it (initdb) takes seconds, so
 * each run instead resets it to the scenario's setup, which takes milliseconds. Runs in one
 * process are sequential, so sharing is safe.
 */
import type { DatabaseSpec } from '../../types.ts';
import { Database } from './database.ts';

let shared: Promise<Database> | undefined;
let snapshotLoader: (() => Promise<Blob>) | undefined;

/**
 * Lets the host supply an empty database made ahead of time (PGlite's `dumpDataDir()`), which
 * loads in a fraction of initdb's time. Takes effect when the database is next created; a
 * snapshot that fails to load only costs the time of a fresh creation.
 */
export function setDatabaseSnapshot(loader: (() => Promise<Blob>) | undefined): void {
  snapshotLoader = loader;
}

export async function openDatabase(spec: DatabaseSpec): Promise<Database> {
  const opening = (shared ??= createDatabase());
  opening.catch(() => {
    shared = undefined;
  });
  const db = await opening;
  await db.reset(spec.setupSql);
  return db;
}

async function createDatabase(): Promise<Database> {
  if (snapshotLoader) {
    try {
      return await Database.create({ setupSql: '', loadDataDir: await snapshotLoader() });
    } catch {
      // Missing, truncated or from another PGlite version: initdb gives the same state.
    }
  }
  return Database.create({ setupSql: '' });
}
