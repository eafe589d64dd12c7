/**
 * WRONG: caches successful verifications for ten minutes, keyed by a fast sha256 of the user
 * and password, and keeps pbkdf2Sync for the rest.
 *
 * Logins are mostly first logins: a user signs in once and then holds a session, so the hit
 * rate is low (about a quarter of logins here) and the misses still block the event loop for
 * 30 ms each. It is also a security regression: the cache is a table of unsalted, fast
 * password hashes in memory, exactly what the slow KDF exists to avoid. The derivation check
 * names every hit: answered from an earlier verification, with no key derived for it.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { createHash, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

const pool = new Pool({ max: 10 });
/** Recently verified logins: sha256(email, password) -> expiry. */
const verified = new Map<string, number>();
const VERIFIED_TTL_MS = 10 * 60_000;

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
  const key = createHash('sha256').update(`${user.id}:${password}`).digest('hex');
  if ((verified.get(key) ?? 0) > Date.now()) return true;
  const expected = Buffer.from(user.password_hash, 'hex');
  const actual = pbkdf2Sync(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok) verified.set(key, Date.now() + VERIFIED_TTL_MS);
  return ok;
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
