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

export async function resetToSetup(pg: PGlite, setupSql: string): Promise<void> {
  if (pg.isInTransaction()) await pg.exec('ROLLBACK');
  // Session state a previous run may have left: settings, prepared statements, temp tables.
  await pg.exec('DISCARD ALL');
  const schemas = await pg.query<{ name: string }>(USER_SCHEMAS);
  for (const s of schemas.rows) await pg.exec(`DROP SCHEMA ${quoteIdent(s.name)} CASCADE`);
  await pg.exec(`CREATE SCHEMA public AUTHORIZATION pg_database_owner;
    GRANT USAGE ON SCHEMA public TO PUBLIC;
    SELECT setseed(0);`);
  try {
    await pg.exec(setupSql);
  } catch (err) {
    if (pg.isInTransaction()) await pg.exec('ROLLBACK');
    throw new Error(`the database setup SQL failed: ${(err as Error).message}`, { cause: err });
  }
  if (pg.isInTransaction()) {
    await pg.exec('ROLLBACK');
    throw new Error('the database setup SQL left a transaction open (BEGIN without COMMIT)');
  }
  await pg.refreshArrayTypes(); // arrays of enum or composite types the setup created
  await analyzeDeterministically(pg);
  await pg.exec('SELECT setseed(0)');
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
