/**
 * blocking-event-loop's users log in with passwords any reader of users.ts can list, so the
 * login checks judge the work as well as the answer: a 200 or 401 must have waited for a
 * PBKDF2 of the password sent, at least as strong as the stored one, that the lab's crypto
 * really derived while the request was open. These are the ways around the
 * hash that answer right; each must fail that check, and name why.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import spec from '../../scenarios/blocking-event-loop/scenario.ts';
import { loadDefinition } from '../../runner/scenario/index.ts';

const definition = loadDefinition('blocking-event-loop', spec);
const CHECK = "a login's answer waited for a PBKDF2 key of the password sent";
const TABLE_CHEAT = readFileSync(new URL('../../scenarios/blocking-event-loop/fixes/cheat-password-table.ts', import.meta.url), 'utf8');
const TABLE_ANSWER = '  if (known !== undefined) return password === known;\n';

/** The table cheat, with what it does for a user in the table instead of answering at once. */
function tableCheat(forKnownUser: string): string {
  expect(TABLE_CHEAT).toContain(TABLE_ANSWER);
  return TABLE_CHEAT.replace(TABLE_ANSWER, `  if (known !== undefined) {\n${forKnownUser}\n    return password === known;\n  }\n`);
}

async function loginCheck(code: string) {
  const s = await runScenario(definition, { ...nodeHost(), code, seed: 7 });
  expect(s.status, s.statusReason).toBe('completed');
  const check = s.checks.find((c) => c.name === CHECK);
  expect(check, 'the scenario has the derivation check').toBeDefined();
  return { passed: s.passed, ...check! };
}

describe('blocking-event-loop: a login must wait for the key of the password sent', () => {
  it('fails a table of known passwords, even one that holds a few users and hashes the rest', async () => {
    const c = await loginCheck(TABLE_CHEAT);
    expect(c.passed).toBe(false);
    expect(c.failed).toBeGreaterThan(0);
    expect(c.failed).toBeLessThan(c.checked); // the users outside the table were hashed
    expect(c.problems[0]).toMatch(/^POST \/api\/login at \d+\.\d{3}s: answered (200|401) for \S+@example\.com before any PBKDF2/);
  });

  it('fails a login that starts the derivation but answers before it ends', async () => {
    const code = tableCheat(
      "    void pbkdf2Async(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);",
    );
    const c = await loginCheck(code);
    expect(c.passed).toBe(false);
    expect(c.problems[0]).toMatch(/before any PBKDF2 .* had ended: a login that waits for no key/);
  });

  it('fails a cheaper decoy derivation: fewer iterations, a weaker digest, another password, an empty key', async () => {
    for (const decoy of [
      "    await pbkdf2Async(password, Buffer.from(user.salt, 'hex'), 1000, PBKDF2_KEYLEN, PBKDF2_DIGEST);",
      "    await pbkdf2Async(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, 'sha1');",
      "    await pbkdf2Async(known, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);",
      // A 0-byte key derives no block: no work at any iteration count.
      "    await pbkdf2Async(password, Buffer.from(user.salt, 'hex'), PBKDF2_ITERATIONS, 0, PBKDF2_DIGEST);",
    ]) {
      const c = await loginCheck(tableCheat(decoy));
      expect(c.passed, decoy).toBe(false);
      expect(c.problems[0], decoy).toMatch(
        /before any PBKDF2 of the password sent \(sha256 or stronger, at least 100000 iterations, a 32-byte key or longer, in node:crypto or crypto\.subtle\)/,
      );
    }
  });

  it('fails a login that remembers verdicts: only the first login of a password derives', async () => {
    const solution = readFileSync(new URL('../../scenarios/blocking-event-loop/solution.ts', import.meta.url), 'utf8');
    const remembering = solution
      .replace(
        'async function verifyPassword(password: string, user: UserRow): Promise<boolean> {',
        'const verdicts = new Map<string, boolean>();\nasync function verifyPassword(password: string, user: UserRow): Promise<boolean> {\n  const seen = verdicts.get(user.id + " " + password);\n  if (seen !== undefined) return seen;',
      )
      .replace(
        '  return actual.length === expected.length && timingSafeEqual(actual, expected);',
        '  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);\n  verdicts.set(user.id + " " + password, ok);\n  return ok;',
      );
    expect(remembering).toContain('verdicts.set');
    const c = await loginCheck(remembering);
    expect(c.passed).toBe(false);
    expect(c.problems[0]).toMatch(/only earlier ones: a remembered verification, not a derived key/);
  });

  it('passes a login that upgrades the hash it verified (a new salt, more iterations) and derives with it next time', async () => {
    const solution = readFileSync(new URL('../../scenarios/blocking-event-loop/solution.ts', import.meta.url), 'utf8');
    const verify = solution.slice(solution.indexOf('async function verifyPassword'), solution.indexOf('async function createSession'));
    const upgrading = solution.replace(
      verify,
      `async function verifyPassword(password: string, user: UserRow): Promise<boolean> {
  const upgraded = user.password_hash.startsWith('v2:');
  const iterations = upgraded ? 2 * PBKDF2_ITERATIONS : PBKDF2_ITERATIONS;
  const expected = Buffer.from(upgraded ? user.password_hash.slice(3) : user.password_hash, 'hex');
  const actual = await pbkdf2Async(password, Buffer.from(user.salt, 'hex'), iterations, PBKDF2_KEYLEN, PBKDF2_DIGEST);
  const ok = actual.length === expected.length && timingSafeEqual(actual, expected);
  if (ok && !upgraded) {
    const salt = randomBytes(16);
    const key = await pbkdf2Async(password, salt, 2 * PBKDF2_ITERATIONS, PBKDF2_KEYLEN, PBKDF2_DIGEST);
    await pool.query('UPDATE users SET salt = $1, password_hash = $2 WHERE id = $3', [salt.toString('hex'), 'v2:' + key.toString('hex'), user.id]);
  }
  return ok;
}

`,
    );
    expect(upgrading).toContain("startsWith('v2:')");
    const s = await runScenario(definition, { ...nodeHost(), code: upgrading, seed: 7 });
    expect(s.status, s.statusReason).toBe('completed');
    const problems = s.checks.filter((c) => c.name.startsWith('login') || c.name.startsWith("a login's"));
    expect(problems.length).toBe(3);
    for (const c of problems) expect(c.failed, `${c.name}: ${c.problems[0] ?? ''}`).toBe(0);
  });
});
