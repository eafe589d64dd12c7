/**
 * The sealed sandbox, tried as a hostile learner would: the service reaches only what the
 * simulator hands it, and nothing it does to the realm's built-ins reaches the verdict.
 * Each attack runs through the real CLI (a worker thread of a Node process, as a grader
 * would run it), so a realm escape would have the host's `process` to work with.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { runFolder } from '../helpers/run-fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TWO_ROUTES = join(ROOT, 'tests/fixtures/two-routes');
const BLOCKING = 'blocking-event-loop';
const BLOCKING_STARTER = readFileSync(join(ROOT, 'scenarios/blocking-event-loop/starter.ts'), 'utf8');

let dir: string;
let server: Server;
let port = 0;
let connections = 0;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-sandbox-'));
  server = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

interface CliResult {
  status: number | null;
  stderr: string;
  summary: RunSummary | undefined;
}

function cli(scenario: string, code: string, name: string): CliResult {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tailspin.js'), 'run', scenario, '--code', file, '--seed', '7', '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  let summary: RunSummary | undefined;
  try {
    summary = JSON.parse(r.stdout) as RunSummary;
  } catch {
    summary = undefined;
  }
  return { status: r.status, stderr: r.stderr, summary };
}

/** Routes for the two-routes fixture, appended after an attack's top-level code. */
const TWO_ROUTES_SERVICE = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}
`;

/** Marker files an escaped service would write; none may exist after a run. */
function markers(): string[] {
  return readdirSync(dir).filter((f) => f.startsWith('escaped-'));
}

/**
 * Top-level code that tries every known way to the host's global, and with it to the
 * host's modules: write a file, spawn a process, connect to a local port.
 */
function escapeAttempts(): string {
  return `
declare const require: any;
const use = (how: string, g: any) => {
  const proc = g && g.process;
  const load = proc && (proc.getBuiltinModule || proc.mainModule?.require);
  if (typeof load === 'function') {
    load('node:fs').writeFileSync(${JSON.stringify(dir)} + '/escaped-' + how, 'x');
    load('node:child_process').spawnSync('touch', [${JSON.stringify(dir)} + '/escaped-spawn-' + how]);
    load('node:net').connect(${port}, '127.0.0.1');
  }
  console.log('route ' + how + ': ' + (typeof load === 'function' ? 'HOST' : 'confined'));
};
const ways: Record<string, () => any> = {
  'Function': () => Function('return this')(),
  'constructor.constructor': () => ({}).constructor.constructor('return this')(),
  'indirect eval': () => (0, eval)('this'),
  'direct eval': () => eval('this'),
  'globalThis prototype': () => Object.getPrototypeOf(globalThis),
  'globalThis': () => globalThis,
  'async constructor': () => Object.getPrototypeOf(async function () {}).constructor('return this'),
  'generator constructor': () => Object.getPrototypeOf(function* () {}).constructor('return this')().next().value,
  'host function constructor': () => (setTimeout as any).constructor('return this')(),
  'nested compartment': () => new (globalThis as any).Compartment().globalThis,
  'nested compartment by constructor': () => new ((globalThis as any).constructor?.Compartment ?? Object.getPrototypeOf(globalThis).Compartment)().globalThis,
  'require': () => ({ process: { getBuiltinModule: (m: string) => require(m) } }),
};
for (const [how, get] of Object.entries(ways)) {
  try { use(how, get()); } catch (e) { console.log('route ' + how + ': threw ' + (e as Error).message); }
}
for (const m of ['node:fs', 'fs', 'node:child_process', 'node:net']) {
  try {
    (import(m) as any).then((mod: any) => { mod.writeFileSync?.(${JSON.stringify(dir)} + '/escaped-import', 'x'); console.log('import ' + m + ': HOST'); },
      (e: Error) => console.log('import ' + m + ': refused ' + e.message));
  } catch (e) { console.log('import ' + m + ': threw ' + (e as Error).message); }
}
`;
}

describe('the service cannot reach the host', () => {
  it('every route to a global gives the compartment, never the host: no file, process or connection', () => {
    const r = cli(TWO_ROUTES, escapeAttempts() + TWO_ROUTES_SERVICE, 'escape');
    expect(r.stderr).toBe('');
    expect(r.summary, r.stderr).toBeDefined();
    const lines = r.summary!.console.join('\n');
    expect(lines).not.toContain('HOST');
    expect(lines).toMatch(/route Function: (confined|threw)/);
    expect(lines).toMatch(/route indirect eval: (confined|threw eval is not available in this lab)/);
    expect(lines).toMatch(/route globalThis prototype: confined/);
    expect(lines).toMatch(/import node:fs: refused Module 'node:fs' is not available/);
    expect(markers()).toEqual([]);
    expect(connections).toBe(0);
  });

  it("the service's globals are the simulated ones, and host capabilities are absent", () => {
    const code =
      `
const g: any = globalThis;
const names = ['process', 'require', 'module', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'Worker',
  'postMessage', 'self', 'window', 'importScripts', 'XMLHttpRequest', 'WebSocket', 'navigator', 'FinalizationRegistry', 'WeakRef',
  'Compartment', 'lockdown', 'harden', 'assert', 'ModuleSource'];
for (const n of names) console.log(n + ': ' + typeof g[n]);
console.log('env HOME: ' + String(g.process?.env?.HOME));
console.log('getBuiltinModule: ' + typeof g.process?.getBuiltinModule);
console.log('binding: ' + typeof g.process?.binding);
console.log('dlopen: ' + typeof g.process?.dlopen);
console.log('kill: ' + typeof g.process?.kill);
` + TWO_ROUTES_SERVICE;
    const r = cli(TWO_ROUTES, code, 'globals');
    expect(r.summary, r.stderr).toBeDefined();
    const seen = Object.fromEntries(r.summary!.console.map((l) => l.replace(/^\[[^\]]*\] /, '').split(': ')));
    expect(seen.process).toBe('object'); // the simulated one
    for (const n of [
      'require',
      'module',
      'WebAssembly',
      'SharedArrayBuffer',
      'Atomics',
      'Worker',
      'postMessage',
      'self',
      'window',
      'importScripts',
      'XMLHttpRequest',
      'WebSocket',
      'navigator',
      'FinalizationRegistry',
      'WeakRef',
      // SES's own: Node has none, and code a nested Compartment evaluates would run unmetered.
      'Compartment',
      'lockdown',
      'harden',
      'assert',
      'ModuleSource',
    ]) {
      expect(seen[n], n).toBe('undefined');
    }
    expect(seen['env HOME']).toBe('undefined');
    for (const n of ['getBuiltinModule', 'binding', 'dlopen', 'kill']) expect(seen[n], n).toBe('undefined');
  });

  it("a stack the service reads shows its own frames, never the simulator's files or this machine's paths", () => {
    const code = `
import { Pool } from 'pg';
import { pbkdf2 } from 'node:crypto';
const pool = new Pool({ max: 2 });
const stacks: Record<string, string> = {};
const keep = (name: string) => (e: unknown) => { stacks[name] = String((e as Error)?.stack); };
keep('top level')(new Error('top'));
export default async function routes(app: any) {
  app.get('/api/products/:id', async () => {
    if (Object.keys(stacks).length > 1) return { ok: true };
    keep('handler')(new Error('handler'));
    try { (null as any).x; } catch (e) { keep('engine TypeError')(e); }
    await pool.query('SELEC 1').catch(keep('query error'));
    await new Promise<void>((r) => setTimeout(() => { keep('timer')(new Error('timer')); r(); }, 1));
    await new Promise<void>((r) => { try { pbkdf2('a', 'b', 1, 8, 'nope', () => r()); } catch (e) { keep('platform argument check')(e); r(); } });
    await fetch('http://nowhere.invalid/').catch(keep('fetch error'));
    for (const [name, stack] of Object.entries(stacks)) console.log(name + ' :: ' + stack.length + ' :: ' + JSON.stringify(stack));
    return { ok: true };
  });
  app.post('/api/login', async () => ({ ok: true }));
}
`;
    const r = cli(BLOCKING, code, 'stacks');
    expect(r.summary, r.stderr).toBeDefined();
    const lines = r.summary!.console.map((l) => l.replace(/^\[[^\]]*\] /, ''));
    const names = ['top level', 'handler', 'engine TypeError', 'query error', 'timer', 'platform argument check', 'fetch error'];
    expect(lines.map((l) => l.split(' :: ')[0])).toEqual(names);
    for (const line of lines) {
      expect(line).not.toContain('file:');
      expect(line).not.toContain(ROOT);
      expect(line).not.toMatch(/runner\/|node_modules|node:internal/);
    }
    // The service's own frames are kept, at their compiled lines (the learner's view maps them).
    for (const name of ['top level', 'handler', 'engine TypeError', 'timer', 'platform argument check']) {
      expect(
        lines.find((l) => l.startsWith(`${name} ::`)),
        name,
      ).toMatch(/at .*service\.ts\.js:\d+:\d+/);
    }
  });
});

/**
 * Tampering with a built-in the runner measures or judges with, appended to the unfixed
 * starter. Each would have turned the failing starter into a pass. Every line is one
 * attempt, tried on its own (see `tamper`), so no line may depend on another's bindings.
 */
const TAMPERING: Record<string, string> = {
  'Array.prototype.every': `Array.prototype.every = function () { return true; };
Object.defineProperty(Array.prototype, 'every', { value: () => true });`,
  '%TypedArray%.prototype.sort': `Object.getPrototypeOf(Float64Array.prototype).sort = function (this: Float64Array) { this.fill(0); return this; };
(Float64Array.prototype as any).sort = function (this: Float64Array) { this.fill(0); return this; };`,
  'Math.ceil': `(Math as any).ceil = () => 0;
Object.defineProperty(Object.getPrototypeOf(Math) === Object.prototype ? Math : Object.getPrototypeOf(Math), 'ceil', { value: () => 0 });`,
  'Array.prototype[Symbol.iterator]': `(Array.prototype as any)[Symbol.iterator] = function* () {};
Object.defineProperty(Array.prototype, Symbol.iterator, { value: function* () {} });`,
  'Object and JSON': `(Object as any).entries = () => []; (JSON as any).stringify = () => '{}'; (Number.prototype as any).toFixed = () => '0';`,
};

function tamper(attack: string): string {
  const lines = attack.split('\n').map((l) => `try { ${l} } catch (e) { console.log('refused: ' + (e as Error).message); }`);
  return `${BLOCKING_STARTER}\n${lines.join('\n')}\n`;
}

/** What the verdict is made of, without the console (which shows the refused attempts). */
function verdict(s: RunSummary): unknown {
  return { passed: s.passed, slos: s.slos, checks: s.checks, metrics: s.metrics, requests: s.requests, routes: s.routes };
}

describe('no change to a built-in reaches the verdict', () => {
  let baseline: RunSummary;
  beforeAll(() => {
    const r = cli(BLOCKING, BLOCKING_STARTER, 'baseline');
    expect(r.summary, r.stderr).toBeDefined();
    baseline = r.summary!;
    expect(baseline.passed).toBe(false);
  });

  for (const [name, attack] of Object.entries(TAMPERING)) {
    it(`${name}: the attempt is refused, and the starter's verdict is unchanged`, () => {
      const r = cli(BLOCKING, tamper(attack), `tamper-${name.replace(/\W+/g, '-')}`);
      expect(r.summary, r.stderr).toBeDefined();
      expect(r.status).toBe(1);
      expect(verdict(r.summary!)).toEqual(verdict(baseline));
      expect(r.summary!.console.join('\n')).toContain('refused: ');
    });
  }

  it('in one realm (as in the lab worker), an attempt leaves no trace on the next run', async () => {
    const tampered = await runFolder(join(ROOT, 'scenarios', BLOCKING), tamper(Object.values(TAMPERING).join('\n')), 7);
    expect(tampered.passed).toBe(false);
    const next = await runFolder(join(ROOT, 'scenarios', BLOCKING), BLOCKING_STARTER, 7);
    expect(verdict(next)).toEqual(verdict(baseline));
    expect(verdict(tampered)).toEqual(verdict(baseline));
  });
});

describe('results name what produced them', () => {
  it('the summary records the engine and SHA-256 digests of the code', () => {
    const r = cli(TWO_ROUTES, TWO_ROUTES_SERVICE, 'provenance');
    expect(r.summary?.provenance.engine).toMatch(/^tailspin \d+\.\d+\.\d+/);
    expect(r.summary?.provenance.codeSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(dir, 'provenance.ts'))).toBe(true);
  });
});
