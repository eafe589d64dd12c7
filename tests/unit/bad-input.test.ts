import { describe, expect, it } from 'vitest';
import { BadInput } from '../../runner/errors.ts';
import { runInWorker, WATCHDOG_BUSY_FACTOR_MAX, WATCHDOG_MESSAGE, watchdogBusyFactor } from '../../runner/host-node/run-in-worker.ts';
import { FIXTURES, route, runFolder } from '../helpers/run-fixture.ts';

const dir = `${FIXTURES}two-routes`;

async function badInput(code: string): Promise<BadInput> {
  try {
    await runFolder(dir, code);
  } catch (err) {
    if (err instanceof BadInput) return err;
    throw err;
  }
  throw new Error('expected the run to be refused');
}

describe('bad input gets a clear, specific message', () => {
  it('a syntax error is a compile error at its TypeScript line', async () => {
    const err = await badInput('export default async function routes(app) {\n  app.get("/health", async () => ({ ok: true })\n}\n');
    expect(err.kind).toBe('compile');
    expect(err.diagnostics[0].line).toBe(3);
    expect(err.diagnostics[0].message).toMatch(/Expected/);
  });

  it('a type-only file exports no routes', async () => {
    const err = await badInput('export interface Post { id: number }\nexport type Id = number;\n');
    expect(err.kind).toBe('routes');
    expect(err.message).toMatch(/exports no routes/);
  });

  it('a missing route names the route the load needs', async () => {
    const err = await badInput('export default async function routes(app: any) { app.get("/health", async () => ({ ok: true })); }');
    expect(err.kind).toBe('routes');
    expect(err.message).toContain('POST /work');
    expect(err.message).toContain('GET /health');
  });

  it('an import of an unsupported module names it, its line, and what is available', async () => {
    const err = await badInput(
      "import type { FastifyInstance } from 'fastify';\nimport axios from 'axios';\nexport default async function routes(app: FastifyInstance) { app.get('/health', () => axios.get('x')); }\n",
    );
    expect(err.kind).toBe('load');
    expect(err.message).toMatch(/Module 'axios' is not available/);
    expect(err.message).toContain('pg');
    expect(err.diagnostics[0].line).toBe(2);
  });

  it('top-level await is refused at compile time with a reason', async () => {
    const err = await badInput('await Promise.resolve();\nexport default async function routes(app: any) {}\n');
    expect(err.kind).toBe('compile');
    expect(err.message).toMatch(/Top-level await/);
  });

  it('a handler that throws is a 500, reported with its TypeScript line, and the run goes on', async () => {
    const code = [
      "import type { FastifyInstance } from 'fastify';",
      'export default async function routes(app: FastifyInstance) {',
      "  app.get('/health', async () => ({ ok: true }));",
      "  app.post('/work', async () => {",
      "    throw new Error('boom');",
      '  });',
      '}',
    ].join('\n');
    const s = await runFolder(dir, code);
    expect(s.status).toBe('completed');
    expect(route(s, 'POST /work').errors).toBe(route(s, 'POST /work').requests);
    expect(route(s, 'GET /health').errors).toBe(0);
    expect(s.errors[0]).toMatchObject({ message: 'boom', line: 5, route: 'POST /work' });
    expect(s.errors[0].count).toBe(route(s, 'POST /work').requests);
  });

  it('a stack trace the service prints shows its TypeScript lines and nothing of the machine', async () => {
    const code = [
      "import type { FastifyInstance } from 'fastify';",
      'let logged = false;',
      'export default async function routes(app: FastifyInstance) {',
      "  app.get('/health', async () => ({ ok: true }));",
      "  app.post('/work', async () => {",
      '    await new Promise((resolve) => setTimeout(resolve, 1));',
      "    if (!logged) console.log(new Error('here').stack);",
      '    logged = true;',
      '    return { ok: true };',
      '  });',
      '}',
    ].join('\n');
    const s = await runFolder(dir, code);
    const printed = s.console.join('\n');
    expect(printed).toMatch(/Error: here\n\s+at \S+ \(service\.ts:7:\d+\)/);
    expect(printed).not.toMatch(/file:|\/runner\/|node_modules|service\.ts\.js/);
  });

  it("an error of the service's own class is reported where it was thrown, not in its constructor", async () => {
    const code = [
      "import type { FastifyInstance } from 'fastify';",
      'class HttpError extends Error {',
      '  constructor(readonly statusCode: number, message: string) {',
      '    super(message);',
      '  }',
      '}',
      'class Unavailable extends HttpError {',
      "  constructor() { super(503, 'unavailable'); }",
      '}',
      'export default async function routes(app: FastifyInstance) {',
      "  app.get('/health', async () => ({ ok: true }));",
      "  app.post('/work', async () => {",
      '    if (Math.random() < 0.5) throw new Unavailable();',
      "    throw new HttpError(502, 'upstream');",
      '  });',
      '}',
    ].join('\n');
    const s = await runFolder(dir, code);
    const byMessage = Object.fromEntries(s.errors.map((e) => [e.message, e.line]));
    expect(byMessage).toEqual({ unavailable: 13, upstream: 14 });
  });

  it('a fetch to an unknown host fails that request with a message naming the host', async () => {
    const code = [
      'export default async function routes(app: any) {',
      "  app.get('/health', async () => ({ ok: true }));",
      "  app.post('/work', async () => (await fetch('https://api.example.com/x')).json());",
      '}',
    ].join('\n');
    const s = await runFolder(dir, code);
    expect(route(s, 'POST /work').errors).toBe(route(s, 'POST /work').requests);
    expect(s.errors.map((e) => e.message).join('\n')).toMatch(/api\.example\.com.*inventory\.internal/);
  });

  it('an infinite loop is stopped by the watchdog with a plain message', async () => {
    const code =
      "export default async function routes(app: any) {\n  app.get('/health', async () => ({ ok: true }));\n  app.post('/work', async () => { while (true) {} });\n}\n";
    // How soon it stops is measured by `npm run bench`; a stop that never comes fails on the test's timeout.
    const err = await runInWorker({ scenario: dir, code, seed: 1 }, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInput);
    expect((err as BadInput).kind).toBe('watchdog');
    expect((err as BadInput).message).toBe(WATCHDOG_MESSAGE);
  });

  it('a regex that backtracks catastrophically is stopped by the watchdog, whose message names that cause', async () => {
    // Charged per character like any regex (backtracking is not modelled): real time runs out first.
    const code =
      "export default async function routes(app: any) {\n  app.get('/health', async () => ({ ok: true }));\n" +
      "  app.post('/work', async () => ({ ok: /^(a+)+$/.test('a'.repeat(40) + 'b') }));\n}\n";
    const err = await runInWorker({ scenario: dir, code, seed: 1 }, 2000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadInput);
    expect((err as BadInput).kind).toBe('watchdog');
    expect((err as BadInput).message).toBe(WATCHDOG_MESSAGE);
    expect(WATCHDOG_MESSAGE).toContain('regular expression');
  });

  it('on a busy machine the watchdog waits longer before it calls a silent run stuck', async () => {
    expect(watchdogBusyFactor(0.5, 2)).toBe(1);
    expect(watchdogBusyFactor(16, 2)).toBe(8);
    expect(watchdogBusyFactor(500, 2)).toBe(WATCHDOG_BUSY_FACTOR_MAX);
    expect(watchdogBusyFactor(Number.NaN, 2)).toBe(1);
    // A watchdog of 1 ms would stop any run between two heartbeats; a machine busy enough
    // to explain a long silence keeps it going to the end.
    const s = await runInWorker(
      {
        scenario: dir,
        code: "export default async function routes(app: any) { app.get('/health', async () => ({ ok: 1 })); app.post('/work', async () => ({ ok: 2 })); }",
        seed: 1,
      },
      1,
      () => 60_000,
    );
    expect(s.passed).toBe(true);
  });

  it('after a watchdog stop the next run works', async () => {
    const s = await runInWorker({
      scenario: dir,
      code: "export default async function routes(app: any) { app.get('/health', async () => ({ ok: 1 })); app.post('/work', async () => ({ ok: 2 })); }",
      seed: 1,
    });
    expect(s.passed).toBe(true);
  });
});
