/**
 * Allocation bombs, tried through the real CLI: each run ends with exit 2 and one plain line
 * that names memory, not the "loop that never ends" message, and a loop that never ends still
 * gets that one. Only outcomes are asserted, never timings: the machine may be shared.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WATCHDOG_MESSAGE } from '../../runner/host-node/run-in-worker.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TWO_ROUTES = join(ROOT, 'tests/fixtures/two-routes');

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-cli-memory-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the two-routes fixture with a service whose POST /work runs `work`, and GET /health `health`. */
function run(name: string, work: string, health = 'return { ok: true };', prelude = '') {
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `${prelude}
export default async function routes(app: any) {
  app.get('/health', async () => { ${health} });
  app.post('/work', async () => { ${work} });
}
`,
  );
  return spawnSync(process.execPath, [join(ROOT, 'bin/tailspin.js'), 'run', TWO_ROUTES, '--code', file], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

function expectMemoryStop(r: ReturnType<typeof run>): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^tailspin: [^\n]*\n$/);
  expect(r.stderr).toMatch(/memory/i);
  expect(r.stderr).not.toContain(WATCHDOG_MESSAGE);
}

describe('an allocation bomb ends with one line that names memory', () => {
  it('new Array(1e9).fill(0): one call that fills element by element', () => {
    expectMemoryStop(run('array-fill', 'const a = new Array(1e9).fill(0); return { n: a.length };'));
  });

  it('a 4 GB typed array, filled: storage outside the V8 heap', () => {
    // Float64Array where the sandbox provides it, else the same bytes as a Uint8Array.
    const work =
      'const T: any = (globalThis as any).Float64Array ?? Uint8Array; const a = new T(4e9 / T.BYTES_PER_ELEMENT).fill(1); return { n: a.length };';
    expectMemoryStop(run('typed-array', work));
  });

  it('memory kept on every request, 2 MB at a time, in a module-level array', () => {
    const keep = 'kept.push(new Array(262144).fill(kept.length)); return { n: kept.length };';
    expectMemoryStop(run('retained', keep, keep, 'const kept: number[][] = [];'));
  });
});

describe('a loop that never ends is still called a loop', () => {
  it('while (true) {}', () => {
    const r = run('loop', 'while (true) {}');
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toBe(`tailspin: ${WATCHDOG_MESSAGE}\n`);
  });

  it('a chain of promise jobs, or of next ticks, that never ends, keeping nothing', () => {
    for (const [name, queue] of [
      ['job-loop', 'Promise.resolve().then(spin)'],
      ['tick-loop', 'process.nextTick(spin)'],
    ]) {
      const r = run(name, `const spin = (): void => { ${queue}; }; spin(); return { ok: true };`);
      expect(r.status, `${name}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toBe(`tailspin: ${WATCHDOG_MESSAGE}\n`);
    }
  });
});
