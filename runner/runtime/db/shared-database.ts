/**
 * One Postgres per host process, reused across runs: creating it (initdb) takes seconds, so
 * each run instead resets it to the scenario's setup, which takes milliseconds. Runs in one
 * process are sequential, so sharing is safe.
 */
import type { DatabaseSpec } from '../../types.ts';
import { Database } from './database.ts';

let shared: Promise<Database> | undefined;

export async function openDatabase(spec: DatabaseSpec): Promise<Database> {
  const opening = (shared ??= Database.create({ setupSql: '' }));
  opening.catch(() => {
    shared = undefined;
  });
  const db = await opening;
  await db.reset(spec.setupSql);
  return db;
}
