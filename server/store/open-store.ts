/**
 * Opens the store `tailspin serve` was asked for: a real Postgres when given a URL, else
 * PGlite in the data folder. It resolves once the store is warm (warm-up.ts), so the server
 * listens only then.
 */
import { openPgliteDriver } from './pglite-driver.ts';
import { openPostgresDriver } from './postgres-driver.ts';
import { openSqlStore } from './sql-store.ts';
import { warmUp } from './warm-up.ts';
import type { WorkshopStore } from './workshop-store.ts';

export type StoreOptions = { dataDir: string } | { databaseUrl: string };

/** `pgliteWasmModule`: see openPgliteDriver; ignored for a Postgres. */
export async function openWorkshopStore(options: StoreOptions, pgliteWasmModule?: WebAssembly.Module): Promise<WorkshopStore> {
  const driver =
    'databaseUrl' in options ? await openPostgresDriver(options.databaseUrl) : await openPgliteDriver(options.dataDir, pgliteWasmModule);
  try {
    const store = await openSqlStore(driver);
    await warmUp(store, driver);
    return store;
  } catch (err) {
    await driver.close().catch(() => {});
    throw err;
  }
}
