/**
 * A storefront API in one Node process: product lookups (cheap, high volume) and logins
 * (pbkdf2-sha256, 100 000 iterations: ≈ 30 ms of CPU each). The stored password hashes are
 * the real RFC 8018 keys, precomputed (password-hashes.ts, from users.ts) and declared to the
 * lab's crypto, so the right password verifies whether the service derives with node:crypto
 * or in its own JavaScript, and a service that changes the parameters (fewer iterations,
 * another digest) stops accepting the right passwords. About one login in twenty sends a
 * wrong password of a kind real traffic has (another user's, a common one, the right one in
 * another case, with a typo, or cut short), so only the stored hash can tell the right
 * password from a wrong one. The passwords come from a fixed seed any reader can replay, so
 * the checks also ask the lab's crypto whether each answer waited for the key of the password
 * sent (verifyDerived): a table of passwords or of verdicts answers right without the work.
 */
import {
  defineScenario,
  derivationIndex,
  readOnce,
  whenRead,
  type CheckDb,
  type Exchange,
  type PrecomputedPbkdf2,
  type Prng,
} from '../../runner/scenario/index.ts';
import { PASSWORD_HASHES } from './password-hashes.ts';
import {
  ACTIVE_USERS,
  activeUserCredentials,
  credentialsDigest,
  FIRST,
  hex,
  KDF,
  LAST,
  USERS,
  WORDS,
  type UserCredentials,
} from './users.ts';

/** Catalogue size; views follow a long tail (see the load). */
const PRODUCTS = 2000;
/** Share of login attempts with a wrong password: they must get 401. */
const TYPO_RATE = 0.05;
/**
 * Passwords people try that are nobody's here, from the top of breach lists. None has the
 * shape of the passwords on file (`word-word-NNNN`), which are random.
 */
const COMMON_PASSWORDS = [
  'password123',
  'letmein',
  'qwerty',
  '123456',
  'iloveyou',
  'welcome1',
  'Password1!',
  'admin',
  'monkey',
  'sunshine',
  'football',
  'abc123',
];

const sqlArray = (xs: readonly string[]): string => `(ARRAY[${xs.map((x) => `'${x}'`).join(', ')}])`;
/** users.ts `emailOf` in SQL (for the table). */
const EMAIL_SQL = `${sqlArray(FIRST)}[1 + id % ${FIRST.length}] || '.' || ${sqlArray(LAST)}[1 + (id * 7) % ${LAST.length}] || id || '@example.com'`;

interface ActiveUser extends UserCredentials {
  /** The real PBKDF2 key stored for the user (password-hashes.ts). */
  hashHex: string;
}

/** The active users with their stored hashes; a hash file made from other inputs is refused. */
function activeUsers(): ActiveUser[] {
  const credentials = activeUserCredentials();
  if (PASSWORD_HASHES.credentialsSha256 !== credentialsDigest(credentials) || PASSWORD_HASHES.keysHex.length !== ACTIVE_USERS) {
    throw new Error('password-hashes.ts was made from other users: run scenarios/blocking-event-loop/make-password-hashes.ts');
  }
  return credentials.map((u, i) => ({ ...u, hashHex: PASSWORD_HASHES.keysHex[i] }));
}

/**
 * The active users, by email, the setup SQL that stores their hashes and the same hashes as
 * the lab's crypto is told of them: built on first use (2000 users), so that merely loading
 * the scenario, as the lab does for all of them, stays cheap.
 */
let derived: { active: ActiveUser[]; byEmail: Map<string, ActiveUser>; setupSql: string; precomputed: PrecomputedPbkdf2[] } | undefined;

function users(): NonNullable<typeof derived> {
  if (!derived) {
    const active = activeUsers();
    derived = {
      active,
      byEmail: new Map(active.map((u) => [u.email, u])),
      setupSql: setupSqlFor(active),
      precomputed: active.map((u) => ({
        password: u.password,
        saltHex: u.saltHex,
        iterations: KDF.iterations,
        digest: KDF.digest,
        keyHex: u.hashHex,
      })),
    };
  }
  return derived;
}

const setupSqlFor = (active: readonly ActiveUser[]) => `
CREATE TABLE users (
  id            integer PRIMARY KEY,
  email         text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  salt          text NOT NULL,
  password_hash text NOT NULL,
  created_at    timestamptz NOT NULL
);
-- Users beyond the active ones keep hashes of passwords nobody in the load knows.
INSERT INTO users (id, email, display_name, salt, password_hash, created_at)
SELECT id, ${EMAIL_SQL},
       initcap(${sqlArray(FIRST)}[1 + id % ${FIRST.length}]) || ' ' || initcap(${sqlArray(LAST)}[1 + (id * 7) % ${LAST.length}]),
       coalesce(a.salt, substr(md5('salt:' || id), 1, 32)),
       coalesce(a.password_hash, encode(sha256(convert_to('retired:' || id, 'UTF8')), 'hex')),
       timestamptz '2021-01-01' + (id * interval '5 hours')
FROM generate_series(1, ${USERS}) AS id
LEFT JOIN (VALUES
${active.map((u) => `  (${u.id}, '${u.saltHex}', '${u.hashHex}')`).join(',\n')}
) AS a(user_id, salt, password_hash) ON a.user_id = id;

CREATE TABLE sessions (
  token      text PRIMARY KEY,
  user_id    integer NOT NULL REFERENCES users(id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX sessions_user_id_idx ON sessions (user_id);

CREATE TABLE products (
  id          integer PRIMARY KEY,
  sku         text NOT NULL UNIQUE,
  name        text NOT NULL,
  price_cents integer NOT NULL,
  stock       integer NOT NULL,
  category    text NOT NULL
);
INSERT INTO products (id, sku, name, price_cents, stock, category)
SELECT id,
       'SKU-' || lpad(id::text, 6, '0'),
       initcap(${sqlArray(WORDS)}[1 + id % ${WORDS.length}]) || ' ' ||
         (ARRAY['mug', 'lamp', 'backpack', 'notebook', 'scarf', 'kettle', 'headphones', 'poster'])[1 + (id / 16) % 8],
       499 + (id * 37) % 20000,
       (id * 13) % 250,
       (ARRAY['home', 'kitchen', 'travel', 'stationery', 'audio'])[1 + id % 5]
FROM generate_series(1, ${PRODUCTS}) AS id;
`;

interface ProductRow {
  id: number;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
}

/**
 * The products table of a run, read once at the first lookup. Exact: only the setup writes
 * products (no route of this API changes one, and the load sends only lookups and logins), so
 * the table read once is the table at every instant of the run, and a lookup compared with it
 * is compared with the database.
 */
const productsAsStored = readOnce(async (db) => {
  const { rows } = await db.query<ProductRow>('SELECT id, sku, name, price_cents, stock FROM products');
  return new Map(rows.map((r) => [r.id, r]));
});

function verifyProduct(ex: Exchange, products: Map<number, ProductRow>): string | undefined {
  const id = Number(ex.request.path.split('/').pop());
  const want = products.get(id);
  if (ex.status !== 200) return `status ${ex.status}, expected 200`;
  if (!want) return `product ${id} is not in the database but was answered 200`;
  const got = ex.body as Partial<ProductRow>;
  for (const k of ['id', 'sku', 'name', 'price_cents', 'stock'] as const) {
    if (got?.[k] !== want[k]) return `${k} is ${JSON.stringify(got?.[k])}, the database has ${JSON.stringify(want[k])}`;
  }
  return undefined;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/**
 * A wrong password of a kind real traffic has, for `user`. Other users' passwords and typos
 * keep the shape of the right one, so only the stored hash can tell them apart; a login that
 * judges a password by its shape, its length, its words or the user's existence lets them in.
 */
function wrongPassword(rng: Prng, user: ActiveUser, active: readonly ActiveUser[]): string {
  const right = user.password;
  const kind = rng.next();
  if (kind < 0.3) {
    // Another user's password (a shared computer, a password manager's wrong entry).
    const other = active[(user.id + Math.floor(rng.next() * (active.length - 1))) % active.length];
    return other.password;
  }
  if (kind < 0.45) return COMMON_PASSWORDS[Math.floor(rng.next() * COMMON_PASSWORDS.length)];
  if (kind < 0.6) {
    // Caps lock, a phone's capital first letter, or one letter in the other case.
    const how = rng.next();
    if (how < 1 / 3) return right.toUpperCase();
    if (how < 2 / 3) return right[0].toUpperCase() + right.slice(1);
    const letters = [...right].flatMap((c, i) => (LETTERS.includes(c) ? [i] : []));
    const i = letters[Math.floor(rng.next() * letters.length)];
    return right.slice(0, i) + right[i].toUpperCase() + right.slice(i + 1);
  }
  if (kind < 0.85) {
    // A typo anywhere: one letter or digit replaced by another of its class, so the password
    // keeps its shape and its length.
    const positions = [...right].flatMap((c, i) => (LETTERS.includes(c) || DIGITS.includes(c) ? [i] : []));
    const i = positions[Math.floor(rng.next() * positions.length)];
    const alphabet = LETTERS.includes(right[i]) ? LETTERS : DIGITS;
    const c = alphabet[(alphabet.indexOf(right[i]) + 1 + Math.floor(rng.next() * (alphabet.length - 1))) % alphabet.length];
    return right.slice(0, i) + c + right.slice(i + 1);
  }
  // Enter pressed one key too soon.
  return right.slice(0, -1);
}

/** What kind of wrong password `password` is for `user`, for the check's message. */
function kindOfWrong(password: string, user: ActiveUser, active: readonly ActiveUser[]): string {
  const right = user.password;
  if (COMMON_PASSWORDS.includes(password)) return 'a common password';
  if (active.some((u) => u.password === password)) return "another user's password";
  if (password.toLowerCase() === right.toLowerCase()) return 'the right one in another case';
  if (password.length === right.length) return 'the right one with a typo';
  if (right.startsWith(password)) return 'the right one cut short';
  return 'not the right one';
}

/** Digests at least as costly per iteration as the stored one. */
const DIGESTS_AS_STRONG = new Set(['sha256', 'sha384', 'sha512']);

/**
 * When each PBKDF2 at least as strong as the stored one ended, by password (hex): the lab's
 * record of what the service's crypto really derived, on any thread. A key as long as the
 * stored hash: a 0-byte key takes no work at any iteration count (OpenSSL derives no block),
 * so it proves nothing. Any salt: a service that
 * upgrades a hash at login (a new salt, more iterations) derives with the new one next time.
 */
const derivedAt = derivationIndex((d) =>
  d.algorithm === 'pbkdf2' && DIGESTS_AS_STRONG.has(d.digest ?? '') && (d.iterations ?? 0) >= KDF.iterations && d.keylen >= KDF.keylen
    ? [d.passwordHex, d.endMs]
    : undefined,
);
const utf8 = new TextEncoder();

/**
 * A login answered 200 or 401 for a user on file must have waited for the key of the password
 * sent: a PBKDF2 of it, at least as strong as the stored one, that ended while the request
 * was open. Passwords here come from a fixed seed, so a service could carry a table of them
 * (or of their hashes) and answer right without hashing; no production service can, and this
 * check is what tells the two apart. A key derived for an earlier request (a cache of verified
 * logins), a cheaper one, or one still running when the answer was sent does not count.
 */
function verifyDerived(ex: Exchange, db: CheckDb): string | undefined {
  if (ex.status !== 200 && ex.status !== 401) return undefined; // any other status already fails
  const { email, password } = ex.request.body as { email: string; password: string };
  if (!users().byEmail.has(email)) return undefined; // the first check names it
  const ends = derivedAt(db, hex(utf8.encode(password)));
  if (ends.some((t) => t >= ex.startMs && t <= ex.endMs)) return undefined;
  const what = `answered ${ex.status} for ${email}`;
  const kdf = `PBKDF2 of the password sent (${KDF.digest} or stronger, at least ${KDF.iterations} iterations, a ${KDF.keylen}-byte key or longer, in node:crypto or crypto.subtle)`;
  // Checked as the answer arrives: a derivation still running then is not in the ledger yet.
  if (ends.some((t) => t < ex.startMs))
    return `${what} with no ${kdf} during the request, only earlier ones: a remembered verification, not a derived key`;
  return `${what} before any ${kdf} had ended: a login that waits for no key cannot know whether the password is right`;
}

export default defineScenario({
  platform: {
    database: {
      get setupSql() {
        return users().setupSql;
      },
    },
    crypto: {
      get precomputedPbkdf2() {
        return users().precomputed;
      },
    },
  },
  load: {
    durationMs: 60_000,
    arrivals: { kind: 'constant', ratePerSec: 170 },
    mix: [
      {
        route: 'GET /api/products/:id',
        weight: 150,
        // A long tail: product k is viewed about 1/k as often as the best seller.
        build: (rng) => ({ method: 'GET', path: `/api/products/${Math.floor(PRODUCTS ** rng.next())}` }),
      },
      {
        route: 'POST /api/login',
        weight: 20,
        build: (rng) => {
          const { active } = users();
          const user = active[Math.floor(rng.next() * active.length)];
          const wrong = rng.next() < TYPO_RATE;
          return {
            method: 'POST',
            path: '/api/login',
            headers: { 'content-type': 'application/json' },
            body: { email: user.email, password: wrong ? wrongPassword(rng, user, active) : user.password },
          };
        },
        // A 401 to a wrong password is the right answer; the login check makes sure each 401
        // went to a wrong password and each 200 to a right one.
        expectedStatuses: [200, 401],
      },
    ],
    clientTimeoutMs: 5000,
    loadScale: { min: 1, max: 2 },
  },
  slos: [
    { metric: 'http_req_duration{route:GET /api/products/:id}', threshold: 'p(99)<25', label: 'Product lookups: p99 under 25 ms' },
    { metric: 'http_req_duration{route:POST /api/login}', threshold: 'p(99)<120', label: 'Logins: p99 under 120 ms' },
    { metric: 'http_reqs{route:GET /api/products/:id}', threshold: 'rate>140', label: 'Product lookups served: at least 140 per second' },
    { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'Under 1% of requests fail' },
    { metric: 'eventloop_delay', threshold: 'p(99)<20', label: 'Event-loop delay: p99 under 20 ms' },
  ],
  checks: [
    {
      name: 'login answers 200 with a token to the right password and 401 to a wrong one',
      route: 'POST /api/login',
      verify: (ex) => {
        const { email, password } = ex.request.body as { email: string; password: string };
        const { active, byEmail } = users();
        const user = byEmail.get(email);
        if (!user) return `the load sent an unknown email ${email}`;
        const token = (ex.body as { token?: unknown } | undefined)?.token;
        if (password !== user.password) {
          const kind = kindOfWrong(password, user, active);
          if (ex.status !== 401) return `a wrong password for ${email} (${kind}) got ${ex.status}, expected 401`;
          if (token !== undefined) return `a wrong password for ${email} (${kind}) got a session token`;
          return undefined;
        }
        if (ex.status !== 200) return `the right password for ${email} got ${ex.status}, expected 200`;
        if (typeof token !== 'string') return 'a successful login returned no token';
        return undefined;
      },
    },
    {
      // Sessions are written by the run itself, so each token is looked up as the database
      // has it when the response arrives.
      name: "a login's token is a stored session of that user",
      route: 'POST /api/login',
      verify: async (ex, db) => {
        const token = (ex.body as { token?: unknown } | undefined)?.token;
        if (ex.status !== 200 || typeof token !== 'string') return undefined; // judged by the check above
        const user = users().byEmail.get((ex.request.body as { email: string }).email);
        const { rows } = await db.query<{ user_id: number }>('SELECT user_id FROM sessions WHERE token = $1', [token]);
        if (rows.length === 0) return 'the token returned is not a stored session';
        if (rows[0].user_id !== user?.id) return `the session belongs to user ${rows[0].user_id}, not ${user?.id}`;
        return undefined;
      },
    },
    {
      name: "a login's answer waited for a PBKDF2 key of the password sent",
      route: 'POST /api/login',
      verify: verifyDerived,
    },
    {
      name: 'a product lookup returns that product as stored',
      route: 'GET /api/products/:id',
      verify: (ex, db) => whenRead(productsAsStored(db), (products) => verifyProduct(ex, products)),
    },
  ],
});
