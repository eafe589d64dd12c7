/**
 * ALT: the hashing on a piscina pool of worker threads. The file is also the workers' code:
 * piscina runs its exported `hashPassword` on a worker for each task, and the handler awaits
 * the result while the main thread serves other requests.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import Piscina from 'piscina';

/** pbkdf2 parameters password_hash was created with at sign-up. */
const PBKDF2_ITERATIONS = 100_000;
const PBKDF2_KEYLEN = 32;
const PBKDF2_DIGEST = 'sha256';
const SESSION_TTL_HOURS = 12;

/** Runs on a worker thread: the derivation blocks that worker, not the event loop. */
export function hashPassword({ password, saltHex }: { password: string; saltHex: string }): string {
  return pbkdf2Sync(password, Buffer.from(saltHex, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST).toString('hex');
}

const pool = Piscina.isWorkerThread ? undefined : new Pool({ max: 10 });
// Two workers always ready, so a burst of logins never waits for a thread to start.
const hashers = Piscina.isWorkerThread
  ? undefined
  : new Piscina({ filename: new URL(import.meta.url).href, name: 'hashPassword', minThreads: 2, idleTimeout: 30_000 });

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
  const actual = Buffer.from((await hashers!.run({ password, saltHex: user.salt })) as string, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

async function createSession(userId: number): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await pool!.query(
    `INSERT INTO sessions (token, user_id, expires_at)
     VALUES ($1, $2, now() + make_interval(hours => $3))`,
    [token, userId, SESSION_TTL_HOURS],
  );
  return token;
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/products/:id', async (req: FastifyRequest<{ id: string }>, reply: FastifyReply) => {
    const { rows } = await pool!.query(
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

    const { rows } = await pool!.query<UserRow>(
      'SELECT id, salt, password_hash FROM users WHERE email = $1',
      [email.toLowerCase()],
    );
    const user = rows[0];
    if (!user || !(await verifyPassword(password, user))) {
      return reply.code(401).send({ error: 'invalid email or password' });
    }

    const token = await createSession(user.id);
    return { token, userId: user.id };
  });
}
