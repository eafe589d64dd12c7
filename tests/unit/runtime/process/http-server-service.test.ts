/**
 * The Fastify app as a compiled service uses it, end to end through the runner: TypeScript
 * with async/await lowered onto the simulator's promises, a plugin with a prefix, hooks that
 * are charged main-thread CPU like handlers, an error handler and decorators, and a refusal
 * reported as bad input with the learner's line. The editor's declarations accept the same
 * code and reject what the lab refuses.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_TYPES } from '../../../../runner/sandbox/platform-types.ts';
import { FIXTURES, route, runFolder } from '../../../helpers/run-fixture.ts';

const dir = `${FIXTURES}two-routes`;

/** /work is answered by a plugin under the prefix '' with its own hooks; /health by the root. */
const service = (onRequest: string) => `
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';

declare module 'fastify' {
  interface FastifyRequest { startedAt: number }
  interface FastifyInstance { units: (n: number) => string }
}

const work: FastifyPluginAsync<{ unit: string }> = async (api, opts) => {
  api.addHook('onRequest', async (req) => {
    ${onRequest}
  });
  api.setErrorHandler(async (err, _req, reply) => {
    reply.code(400);
    return { rejected: err.message };
  });
  api.post('/work', { schema: { body: { type: 'object' } } }, async (req) => {
    const n = (req.body as { n: number }).n;
    if (n < 0) throw new Error('negative');
    return { done: api.units(n), tookMs: Date.now() - req.startedAt };
  });
  await Promise.resolve();
};

export default async function routes(app: FastifyInstance) {
  app.decorate('units', (n: number) => n + ' units');
  app.decorateRequest('startedAt', 0);
  app.addHook('onRequest', (req, _reply, done) => {
    req.startedAt = Date.now();
    done();
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-bytes', payload.length);
  });
  app.get('/health', async () => ({ ok: true }));
  await app.register(work, { unit: 'u' });
}
`;

describe('a compiled service with hooks and a plugin', () => {
  it('a hook’s work is main-thread CPU: a 5 ms spin in onRequest holds the loop like one in a handler', async () => {
    const spin = await runFolder(dir, service('const t = Date.now(); while (Date.now() - t < 5) {}'));
    const idle = await runFolder(dir, service(''));
    expect(spin.status).toBe('completed');
    expect(idle.status).toBe('completed');
    // Date.now() counts whole milliseconds, so a 5 ms spin lasts between 4 and 5 ms.
    expect(route(spin, 'POST /work').latency.p50Ms).toBeGreaterThanOrEqual(4);
    expect(route(idle, 'POST /work').latency.p50Ms).toBeLessThan(1);
    // The spin blocks the cheap route too, as a spin in a handler does.
    expect(route(spin, 'GET /health').latency.p99Ms).toBeGreaterThan(route(idle, 'GET /health').latency.p99Ms);
    expect(spin.routes.every((r) => r.errors === 0 && r.ok > 0)).toBe(true);
  });

  it('is deterministic: the same code and seed give the same summary', async () => {
    const a = await runFolder(dir, service('const t = Date.now(); while (Date.now() - t < 1) {}'), 3);
    const b = await runFolder(dir, service('const t = Date.now(); while (Date.now() - t < 1) {}'), 3);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('a refused API stops the start with its name and the learner’s line', async () => {
    const code = service('').replace("app.get('/health'", "app.addHook('preParsing', async () => {});\n  app.get('/health'");
    await expect(runFolder(dir, code)).rejects.toMatchObject({
      diagnostics: [
        expect.objectContaining({ message: expect.stringMatching(/preParsing hook is not supported/), line: expect.any(Number) }),
      ],
    });
  });
});

const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const typesDir = mkdtempSync(join(tmpdir(), 'fastify-types-'));
afterAll(() => rmSync(typesDir, { recursive: true, force: true }));

function typeCheck(code: string): string {
  for (const f of PLATFORM_TYPES) writeFileSync(join(typesDir, f.path.split('/').pop() as string), f.content);
  writeFileSync(join(typesDir, 'service.ts'), code);
  const names = [...PLATFORM_TYPES.map((f) => f.path.split('/').pop() as string), 'service.ts'];
  const args = ['--noEmit', '--strict', '--lib', 'es2022', '--types', '', '--target', 'es2022', '--module', 'esnext'];
  try {
    execFileSync(process.execPath, [tsc, ...args, '--moduleResolution', 'bundler', ...names], { cwd: typesDir, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

describe('the editor’s declarations for Fastify', () => {
  it('accept hooks, plugins, decorators and route options, and reject what the lab refuses', () => {
    expect(typeCheck(service(''))).toBe('');
    const refused = `${service('')}
export async function more(app: import('fastify').FastifyInstance) {
  await app.listen({ port: 3000 });
}`;
    expect(typeCheck(refused)).toMatch(/service\.ts\(\d+,\d+\): error TS2339: Property 'listen' does not exist/);
  });
});
