/**
 * The prepared-statement path must be invisible: the same rows, fields and errors as PGlite's
 * own `query()`, for every kind of parameter, and it must survive whatever the session goes
 * through (resets, DDL, a user's DEALLOCATE or RESET ALL).
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type QueryOutcome, type QuerySuccess } from '../../../../../runner/runtime/remote/database/database.ts';
import { PreparedStatements } from '../../../../../runner/runtime/remote/database/prepared-statements.ts';
import { PG_TYPE_PARSERS } from '../../../../../runner/runtime/remote/database/type-parsers.ts';

const SETUP = `
  CREATE TYPE mood AS ENUM ('calm', 'busy');
  CREATE TABLE things (
    id serial PRIMARY KEY, label text, n bigint, price numeric(10, 2), ok boolean,
    at timestamp, at_tz timestamptz, meta jsonb, doc json, bytes bytea, tags text[], ids int[],
    m mood, d date
  );
  INSERT INTO things (label, n, price, ok, at, at_tz, meta, doc, bytes, tags, ids, m, d)
  SELECT 'thing ' || g, g * 1000000000::bigint, g / 3.0, g % 2 = 0, '2024-01-02 03:04:05'::timestamp + g * interval '1 hour',
         '2024-01-02 03:04:05+02'::timestamptz, jsonb_build_object('g', g), json_build_object('g', g),
         decode(lpad(to_hex(g), 4, '0'), 'hex'), ARRAY['a' || g, 'b'], ARRAY[g, g + 1], 'busy', '2024-03-04'
  FROM generate_series(1, 200) g;
`;

/** Statements and parameters of every kind the pg layer passes on. */
const CASES: [string, unknown[]][] = [
  ['SELECT * FROM things WHERE id = $1', [7]],
  ['SELECT * FROM things WHERE id = $1', ['8']],
  ['SELECT id, label FROM things WHERE label = $1', ['thing 9']],
  ['SELECT id FROM things WHERE n > $1 ORDER BY id LIMIT 3', ['150000000000']],
  ['SELECT id FROM things WHERE price >= $1 ORDER BY id LIMIT 2', [12.5]],
  ['SELECT id FROM things WHERE ok = $1 ORDER BY id LIMIT 2', [true]],
  ['SELECT id, at FROM things WHERE at >= $1 ORDER BY id LIMIT 2', [new Date(Date.UTC(2024, 0, 5))]],
  ['SELECT id FROM things WHERE meta @> $1 ORDER BY id', [{ g: 11 }]],
  ['SELECT $1::json AS doc', [{ nested: [1, 'two', null] }]],
  ['SELECT id FROM things WHERE bytes = $1', [new Uint8Array([0, 12])]],
  ['SELECT id FROM things WHERE id = ANY($1) ORDER BY id', [[3, 1, 2]]],
  ['SELECT id FROM things WHERE tags && $1 ORDER BY id', [['a5', 'zz']]],
  ['SELECT id FROM things WHERE m = $1 ORDER BY id LIMIT 1', ['busy']],
  ['SELECT id FROM things WHERE d = $1 LIMIT 1', ['2024-03-04']],
  ['SELECT $1::text AS a, $2::int AS b', [null, undefined]],
  ["SELECT $1::text AS empty, $2::text AS blank, $1 = '' AS is_empty", ['', ' ']],
  ['SELECT count(*) AS n, sum(price) AS total FROM things', []],
  ['UPDATE things SET label = $2 WHERE id = $1 RETURNING id, label', [3, 'renamed']],
  ['INSERT INTO things (label) VALUES ($1) RETURNING id', ['new']],
  ['DELETE FROM things WHERE id = $1', [4]],
  // Text that is not ASCII, empty, NULL; repeated and odd column names; a reply in many pieces.
  ["SELECT $1::text AS t, 'naïve café ☕ 𝄞' AS u, '' AS e, NULL AS n, 'ascii' AS a", ['Zoë']],
  ['SELECT 1 AS a, 2 AS a, 3 AS "__proto__", 4 AS "é"', []],
  ["SELECT g, md5(g::text) AS h, CASE WHEN g % 7 = 0 THEN 'ü' END AS u FROM generate_series(1, $1) g", [20_000]],
  ['', []],
];

let plain: PGlite;
let piped: PGlite;
let statements: PreparedStatements;

beforeAll(async () => {
  [plain, piped] = await Promise.all([PGlite.create({ parsers: PG_TYPE_PARSERS }), PGlite.create({ parsers: PG_TYPE_PARSERS })]);
  await plain.exec(SETUP);
  await piped.exec(SETUP);
  await piped.refreshArrayTypes();
  await plain.refreshArrayTypes();
  statements = new PreparedStatements(piped);
});

afterAll(async () => {
  await plain?.close();
  await piped?.close();
});

async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (e) {
    const { message, severity, code, position, detail, hint, table, constraint, routine } = e as Record<string, unknown>;
    return { error: { message, severity, code, position, detail, hint, table, constraint, routine } };
  }
}

describe('same answers as PGlite query()', () => {
  it('for every kind of parameter, twice (parsed, then prepared)', async () => {
    for (const round of [1, 2]) {
      for (const [sql, params] of CASES) {
        const expected = await outcome(() => plain.query(sql, params));
        const actual = await outcome(() => statements.query(sql, params));
        expect({ round, sql, result: actual }).toEqual({ round, sql, result: expected });
      }
    }
  });

  it('for errors: syntax, unknown table, bad input, constraint; and the statement still works after one', async () => {
    const failing: [string, unknown[]][] = [
      ['SELEC 1', []],
      ['SELECT * FROM nowhere WHERE id = $1', [1]],
      ['SELECT * FROM things WHERE id = $1', ['not a number']],
      ['INSERT INTO things (id, label) VALUES ($1, $2)', [1, 'duplicate']],
      ['SELECT 1; SELECT 2', []],
      ['SELECT * FROM "tablé" WHERE id = $1', [1]],
      ['SELECT 1 / $1::int', [0]],
      // Too few or too many parameters: Postgres names the statement in this message.
      ['SELECT $1::int + $2::int', [1]],
      ['SELECT $1::int', [1, 2]],
    ];
    for (const [sql, params] of failing) {
      const expected = await outcome(() => plain.query(sql, params));
      expect(expected).toHaveProperty('error');
      expect(await outcome(() => statements.query(sql, params))).toEqual(expected);
    }
    expect((await statements.query('SELECT id FROM things WHERE id = $1', [10])).rows).toEqual([{ id: 10 }]);
  });

  it('for a statement a write closed, prepared again in one message with its execution', async () => {
    for (const [sql, params] of [...CASES, ['SELECT * FROM things WHERE id = $1', ['not a number']] as [string, unknown[]]]) {
      // Once on both (it is prepared), then again once a write has closed it.
      await outcome(() => plain.query(sql, params));
      await outcome(() => statements.query(sql, params));
      statements.forgetWhere((s) => s === sql);
      const expected = await outcome(() => plain.query(sql, params));
      expect({ sql, result: await outcome(() => statements.query(sql, params)) }).toEqual({ sql, result: expected });
    }
    // A Parse that fails (its table is gone) leaves no statement; the next one is made afresh.
    await piped.exec('CREATE TABLE brief (a int); INSERT INTO brief VALUES (1)');
    await plain.exec('CREATE TABLE brief (a int); INSERT INTO brief VALUES (1)');
    await statements.query('SELECT a FROM brief WHERE a = $1', [1]);
    statements.forgetWhere(() => true);
    await piped.exec('DROP TABLE brief');
    await plain.exec('DROP TABLE brief');
    const gone = await outcome(() => plain.query('SELECT a FROM brief WHERE a = $1', [1]));
    expect(await outcome(() => statements.query('SELECT a FROM brief WHERE a = $1', [1]))).toEqual(gone);
    await piped.exec('CREATE TABLE brief (a text); INSERT INTO brief VALUES ($$x$$)');
    expect((await statements.query('SELECT a FROM brief WHERE a = $1', ['x'])).rows).toEqual([{ a: 'x' }]);
  });
});

describe('DDL the caller cannot see', () => {
  it('a statement whose columns changed under it is prepared again', async () => {
    await piped.exec(`CREATE TABLE shifty (a int); INSERT INTO shifty VALUES (1);
      CREATE FUNCTION widen() RETURNS int LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE shifty ADD COLUMN b int DEFAULT 2; RETURN 1; END $$;`);
    expect((await statements.query('SELECT * FROM shifty WHERE a = $1', [1])).rows).toEqual([{ a: 1 }]);
    await statements.query('SELECT widen()', []);
    expect((await statements.query('SELECT * FROM shifty WHERE a = $1', [1])).rows).toEqual([{ a: 1, b: 2 }]);
  });

  it('a statement whose columns were renamed under it reports the new names', async () => {
    await piped.exec(`CREATE TABLE renamed (a int); INSERT INTO renamed VALUES (1);
      CREATE FUNCTION rename_a() RETURNS int LANGUAGE plpgsql AS $$ BEGIN ALTER TABLE renamed RENAME COLUMN a TO z; RETURN 1; END $$;`);
    expect((await statements.query('SELECT * FROM renamed WHERE $1::int > 0', [1])).rows).toEqual([{ a: 1 }]);
    await statements.query('SELECT rename_a()', []);
    const after = await statements.query('SELECT * FROM renamed WHERE $1::int > 0', [2]);
    expect({ rows: after.rows, fields: after.fields }).toEqual({ rows: [{ z: 1 }], fields: [{ name: 'z', dataTypeID: 23 }] });
  });
});

describe('the session', () => {
  const SMALL = `CREATE TABLE t (k int, v text);
    INSERT INTO t SELECT g, 'v' || g FROM generate_series(1, 1000) g;
    CREATE INDEX ON t (k);`;
  let db: Database;

  beforeAll(async () => {
    db = await Database.create({ setupSql: SMALL });
  });

  afterAll(async () => {
    await db?.close();
  });

  function ok(o: QueryOutcome): QuerySuccess {
    if (!o.ok) throw new Error(`expected success, got ${o.error.code}: ${o.error.message}`);
    return o;
  }

  let asked = 0;
  async function preparedStats(): Promise<{ statements: number; custom: number; generic: number }> {
    // A parameter never used before, so that the result cache cannot answer.
    const o = ok(
      await db.execute(
        `SELECT count(*)::int AS statements, coalesce(sum(custom_plans), 0)::int AS custom, coalesce(sum(generic_plans), 0)::int AS generic
       FROM pg_prepared_statements WHERE name LIKE 'tailspin\\_%' AND $1::int > 0`,
        [++asked],
      ),
    );
    return o.rows[0] as { statements: number; custom: number; generic: number };
  }

  it('executes with generic plans, which depend on the SQL text only, after a reset and after a RESET ALL', async () => {
    let k = 0;
    const check = async () => {
      // Distinct parameters, so the result cache answers none of them.
      for (let i = 0; i < 6; i++) ok(await db.execute('SELECT v FROM t WHERE k = $1', [++k]));
      return preparedStats();
    };
    const first = await check();
    expect(first.custom).toBe(0);
    expect(first.generic).toBeGreaterThanOrEqual(6);
    ok(await db.execute('RESET ALL'));
    expect((await check()).custom).toBe(0);
    // A reset after a utility statement forgets the schema; one after a plain write keeps
    // it, but its DISCARD ALL drops the statements and the setting all the same.
    await db.reset(SMALL);
    expect((await check()).custom).toBe(0);
    ok(await db.execute('INSERT INTO t VALUES (2000, $1)', ['x']));
    await db.reset(SMALL);
    expect((await check()).custom).toBe(0);
  });

  it("survives a user's DEALLOCATE ALL and DDL, and leaves the user's own prepared statements alone", async () => {
    ok(await db.execute('SELECT v FROM t WHERE k = $1', [3]));
    ok(await db.execute('PREPARE mine AS SELECT v FROM t WHERE k = $1'));
    ok(await db.execute('DEALLOCATE ALL'));
    expect(ok(await db.execute('SELECT v FROM t WHERE k = $1', [4])).rows).toEqual([{ v: 'v4' }]);
    ok(await db.execute('PREPARE mine AS SELECT v FROM t WHERE k = $1'));
    ok(await db.execute('ALTER TABLE t ADD COLUMN w int DEFAULT 7'));
    expect(ok(await db.execute('SELECT * FROM t WHERE k = $1', [5])).rows).toEqual([{ k: 5, v: 'v5', w: 7 }]);
    expect(ok(await db.execute('EXECUTE mine (6)')).rows).toEqual([{ v: 'v6' }]);
    await db.reset(SMALL);
  });

  it('a write closes the statements whose plans read what it wrote, and only those', async () => {
    await db.reset(SMALL);
    ok(await db.execute('SELECT v FROM t WHERE k = $1', [1]));
    ok(await db.execute('SELECT count(*) AS n FROM pg_class WHERE relname = $1', ['t']));
    const preparedTexts = async () =>
      (
        ok(await db.execute("SELECT statement FROM pg_prepared_statements WHERE name LIKE 'tailspin\\_%' AND $1::int > 0", [++asked]))
          .rows as { statement: string }[]
      ).map((r) => r.statement);
    expect(await preparedTexts()).toEqual(
      expect.arrayContaining(['SELECT v FROM t WHERE k = $1', 'SELECT count(*) AS n FROM pg_class WHERE relname = $1']),
    );
    ok(await db.execute('INSERT INTO t VALUES ($1, $2)', [5000, 'new']));
    const after = await preparedTexts();
    expect(after).not.toContain('SELECT v FROM t WHERE k = $1');
    expect(after).toContain('SELECT count(*) AS n FROM pg_class WHERE relname = $1');
    // INSERT … VALUES scans nothing: its plan does not depend on the table, so it stays.
    expect(after).toContain('INSERT INTO t VALUES ($1, $2)');
    expect(ok(await db.execute('SELECT v FROM t WHERE k = $1', [5000])).rows).toEqual([{ v: 'new' }]);
    await db.reset(SMALL);
  });

  it('keeps at most 500 statements prepared, closing the least recently used', async () => {
    // Dynamic SQL: every text is new, as with values pasted into the string.
    for (let i = 0; i < 700; i++) ok(await db.execute(`SELECT v FROM t WHERE k = ${i} AND $1::int IS NOT NULL`, [i]));
    const { statements: kept } = await preparedStats();
    expect(kept).toBeGreaterThan(400);
    expect(kept).toBeLessThanOrEqual(501);
  });
});

describe('server settings', () => {
  // Bigger than a quarter of shared_buffers, where Postgres would synchronise scans.
  const BIG = `CREATE TABLE big (k int, pad text);
    INSERT INTO big SELECT g, repeat('x', 40) FROM generate_series(1, 200000) g;`;
  let db: Database;

  beforeAll(async () => {
    db = await Database.create({ setupSql: BIG });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('a sequential scan starts at the first page, wherever an earlier scan stopped', async () => {
    const everyTenThousandth = 'SELECT k FROM big WHERE k % $1 = 0';
    const alone = await db.execute(everyTenThousandth, [10_000]);
    // A scan cut short halfway through the table, then the same kind of scan again.
    await db.execute('SELECT k FROM big WHERE k > $1 LIMIT 1', [150_000]);
    // Another text, so the result cache cannot answer it.
    const after = await db.execute(`${everyTenThousandth} AND k > 0`, [10_000]);
    expect(alone.ok && alone.rows.map((r) => r.k)).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 10_000));
    expect(after.ok && after.rows.map((r) => r.k)).toEqual(alone.ok && alone.rows.map((r) => r.k));
  });
});
