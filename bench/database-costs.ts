/**
 * What the database layer costs in wall time, printed for comparison between commits (no
 * target): a primary-key query PGlite really runs, the same query answered from the result
 * cache, and copying result rows for the service with copyRows against structuredClone. Moved
 * here from the database unit test, where it was printed on every `npm test`.
 */
import { Database, type QueryOutcome, type QuerySuccess } from '../runner/runtime/remote/database/database.ts';
import { copyRows } from '../runner/runtime/remote/database/row-copy.ts';

/** 5 000 users with two posts each: enough rows for a 1 000-row join. */
const SETUP = `
  CREATE TABLE users (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE NOT NULL,
                      created_at timestamp NOT NULL DEFAULT '2024-01-02 03:04:05');
  CREATE TABLE posts (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id) ON DELETE CASCADE,
                      title text NOT NULL, likes bigint NOT NULL DEFAULT 0);
  INSERT INTO users (name, email) SELECT 'user ' || g, 'u' || g || '@example.com' FROM generate_series(1, 5000) g;
  INSERT INTO posts (user_id, title, likes) SELECT 1 + (g - 1) % 5000, 'post ' || g, g * 10 FROM generate_series(1, 10000) g;
`;
const PK_LOOKUP = 'SELECT * FROM users WHERE id = $1';
const QUERIES = 300;
const COPIES = 200;

function ok(o: QueryOutcome): QuerySuccess {
  if (!o.ok) throw new Error(`bench query failed: ${o.error.code}: ${o.error.message}`);
  return o;
}

function copyUs(rows: Record<string, unknown>[], copy: (r: Record<string, unknown>[]) => unknown): number {
  const start = performance.now();
  for (let i = 0; i < COPIES; i++) copy(rows);
  return ((performance.now() - start) / COPIES) * 1000;
}

/** One line: µs per uncached query, per cached hit, and per copy of 20 and of 1 000 rows. */
export async function benchDatabaseCosts(): Promise<string> {
  const db = await Database.create({ setupSql: SETUP });
  try {
    let t = performance.now();
    for (let i = 0; i < QUERIES; i++) ok(await db.execute(PK_LOOKUP, [1000 + i]));
    const missUs = ((performance.now() - t) / QUERIES) * 1000;
    t = performance.now();
    for (let i = 0; i < QUERIES; i++) ok(await db.execute(PK_LOOKUP, [1000 + i]));
    const hitUs = ((performance.now() - t) / QUERIES) * 1000;
    const wide = ok(await db.execute('SELECT p.*, u.name, u.created_at FROM posts p JOIN users u ON u.id = p.user_id LIMIT 1000')).rows;
    const rows20 = wide.slice(0, 20);
    return (
      `database: uncached PK query ${missUs.toFixed(0)} µs, cached hit ${hitUs.toFixed(1)} µs; ` +
      `copy 20 rows: copyRows ${copyUs(rows20, copyRows).toFixed(1)} µs vs structuredClone ${copyUs(rows20, structuredClone).toFixed(1)} µs; ` +
      `1000 rows: copyRows ${copyUs(wide, copyRows).toFixed(0)} µs vs structuredClone ${copyUs(wide, structuredClone).toFixed(0)} µs`
    );
  } finally {
    await db.close();
  }
}
