/**
 * ALT: the hashing moved to worker threads, the textbook fix for CPU-bound work in Node. The
 * file is its own worker: on a worker thread it answers hash requests with pbkdf2Sync, which
 * now blocks only that worker; on the main thread a small pool of workers (one per core but
 * the main thread's) takes requests in turn and the handler awaits the answer.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

/** pbkdf2 parameters password_hash was created with at sign-up. */
const PBKDF2_ITERATIONS = 100_000;
const PBKDF2_KEYLEN = 32;
const PBKDF2_DIGEST = 'sha256';
const SESSION_TTL_HOURS = 12;

interface HashRequest {
  id: number;
  password: string;
  saltHex: string;
}

interface HashReply {
  id: number;
  hashHex: string;
}

if (!isMainThread) {
  parentPort?.on('message', ({ id, password, saltHex }: HashRequest) => {
    const key = pbkdf2Sync(password, Buffer.from(saltHex, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);
    parentPort?.postMessage({ id, hashHex: key.toString('hex') } satisfies HashReply);
  });
}

/** Hash workers, each taking requests in turn; a reply settles the request with its id. */
class HashWorkers {
  private readonly workers: Worker[] = [];
  private readonly waiting = new Map<number, (hashHex: string) => void>();
  private nextId = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL(import.meta.url));
      worker.on('message', ({ id, hashHex }: HashReply) => {
        this.waiting.get(id)?.(hashHex);
        this.waiting.delete(id);
      });
      worker.on('error', (err) => console.error('hash worker failed', err));
      this.workers.push(worker);
    }
  }

  hash(password: string, saltHex: string): Promise<string> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.workers[id % this.workers.length].postMessage({ id, password, saltHex } satisfies HashRequest);
    });
  }
}

const pool = isMainThread ? new Pool({ max: 10 }) : undefined;
const hashWorkers = isMainThread ? new HashWorkers(Math.max(1, availableParallelism() - 1)) : undefined;

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
  const actual = Buffer.from(await hashWorkers!.hash(password, user.salt), 'hex');
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
