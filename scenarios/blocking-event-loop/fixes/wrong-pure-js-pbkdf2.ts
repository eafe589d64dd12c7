/**
 * WRONG: replaces pbkdf2Sync with PBKDF2 written in plain JavaScript, "so the native call no
 * longer blocks the event loop".
 *
 * What blocked the loop was never the native call but the work: 100 000 HMAC-SHA256 rounds,
 * two SHA-256 compressions each. Written in JavaScript they still run on the only main
 * thread, between two turns of the loop, and they run slower than OpenSSL's (this one takes
 * 100 to 200 ms a login in plain Node, and the lab meters it at about 90 ms, against
 * pbkdf2Sync's 30 ms). Twenty logins a second need nearly two seconds of main-thread time a
 * second: every request, product lookups included, waits behind the hashing and the loop
 * delay grows for the whole run. The work has to leave the main thread (crypto.pbkdf2 on the
 * thread pool, see solution.ts), not change language.
 *
 * The hashes on file are real RFC 8018 keys, so this PBKDF2 accepts exactly the right
 * passwords: what fails is the time. The derivation check fails it too: the lab sees the keys
 * node:crypto and crypto.subtle derive, and a PBKDF2 of the service's own is code it cannot
 * tell from a table of passwords (nor would a security review pass hand-rolled crypto). Plain JS really runs here, so the lab cannot simulate
 * this faster than real time; the run ends as soon as an SLO can no longer be met, a couple
 * of simulated seconds in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import { randomBytes, timingSafeEqual } from 'node:crypto';

const pool = new Pool({ max: 10 });

/** pbkdf2 parameters password_hash was created with at sign-up. */
const PBKDF2_ITERATIONS = 100_000;
const PBKDF2_KEYLEN = 32;
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

/** SHA-256 round constants (FIPS 180-4 §4.2.2). */
const K = Int32Array.from([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
  0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
  0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
  0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
  0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
  0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = Int32Array.from([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);

/** One SHA-256 compression of the 16-word `block` into `state`. */
function compress(state: Int32Array, block: Int32Array): void {
  for (let i = 0; i < 16; i++) W[i] = block[i];
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = state[0], b = state[1], c = state[2], d = state[3], e = state[4], f = state[5], g = state[6], h = state[7];
  for (let i = 0; i < 64; i++) {
    const t1 = (h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const t2 = ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  state[0] += a; state[1] += b; state[2] += c; state[3] += d; state[4] += e; state[5] += f; state[6] += g; state[7] += h;
}

/** The state after one 64-byte block of `key` XOR `pad` (HMAC's inner or outer key). */
function padState(key: Uint8Array, pad: number): Int32Array {
  const block = new Int32Array(16);
  for (let i = 0; i < 64; i++) block[i >> 2] |= ((key[i] ?? 0) ^ pad) << (24 - 8 * (i & 3));
  const state = IV.slice();
  compress(state, block);
  return state;
}

/** PBKDF2-HMAC-SHA256 (RFC 8018), one 32-byte block, for a password of up to 64 bytes. */
function pbkdf2Sha256(password: Uint8Array, salt: Uint8Array, iterations: number): Uint8Array {
  const inner = padState(password, 0x36);
  const outer = padState(password, 0x5c);
  const state = new Int32Array(8);
  const block = new Int32Array(16);
  // U1 = HMAC(password, salt || INT(1)); salt + 4 bytes fit one block after the key's.
  const first = new Uint8Array(64);
  first.set(salt);
  first[salt.length + 3] = 1;
  first[salt.length + 4] = 0x80;
  const bits = (64 + salt.length + 4) * 8;
  first[62] = bits >>> 8;
  first[63] = bits & 0xff;
  for (let i = 0; i < 16; i++) block[i] = (first[4 * i] << 24) | (first[4 * i + 1] << 16) | (first[4 * i + 2] << 8) | first[4 * i + 3];
  const u = new Int32Array(8);
  const t = new Int32Array(8);
  for (let i = 1; i <= iterations; i++) {
    if (i > 1) {
      // Ui = HMAC(password, Ui-1): 32 bytes after the key's block, one padded block.
      block.fill(0);
      block.set(u);
      block[8] = 0x80000000;
      block[15] = (64 + 32) * 8;
    }
    state.set(inner);
    compress(state, block);
    block.fill(0);
    block.set(state);
    block[8] = 0x80000000;
    block[15] = (64 + 32) * 8;
    u.set(outer);
    compress(u, block);
    for (let j = 0; j < 8; j++) t[j] ^= u[j];
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[4 * i] = t[i] >>> 24;
    out[4 * i + 1] = t[i] >>> 16;
    out[4 * i + 2] = t[i] >>> 8;
    out[4 * i + 3] = t[i];
  }
  return out;
}

function verifyPassword(password: string, user: UserRow): boolean {
  const expected = Buffer.from(user.password_hash, 'hex');
  const key = pbkdf2Sha256(Buffer.from(password, 'utf8'), Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS);
  const actual = Buffer.from(key.subarray(0, PBKDF2_KEYLEN));
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
