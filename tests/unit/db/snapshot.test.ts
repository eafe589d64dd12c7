/**
 * The lab worker starts Postgres from a snapshot of an empty database (PGlite's
 * `dumpDataDir()`, made at build time) instead of running initdb. Determinism requires that
 * nothing can tell the two apart: the same statements give the same outcomes and costs, and
 * the same scenario and seed give the same summary.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database, type QueryOutcome } from '../../../runner/runtime/db/database.ts';
import { loadScenarioFolder, scenarioIds } from '../../../runner/node/scenario-folder.ts';
import type { RunSummary } from '../../../runner/types.ts';

/** Sequences, defaults, random() and planner statistics: state a snapshot could shift. */
const SETUP = `
  CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, score float8 NOT NULL DEFAULT random());
  CREATE TABLE orders (id bigserial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), total numeric(10,2) NOT NULL);
  INSERT INTO users (name) SELECT 'user ' || g FROM generate_series(1, 2000) g;
  INSERT INTO orders (user_id, total) SELECT 1 + g % 2000, (g % 97) * 1.5 FROM generate_series(1, 6000) g;
  CREATE INDEX orders_user ON orders (user_id);
`;

const STATEMENTS: [string, unknown[]][] = [
  ['SELECT * FROM users WHERE id = $1', [42]],
  ['SELECT u.name, sum(o.total) AS spent FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id < $1 GROUP BY u.name ORDER BY 2 DESC, 1 LIMIT 5', [300]],
  ['SELECT random() AS r, (SELECT sum(score) FROM users) AS s', []],
  ['INSERT INTO users (name) VALUES ($1) RETURNING id, score', ['new']],
  ['UPDATE orders SET total = total + 1 WHERE user_id = $1', [7]],
  ['SELECT count(*) AS n, max(id) AS top FROM orders', []],
  ['SELECT oid::regclass::text AS t, relpages, reltuples FROM pg_class WHERE relname IN ($1, $2) ORDER BY 1', ['users', 'orders']],
  ['SELECT nope FROM users', []],
];

/** The outcomes of a fixed script, before and after a reset. */
async function script(db: Database): Promise<QueryOutcome[]> {
  const outcomes: QueryOutcome[] = [];
  for (let round = 0; round < 2; round++) {
    // The second round runs after a reset, the way every run after the first starts.
    if (round > 0) await db.reset(SETUP);
    for (const [sql, params] of STATEMENTS) outcomes.push(await db.execute(sql, params));
  }
  return outcomes;
}

let snapshot: Blob;

beforeAll(async () => {
  // Made the way the build makes it.
  const pg = await PGlite.create();
  snapshot = await pg.dumpDataDir('none');
  await pg.close();
});

describe('a database loaded from a snapshot', () => {
  let fresh: Database;
  let loaded: Database;

  beforeAll(async () => {
    fresh = await Database.create({ setupSql: SETUP });
    loaded = await Database.create({ setupSql: SETUP, loadDataDir: snapshot });
  });

  afterAll(async () => {
    await fresh?.close();
    await loaded?.close();
  });

  it('gives the same outcomes and service times as one made by initdb', async () => {
    const a = await script(fresh);
    const b = await script(loaded);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.filter((o) => !o.ok).length).toBe(2);
  });
});

describe('a shared database from a snapshot', () => {
  const databaseScenarios = scenarioIds();

  /** Every scenario with a database, in a fresh copy of the runner (its own shared database). */
  async function runAll(withSnapshot: boolean): Promise<Map<string, string>> {
    vi.resetModules();
    const shared = await import('../../../runner/runtime/db/shared-database.ts');
    const { runScenario } = await import('../../../runner/run.ts');
    const { nodeHost } = await import('../../../runner/node/node-host.ts');
    if (withSnapshot) shared.setDatabaseSnapshot(async () => snapshot);
    const summaries = new Map<string, string>();
    for (const id of databaseScenarios) {
      const folder = await loadScenarioFolder(id);
      if (!folder.definition.platform.database) continue;
      const summary: RunSummary = await runScenario(folder.definition, { ...nodeHost(), code: folder.starter, seed: 3 });
      summaries.set(id, JSON.stringify(summary));
    }
    return summaries;
  }

  it('gives byte-identical summaries for every database scenario', async () => {
    const fresh = await runAll(false);
    const loaded = await runAll(true);
    expect(fresh.size).toBeGreaterThan(0);
    for (const [id, summary] of fresh) expect(loaded.get(id), id).toBe(summary);
  });

  it('falls back to initdb when the snapshot cannot be had', async () => {
    vi.resetModules();
    const shared = await import('../../../runner/runtime/db/shared-database.ts');
    // A failed download. (A corrupt tarball also makes PGlite.create reject, but PGlite 0.5
    // leaves a second, unhandled rejection behind, which the test runner counts as an error.)
    shared.setDatabaseSnapshot(async () => {
      throw new Error('HTTP 404');
    });
    const db = await shared.openDatabase({ setupSql: 'CREATE TABLE t (x int); INSERT INTO t VALUES (1);' });
    const o = await db.execute('SELECT x FROM t');
    expect(o.ok && o.rows).toEqual([{ x: 1 }]);
    await db.close();
  });
});
