/**
 * Secrets and codes of a room. Tokens are 32 random bytes, shown once; the database keeps
 * only their SHA-256, so a copy of it (an export, a backup) lets no one act as the host or a
 * learner. Join codes are short and read aloud in a room, so they avoid characters that look
 * or sound alike (0/O, 1/I/L).
 */
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** The join code's alphabet: no 0, O, 1, I or L. */
export const JOIN_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
export const JOIN_CODE_LENGTH = 6;
/** What a join code looks like in a URL, before it is upper-cased. */
export const JOIN_CODE_PATTERN = `^[A-HJ-KM-NP-Za-hj-km-np-z2-9]{${JOIN_CODE_LENGTH}}$`;

/** A fresh token: 32 random bytes, base64url (43 characters). */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** The SHA-256 of a token, hex: what is stored and looked up. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Whether `token` is the one whose hash is `expectedHash`. Both sides are hashes of the same
 * length, compared in constant time, so the time taken says nothing about how much matched.
 */
export function tokenMatches(token: string, expectedHash: string): boolean {
  const a = Buffer.from(tokenHash(token), 'hex');
  const b = Buffer.from(expectedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < JOIN_CODE_LENGTH; i++) code += JOIN_CODE_ALPHABET[randomInt(JOIN_CODE_ALPHABET.length)];
  return code;
}

/** Codes are typed by people: lower case is accepted and means the same code. */
export function normalizeJoinCode(code: string): string {
  return code.toUpperCase();
}
