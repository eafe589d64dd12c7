/**
 * The users on file and the inputs of their stored password hashes: email, password and salt
 * of each active user, drawn from a fixed seed whatever the run's seed. scenario.ts stores
 * their hashes and sends their logins; make-password-hashes.ts derives the hashes once, for
 * real, into password-hashes.ts (2000 PBKDF2 keys of 100 000 iterations take about a minute
 * natively, far too long to derive whenever the scenario loads).
 */
import { createPrng, sha256Hex } from '../../runner/index.ts';

/** Users on file; the first ACTIVE_USERS of them log in during the run. */
export const USERS = 4000;
export const ACTIVE_USERS = 2000;
/** What the service stores: pbkdf2-sha256, 100 000 iterations, 32-byte key, 16-byte salt. */
export const KDF = { iterations: 100_000, keylen: 32, digest: 'sha256' } as const;

export const FIRST = [
  'ana',
  'ben',
  'chloe',
  'dmitri',
  'elif',
  'femi',
  'grace',
  'hugo',
  'ines',
  'jonas',
  'kaito',
  'lena',
  'mateo',
  'nadia',
  'omar',
  'priya',
];
export const LAST = [
  'silva',
  'novak',
  'okafor',
  'berg',
  'moreau',
  'tanaka',
  'kowalski',
  'haddad',
  'jensen',
  'rossi',
  'nguyen',
  'fischer',
  'costa',
  'walsh',
  'petrov',
  'lindqvist',
  'mensah',
  'ortiz',
  'sato',
  'keller',
];
export const WORDS = [
  'maple',
  'orbit',
  'pepper',
  'harbor',
  'lantern',
  'copper',
  'meadow',
  'falcon',
  'velvet',
  'summit',
  'cobalt',
  'willow',
  'ember',
  'quartz',
  'tundra',
  'saffron',
];

/** The same address in JS (for the load) and in SQL (for the table, see scenario.ts). */
export const emailOf = (id: number): string => `${FIRST[id % FIRST.length]}.${LAST[(id * 7) % LAST.length]}${id}@example.com`;

export const hex = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

/** An active user and the inputs of the hash stored for them. */
export interface UserCredentials {
  id: number;
  email: string;
  password: string;
  saltHex: string;
}

/** Emails, passwords and salts of the active users: fixed, whatever the run's seed. */
export function activeUserCredentials(): UserCredentials[] {
  const rng = createPrng(20_240_611, 'blocking-event-loop/users');
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.next() * xs.length)];
  const users: UserCredentials[] = [];
  for (let id = 1; id <= ACTIVE_USERS; id++) {
    const password = `${pick(WORDS)}-${pick(WORDS)}-${Math.floor(rng.next() * 9000) + 1000}`;
    const salt = Uint8Array.from({ length: 16 }, () => Math.floor(rng.next() * 256));
    users.push({ id, email: emailOf(id), password, saltHex: hex(salt) });
  }
  return users;
}

/**
 * SHA-256 of every input the stored hashes are derived from (the KDF's parameters, each
 * password and salt), so a hash file made from other users or parameters is caught.
 */
export function credentialsDigest(users: readonly UserCredentials[]): string {
  const lines = users.map((u) => `${u.id} ${u.password} ${u.saltHex}`);
  return sha256Hex([`pbkdf2 ${KDF.digest} ${KDF.iterations} ${KDF.keylen}`, ...lines].join('\n'));
}
