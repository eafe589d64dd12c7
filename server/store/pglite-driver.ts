/**
 * PGlite on disk: Postgres compiled to WebAssembly, in one folder, in this process. It needs no
 * install and no server to run, which is what a host with a laptop and a room wants.
 *
 * Only one process may open the folder: two PGlite instances writing the same files would
 * corrupt them, and unlike a Postgres server PGlite has nothing to stop the second. So the
 * folder holds a lock file with the owner's pid, created atomically; a lock whose process is
 * gone (a crash, a kill) is taken over.
 */
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Row, SqlDriver, SqlQuery } from './sql-driver.ts';

/** The folder already has a live owner. */
export class DataDirInUse extends Error {}

/**
 * `wasmModule`: PGlite's WebAssembly already compiled and warm (pglite-warm-module.ts), for a
 * server that takes over from another and must be quick to open the folder.
 */
export async function openPgliteDriver(dataDir: string, wasmModule?: WebAssembly.Module): Promise<SqlDriver> {
  mkdirSync(dataDir, { recursive: true });
  const lockPath = join(dataDir, 'serve.pid');
  takeLock(lockPath);
  let db: PGlite;
  try {
    db = await PGlite.create(join(dataDir, 'pglite'), wasmModule ? { pgliteWasmModule: wasmModule } : {});
  } catch (err) {
    rmSync(lockPath, { force: true });
    throw err;
  }
  const query = async <T extends Row>(q: Pick<PGlite, 'query'>, sql: string, params?: unknown[]): Promise<T[]> =>
    (await q.query<T>(sql, params)).rows;
  return {
    query: (sql, params) => query(db, sql, params),
    transaction: (fn) => db.transaction((tx) => fn({ query: (sql, params) => query(tx, sql, params) } satisfies SqlQuery)),
    // Only this process writes to the folder, so no other connection can notify it.
    listen: async () => {},
    async close() {
      await db.close();
      rmSync(lockPath, { force: true });
    },
  };
}

function takeLock(lockPath: string): void {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const pid = Number(readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid))
      throw new DataDirInUse(
        `another process (pid ${pid}) is using this data folder; stop it, choose another --data, or delete ${lockPath} if that pid is not a tailspin serve`,
      );
    // The owner is gone: its lock is stale.
    rmSync(lockPath, { force: true });
  }
  throw new DataDirInUse('another process took this data folder at the same moment; choose another --data');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
