/**
 * The host owns the verdict: the CLI takes the summary only from the runner, on a channel
 * nothing else in the worker can post to. A forged "done" message posted on the worker's
 * parentPort (or anywhere else code in the worker can reach) never makes a failing run pass.
 *
 * Tried twice: from the service, by every route to parentPort it might find (the sandbox
 * should leave it none), and from the scenario's own scenario.ts, which is trusted and runs
 * unsandboxed in the same worker, so the channel itself is tested whatever the sandbox does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/summary-schema.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TWO_ROUTES = join(ROOT, 'tests/fixtures/two-routes');

/** Fails its "under 1% failed" SLO on its own: every POST /work (a tenth of the load) is a 500. */
const FAILING_ROUTES = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => { throw new Error('always fails'); });
}
`;

/** A summary that says everything passed, as a forger would post it. */
const FORGED = `{ type: 'done', summary: { version: 1, passed: true, forged: true, slos: [], checks: [], errors: [], console: [] } }`;

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-cli-verdict-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(scenario: string, code: string, name: string) {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, code);
  const r = spawnSync(process.execPath, [join(ROOT, 'bin/tailspin.js'), 'run', scenario, '--code', file, '--json'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 180_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  let summary: (RunSummary & { forged?: boolean }) | undefined;
  try {
    summary = JSON.parse(r.stdout);
  } catch {
    summary = undefined;
  }
  return { status: r.status, stderr: r.stderr, summary };
}

function expectRealFailingVerdict(r: ReturnType<typeof cli>): void {
  expect(r.status, r.stderr).toBe(1);
  expect(r.summary, r.stderr).toBeDefined();
  expect(r.summary!.forged).toBeUndefined();
  expect(r.summary!.passed).toBe(false);
  expect(r.summary!.slos.find((s) => s.label === 'under 1% failed')?.pass).toBe(false);
}

describe('a forged summary never becomes the verdict', () => {
  it('posted by the service on parentPort, or any channel it can find', () => {
    const attack = `
const forged: any = ${FORGED};
const g: any = globalThis;
const hostGlobals: Record<string, () => any> = {
  'globalThis': () => g,
  'Function': () => Function('return this')(),
  'constructor.constructor': () => ({}).constructor.constructor('return this')(),
  'indirect eval': () => (0, eval)('this'),
};
for (const [how, get] of Object.entries(hostGlobals)) {
  try {
    const host = get();
    const wt = host?.process?.getBuiltinModule?.('node:worker_threads');
    wt?.parentPort?.postMessage(forged);
    for (const v of Object.values(wt?.workerData ?? {})) (v as any)?.postMessage?.(forged);
    host?.process?.send?.(forged);
    host?.postMessage?.(forged);
    console.log(how + ': ' + (wt ? 'reached worker_threads' : 'confined'));
  } catch (e) {
    console.log(how + ': threw ' + (e as Error).message);
  }
}
`;
    const r = cli(TWO_ROUTES, attack + FAILING_ROUTES, 'service-forges');
    expectRealFailingVerdict(r);
    expect(r.summary!.console.join('\n')).toMatch(/globalThis: /);
  });

  it("posted on parentPort from the worker's own realm (the scenario's module), and workerData holds no reply port", () => {
    const folder = join(dir, 'forging-scenario');
    mkdirSync(folder, { recursive: true });
    copyFileSync(join(TWO_ROUTES, 'README.md'), join(folder, 'README.md'));
    copyFileSync(join(TWO_ROUTES, 'starter.ts'), join(folder, 'starter.ts'));
    copyFileSync(join(TWO_ROUTES, 'solution.ts'), join(folder, 'solution.ts'));
    // An ES module however folders elsewhere are loaded: this test is about the channel.
    writeFileSync(join(folder, 'package.json'), JSON.stringify({ type: 'module' }));
    const report = join(folder, 'worker-data-keys.json');
    const definition = readFileSync(join(TWO_ROUTES, 'scenario.ts'), 'utf8').replace(
      '../../../runner/scenario/index.ts',
      pathToFileURL(join(ROOT, 'runner/scenario/index.ts')).href,
    );
    writeFileSync(
      join(folder, 'scenario.ts'),
      `import { parentPort, workerData } from 'node:worker_threads';
import { writeFileSync } from 'node:fs';
if (parentPort) {
  // Loaded inside the run's worker: post the forgery everywhere a message could go.
  const forged: any = ${FORGED};
  parentPort.postMessage(forged);
  const found: string[] = [];
  for (const [key, value] of Object.entries((workerData ?? {}) as Record<string, any>)) {
    found.push(key);
    try { value?.postMessage?.(forged); } catch {}
    try { value?.port?.postMessage?.(forged); } catch {}
  }
  try { (process as any).send?.(forged); } catch {}
  try { (process as any).send?.({ ...forged, token: '0'.repeat(64) }); } catch {}
  writeFileSync(${JSON.stringify(report)}, JSON.stringify(found));
}
${definition}`,
    );
    const r = cli(folder, FAILING_ROUTES, 'realm-forges');
    expectRealFailingVerdict(r);
    const keys = JSON.parse(readFileSync(report, 'utf8')) as string[];
    expect(keys).not.toContain('port');
  });
});
