/**
 * One run cannot change the platform for the next. The lab's worker evaluates many runs in
 * one realm (the learner's, then a candidate's), so a prototype the platform shares between
 * runs (a Timeout's, a hash's, a pool client's, the reply's) must be frozen before any
 * service can reach it: a service that patched one could forge the next run's verdict, or
 * within its own run make the platform misbehave in its favour.
 *
 * In one realm: the pool-exhaustion starter runs once on a fresh platform; then a service
 * tries to patch the prototype chain (and the classes) of every platform object it can get
 * hold of, and reports what took; then the starter runs again and must give the same summary,
 * byte for byte. A patch that took replaces a method with one that throws, so the second run
 * would show it.
 *
 * Frozen must not mean unusable: a last run checks that what Node code does with these
 * objects (subclass an exported class, replace a method on one instance) still works.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { runFolder } from '../helpers/run-fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios/pool-exhaustion');
const STARTER = readFileSync(join(SCENARIO, 'starter.ts'), 'utf8');

/**
 * Appended to the starter. `sweep` tries, on every prototype in a platform object's chain up
 * to Object.prototype and on its class, to redefine each member (its own and those it
 * inherits, which a definition would shadow) and to add `then` and a new name; a patch took
 * when the property then holds the forged function. `ownProbe` is a class of the service's
 * own, whose patch must take: the sweep can see a patch when there is one.
 */
const PATCHER = `
declare const require: (name: string) => any;
const patched: string[] = [];
const tried = new Set<string>();
const seen = new Set<any>();
function forged() { throw new Error('forged by an earlier run'); }
const patch = (label: string, target: any, key: string | symbol) => {
  try { Object.defineProperty(target, key, { value: forged, writable: true, configurable: true }); } catch {}
  try { target[key] = forged; } catch {}
  let d: any;
  try { d = Object.getOwnPropertyDescriptor(target, key); } catch {}
  if (d && d.value === forged) patched.push(label + '.' + String(key));
};
const sweep = (label: string, value: any) => {
  tried.add(label);
  const chain: any[] = [];
  for (let p = Object.getPrototypeOf(value); p && p !== Object.prototype && p !== Function.prototype; p = Object.getPrototypeOf(p)) chain.push(p);
  chain.forEach((proto, i) => {
    if (seen.has(proto)) return;
    seen.add(proto);
    const keys = new Set<string | symbol>(['then', 'forgedByEarlierRun']);
    for (const above of chain.slice(i)) for (const k of Reflect.ownKeys(above)) keys.add(k);
    const name = label + '<' + i + '>';
    for (const k of keys) patch(name, proto, k);
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    if (typeof ctor === 'function' && !seen.has(ctor)) {
      seen.add(ctor);
      for (const k of [...Reflect.ownKeys(ctor), Symbol.hasInstance, 'forgedByEarlierRun']) {
        if (k !== 'prototype' && k !== 'length' && k !== 'name') patch(name + '.constructor', ctor, k);
      }
    }
  });
};
class OwnProbe { hello() { return 'hi'; } }
const report = (when: string) => {
  const own = patched.filter((p) => p.startsWith('ownProbe'));
  const platform = patched.filter((p) => !p.startsWith('ownProbe'));
  console.log('own ' + when + ': ' + own.length);
  for (const label of tried) console.log('tried ' + label);
  console.log('patched ' + when + ': ' + platform.length);
  for (const p of platform) console.log('took ' + p);
};

export default async function routes(app: any) {
  let swept = false;
  const first = (handler: any) => async (req: any, reply: any) => {
    if (!swept) {
      swept = true;
      patched.length = 0;
      tried.clear();
      seen.clear();
      sweep('reply', reply);
      sweep('request', req);
      sweep('ownProbe', new OwnProbe());
      report('during a request');
    }
    return handler(req, reply);
  };
  await starterRoutes(Object.create(app, {
    get: { value: (url: string, h: any) => app.get(url, first(h)) },
    post: { value: (url: string, h: any) => app.post(url, first(h)) },
  }));

  const pg = require('pg');
  const pool = new pg.Pool({ max: 1 });
  const client = await pool.connect();
  const standalone = new pg.Client();
  const crypto = require('node:crypto');
  const redis = require('redis');
  const cache = redis.createClient();
  const controller = new AbortController();
  const response = await fetch(PAYMENTS_URL + '/v1/charges/none');
  const timeout = setTimeout(() => {}, 60_000);
  const interval = setInterval(() => {}, 60_000);
  const immediate = setImmediate(() => {});
  const sleeping = require('node:timers/promises').setTimeout(1);
  const objects: Record<string, unknown> = {
    timeout, interval, immediate, sleeping,
    timersModule: require('node:timers').setTimeout(() => {}, 1),
    pool, poolClient: client, poolResult: await client.query('SELECT 1 AS one'), client: standalone,
    controller, signal: controller.signal, timeoutSignal: AbortSignal.timeout(60_000), abortedSignal: AbortSignal.abort(),
    anySignal: AbortSignal.any([controller.signal]),
    response, headers: response.headers, made: new Response('x'), madeHeaders: new Headers({ a: 'b' }),
    request: new Request(PAYMENTS_URL + '/v1/ping'),
    promise: Promise.resolve(1), pending: new Promise(() => {}), asyncResult: (async () => 1)(),
    buffer: Buffer.from('x'), allocated: Buffer.alloc(2), slice: Buffer.from('xy').subarray(1),
    hash: crypto.createHash('sha256'), hmac: crypto.createHmac('sha256', 'k'),
    cache, cacheError: new redis.ClientClosedError(),
    promisified: require('node:util').promisify((cb: any) => cb(null, 1)),
    date: new Date(), ownProbe: new OwnProbe(),
  };
  // Issue #12's: events, async context, os, crypto.subtle.
  const events = require('node:events');
  const hooks = require('node:async_hooks');
  const emitter = new events.EventEmitter();
  emitter.on('x', () => {});
  const als = new hooks.AsyncLocalStorage();
  const subtle = globalThis.crypto.subtle;
  Object.assign(objects, {
    emitter, onceResult: events.once(emitter, 'y'), onIterator: events.on(emitter, 'z'),
    als, resource: new hooks.AsyncResource('probe'), snapshot: hooks.AsyncLocalStorage.snapshot(),
    subtle, cryptoKey: await subtle.importKey('raw', new Uint8Array(8), 'PBKDF2', false, ['deriveBits']),
    digest: await subtle.digest('SHA-256', new Uint8Array(1)), cpus: require('node:os').cpus(),
  });
  for (const name of ['pg', 'redis', 'node:crypto', 'node:util', 'node:timers', 'node:timers/promises', 'node:perf_hooks', 'node:buffer',
    'node:events', 'node:os', 'node:async_hooks']) {
    objects['module ' + name] = require(name);
  }
  for (const name of ['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'fetch', 'Promise', 'Buffer', 'Headers', 'Response',
    'Request', 'AbortController', 'AbortSignal', 'performance', 'queueMicrotask', 'crypto']) {
    objects['global ' + name] = (globalThis as any)[name];
  }
  // Put away before the sweep: once a patch takes, the platform's own calls may throw.
  client.release();
  clearTimeout(timeout);
  clearInterval(interval);
  for (const [label, value] of Object.entries(objects)) sweep(label, value);
  // The objects themselves that every run shares: a module, a global function, a class.
  for (const [label, value] of Object.entries(objects)) {
    if (!label.startsWith('module ') && !label.startsWith('global ')) continue;
    for (const k of [...Reflect.ownKeys(value as object), 'forgedByEarlierRun']) if (k !== 'prototype') patch(label, value, k);
  }
  patch('ownProbe<own>', OwnProbe.prototype, 'hello');
  report('at startup');
}
`;

/**
 * What code written for Node does with the objects it is handed, appended to the starter:
 * subclasses of the exported classes with fields of their own, and methods replaced on one
 * instance (a wrapped `pool.query`, `reply.code` in a hook), which a frozen prototype would
 * refuse (the override mistake). Each check logs what it saw.
 */
const OVERRIDES = `
declare const require: (name: string) => any;
export default async function routes(app: any) {
  const pg = require('pg');
  const crypto = require('node:crypto');
  const seen: Record<string, unknown> = {};
  class AuditedPool extends pg.Pool {
    audited = 0;
    override query(...args: any[]) { this.audited++; return super.query(...args); }
  }
  const audited = new AuditedPool({ max: 1 });
  await audited.query('SELECT 1 AS one');
  seen.subclass = audited.audited;
  const wrapped = new pg.Pool({ max: 1 });
  const query = wrapped.query;
  let wrappedCalls = 0;
  wrapped.query = (...args: any[]) => { wrappedCalls++; return query.apply(wrapped, args); };
  await wrapped.query('SELECT 1 AS one');
  seen.wrapped = wrappedCalls;
  seen.othersUntouched = new pg.Pool({ max: 1 }).query === query;
  const t: any = setTimeout(() => {}, 60_000);
  t.unref = () => t;
  t.label = 'mine';
  seen.timer = t.unref() === t && t.label === 'mine';
  clearTimeout(t);
  class TracedHeaders extends Headers { traced = true; }
  const headers: any = new TracedHeaders({ a: 'b' });
  headers.get = (name: string) => 'own ' + name;
  seen.headers = headers.traced && headers.get('a') === 'own a' && new Headers({ a: 'b' }).get('a') === 'b';
  const hash: any = crypto.createHash('sha256');
  hash.digest = () => 'own';
  seen.hash = hash.digest() === 'own' && crypto.createHash('sha256').update('x').digest('hex').length === 64;
  const buffer: any = Buffer.from('x');
  buffer.toString = () => 'own';
  seen.buffer = String(buffer) === 'own' && Buffer.from('x').toString() === 'x';
  const controller: any = new AbortController();
  controller.signal.addEventListener = () => {};
  seen.signal = !Object.hasOwn(new AbortController().signal, 'addEventListener');
  class LabError extends Error { code = 'E_LAB'; }
  seen.error = new LabError('x').code === 'E_LAB';
  let hooked = false;
  const hook = (handler: any) => async (req: any, reply: any) => {
    const code = reply.code;
    reply.code = (status: number) => {
      if (!hooked) console.log('hooked reply.code ' + status);
      hooked = true;
      return code.call(reply, status);
    };
    return handler(req, reply);
  };
  await starterRoutes(Object.create(app, {
    get: { value: (url: string, h: any) => app.get(url, hook(h)) },
    post: { value: (url: string, h: any) => app.post(url, hook(h)) },
  }));
  console.log('seen ' + JSON.stringify(seen));
}
`;

function appended(service: string): string {
  const renamed = STARTER.replace('export default async function routes(', 'async function starterRoutes(');
  expect(renamed, 'the starter exports `async function routes`').not.toBe(STARTER);
  return `${renamed}\n${service}`;
}

/** The console lines of a run that start with `prefix`, without their time stamps. */
function lines(s: RunSummary, prefix: string): string[] {
  return s.console.map((l) => l.replace(/^\[[^\]]*\] /, '')).filter((l) => l.startsWith(`${prefix} `));
}

describe('a run cannot change the platform for the runs after it', () => {
  let fresh: string;
  let patching: RunSummary;
  let after: string;
  beforeAll(async () => {
    fresh = JSON.stringify(await runFolder(SCENARIO, STARTER, 7));
    // One instance, so the patching service speaks once.
    patching = await runFolder(SCENARIO, appended(PATCHER), 7, (d) => ({
      ...d,
      platform: { ...d.platform, replicas: { ...d.platform.replicas, count: 1 } },
    }));
    after = JSON.stringify(await runFolder(SCENARIO, STARTER, 7));
  });

  it('the patching service reached every kind of platform object, and could patch its own class', () => {
    const names = new Set(lines(patching, 'tried').map((l) => l.slice('tried '.length)));
    for (const kind of [
      'timeout',
      'immediate',
      'pool',
      'poolClient',
      'client',
      'signal',
      'timeoutSignal',
      'controller',
      'response',
      'headers',
      'request',
      'promise',
      'buffer',
      'hash',
      'hmac',
      'cache',
      'reply',
      'module pg',
      'global Buffer',
      'emitter',
      'als',
      'resource',
      'cryptoKey',
      'subtle',
      'module node:events',
      'module node:async_hooks',
      'module node:os',
    ]) {
      expect(names, kind).toContain(kind);
    }
    const own = lines(patching, 'own');
    expect(own.length).toBeGreaterThan(0);
    for (const l of own) expect(l).not.toMatch(/: 0$/);
  });

  it('no patch of a platform prototype, class or module takes', () => {
    const patched = lines(patching, 'patched');
    expect(patched.length).toBeGreaterThan(0);
    expect(patched, lines(patching, 'took').join('\n')).toEqual(['patched at startup: 0', 'patched during a request: 0']);
  });

  it('the next run gives the summary of a run on a fresh platform, byte for byte', () => {
    const changed = Object.keys(JSON.parse(fresh)).filter(
      (k) => JSON.stringify(JSON.parse(fresh)[k]) !== JSON.stringify(JSON.parse(after)[k]),
    );
    expect(after === fresh, `the summary after the patching run differs in: ${changed.join(', ')}`).toBe(true);
  });
});

describe('what Node code does with the objects it is handed still works', () => {
  it('subclasses of the exported classes, and methods replaced on one instance', async () => {
    const s = await runFolder(SCENARIO, appended(OVERRIDES), 7, (d) => ({
      ...d,
      platform: { ...d.platform, replicas: { ...d.platform.replicas, count: 1 } },
    }));
    const seen = lines(s, 'seen');
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0].slice('seen '.length))).toEqual({
      subclass: 1,
      wrapped: 1,
      othersUntouched: true,
      timer: true,
      headers: true,
      hash: true,
      buffer: true,
      signal: true,
      error: true,
    });
    // The starter's checkout answers 201 through the hooked reply.code.
    expect(lines(s, 'hooked')).toEqual(['hooked reply.code 201']);
  });
});
