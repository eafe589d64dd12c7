/**
 * The run's CPU profile (sandbox/cpu-profile.ts, profile-summary.ts): the main thread's busy
 * time by the learner's TypeScript lines and functions, platform work called from a line
 * charged to that line, the rest in named buckets; the same code and seed give the same bytes.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';
import { loadScenarioFolder } from '../../../runner/host-node/scenario-folder.ts';
import type { CpuProfile, RunSummary } from '../../../runner/summary-schema.ts';

const dir = `${FIXTURES}two-routes`;

const service = (work: string, top = '') => `import type { FastifyInstance } from 'fastify';
${top}
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    ${work}
    return { done: true };
  });
}
`;

const CRUNCH = `function crunch(n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = (s + i * 7) % 1000003;
  }
  return s;
}`;

function profileOf(s: RunSummary): CpuProfile {
  if (!s.profile) throw new Error('the summary has no profile');
  return s.profile;
}

/** 1-based line of the first line of `code` that contains `text`. */
function lineOf(code: string, text: string): number {
  const i = code.split('\n').findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`no line contains ${text}`);
  return i + 1;
}

describe('CPU profile', () => {
  it("blocking-event-loop's starter: the hottest line is its pbkdf2Sync call, in verifyPassword", async () => {
    const folder = await loadScenarioFolder('blocking-event-loop');
    const profile = profileOf(await runFolder('blocking-event-loop'));
    const hot = profile.lines[0];
    expect(hot.line).toBe(lineOf(folder.starter, 'pbkdf2Sync(password'));
    expect(hot.text).toContain('pbkdf2Sync(');
    expect(hot.functionName).toBe('verifyPassword');
    // pbkdf2Sync's work is the platform's, charged to the line that called it.
    expect(hot.platformMs).toBeGreaterThan(hot.javascriptMs);
    expect(hot.selfMs / profile.busyMs).toBeGreaterThan(0.5);
    expect(profile.functions[0].name).toBe('verifyPassword');
    expect(profile.functions[0].line).toBe(lineOf(folder.starter, 'function verifyPassword'));
  });

  it("blocking-event-loop's solution: no pbkdf2 line is hot on the main thread", async () => {
    const folder = await loadScenarioFolder('blocking-event-loop');
    const profile = profileOf(await runFolder('blocking-event-loop', folder.solution));
    for (const l of profile.lines.filter((x) => /pbkdf2/i.test(x.text))) expect(l.selfMs / profile.busyMs).toBeLessThan(0.01);
    expect(profile.platform.map((b) => b.label)).toContain('(platform: HTTP parsing)');
  });

  it("a worker thread's pbkdf2Sync is not the main thread's", async () => {
    const folder = await loadScenarioFolder('blocking-event-loop');
    const code = folder.fixes.find((f) => f.name === 'alt-worker-threads.ts')?.code ?? '';
    const profile = profileOf(await runFolder('blocking-event-loop', code));
    for (const l of profile.lines.filter((x) => x.text.includes('pbkdf2Sync('))) expect(l.selfMs / profile.busyMs).toBeLessThan(0.01);
  });

  it('a plain loop is attributed to the function it is in, on the loop body', async () => {
    const code = service('crunch(200_000);', CRUNCH);
    const profile = profileOf(await runFolder(dir, code));
    expect(profile.functions[0].name).toBe('crunch');
    expect(profile.functions[0].line).toBe(lineOf(code, 'function crunch'));
    expect(profile.lines[0].functionName).toBe('crunch');
    expect([lineOf(code, 'for (let i'), lineOf(code, 's = (s + i')]).toContain(profile.lines[0].line);
    expect(profile.lines[0].javascriptMs).toBe(profile.lines[0].selfMs);
  });

  it('JSON.stringify, metered by size, is charged to the line that called it', async () => {
    const rows = 'const rows = Array.from({ length: 20000 }, (_, i) => ({ id: i, name: "product " + i }));';
    const code = service('JSON.stringify(rows);', rows);
    const profile = profileOf(await runFolder(dir, code));
    const hot = profile.lines[0];
    expect(hot.line).toBe(lineOf(code, 'JSON.stringify(rows)'));
    expect(hot.functionName).toBe('POST /work');
    expect(hot.platformMs).toBeGreaterThan(hot.javascriptMs);
  });

  it('a built-in charged by size and a string built by concatenation are charged to their lines', async () => {
    const top = 'const rows = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 100003);';
    const code = service(
      `const sorted = rows.slice().sort();
    let csv = '';
    for (const r of sorted) csv += String(r);
    void csv;`,
      top,
    );
    const profile = profileOf(await runFolder(dir, code));
    const sortLine = profile.lines.find((l) => l.line === lineOf(code, 'rows.slice().sort()'));
    const concatLine = profile.lines.find((l) => l.line === lineOf(code, 'csv += String(r)'));
    expect(sortLine?.functionName).toBe('POST /work');
    expect(concatLine?.functionName).toBe('POST /work');
    // 20 000 numbers sorted as strings: V8 takes milliseconds per request, none of it outside the service.
    expect(sortLine?.selfMs ?? 0).toBeGreaterThan(profile.busyMs / 4);
    expect(profile.platform.find((b) => b.label === '(code made with new Function)')?.ms ?? 0).toBeLessThan(profile.busyMs / 1000);
  });

  it("lines and buckets add up to the main thread's busy time", async () => {
    const code = service('crunch(20_000); JSON.stringify({ a: [1, 2, 3] });', CRUNCH);
    const profile = profileOf(await runFolder(dir, code));
    expect(profile.lines.length).toBeLessThan(20); // none left out
    const sum = [...profile.lines.map((l) => l.selfMs), ...profile.platform.map((b) => b.ms)].reduce((a, b) => a + b, 0);
    expect(Math.abs(sum - profile.busyMs)).toBeLessThan(0.05);
    expect(profile.platform.some((b) => b.label === '(idle)')).toBe(false);
  });

  it('gives the same bytes for the same code and seed', async () => {
    const code = service('crunch(20_000); JSON.parse(JSON.stringify({ a: [1, 2, 3] })); console.log("x");', CRUNCH);
    const a = await runFolder(dir, code, 3);
    const b = await runFolder(dir, code, 3);
    expect(JSON.stringify(profileOf(b))).toBe(JSON.stringify(profileOf(a)));
  });
});
