/**
 * WRONG (skips the work): "optimistic login". It issues the session before the password is
 * checked, verifies in the background on the thread pool, and deletes the session if the
 * password was wrong.
 *
 * Fast, and the event loop stays free, but the answer is not checked: a wrong password gets
 * 200 and a working token for ~30 ms (longer when the pool is busy), which is all a script
 * needs to call one endpoint with it. The functional check sends wrong passwords and
 * expects 401.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';

const pool = new Pool({ max: 10 });
const pbkdf2Async = promisify(pbkdf2);

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

async function verifyPassword(password: string, user: UserRow): Promise<boolean> {
  const expected = Buffer.from(user.password_hash, 'hex');
  const actual = await pbkdf2Async(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);
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
    if (!user) return reply.code(401).send({ error: 'invalid email or password' });

    // Answer at once; the hash is checked in the background and a bad session revoked.
    const token = await createSession(user.id);
    verifyPassword(password, user)
      .then((ok) => (ok ? undefined : pool.query('DELETE FROM sessions WHERE token = $1', [token])))
      .catch((err) => app.log.error(err));
    return { token, userId: user.id };
  });
}
