/**
 * The lab worker starts Postgres from snapshots made at build time (PGlite's `dumpDataDir()`)
 * instead of running initdb: an empty database, or one already reset to the scenario's setup.
 * Determinism requires that nothing can tell them apart from a database made by initdb and
 * reset: the same statements give the same outcomes and costs, and the same scenario and seed
 * give the same summary.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Database, type QueryOutcome } from '../../../../../runner/runtime/remote/database/database.ts';
import { loadScenarioFolder, scenarioIds } from '../../../../../runner/host-node/scenario-folder.ts';
import { makeEmptySnapshot, makePreparedSnapshot, setupDigest } from '../../../../../runner/runtime/remote/database/snapshot.ts';
import type { RunSummary } from '../../../../../runner/summary-schema.ts';

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
  [
    'SELECT u.name, sum(o.total) AS spent FROM users u JOIN orders o ON o.user_id = u.id WHERE u.id < $1 GROUP BY u.name ORDER BY 2 DESC, 1 LIMIT 5',
    [300],
  ],
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
  snapshot = await makeEmptySnapshot();
});

describe('a database loaded from a snapshot', () => {
  let fresh: Database;
  let loaded: Database;
  let prepared: Database;

  beforeAll(async () => {
    fresh = await Database.create({ setupSql: SETUP });
    loaded = await Database.create({ setupSql: SETUP, loadDataDir: snapshot });
    const tarball = await makePreparedSnapshot(SETUP, snapshot);
    prepared = await Database.create({ setupSql: SETUP, loadDataDir: tarball, loadedSetup: true });
  });

  afterAll(async () => {
    await fresh?.close();
    await loaded?.close();
    await prepared?.close();
  });

  /** The outcomes on the database made by initdb, the reference. */
  let a: QueryOutcome[];

  it('gives the same outcomes and service times as one made by initdb', async () => {
    a = await script(fresh);
    const b = await script(loaded);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
    expect(a.filter((o) => !o.ok).length).toBe(2);
  });

  it('gives the same again when the snapshot already holds the setup', async () => {
    a ??= await script(fresh);
    const c = await script(prepared);
    expect(JSON.stringify(c)).toBe(JSON.stringify(a));
  });

  it('does not run the setup again on a snapshot said to hold it', async () => {
    // A row the setup does not make survives only if the setup (which drops everything) is skipped.
    const source = await Database.create({ setupSql: SETUP, loadDataDir: snapshot });
    await source.execute("INSERT INTO users (name) VALUES ('left by the snapshot')");
    const tarball = await source.dumpDataDir();
    await source.close();
    const adopted = await Database.create({ setupSql: SETUP, loadDataDir: tarball, loadedSetup: true });
    const o = await adopted.execute("SELECT count(*)::int AS n FROM users WHERE name = 'left by the snapshot'");
    expect(o.ok && o.rows).toEqual([{ n: 1 }]);
    await adopted.close();
  });
});

describe('a shared database from a snapshot', () => {
  type Source = 'initdb' | 'empty' | 'prepared';

  /** A fresh copy of the runner (its own shared database), given snapshots as the lab gives them. */
  async function freshRunner(source: Source, preparedBySetup: Map<string, Blob>) {
    vi.resetModules();
    const shared = await import('../../../../../runner/runtime/remote/database/shared-database.ts');
    const { runScenario } = await import('../../../../../runner/run.ts');
    const { nodeHost } = await import('../../../../../runner/host-node/node-host.ts');
    // The copy of Database this runner uses: its creations show which snapshot was loaded.
    const { Database: RunnerDatabase } = await import('../../../../../runner/runtime/remote/database/database.ts');
    const creations = vi.spyOn(RunnerDatabase, 'create');
    if (source !== 'initdb') {
      shared.setDatabaseSnapshots({
        empty: async () => snapshot,
        prepared: (setupSql) => {
          const tarball = source === 'prepared' ? preparedBySetup.get(setupDigest(setupSql)) : undefined;
          return tarball && Promise.resolve(tarball);
        },
      });
    }
    return { shared, runScenario, nodeHost, creations };
  }

  async function databaseScenarios() {
    const folders = await Promise.all(scenarioIds().map((id) => loadScenarioFolder(id)));
    return folders.filter((f) => f.definition.platform.database);
  }

  /** Every scenario with a database, run in one runner: the first creates it, the rest reset it. */
  async function runAll(source: Source, preparedBySetup = new Map<string, Blob>()): Promise<Map<string, string>> {
    const { runScenario, nodeHost } = await freshRunner(source, preparedBySetup);
    const summaries = new Map<string, string>();
    for (const folder of await databaseScenarios()) {
      const summary: RunSummary = await runScenario(folder.definition, { ...nodeHost(), code: folder.starter, seed: 3 });
      summaries.set(folder.id, JSON.stringify(summary));
    }
    return summaries;
  }

  it('gives byte-identical summaries for every database scenario', async () => {
    const fresh = await runAll('initdb');
    const loaded = await runAll('empty');
    expect(fresh.size).toBeGreaterThan(0);
    for (const [id, summary] of fresh) expect(loaded.get(id), id).toBe(summary);
  });

  it('gives byte-identical summaries when each scenario starts from its own prepared snapshot', async () => {
    const folders = await databaseScenarios();
    const preparedBySetup = new Map<string, Blob>();
    for (const f of folders) {
      const setupSql = f.definition.platform.database!.setupSql;
      preparedBySetup.set(setupDigest(setupSql), await makePreparedSnapshot(setupSql, snapshot));
    }
    for (const folder of folders) {
      // Each in a runner of its own, so each run is the first, on its own snapshot.
      const outcomes: string[] = [];
      for (const source of ['empty', 'prepared'] as const) {
        const { shared, runScenario, nodeHost, creations } = await freshRunner(source, preparedBySetup);
        const summary: RunSummary = await runScenario(folder.definition, { ...nodeHost(), code: folder.starter, seed: 3 });
        outcomes.push(JSON.stringify(summary));
        // One creation, from the snapshot asked for: a silent fallback would compare nothing new.
        expect(creations, `${folder.id} from ${source}`).toHaveBeenCalledTimes(1);
        expect(creations.mock.calls[0][0].loadDataDir).toBe(
          source === 'prepared' ? preparedBySetup.get(setupDigest(folder.definition.platform.database!.setupSql)) : snapshot,
        );
        expect(creations.mock.calls[0][0].loadedSetup ?? false).toBe(source === 'prepared');
        creations.mockRestore();
        const db = await shared.openDatabase(folder.definition.platform.database!);
        await db.close();
      }
      expect(outcomes[1], folder.id).toBe(outcomes[0]);
    }
  });

  it('falls back to the empty snapshot, then to initdb, when a snapshot cannot be had', async () => {
    for (const empty of [async () => snapshot, async (): Promise<Blob> => Promise.reject(new Error('HTTP 404'))]) {
      vi.resetModules();
      const shared = await import('../../../../../runner/runtime/remote/database/shared-database.ts');
      // A failed download. (A corrupt tarball also makes PGlite.create reject, but PGlite 0.5
      // leaves a second, unhandled rejection behind, which the test runner counts as an error.)
      shared.setDatabaseSnapshots({ prepared: () => Promise.reject(new Error('HTTP 404')), empty });
      const db = await shared.openDatabase({ setupSql: 'CREATE TABLE t (x int); INSERT INTO t VALUES (1);' });
      const o = await db.execute('SELECT x FROM t');
      expect(o.ok && o.rows).toEqual([{ x: 1 }]);
      await db.close();
    }
  });
});
