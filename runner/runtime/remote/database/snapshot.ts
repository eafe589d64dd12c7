/**
 * Snapshots a host can load instead of creating the database (see `DatabaseSnapshots`): an
 * empty data directory, as initdb leaves it, and one per setup, as the first run of a
 * scenario finds it. Both are made by the same code a run uses, so loading one gives the
 * state creating and resetting would have given.
 */
import { PGlite } from '@electric-sql/pglite';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { Database } from './database.ts';

/** An empty database, just after initdb. */
export async function makeEmptySnapshot(): Promise<Blob> {
  const pg = await PGlite.create();
  try {
    return await pg.dumpDataDir('none');
  } finally {
    await pg.close();
  }
}

/**
 * The database a run of a scenario with this setup starts from: created from `empty` (or by
 * initdb) and reset to the setup, exactly as the shared database is on first use.
 */
export async function makePreparedSnapshot(setupSql: string, empty?: Blob): Promise<Blob> {
  const db = await Database.create({ setupSql: '', loadDataDir: empty });
  try {
    await db.reset(setupSql);
    return await db.dumpDataDir();
  } finally {
    await db.close();
  }
}

/** Names a setup: a prepared snapshot is only ever loaded for the setup it was made from. */
export function setupDigest(setupSql: string): string {
  return bytesToHex(sha256(utf8ToBytes(setupSql)));
}
