/**
 * Runs what the first requests after a start will run, before the server says it listens. A
 * restarted server otherwise pays its cold start on the reports that met the restart, all
 * retried at once: PGlite compiles Postgres' WebAssembly lazily, function by function, and
 * reads each table's catalog entries on first use. Measured on the bench's data (200
 * learners, 500 runs), the first 50 reports took 0.8 s of CPU cold and 0.2 s after this
 * warm-up, which takes about a second itself: a second longer before the server listens,
 * while the lab keeps every report and retries it.
 *
 * Read-only, always: lookups of a token that cannot exist, the insert of a report planned
 * (EXPLAIN) and not run, and the dashboard of the latest room, which its host reopens first.
 * It writes no row, so it cannot change what the server keeps.
 */
import { warmUpRecordRuns } from './record-runs.ts';
import type { SqlDriver } from './sql-driver.ts';
import type { WorkshopStore } from './workshop-store.ts';

export async function warmUp(store: WorkshopStore, db: SqlDriver): Promise<void> {
  // Join codes never hold lowercase letters and token hashes are hex, so this finds nothing.
  await store.learnerByToken('warm-up', 'no such token');
  await warmUpRecordRuns(db);
  const [latest] = await db.query('select code from workshop_rooms order by created_at_ms desc limit 1');
  const found = latest ? await store.room(latest.code as string) : null;
  // The snapshot is thrown away, so the time it says it was taken does not matter.
  if (found) await store.dashboard(found.room, 0);
}
