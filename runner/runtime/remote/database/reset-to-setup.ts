/**
 * Brings the one PGlite session back to exactly the state a scenario's setup produces, so a
 * run on a reused database gives the same numbers as a run on a fresh one (initdb takes
 * seconds; this takes about as long as the setup SQL itself).
 *
 * Determinism is the point of every step:
 * - all user schemas are dropped and rebuilt from the setup SQL, so tables, sequences and
 *   physical layout (which the planner's size estimates read) are identical each time;
 * - random() is seeded before and after the setup, so `random()` in seed data and in
 *   statements is the same on every run (gen_random_uuid() and now() cannot be seeded);
 * - ANALYZE reads a random sample of 300 × statistics_target rows. Its generator is seeded
 *   from the clock, so on bigger tables the statistics, and with them every plan cost,
 *   would differ between runs. The target is raised until the sample is the whole table.
 * - VACUUM sets the visibility map, as autovacuum would have on a production table; without
 *   it index-only scans are priced like plain index scans.
 *
 * Replaying a setup that has already succeeded once may skip its foreign-key checks (see
 * `withoutTriggers`): they are most of its cost (two lookups per inserted row) and, on
 * data that passed them before, they change nothing a statement can see.
 */
import type { PGlite } from '@electric-sql/pglite';

/** Postgres's own default_statistics_target; kept whenever it already samples every row. */
const STATISTICS_TARGET_DEFAULT = 100;
/** Postgres's maximum: tables beyond 3 000 000 rows get sampled statistics. */
const STATISTICS_TARGET_MAX = 10_000;
/** Rows ANALYZE samples per unit of statistics target (analyze.c). */
const SAMPLE_ROWS_PER_TARGET = 300;

const USER_SCHEMAS = `
  SELECT nspname AS name FROM pg_namespace
  WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'
  ORDER BY 1`;

const USER_TABLES = `
  SELECT format('%I.%I', n.nspname, c.relname) AS name
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'm', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_%'
  ORDER BY 1`;

/**
 * Text that rules out replaying a setup without triggers: a trigger or rule it may create and
 * drop again, referential actions (a DELETE that cascades), its own replication role, or
 * pg_settings (written through the catalog's own rules).
 */
const NEEDS_TRIGGERS = /\b(?:trigger|rule|session_replication_role|pg_settings)\b|\bON\s+(?:DELETE|UPDATE)\s+(?:CASCADE|SET)\b/i;

/**
 * What would behave differently with triggers off: user triggers, user rules (not views'
 * own: those still apply), and foreign keys whose actions write (CASCADE, SET NULL, SET DEFAULT).
 */
const TRIGGERED_WRITES = `
  SELECT EXISTS (SELECT 1 FROM pg_trigger WHERE NOT tgisinternal)
      OR EXISTS (SELECT 1 FROM pg_rules WHERE schemaname NOT IN ('pg_catalog', 'information_schema'))
      OR EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f'
                   AND (confupdtype NOT IN ('a', 'r') OR confdeltype NOT IN ('a', 'r'))) AS found`;

export interface ResetOptions {
  /**
   * Run the setup with `session_replication_role = replica`, so that no trigger fires, the
   * foreign-key checks included. Only for a setup that has already succeeded with triggers
   * on and that `replayableWithoutTriggers` said yes to: its rows then passed every check,
   * and no trigger, rule or referential action writes anything, so the data, its physical
   * order, the statistics and every plan come out as they would with triggers on.
   */
  withoutTriggers?: boolean;
}

/**
 * Resets, and says whether the same setup may next be replayed `withoutTriggers` (always
 * false after a replay without them: that replay checked nothing).
 */
export async function resetToSetup(
  pg: PGlite,
  setupSql: string,
  options: ResetOptions = {},
): Promise<{ replayableWithoutTriggers: boolean }> {
  if (pg.isInTransaction()) await pg.exec('ROLLBACK');
  // Session state a previous run may have left: settings, prepared statements, temp tables.
  await pg.exec('DISCARD ALL');
  const schemas = await pg.query<{ name: string }>(USER_SCHEMAS);
  for (const s of schemas.rows) await pg.exec(`DROP SCHEMA ${quoteIdent(s.name)} CASCADE`);
  await pg.exec(`CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
    SELECT setseed(0);`);
  const withoutTriggers = options.withoutTriggers === true;
  if (withoutTriggers) await pg.exec('SET session_replication_role = replica');
  try {
    await pg.exec(setupSql);
  } catch (err) {
    if (pg.isInTransaction()) await pg.exec('ROLLBACK');
    throw new Error(`the database setup SQL failed: ${(err as Error).message}`, { cause: err });
  } finally {
    if (withoutTriggers && !pg.isInTransaction()) await pg.exec('RESET session_replication_role');
  }
  if (pg.isInTransaction()) {
    await pg.exec('ROLLBACK');
    throw new Error('the database setup SQL left a transaction open (BEGIN without COMMIT)');
  }
  const replayableWithoutTriggers = !withoutTriggers && (await mayReplayWithoutTriggers(pg, setupSql));
  await pg.refreshArrayTypes(); // arrays of enum or composite types the setup created
  await analyzeDeterministically(pg);
  await pg.exec('SELECT setseed(0)');
  return { replayableWithoutTriggers };
}

async function mayReplayWithoutTriggers(pg: PGlite, setupSql: string): Promise<boolean> {
  if (NEEDS_TRIGGERS.test(setupSql)) return false;
  const { rows } = await pg.query<{ found: boolean }>(TRIGGERED_WRITES);
  return rows[0]?.found === false;
}

async function analyzeDeterministically(pg: PGlite): Promise<void> {
  const tables = (await pg.query<{ name: string }>(USER_TABLES)).rows.map((r) => r.name);
  if (tables.length === 0) return;
  let rowsMax = 0;
  for (const table of tables) {
    const count = await pg.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`);
    rowsMax = Math.max(rowsMax, Number(count.rows[0].n));
  }
  const target = Math.min(STATISTICS_TARGET_MAX, Math.max(STATISTICS_TARGET_DEFAULT, Math.ceil(rowsMax / SAMPLE_ROWS_PER_TARGET)));
  await pg.exec(`SET default_statistics_target = ${target}`);
  // VACUUM refuses to run inside a multi-statement string, so it goes alone.
  await pg.exec(`VACUUM ANALYZE ${tables.join(', ')}`);
  await pg.exec('RESET default_statistics_target');
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
