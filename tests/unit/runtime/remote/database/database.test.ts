import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Database, type QueryOutcome, type QuerySuccess } from '../../../../../runner/runtime/remote/database/database.ts';
import { COST_MODEL_DEFAULT } from '../../../../../runner/runtime/remote/database/cost-model.ts';

/** 5 000 users, 10 000 posts (two per user), a few tags; posts cascade on user delete. */
const SETUP = `
  CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL,
                      created_at timestamp NOT NULL DEFAULT '2024-01-02 03:04:05');
  CREATE TABLE posts (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      title text NOT NULL, likes bigint NOT NULL DEFAULT 0);
  CREATE TABLE tags (id serial PRIMARY KEY, label text NOT NULL);
  INSERT INTO users (name, email) SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, 5000) g;
  INSERT INTO posts (user_id, title, likes) SELECT 1 + (g - 1) % 5000, 'post ' || g, g * 10 FROM generate_series(1, 10000) g;
  INSERT INTO tags (label) VALUES ('perf'), ('db'), ('node');
`;

const PK_LOOKUP = 'SELECT * FROM users WHERE id = $1';

let db: Database;

beforeAll(async () => {
  db = await Database.create({ setupSql: SETUP });
});

afterAll(async () => {
  await db?.close();
});

function ok(o: QueryOutcome): QuerySuccess {
  if (!o.ok) throw new Error(`expected success, got ${o.error.code}: ${o.error.message}`);
  return o;
}

describe('results come from a real Postgres', () => {
  it('joins', async () => {
    const o = ok(await db.execute('SELECT u.name, p.title FROM posts p JOIN users u ON u.id = p.user_id WHERE p.id = $1', [5001]));
    expect(o.rows).toEqual([{ name: 'user 1', title: 'post 5001' }]);
    expect(o.command).toBe('SELECT');
    expect(o.tables).toEqual(['posts', 'users']);
    expect(o.isWrite).toBe(false);
  });

  it('binds an int array to = ANY($1)', async () => {
    const o = ok(await db.execute('SELECT id FROM users WHERE id = ANY($1) ORDER BY id', [[3, 1, 2]]));
    expect(o.rows).toEqual([{ id: 1 }, { id: 2 }, { id: 3 }]);
    expect(o.rowCount).toBe(3);
  });

  it('aggregates to JSON', async () => {
    const o = ok(
      await db.execute(
        'SELECT u.id, json_agg(p.title ORDER BY p.id) AS titles FROM users u JOIN posts p ON p.user_id = u.id WHERE u.id = $1 GROUP BY u.id',
        [7],
      ),
    );
    expect(o.rows).toEqual([{ id: 7, titles: ['post 7', 'post 5007'] }]);
    expect(o.fields.map((f) => f.dataTypeID)).toEqual([23, 114]);
  });

  it('gives int8 as a string and timestamp as UTC, like node-postgres on a UTC server', async () => {
    const o = ok(await db.execute('SELECT count(*) AS n, max(likes) AS top FROM posts'));
    expect(o.rows).toEqual([{ n: '10000', top: '100000' }]);
    const u = ok(await db.execute('SELECT created_at FROM users WHERE id = 1'));
    expect((u.rows[0].created_at as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
  });

  it('reports writes with their command and row count', async () => {
    const o = ok(await db.execute('INSERT INTO tags (label) VALUES ($1), ($2) RETURNING id', ['a', 'b']));
    expect(o.command).toBe('INSERT');
    expect(o.rowCount).toBe(2);
    expect(o.rows).toHaveLength(2);
    expect(o.isWrite).toBe(true);
    expect(o.tables).toEqual(['tags']);
  });
});

describe('errors', () => {
  it('returns a syntax error with Postgres’s message and SQLSTATE, and keeps working', async () => {
    const bad = await db.execute('SELEC id FROM users', []);
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.error.message).toBe('syntax error at or near "SELEC"');
    expect(bad.error.code).toBe('42601');
    expect(bad.error.position).toBe('1');
    expect(bad.serviceMs).toBeGreaterThan(0);
    expect(ok(await db.execute('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
  });

  it('returns unknown columns and constraint violations the same way', async () => {
    const column = await db.execute('SELECT nope FROM users');
    expect(column.ok ? undefined : column.error.code).toBe('42703');
    const dup = await db.execute('INSERT INTO users (id, name, email) VALUES ($1, $2, $3)', [1, 'x', 'x@x']);
    expect(dup.ok ? undefined : dup.error).toMatchObject({
      code: '23505',
      constraint: 'users_pkey',
      detail: 'Key (id)=(1) already exists.',
    });
    expect(ok(await db.execute(PK_LOOKUP, [1])).rows[0].name).toBe('user 1');
  });
});

describe('transaction control', () => {
  it('recognises the statements without sending them', () => {
    const cases: [string, string | null][] = [
      ['BEGIN', 'BEGIN'],
      ['  begin;  ', 'BEGIN'],
      ['BEGIN ISOLATION LEVEL SERIALIZABLE', 'BEGIN'],
      ['start transaction read only', 'BEGIN'],
      ['COMMIT', 'COMMIT'],
      ['end;', 'COMMIT'],
      ['ROLLBACK', 'ROLLBACK'],
      ['abort', 'ROLLBACK'],
      ['SAVEPOINT sp1', 'SAVEPOINT'],
      ['RELEASE SAVEPOINT sp1', 'RELEASE'],
      ['release sp1;', 'RELEASE'],
      ['ROLLBACK TO SAVEPOINT sp1', 'ROLLBACK TO'],
      ['rollback to sp1', 'ROLLBACK TO'],
      ['/* tx */ BEGIN', 'BEGIN'],
      ['SELECT 1', null],
      ['BEGIN; SELECT 1', null],
      ['SET search_path = public', null],
      ["SELECT 'BEGIN'", null],
      ['ENDPOINT', null],
    ];
    for (const [sql, control] of cases) expect([sql, Database.isTransactionControl(sql)]).toEqual([sql, control]);
  });

  it('answers them with a fixed cost, and an error after BEGIN does not poison the session', async () => {
    const begin = ok(await db.execute('BEGIN'));
    expect(begin).toMatchObject({ command: 'BEGIN', rows: [], serviceMs: COST_MODEL_DEFAULT.transactionControlMs, isWrite: false });
    expect(ok(await db.execute('START TRANSACTION')).command).toBe('START');
    expect((await db.execute('SELECT * FROM missing_table')).ok).toBe(false);
    // Had BEGIN reached Postgres, this would fail with 25P02 (transaction aborted).
    expect(ok(await db.execute(PK_LOOKUP, [2])).rows[0].name).toBe('user 2');
    expect(ok(await db.execute('ROLLBACK TO SAVEPOINT a')).command).toBe('ROLLBACK');
    expect(ok(await db.execute('COMMIT')).command).toBe('COMMIT');
  });
});

describe('simple protocol: several statements in one text', () => {
  it('runs each statement in order, each priced as if sent alone', async () => {
    const multi = 'BEGIN; UPDATE posts SET likes = likes + 1 WHERE id = 7; SELECT likes FROM posts WHERE id = 7; COMMIT';
    expect(Database.statementsOf(multi)).toHaveLength(4);
    const outcomes = (await db.executeSimple(Database.statementsOf(multi))).map(ok);
    expect(outcomes.map((o) => o.command)).toEqual(['BEGIN', 'UPDATE', 'SELECT', 'COMMIT']);
    expect(outcomes[1].rowCount).toBe(1);
    expect(outcomes[2].rows).toEqual([{ likes: '71' }]);
    expect(outcomes[0].serviceMs).toBe(COST_MODEL_DEFAULT.transactionControlMs);
    // The same statements one by one cost the same, statement for statement.
    const alone = [
      ok(await db.execute('BEGIN')),
      ok(await db.execute('UPDATE posts SET likes = likes + 1 WHERE id = 7')),
      ok(await db.execute('SELECT likes FROM posts WHERE id = 7')),
      ok(await db.execute('COMMIT')),
    ];
    expect(alone.map((o) => o.serviceMs)).toEqual(outcomes.map((o) => o.serviceMs));
    expect(alone[2].rows).toEqual([{ likes: '72' }]);
    expect(outcomes[1].serviceMs).toBeGreaterThan(outcomes[0].serviceMs);
  });

  it('stops at the first failing statement, as Postgres skips the rest', async () => {
    const outcomes = await db.executeSimple(['SELECT 1 AS one', 'SELECT nope FROM users', 'UPDATE tags SET label = $$x$$']);
    expect(outcomes).toHaveLength(2);
    expect(ok(outcomes[0]).rows).toEqual([{ one: 1 }]);
    expect(outcomes[1]).toMatchObject({ ok: false, error: { code: '42703' } });
    expect(ok(await db.execute('SELECT label FROM tags WHERE id = 1')).rows).toEqual([{ label: 'perf' }]);
  });

  it('splits a text into the statements node-postgres sends as one simple query', () => {
    expect(Database.statementsOf('SELECT 1')).toEqual(['SELECT 1']);
    expect(Database.statementsOf('SELECT 1;')).toEqual(['SELECT 1']);
    expect(Database.statementsOf('')).toEqual([]);
    expect(Database.statementsOf("INSERT INTO tags (label) VALUES ('a;b'); SELECT 2")).toEqual([
      "INSERT INTO tags (label) VALUES ('a;b')",
      'SELECT 2',
    ]);
  });
});

describe('cost model', () => {
  it('prices a primary-key lookup near 0.1 ms and a 5 000-row seq scan near 1 ms', async () => {
    const pk = ok(await db.execute(PK_LOOKUP, [42]));
    const scan = ok(await db.execute('SELECT * FROM users WHERE name = $1', ['user 42']));
    expect(pk.rows).toHaveLength(1);
    expect(scan.rows).toHaveLength(1);
    expect(pk.serviceMs).toBeGreaterThanOrEqual(0.05);
    expect(pk.serviceMs).toBeLessThanOrEqual(0.15);
    expect(scan.serviceMs).toBeGreaterThanOrEqual(0.5);
    expect(scan.serviceMs).toBeLessThanOrEqual(2);
    expect(pk.serviceMs * 5).toBeLessThan(scan.serviceMs);
  });

  it('charges returned rows', async () => {
    const few = ok(await db.execute('SELECT * FROM posts LIMIT $1', [10]));
    const many = ok(await db.execute('SELECT * FROM posts'));
    expect(many.rows).toHaveLength(10_000);
    expect(many.serviceMs - few.serviceMs).toBeGreaterThan(10_000 * COST_MODEL_DEFAULT.msPerRow * 0.9);
  });

  it('explains each distinct statement once', async () => {
    const before = db.stats().explains;
    for (let id = 100; id < 110; id++) ok(await db.execute('SELECT email FROM users WHERE id = $1', [id]));
    expect(db.stats().explains - before).toBe(1);
  });

  it('re-plans after DDL: an index turns a seq scan into an index scan', async () => {
    const sql = 'SELECT id FROM posts WHERE user_id = $1';
    const scan = ok(await db.execute(sql, [9]));
    ok(await db.execute('CREATE INDEX posts_user_id ON posts (user_id)'));
    const indexed = ok(await db.execute(sql, [9]));
    expect(indexed.cached).toBe(false);
    expect(indexed.rows).toEqual(scan.rows);
    expect(indexed.serviceMs * 5).toBeLessThan(scan.serviceMs);
    ok(await db.execute('DROP INDEX posts_user_id'));
  });
});

describe('result cache', () => {
  it('serves a repeat from the cache with the same serviceMs and rows', async () => {
    const first = ok(await db.execute(PK_LOOKUP, [77]));
    const second = ok(await db.execute(PK_LOOKUP, [77]));
    expect(first.cached).toBe(false);
    expect(second.cached).toBe(true);
    expect(second.serviceMs).toBe(first.serviceMs);
    expect(second.rows).toEqual(first.rows);
    expect(second.tables).toEqual(first.tables);
    const other = ok(await db.execute(PK_LOOKUP, [78]));
    expect(other.cached).toBe(false);
  });

  it('hands out copies: user code mutating rows cannot corrupt the cache', async () => {
    const a = ok(await db.execute(PK_LOOKUP, [80]));
    a.rows[0].name = 'mutated';
    const b = ok(await db.execute(PK_LOOKUP, [80]));
    b.rows[0].name = 'mutated again';
    (b.rows[0].created_at as Date).setTime(0);
    const c = ok(await db.execute(PK_LOOKUP, [80]));
    expect(c.cached).toBe(true);
    expect(c.rows[0].name).toBe('user 80');
    expect((c.rows[0].created_at as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
  });

  it('a write invalidates cached reads of its table, not of other tables', async () => {
    const userSql = 'SELECT name FROM users WHERE id = $1';
    const tagSql = 'SELECT label FROM tags WHERE id = $1';
    ok(await db.execute(userSql, [90]));
    ok(await db.execute(tagSql, [1]));
    expect(ok(await db.execute(userSql, [90])).cached).toBe(true);

    const update = ok(await db.execute('UPDATE users SET name = $1 WHERE id = $2', ['renamed', 90]));
    expect(update).toMatchObject({ command: 'UPDATE', rowCount: 1, isWrite: true, tables: ['users'] });

    const reread = ok(await db.execute(userSql, [90]));
    expect(reread.cached).toBe(false);
    expect(reread.rows).toEqual([{ name: 'renamed' }]);
    expect(ok(await db.execute(tagSql, [1])).cached).toBe(true);
  });

  it('a delete invalidates reads of tables its ON DELETE CASCADE reaches', async () => {
    const postsSql = 'SELECT id FROM posts WHERE user_id = $1 ORDER BY id';
    expect(ok(await db.execute(postsSql, [4999])).rows).toHaveLength(2);
    expect(ok(await db.execute(postsSql, [4999])).cached).toBe(true);
    ok(await db.execute('DELETE FROM users WHERE id = $1', [4999]));
    const after = ok(await db.execute(postsSql, [4999]));
    expect(after.cached).toBe(false);
    expect(after.rows).toEqual([]);
  });

  it('answers a cached read at once, unless a statement in flight could change it', async () => {
    const userSql = 'SELECT name FROM users WHERE id = $1';
    ok(await db.execute(userSql, [91]));
    expect(db.answerNow(userSql, [91])).toMatchObject({ ok: true, cached: true, rows: [{ name: 'user 91' }] });
    expect(db.answerNow(userSql, [92])).toBeUndefined(); // never read: PGlite must answer

    const update = db.execute('UPDATE users SET name = $1 WHERE id = $2', ['renamed', 91]);
    expect(db.answerNow(userSql, [91])).toBeUndefined();
    const reread = db.execute(userSql, [91]);
    ok(await update);
    expect(ok(await reread).rows).toEqual([{ name: 'renamed' }]);
    expect(db.answerNow(userSql, [91])).toMatchObject({ cached: true, rows: [{ name: 'renamed' }] });
  });

  it('never caches volatile or clock-reading statements', async () => {
    for (const sql of [
      'SELECT random() AS r',
      'SELECT now() AS t',
      "SELECT nextval('tags_id_seq') AS n",
      'SELECT current_timestamp AS t',
    ]) {
      ok(await db.execute(sql));
      expect([sql, ok(await db.execute(sql)).cached]).toEqual([sql, false]);
    }
  });
});

describe('a write keeps the cached reads of rows it cannot have changed', () => {
  const BY_USER = 'SELECT id, likes FROM posts WHERE user_id = $1 ORDER BY id';
  /** The same rows by another text: never in the cache when the test reads it. */
  const fresh = async (userId: number) =>
    ok(await db.execute(`SELECT id, likes FROM posts WHERE user_id = $1 ORDER BY id -- fresh ${Math.random()}`, [userId])).rows;
  const cached = async (sql: string, params: unknown[]) => ok(await db.execute(sql, params)).cached;

  it('an UPDATE keyed on the column keeps other keys and drops its own', async () => {
    await db.reset(SETUP);
    ok(await db.execute(BY_USER, [10]));
    ok(await db.execute(BY_USER, [11]));
    ok(await db.execute('UPDATE posts SET likes = $2 WHERE user_id = $1', [10, 5]));
    expect(await cached(BY_USER, [11])).toBe(true);
    const reread = ok(await db.execute(BY_USER, [10]));
    expect(reread.cached).toBe(false);
    expect(reread.rows).toEqual([
      { id: 10, likes: '5' },
      { id: 5010, likes: '5' },
    ]);
    // The same value spelt as a string is the same rows.
    ok(await db.execute('UPDATE posts SET likes = $2 WHERE user_id = $1', [' 10', 6]));
    expect(ok(await db.execute(BY_USER, [10])).rows).toEqual(await fresh(10));
  });

  it('an UPDATE that may move rows to another key drops every read of the table', async () => {
    ok(await db.execute(BY_USER, [12]));
    ok(await db.execute(BY_USER, [13]));
    ok(await db.execute('UPDATE posts SET user_id = $2 WHERE user_id = $1', [12, 13]));
    const moved = ok(await db.execute(BY_USER, [13]));
    expect(moved.cached).toBe(false);
    expect(moved.rows).toHaveLength(4);
  });

  it('a DELETE keyed on the column keeps other keys and drops its own', async () => {
    ok(await db.execute(BY_USER, [14]));
    ok(await db.execute(BY_USER, [15]));
    ok(await db.execute('DELETE FROM posts WHERE user_id = $1 AND likes > $2', [14, 0]));
    expect(await cached(BY_USER, [15])).toBe(true);
    expect(ok(await db.execute(BY_USER, [14])).rows).toEqual([]);
  });

  it('= ANY($1) keys a read or a write by every element of the array', async () => {
    const byUsers = 'SELECT id, likes FROM posts WHERE user_id = ANY($1) ORDER BY id';
    ok(await db.execute(byUsers, [[60, 61]]));
    ok(await db.execute(byUsers, [[62, 63]]));
    ok(await db.execute('UPDATE posts SET likes = $2 WHERE user_id = $1', [61, 9]));
    expect(await cached(byUsers, [[62, 63]])).toBe(true);
    const changed = ok(await db.execute(byUsers, [[60, 61]]));
    expect(changed.cached).toBe(false);
    expect(changed.rows.filter((r) => r.likes === '9')).toHaveLength(2);

    ok(await db.execute(BY_USER, [64]));
    ok(await db.execute(BY_USER, [65]));
    expect(ok(await db.execute(byUsers, [[62, 66]])).rows).toHaveLength(4);
    ok(await db.execute('DELETE FROM posts WHERE user_id = ANY($1)', [[64, 66]]));
    expect(await cached(BY_USER, [65])).toBe(true);
    expect(ok(await db.execute(BY_USER, [64])).rows).toEqual([]);
    const lastOne = ok(await db.execute(byUsers, [[62, 66]]));
    expect(lastOne.cached).toBe(false);
    expect(lastOne.rows).toHaveLength(2);
  });

  it('a write it cannot key, or a read it cannot key, drops the read', async () => {
    const total = 'SELECT sum(likes) AS s FROM posts WHERE user_id < $1';
    for (const [sql, params] of [
      ['UPDATE posts SET likes = likes + 1 WHERE user_id + 0 = $1', [20]],
      ['UPDATE posts SET likes = likes + 1 WHERE user_id = $1 OR id = $2', [20, 1]],
      ['UPDATE posts SET likes = likes + 1 WHERE user_id = $1::text::int', ['20']],
      ['UPDATE posts SET likes = likes + 1 WHERE user_id = $1', [20]],
    ] as const) {
      ok(await db.execute(BY_USER, [21]));
      ok(await db.execute(total, [25]));
      ok(await db.execute(sql, [...params]));
      const keyed = sql.endsWith('user_id = $1');
      expect([sql, await cached(BY_USER, [21])]).toEqual([sql, keyed]);
      expect([sql, await cached(total, [25])]).toEqual([sql, false]);
    }
  });

  it('a trigger that writes other rows makes every write drop every read', async () => {
    ok(
      await db.execute(`CREATE FUNCTION bump_next() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF pg_trigger_depth() < 2 THEN UPDATE posts SET likes = likes + 100 WHERE user_id = NEW.user_id + 1; END IF;
          RETURN NEW;
        END $$`),
    );
    ok(await db.execute('CREATE TRIGGER bump AFTER UPDATE ON posts FOR EACH ROW EXECUTE FUNCTION bump_next()'));
    ok(await db.execute(BY_USER, [31]));
    ok(await db.execute('UPDATE posts SET likes = $2 WHERE user_id = $1', [30, 1]));
    const next = ok(await db.execute(BY_USER, [31]));
    expect(next.cached).toBe(false);
    expect(next.rows).toEqual(await fresh(31));
    ok(await db.execute('DROP TRIGGER bump ON posts'));
    ok(await db.execute('DROP FUNCTION bump_next()'));
  });

  it('a generated column is never a key: changing what it is computed from moves rows', async () => {
    ok(await db.execute('CREATE TABLE g (id int PRIMARY KEY, a int NOT NULL, c int GENERATED ALWAYS AS (a + 1) STORED)'));
    ok(await db.execute('INSERT INTO g (id, a) VALUES (1, 4), (2, 6)'));
    const byC = 'SELECT id FROM g WHERE c = $1';
    expect(ok(await db.execute(byC, [6])).rows).toEqual([]);
    ok(await db.execute('UPDATE g SET a = 5 WHERE c = $1', [7]));
    expect(ok(await db.execute(byC, [6])).rows).toEqual([{ id: 2 }]);
    ok(await db.execute('DROP TABLE g'));
  });

  it('DDL and ANALYZE drop every cached read', async () => {
    for (const sql of ['ANALYZE posts', 'ALTER TABLE posts ADD COLUMN extra int', 'ALTER TABLE posts DROP COLUMN extra']) {
      ok(await db.execute(BY_USER, [50]));
      expect(await cached(BY_USER, [50])).toBe(true);
      ok(await db.execute(sql));
      expect([sql, await cached(BY_USER, [50])]).toEqual([sql, false]);
    }
  });

  it('a write between BEGIN and ROLLBACK drops what it wrote, as the database keeps it', async () => {
    ok(await db.execute(BY_USER, [40]));
    ok(await db.execute(BY_USER, [41]));
    ok(await db.execute('BEGIN'));
    ok(await db.execute('UPDATE posts SET likes = $2 WHERE user_id = $1', [40, 7]));
    ok(await db.execute('ROLLBACK'));
    const after = ok(await db.execute(BY_USER, [40]));
    expect(after.cached).toBe(false);
    expect(after.rows).toEqual(await fresh(40));
    expect(await cached(BY_USER, [41])).toBe(true);
  });
});

describe('reset and determinism', () => {
  /** A fixed mix of reads, writes, errors and transaction control. */
  async function script(): Promise<unknown[]> {
    const out: unknown[] = [];
    const run = async (sql: string, params: unknown[] = []) => {
      const o = await db.execute(sql, params);
      // Not `cached`: a reset to the same setup may keep valid cache entries (tested below).
      out.push(o.ok ? [o.serviceMs, o.rows] : [o.serviceMs, o.error.code]);
    };
    for (let i = 1; i <= 20; i++) await run(PK_LOOKUP, [((i * 37) % 50) + 1]);
    await run('SELECT * FROM users WHERE name = $1', ['user 3']);
    await run('BEGIN');
    await run('INSERT INTO posts (user_id, title) VALUES ($1, $2) RETURNING id', [3, 'new']);
    await run('COMMIT');
    await run('SELECT count(*) FROM posts WHERE user_id = $1', [3]);
    await run('SELECT round((random() * 1000)::numeric) AS r');
    await run('SELEC');
    return out;
  }

  it('gives byte-identical outcomes for the same statements after a reset', async () => {
    await db.reset(SETUP);
    const first = await script();
    await db.reset(SETUP);
    const second = await script();
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('a reset to the same setup keeps cached reads of tables the run did not write, and only those', async () => {
    await db.reset(SETUP);
    ok(await db.execute(PK_LOOKUP, [42]));
    ok(await db.execute('SELECT count(*) FROM posts WHERE user_id = $1', [42]));
    ok(await db.execute('INSERT INTO posts (user_id, title) VALUES ($1, $2)', [42, 'extra']));
    ok(await db.execute('SELECT count(*) FROM posts WHERE user_id = $1', [42]));
    await db.reset(SETUP);
    expect(ok(await db.execute(PK_LOOKUP, [42])).cached).toBe(true);
    const posts = ok(await db.execute('SELECT count(*) FROM posts WHERE user_id = $1', [42]));
    expect(posts.cached).toBe(false);
    expect(posts.rows[0].count).toBe('2'); // the setup's state, not the run's write
    // A run with no writes leaves the database as set up: the next reset is nearly free.
    await db.reset(SETUP);
    expect(ok(await db.execute('SELECT count(*) FROM posts WHERE user_id = $1', [42])).cached).toBe(true);
  });

  it('prices a statement the same whatever parameters it first ran with, in this run or an earlier one', async () => {
    const sql = 'SELECT * FROM users WHERE id = ANY($1)';
    const many = Array.from({ length: 200 }, (_, i) => i + 1);
    await db.reset(SETUP);
    await db.execute(sql, [[1]]);
    const afterOne = ok(await db.execute(sql, [many])).serviceMs;
    await db.reset(`${SETUP} -- another setup, so every cache starts empty`);
    const fresh = ok(await db.execute(sql, [many])).serviceMs;
    expect(afterOne).toBe(fresh);
  });

  it('gives identical statistics on tables bigger than ANALYZE’s default sample', async () => {
    // Default ANALYZE samples 30 000 rows with a clock-seeded generator: estimates would drift.
    const big = `CREATE TABLE big (k int NOT NULL);
      INSERT INTO big SELECT ((g::bigint * 7919 + g::bigint * g) % 997)::int FROM generate_series(1, 60000) g;`;
    const explain = 'EXPLAIN (FORMAT JSON) SELECT k FROM big WHERE k < $1 ORDER BY k';
    const plans: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      await db.reset(big);
      plans.push(ok(await db.execute(explain, [20])).rows);
    }
    expect(plans[1]).toEqual(plans[0]);
    expect(plans[2]).toEqual(plans[0]);
  });

  it('rejects a failing setup, and the next reset works', async () => {
    await expect(db.reset('CREATE TABL nope (id int)')).rejects.toThrow(/setup SQL failed: syntax error/);
    await expect(db.reset('BEGIN; CREATE TABLE t (id int);')).rejects.toThrow(/transaction open/);
    await db.reset(SETUP);
    expect(ok(await db.execute(PK_LOOKUP, [1])).rows[0].name).toBe('user 1');
  });
});

describe('statements from checks and other writers (readForCheck)', () => {
  it('a check reads what the service wrote, and shares the result cache with it', async () => {
    ok(await db.execute('UPDATE tags SET label = $2 WHERE id = $1', [1, 'latency']));
    const q = 'SELECT label FROM tags WHERE id = $1';
    const read = ok(await db.readForCheck(q, [1]));
    expect(read.rows).toEqual([{ label: 'latency' }]);
    // The service's read of the same text is answered from the cache, rows and price alike.
    const service = db.answerNow(q, [1]);
    expect(service && ok(service)).toMatchObject({ rows: [{ label: 'latency' }], serviceMs: read.serviceMs });
    ok(await db.execute('UPDATE tags SET label = $2 WHERE id = $1', [1, 'perf']));
  });

  it('sees each write the service makes, read after read', async () => {
    for (const likes of [1, 2, 3]) {
      ok(await db.execute('UPDATE posts SET likes = $2 WHERE id = $1', [7, likes]));
      expect(ok(await db.readForCheck('SELECT likes FROM posts WHERE id = $1', [7])).rows).toEqual([{ likes: String(likes) }]);
    }
  });

  it("a write through it takes the service's path: cached reads of its table are invalidated", async () => {
    const q = 'SELECT label FROM tags WHERE id = $1';
    ok(await db.execute(q, [2]));
    expect(db.answerNow(q, [2])).toBeDefined();
    ok(await db.readForCheck('UPDATE tags SET label = $2 WHERE id = $1', [2, 'database']));
    expect(db.answerNow(q, [2])).toBeUndefined();
    expect(ok(await db.execute(q, [2])).rows).toEqual([{ label: 'database' }]);
    ok(await db.readForCheck('UPDATE tags SET label = $2 WHERE id = $1', [2, 'db']));
  });

  it('reports a failing check statement like any other', async () => {
    const o = await db.readForCheck('SELECT nope FROM tags');
    expect(o.ok).toBe(false);
    expect(ok(await db.readForCheck('SELECT count(*)::int AS n FROM tags')).rows).toEqual([{ n: 3 }]);
  });
});
