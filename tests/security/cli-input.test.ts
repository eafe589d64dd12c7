/**
 * Bad input to `tailspin run`, tried through the real CLI: each case exits 2 with one plain
 * line on stderr (no stack, no control characters), a scenario folder anywhere on disk runs,
 * and an out-of-range --scale is refused with the range instead of being clamped.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TWO_ROUTES = join(ROOT, 'tests/fixtures/two-routes');
const ESC = '\x1b';

/** A service for the two-routes fixture that meets its SLOs. */
const PASSING_SERVICE = `export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}
`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-cli-input-'));
  writeFileSync(join(dir, 'service.ts'), PASSING_SERVICE);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tailspin.js'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    // A CLI that hangs on its input fails the test instead of hanging it.
    timeout: 90_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly one line on stderr: `tailspin: <reason>`, plain, with no stack. */
function expectOneLine(r: CliResult, reason: RegExp): void {
  expect(r.status, r.stderr).toBe(2);
  expect(r.stderr).toMatch(/^tailspin: [^\n]*\n$/);
  expect(r.stderr).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toMatch(reason);
}

/**
 * A scenario folder made from the two-routes fixture, with its scenario.ts replaced if given.
 * Unless `bare`, it has a package.json saying "type": "module", so what a test tries does not
 * depend on how a folder without one is loaded (tried on its own below).
 */
function scenarioFolder(name: string, scenarioTs?: string, bare = false): string {
  const folder = join(dir, name);
  mkdirSync(folder, { recursive: true });
  copyFileSync(join(TWO_ROUTES, 'README.md'), join(folder, 'README.md'));
  copyFileSync(join(TWO_ROUTES, 'starter.ts'), join(folder, 'starter.ts'));
  copyFileSync(join(TWO_ROUTES, 'solution.ts'), join(folder, 'solution.ts'));
  if (!bare) writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(folder, 'scenario.ts'),
    // The fixture imports defineScenario by a path inside this repo; a folder elsewhere, by URL.
    scenarioTs ??
      readFixtureScenario().replace('../../../runner/scenario/index.ts', pathToFileURL(join(ROOT, 'runner/scenario/index.ts')).href),
  );
  return folder;
}

function readFixtureScenario(): string {
  return readFileSync(join(TWO_ROUTES, 'scenario.ts'), 'utf8');
}

describe('--code takes a regular file of at most 1 MB', () => {
  it('a directory is refused', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--code', dir), /--code: .* is a directory, not a regular file/);
  });

  it.runIf(existsSync('/dev/zero'))('/dev/zero is refused without being read', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--code', '/dev/zero'), /--code: \/dev\/zero is a device, not a regular file/);
  });

  it('a FIFO is refused without being opened', () => {
    const fifo = join(dir, 'service.fifo');
    const made = spawnSync('mkfifo', [fifo]);
    if (made.status !== 0) return; // no mkfifo here (Windows): nothing to try
    expectOneLine(cli('run', TWO_ROUTES, '--code', fifo), /--code: .* is a FIFO, not a regular file/);
  });

  it('a file over 1 MB is refused, naming the limit', () => {
    const big = join(dir, 'big.ts');
    writeFileSync(big, `${PASSING_SERVICE}//${'x'.repeat(1024 * 1024)}\n`);
    expectOneLine(cli('run', TWO_ROUTES, '--code', big), /--code: .*big\.ts is \d+ bytes, over the 1 MB .* limit/);
  });

  it('a missing file is named', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--code', join(dir, 'missing.ts')), /--code: no such file .*missing\.ts/);
  });
});

describe('a scenario.ts that cannot load is one line, with where and why', () => {
  it('one that throws as it is imported', () => {
    const folder = scenarioFolder('throws', 'const n: number = 1;\nthrow new Error("scenario broke " + n);\nexport default {};\n');
    expectOneLine(cli('run', folder), /scenario\.ts failed to load: scenario\.ts:2:\d+: scenario broke 1$/m);
  });

  it('one with a syntax error', () => {
    const folder = scenarioFolder('syntax', 'export default {\n  id: "x",,\n};\n');
    expectOneLine(cli('run', folder), /scenario\.ts failed to load: scenario\.ts:2:\d+: Expected identifier/);
  });

  it('one with no README is named as such', () => {
    const folder = scenarioFolder('no-readme');
    rmSync(join(folder, 'README.md'));
    expectOneLine(cli('run', folder), /has no README\.md/);
  });
});

describe('a scenario folder anywhere on disk runs', () => {
  it('outside this repository, where no package.json says "type": "module"', () => {
    const folder = scenarioFolder('elsewhere', undefined, true);
    const r = cli('run', folder, '--code', join(dir, 'service.ts'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/PASS/);
  });

  it('beside a package.json that names no "type" (which makes .ts files CommonJS to Node)', () => {
    const parent = join(dir, 'with-package');
    mkdirSync(parent, { recursive: true });
    writeFileSync(join(parent, 'package.json'), JSON.stringify({ name: 'my-scenarios', private: true }));
    const folder = scenarioFolder('with-package/scenario', undefined, true);
    const r = cli('run', folder, '--code', join(dir, 'service.ts'), '--json');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).passed).toBe(true);
  });
});

describe('error text reaches the terminal without control characters', () => {
  it("a scenario's exception with escape sequences in it", () => {
    const folder = scenarioFolder(
      'escapes',
      `throw new Error("${'\\x1b'}[2J${'\\x1b'}]0;owned${'\\x07'}cleared ${'\\x9b'}31m red");\nexport default {};\n`,
    );
    const r = cli('run', folder);
    expectOneLine(r, /failed to load: .*\?\[2J\?\]0;owned\?cleared \?31m red/);
    expect(r.stderr).not.toContain(ESC);
  });

  it("a service's exception as it loads, with escape sequences in it", () => {
    const file = join(dir, 'throws-escapes.ts');
    writeFileSync(file, `throw new Error("${'\\x1b'}[31mred${'\\x1b'}[0m\\r\\nsecond line");\n${PASSING_SERVICE}`);
    const r = cli('run', TWO_ROUTES, '--code', file);
    expectOneLine(r, /\?\[31mred\?\[0m/);
    expect(r.stderr).not.toContain(ESC);
  });

  it('a file name with escape sequences in it', () => {
    const r = cli('run', TWO_ROUTES, '--code', join(dir, `${ESC}[31mmissing.ts`));
    expectOneLine(r, /no such file .*\?\[31mmissing\.ts/);
  });

  it('an argument with escape sequences in it', () => {
    const r = cli('run', TWO_ROUTES, '--seed', `${ESC}[2J`);
    expectOneLine(r, /--seed must be a whole number from 0 to 4294967295, got "\?\[2J"/);
  });
});

describe('--scale outside the range the scenario declares is refused, with the range', () => {
  it('above the maximum', () => {
    expectOneLine(cli('run', 'blocking-event-loop', '--scale', '1e9'), /--scale for blocking-event-loop must be from 1 to 2, got "1e9"/);
  });

  it('below the minimum', () => {
    expectOneLine(cli('run', 'n-plus-one', '--scale', '0.1'), /--scale for n-plus-one must be from 0\.5 to 2, got "0\.1"/);
  });

  it('any scale but 1 for a scenario that declares no range', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--scale', '2'), /--scale for two-routes must be 1, the only scale it declares, got "2"/);
  });

  it('not a number', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--scale', 'lots'), /--scale must be a positive number, got "lots"/);
  });
});

describe('--seed', () => {
  it('junk is refused', () => {
    expectOneLine(cli('run', TWO_ROUTES, '--seed', '12abc'), /--seed must be a whole number/);
  });
});
