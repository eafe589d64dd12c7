/**
 * WRONG: raises the pg pool from 10 to 50 clients, because the pool graph shows every client
 * checked out and requests queueing for one.
 *
 * The pool is a symptom. A client goes back to the pool only when the main thread gets to
 * the query's result, and the main thread is busy hashing passwords for 600 ms of every
 * second. Postgres answers in a fraction of a millisecond; the results then sit in the event
 * loop's queue behind 30 ms hashes. More clients let more results wait in that queue, and
 * cost Postgres memory and backends, but the thread that must process them is the same one.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const pool = new Pool({ max: 50 });

/** pbkdf2 parameters password_hash was created with at sign-up. */
const PBKDF2_ITERATIONS = 100_000;
const PBKDF2_KEYLEN = 32;
const PBKDF2_DIGEST = 'sha256';
const SESSION_TTL_HOURS = 12;

interface UserRow {
  id: number;
  salt: string;
  password_hash: string;
}

interface LoginBody {
  email?: string;
  password?: string;
}

function verifyPassword(password: string, user: UserRow): boolean {
  const expected = Buffer.from(user.password_hash, 'hex');
  const actual = pbkdf2Sync(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function createSession(userId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool.query(
    `INSERT INTO sessions (token, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [token, userId, SESSION_TTL_HOURS],
  );
  return token;
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/products/:id', async (req: FastifyRequest<{ id: string }>, reply: FastifyReply) => {
    const { rows } = await pool.query(
      'SELECT id, sku, name, price_cents, stock FROM products WHERE id = $1',
      [Number(req.params.id)],
    );
    if (rows.length === 0) return reply.code(404).send({ error: 'product not found' });
    return rows[0];
  });

  app.post('/api/login', async (req: FastifyRequest<unknown, unknown, LoginBody>, reply: FastifyReply) => {
    const { email, password } = req.body ?? {};
    if (typeof email !== 'string' || typeof password !== 'string') {
      return reply.code(400).send({ error: 'email and password are required' });
    }

    const { rows } = await pool.query<UserRow>(
      'SELECT id, salt, password_hash FROM users WHERE email = $1',
      [email.toLowerCase()],
    );
    const user = rows[0];
    if (!user || !verifyPassword(password, user)) {
      return reply.code(401).send({ error: 'invalid email or password' });
    }

    const token = await createSession(user.id);
    return { token, userId: user.id };
  });
}
