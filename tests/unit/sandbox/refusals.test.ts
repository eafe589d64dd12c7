/**
 * Nothing silent: every module and API the lab leaves out fails where the service uses it, at
 * import or at first call, with a message that names it and says what to use instead. The
 * tables in runner/sandbox/refusals.ts are walked whole; the refusals that live inside a
 * module are listed here one by one.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_MODULES } from '../../../runner/sandbox/environment.ts';
import { createMainEnvironment } from '../../../runner/sandbox/load-service.ts';
import { REFUSED_APIS, REFUSED_MODULES } from '../../../runner/sandbox/refusals.ts';
import { sealRealm } from '../../../runner/sandbox/seal.ts';
import { createWorld } from '../../../runner/world.ts';
import type { ScenarioDefinition } from '../../../runner/scenario/types.ts';
import type { LoadServiceInput } from '../../../runner/sandbox/load-service.ts';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';

type Any = Record<string, (...a: unknown[]) => unknown>;

let made: ReturnType<typeof make> | undefined;
/** One environment for the file, made at first use (sealing the realm while vitest collects tests upsets it). */
function environment() {
  made ??= make();
  return made;
}

function make() {
  sealRealm();
  const { platform: p, errors } = createWorld(1);
  const input = {
    p,
    def: { platform: {} } as ScenarioDefinition,
    db: undefined,
    server: undefined,
    downstreams: [],
    databaseHost: undefined,
    errors,
    compiled: undefined,
    librarySources: {},
  } as unknown as LoadServiceInput;
  return { p, env: createMainEnvironment(input) };
}

/** The error `fn` throws, or the reason its promise rejects with, after the loop has run. */
function failureOf(p: ReturnType<typeof environment>['p'], fn: () => unknown): Error | undefined {
  let failure: Error | undefined;
  p.loop.runNow(() => {
    try {
      const r = fn() as { then?: unknown } | undefined;
      if (r && typeof r.then === 'function') (r as Promise<unknown>).catch((e: Error) => (failure = e));
    } catch (e) {
      failure = e as Error;
    }
  });
  return failure;
}

describe('refused modules', () => {
  const builtins = Object.keys(REFUSED_MODULES).filter(
    (n) => !/^(express|koa|axios|node-fetch|undici|got|ioredis|pg-pool|bluebird)$/.test(n),
  );

  it.each(Object.entries(REFUSED_MODULES))("'%s' fails at import, naming it and what to use instead", (name, instead) => {
    expect(instead.length).toBeGreaterThan(10);
    expect((SUPPORTED_MODULES as readonly string[]).includes(name)).toBe(false);
    const names = builtins.includes(name) ? [name, `node:${name}`] : [name];
    const { env } = environment();
    for (const n of names) expect(() => env.require(n)).toThrow(`Module '${n}' is not available in this lab: ${instead}.`);
  });

  it('the file system points at the database, and anything unknown lists what the service can import', () => {
    const { env } = environment();
    expect(() => env.require('node:fs')).toThrow(/no file system; keep data in the database or in memory/);
    expect(() => env.require('left-pad')).toThrow(/Module 'left-pad' is not available in this lab\. The service can import: pg, redis/);
  });
});

describe('refused members of supported modules', () => {
  const rows = Object.entries(REFUSED_APIS).flatMap(([mod, members]) => Object.entries(members).map(([m, i]) => [mod, m, i]));

  it.each(rows)('%s %s fails at first call, naming it and what to use instead', (mod, member, instead) => {
    const fn = (environment().env.require(mod) as Any)[member];
    expect(typeof fn).toBe('function');
    const message = `${mod.replace(/^node:/, '')}.${member} is not available in this lab: ${instead}.`;
    expect(() => fn()).toThrow(message);
    expect(() => new (fn as unknown as new () => unknown)()).toThrow(message);
  });

  it('the same member through the bare module name', () => {
    expect(() => (environment().env.require('crypto') as Any).createCipheriv('aes-256-gcm')).toThrow(
      /crypto\.createCipheriv is not available in this lab: the lab has no ciphers/,
    );
  });
});

describe('refusals inside the modules', () => {
  const mod = <T = Any>(name: string) => environment().env.require(name) as T;
  const hooks = () => mod('node:async_hooks');
  const events = () => mod<Any & (new (o?: object) => unknown)>('events');
  const subtle = () => mod<{ subtle: Any }>('node:crypto').subtle;
  const process = () => environment().env.realm.globalThis.process as Any;

  const cases: [string, () => unknown, RegExp][] = [
    ['async_hooks.createHook', () => hooks().createHook({}), /async_hooks\.createHook is not available in this lab: use AsyncLocalStorage/],
    [
      'async_hooks.executionAsyncId',
      () => hooks().executionAsyncId(),
      /executionAsyncId is not available in this lab: use AsyncLocalStorage/,
    ],
    ['async_hooks.triggerAsyncId', () => hooks().triggerAsyncId(), /triggerAsyncId is not available in this lab: use AsyncLocalStorage/],
    [
      'async_hooks.executionAsyncResource',
      () => hooks().executionAsyncResource(),
      /executionAsyncResource is not available in this lab: use/,
    ],
    [
      'events.EventEmitterAsyncResource',
      () => new (events().EventEmitterAsyncResource as never as new () => unknown)(),
      /EventEmitterAsyncResource is not available in this lab: use EventEmitter/,
    ],
    [
      'EventEmitter captureRejections',
      () => new (events())({ captureRejections: true }),
      /captureRejections is not available in this lab: catch the rejection/,
    ],
    ['os.setPriority', () => mod('os').setPriority(0), /os\.setPriority is not available in this lab: /],
    ['process.exit', () => process().exit(1), /process\.exit\(\) is not available to the service in this lab: the process runs until/],
    [
      'process.on uncaughtException',
      () => process().on('uncaughtException', () => {}),
      /process\.on\('uncaughtException'\) is not available in this lab: .*catch errors/,
    ],
    [
      'process.once unhandledRejection',
      () => process().once('unhandledRejection', () => {}),
      /process\.on\('unhandledRejection'\) is not available/,
    ],
    ['crypto.subtle.deriveKey', () => subtle().deriveKey(), /crypto\.subtle\.deriveKey is not available in this lab: call deriveBits/],
    ['crypto.subtle.encrypt', () => subtle().encrypt(), /crypto\.subtle\.encrypt is not available in this lab: the lab has no ciphers/],
    ['crypto.subtle.decrypt', () => subtle().decrypt(), /crypto\.subtle\.decrypt is not available in this lab: /],
    [
      'crypto.subtle.generateKey',
      () => subtle().generateKey(),
      /crypto\.subtle\.generateKey is not available in this lab: import random bytes/,
    ],
    ['crypto.subtle.wrapKey', () => subtle().wrapKey(), /crypto\.subtle\.wrapKey is not available in this lab: /],
    ['crypto.subtle.unwrapKey', () => subtle().unwrapKey(), /crypto\.subtle\.unwrapKey is not available in this lab: /],
  ];

  it.each(cases)('%s fails at first call with its name and an alternative', (_name, call, message) => {
    const failure = failureOf(environment().p, call);
    expect(failure?.message).toMatch(message);
  });
});

describe('in a service', () => {
  it('an import of a refused module stops the run at load, at the import’s line, with the alternative', async () => {
    const code = `import { readFileSync } from 'node:fs';
export const config = readFileSync('config.json', 'utf8');
export default async function routes(app: any) { app.get('/health', async () => ({ ok: true })); }`;
    await expect(runFolder(`${FIXTURES}two-routes`, code)).rejects.toThrow(
      /1:\d+ Module 'node:fs' is not available in this lab: the lab has no file system; keep data in the database or in memory\./,
    );
  });
});
