/**
 * One Postgres per host process, reused across runs: creating it (initdb) takes seconds, so
 * each run instead resets it to the scenario's setup, which takes milliseconds. Runs in one
 * process are sequential, so sharing is safe.
 */
import type { DatabaseSpec } from '../../../scenario/types.ts';
import { Database, type EngineFiles } from './database.ts';

/**
 * Data directories made ahead of time (PGlite's `dumpDataDir()`, see `snapshot.ts`) that a
 * host can hand the runner, so creating the database skips initdb, and, for a setup it has a
 * snapshot of, the setup too. Every member is optional, and any that fails only costs time:
 * the database made without it is the same.
 */
export interface DatabaseSnapshots {
  /** A data directory already reset to exactly `setupSql`; undefined when there is none. */
  prepared?(setupSql: string): Promise<Blob> | undefined;
  /** An empty data directory. */
  empty?(): Promise<Blob>;
  /** PGlite's wasm and file bundle, fetched (and compiled) while the snapshot downloads. */
  engine?(): Promise<EngineFiles>;
}

let shared: Promise<Database> | undefined;
let snapshots: DatabaseSnapshots = {};

/** Takes effect when the database is next created. */
export function setDatabaseSnapshots(source: DatabaseSnapshots | undefined): void {
  snapshots = source ?? {};
}

/** The shared database, reset to `spec`'s setup; created (from a snapshot if the host has one) on first use. */
export async function openDatabase(spec: DatabaseSpec): Promise<Database> {
  const opening = (shared ??= createDatabase(spec.setupSql));
  opening.catch(() => {
    shared = undefined;
  });
  const db = await opening;
  await db.reset(spec.setupSql);
  return db;
}

/**
 * Pays the database's one-time costs before a run needs it: a host calls this while the
 * learner reads, and the run that follows finds the database ready and reset.
 */
export async function prepareDatabase(spec: DatabaseSpec): Promise<void> {
  await openDatabase(spec);
}

async function createDatabase(setupSql: string): Promise<Database> {
  // Both start now: the engine's download and compilation overlap the snapshot's.
  const enginePending = snapshots.engine?.().catch(() => undefined);
  const prepared = snapshots.prepared?.(setupSql);
  prepared?.catch(() => undefined);
  const engine = await enginePending;
  if (prepared) {
    try {
      return await Database.create({ setupSql, loadDataDir: await prepared, engine, loadedSetup: true });
    } catch {
      // Falls through to the empty snapshot, then to initdb.
    }
  }
  if (snapshots.empty) {
    try {
      return await Database.create({ setupSql: '', loadDataDir: await snapshots.empty(), engine });
    } catch {
      // Missing, truncated or from another PGlite version: initdb gives the same state.
    }
  }
  return Database.create({ setupSql: '', engine });
}
