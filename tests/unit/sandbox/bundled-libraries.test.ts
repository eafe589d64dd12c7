/**
 * The libraries bundled for the service (p-limit, lru-cache, opossum) behave as their
 * documentation says, on the virtual clock: every time below is simulated milliseconds, so
 * the expected values are exact. The committed bundles must be what build/bundle-libraries.ts
 * makes from the installed packages, or Node and the lab would run a stale copy.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as esbuild from 'esbuild-wasm';
import { describe, expect, it } from 'vitest';
import { bundledLibraryFile, bundleLibrary, LIBRARY_BUNDLES } from '../../../build/bundle-libraries.ts';
import { BUNDLED_LIBRARY_NAMES } from '../../../runner/sandbox/libraries.ts';
import { SUPPORTED_MODULES } from '../../../runner/sandbox/environment.ts';
import { nodeHost } from '../../../runner/host-node/node-host.ts';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';
import type { ScenarioDefinition } from '../../../runner/scenario/types.ts';
import { PLATFORM_TYPES } from '../../../runner/sandbox/platform-types.ts';

// The compiler's own bin (TypeScript 7 exposes no compiler API to require).
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

const dir = `${FIXTURES}two-routes`;
const short = (d: ScenarioDefinition): ScenarioDefinition => ({ ...d, load: { ...d.load, durationMs: 3000 } });

/** Every service below, so their use of the libraries is also type-checked against the editor's declarations. */
const services: string[] = [];

/** Runs `body` when the service registers its routes; returns its console lines without the time prefix. */
async function consoleOf(imports: string, body: string): Promise<string[]> {
  return consoleIn(service(imports, body));
}

async function consoleIn(code: string, seed = 1): Promise<string[]> {
  const s = await runFolder(dir, code, seed, short);
  expect(s.errors).toEqual([]);
  return s.console.map((line) => line.replace(/^\[[\d.]+s\] /, ''));
}

function service(imports: string, body: string): string {
  const code = `${imports}
import { setTimeout as sleep } from 'node:timers/promises';
export default async function routes(app: any) {
  const t0 = Date.now();
  const at = () => Date.now() - t0;
  ${body}
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}`;
  services.push(code);
  return code;
}

describe('bundled library sources', () => {
  it('are the committed bundles, rebuilt from the installed packages byte for byte', async () => {
    expect([...BUNDLED_LIBRARY_NAMES].sort()).toEqual(Object.keys(LIBRARY_BUNDLES).sort());
    for (const name of BUNDLED_LIBRARY_NAMES) {
      const committed = readFileSync(bundledLibraryFile(name), 'utf8');
      expect(await bundleLibrary(esbuild, name), `${name}: run npm run libraries:bundle`).toBe(committed);
      expect(nodeHost().librarySources[name]).toBe(committed);
      // Lowered like user code: no native async function would escape the simulated job queue.
      expect(committed).not.toMatch(/\basync\s*(function\b|\(|[\w$]+\s*=>)|\bawait\b/);
      expect(SUPPORTED_MODULES).toContain(name);
    }
  });
});

describe('p-limit on the simulated job queue', () => {
  it('runs at most `concurrency` functions at once, starting queued ones in call order as others finish', async () => {
    const lines = await consoleOf(
      `import pLimit from 'p-limit';`,
      `const limit = pLimit(2);
  const log: string[] = [];
  const jobs = [300, 100, 100, 200, 50].map((ms, i) =>
    limit(async () => { log.push('start' + i + '@' + at()); await sleep(ms); log.push('end' + i + '@' + at()); return i * 10; }));
  console.log('active', limit.activeCount, 'pending', limit.pendingCount);
  Promise.all(jobs).then((r) => console.log(r.join(','), log.join(' '), 'active', limit.activeCount));`,
    );
    expect(lines[0]).toBe('active 2 pending 3');
    expect(lines[1]).toBe(
      '0,10,20,30,40 start0@0 start1@0 end1@100 start2@100 end2@200 start3@200 end0@300 start4@300 end4@350 end3@400 active 0',
    );
  });

  it('passes a rejection to its caller and keeps the queue moving; map keeps input order', async () => {
    const lines = await consoleOf(
      `import pLimit from 'p-limit';`,
      `const limit = pLimit(1);
  limit(async () => { await sleep(10); throw new Error('boom'); }).catch((e: Error) => console.log('rejected', e.message, at()));
  limit.map([30, 10, 20], async (ms: number, i: number) => { await sleep(ms); return i + ':' + at(); }).then((r) => console.log(r.join(' ')));`,
    );
    expect(lines).toEqual(['rejected boom 10', '0:40 1:50 2:70']);
  });
});

describe('lru-cache on the virtual clock', () => {
  it('evicts the least recently used entry past max', async () => {
    const lines = await consoleOf(
      `import { LRUCache } from 'lru-cache';`,
      `const c = new LRUCache<string, number>({ max: 2, dispose: (v, k, reason) => console.log('dispose', k, v, reason) });
  c.set('a', 1); c.set('b', 2); c.get('a'); c.set('c', 3);
  console.log('keys', [...c.keys()].join(','), 'has b', c.has('b'), 'size', c.size);`,
    );
    expect(lines).toEqual(['dispose b 2 evict', 'keys c,a has b false size 2']);
  });

  it('expires entries after ttl virtual milliseconds, and per-entry ttl overrides it', async () => {
    const lines = await consoleOf(
      `import { LRUCache } from 'lru-cache';`,
      `const c = new LRUCache<string, string>({ max: 10, ttl: 1000 });
  c.set('a', 'A'); c.set('short', 'S', { ttl: 100 });
  setTimeout(() => console.log('99', c.get('short') ?? 'gone'), 99);
  setTimeout(() => console.log('101', c.get('short') ?? 'gone', c.get('a')), 101);
  setTimeout(() => console.log('998', c.get('a') ?? 'gone', Math.round(c.getRemainingTTL('a'))), 998);
  setTimeout(() => console.log('1002', c.get('a') ?? 'gone', c.size), 1002);`,
    );
    expect(lines).toEqual(['99 S', '101 gone A', '998 A 2', '1002 gone 0']);
  });

  it('fetch calls fetchMethod once for concurrent misses and caches the result', async () => {
    const lines = await consoleOf(
      `import { LRUCache } from 'lru-cache';`,
      `let calls = 0;
  const c = new LRUCache<string, string>({ max: 10, fetchMethod: async (k) => { calls++; await sleep(50); return k.toUpperCase(); } });
  Promise.all([c.fetch('x'), c.fetch('x')]).then(async (v) => {
    const again = await c.fetch('x');
    console.log(v.join(','), again, 'calls', calls, 'at', at());
  });`,
    );
    expect(lines).toEqual(['X,X X calls 1 at 50']);
  });
});

describe('opossum on the virtual clock', () => {
  // opossum's circuit is an EventEmitter from `events`, the platform's node:events module.
  const stateChanges = service(
    `import CircuitBreaker from 'opossum';`,
    `let failing = true;
  const breaker = new CircuitBreaker(async (n: number) => { await sleep(10); if (failing) throw new Error('down'); return 'ok' + n; },
    { timeout: 100, errorThresholdPercentage: 50, resetTimeout: 1000, volumeThreshold: 2 });
  breaker.fallback((n: number) => 'fallback' + n);
  for (const e of ['open', 'halfOpen', 'close']) breaker.on(e as 'open', () => console.log('event', e, at()));
  (async () => {
    const out: string[] = [];
    for (let i = 0; i < 4; i++) out.push(await breaker.fire(i) as string);
    console.log(out.join(' '), 'opened', breaker.opened, 'rejects', breaker.stats.rejects, at());
    failing = false;
    await sleep(1000);
    console.log('halfOpen', breaker.halfOpen, at());
    console.log(await breaker.fire(9), 'closed', breaker.closed, at());
  })();`,
  );
  it('goes closed → open → half-open → closed, with fallbacks while open', async () => {
    const lines = await consoleIn(stateChanges);
    expect(lines).toEqual([
      'event open 20',
      'fallback0 fallback1 fallback2 fallback3 opened true rejects 2 20',
      'event halfOpen 1020',
      'halfOpen true 1020',
      'event close 1030',
      'ok9 closed true 1030',
    ]);
  });

  const timeout = service(
    `import CircuitBreaker from 'opossum';`,
    `const breaker = new CircuitBreaker(async () => { await sleep(500); return 'late'; }, { timeout: 120 });
  breaker.on('timeout', () => console.log('timeout', at()));
  breaker.fire().catch((e: Error & { code?: string }) => console.log(e.code, e.message, at(), breaker.stats.timeouts));`,
  );
  it('counts a call slower than timeout as a failure, at exactly timeout virtual ms', async () => {
    const lines = await consoleIn(timeout);
    expect(lines).toEqual(['timeout 120', 'ETIMEDOUT Timed out after 120ms 120 1']);
  });
});

describe('editor declarations of the bundled libraries', () => {
  // Last in the file: by now `services` holds every service above.
  it('type-check every service above, strict and without the DOM', () => {
    expect(services.length).toBeGreaterThanOrEqual(2);
    expect(typeCheck(services)).toBe('');
    expect(
      typeCheck([service(`import pLimit from 'p-limit';`, `pLimit(2).map([1], (n: number) => n.toFixed()).then((s: number[]) => s);`)]),
    ).toMatch(/TS2345|TS2322/);
  });
});

/** tsc's diagnostics for the given services against PLATFORM_TYPES; empty when they type-check. */
function typeCheck(codes: string[]): string {
  const tmp = mkdtempSync(join(tmpdir(), 'bundled-library-types-'));
  try {
    const names = PLATFORM_TYPES.map((f) => f.path.split('/').pop() as string);
    for (const [i, f] of PLATFORM_TYPES.entries()) writeFileSync(join(tmp, names[i]), f.content);
    for (const [i, code] of codes.entries()) writeFileSync(join(tmp, `service-${i}.ts`), code);
    const args = [
      '--noEmit',
      '--strict',
      '--lib',
      'es2022',
      '--types',
      '',
      '--target',
      'es2022',
      '--module',
      'esnext',
      '--moduleResolution',
      'bundler',
    ];
    execFileSync(process.execPath, [tsc, ...args, ...names, ...codes.map((_, i) => `service-${i}.ts`)], { cwd: tmp, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
