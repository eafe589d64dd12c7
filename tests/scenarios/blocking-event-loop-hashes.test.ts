/**
 * blocking-event-loop stores real PBKDF2 hashes (scenarios/blocking-event-loop/password-
 * hashes.ts, written by make-password-hashes.ts): the file was made from the users the
 * scenario draws today, a sample of its keys is what Node's own pbkdf2 derives, and the
 * scenario declares exactly those keys to the lab's crypto and stores them in its table.
 */
import { pbkdf2Sync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import definition from '../../scenarios/blocking-event-loop/scenario.ts';
import { PASSWORD_HASHES } from '../../scenarios/blocking-event-loop/password-hashes.ts';
import { ACTIVE_USERS, activeUserCredentials, credentialsDigest, KDF } from '../../scenarios/blocking-event-loop/users.ts';

const users = activeUserCredentials();

describe('blocking-event-loop password hashes', () => {
  it('were made from the users and parameters the scenario has now', () => {
    expect(PASSWORD_HASHES.credentialsSha256).toBe(credentialsDigest(users));
    expect(PASSWORD_HASHES.keysHex.length).toBe(ACTIVE_USERS);
    for (const key of PASSWORD_HASHES.keysHex) expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(new Set(PASSWORD_HASHES.keysHex).size).toBe(ACTIVE_USERS);
  });

  it("are Node's own PBKDF2 keys (a sample, recomputed)", () => {
    for (const i of [0, 1, 777, 1234, ACTIVE_USERS - 1]) {
      const u = users[i];
      const key = pbkdf2Sync(u.password, Buffer.from(u.saltHex, 'hex'), KDF.iterations, KDF.keylen, KDF.digest);
      expect(key.toString('hex'), `user ${u.id}`).toBe(PASSWORD_HASHES.keysHex[i]);
    }
  });

  it("are declared to the lab's crypto and stored in the users table", () => {
    const declared = definition.platform.crypto?.precomputedPbkdf2 ?? [];
    expect(declared.length).toBe(ACTIVE_USERS);
    declared.forEach((d, i) => {
      expect(d).toEqual({
        password: users[i].password,
        saltHex: users[i].saltHex,
        iterations: KDF.iterations,
        digest: KDF.digest,
        keyHex: PASSWORD_HASHES.keysHex[i],
      });
    });
    const setupSql = definition.platform.database?.setupSql ?? '';
    expect(setupSql).toContain(`(1, '${users[0].saltHex}', '${PASSWORD_HASHES.keysHex[0]}')`);
    expect(setupSql).toContain(`(${ACTIVE_USERS}, '${users[ACTIVE_USERS - 1].saltHex}', '${PASSWORD_HASHES.keysHex[ACTIVE_USERS - 1]}')`);
  });
});
