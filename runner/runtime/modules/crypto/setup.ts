/**
 * Derived keys for a scenario's seed data. A `users` table needs stored password hashes that
 * the service's own `pbkdf2`/`pbkdf2Sync` reproduce at login; the simulated keys are not the
 * RFC 8018 values (see kdf.ts), so SQL cannot compute them and the scenario asks here.
 * Same argument checks and the same stand-in derivation as the simulated `node:crypto`; no
 * virtual cost, because the setup is not timed.
 */
import { checkPbkdf2, StandInKdf } from './kdf.ts';

/** What `pbkdf2Sync(password, salt, iterations, keylen, digest)` returns in the lab, as bytes. */
export function derivePbkdf2ForSetup(
  password: string | Uint8Array,
  salt: string | Uint8Array,
  iterations: number,
  keylen: number,
  digest: string,
): Uint8Array {
  const key = new StandInKdf(1).pbkdf2(checkPbkdf2(password, salt, iterations, keylen, digest));
  return new Uint8Array(key);
}
