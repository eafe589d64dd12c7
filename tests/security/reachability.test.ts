/**
 * No chain of property reads leads from what a service holds to the simulator's internals.
 *
 * A real service (the pool-exhaustion solution, with a probe appended) is loaded through
 * the runner's own loadService; the probe gathers what a service can get its hands on (its
 * globals, every module it can require, a pool, a checked-out client, query results, a
 * fetch Response and its Headers, timers, a Buffer, hashes, the cache client, promises
 * made inside a request, and the request and reply of a route) and hands them to the test
 * through `app.decorate`. The test then walks everything reachable from there: own string
 * and symbol keys and [[Prototype]], data properties only (getters are never invoked, but
 * the accessor functions themselves count as reached).
 *
 * The walk fails, naming the path, when it reaches
 * - an instance (or the class, or its prototype) of the simulator's internals: Kernel,
 *   EventLoop, JobQueue, RunCounters, Collector, the Database, PGlite, and the platform
 *   modules behind the facades (DbServer, HttpServer, ThreadPool, ConsoleCapture,
 *   DownstreamService, DatabaseHost, Fifo, EventHeap), and those of the fleet (LoadBalancer,
 *   FleetGauges);
 * - a request's accounting record (the per-request context whose `dbQueries` the summary
 *   reads);
 * - a host function that is not intended API. The criterion: a function is the service's
 *   own when its source text is part of the code evaluated in its compartment (the service
 *   and its bundled libraries); it is standard when it is reachable from a fresh
 *   compartment's globals or from the host universals (URL, Intl, …), which every
 *   compartment shares, frozen. Any other function is the platform's, and it is intended API
 *   only when it can be reached from the probe's roots along public edges: [[Prototype]],
 *   `prototype`, `constructor`, well-known symbols, array elements, members of a class or
 *   of a class's prototype (the facades' own methods, accessors and statics), and names the
 *   platform's type declarations (platform-types.ts, what the editor offers) declare. Then
 *   `client.release` and `Pool.prototype.query` are API; a closure kept in a field such as
 *   `reply.onSend` or a promise's reaction list is not.
 *
 * The tamper tests run a service that hunts for internals by their shape, end to end, and
 * require the same verdict as without the hunt.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { beforeAll, describe, expect, it } from 'vitest';
import { Kernel } from '../../runner/sim/kernel.ts';
import { EventHeap } from '../../runner/sim/event-heap.ts';
import { Fifo } from '../../runner/sim/fifo.ts';
import { EventLoop } from '../../runner/runtime/process/event-loop.ts';
import { JobQueue } from '../../runner/runtime/process/job-queue.ts';
import { RunCounters } from '../../runner/runtime/process/run-counters.ts';
import { ThreadPool } from '../../runner/runtime/process/thread-pool.ts';
import { ConsoleCapture } from '../../runner/runtime/modules/console.ts';
import { DbServer } from '../../runner/runtime/remote/db-server.ts';
import { HttpServer } from '../../runner/runtime/process/http-server.ts';
import { DownstreamService } from '../../runner/runtime/remote/downstream.ts';
import { DatabaseHost } from '../../runner/runtime/remote/database/database-host.ts';
import { LoadBalancer } from '../../runner/load/balancer.ts';
import { FleetGauges } from '../../runner/metrics/fleet-gauges.ts';
import { Database } from '../../runner/runtime/remote/database/database.ts';
import { openDatabase } from '../../runner/runtime/remote/database/shared-database.ts';
import { Collector } from '../../runner/metrics/collector.ts';
import { createWorld } from '../../runner/world.ts';
import { loadService } from '../../runner/sandbox/load-service.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import { instrumentCpu } from '../../runner/sandbox/cpu-instrument.ts';
import { loadScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import { PLATFORM_TYPES } from '../../runner/sandbox/platform-types.ts';
import { SUPPORTED_MODULES } from '../../runner/sandbox/environment.ts';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { runFolder } from '../helpers/run-fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCENARIO = join(ROOT, 'scenarios/pool-exhaustion');

/** Classes whose instances are the simulator's own; reaching one is reaching its internals. */
const INTERNAL_CLASSES: Record<string, Function> = {
  Kernel,
  EventHeap,
  Fifo,
  EventLoop,
  JobQueue,
  RunCounters,
  Collector,
  Database,
  PGlite,
  DbServer,
  HttpServer,
  ThreadPool,
  ConsoleCapture,
  DownstreamService,
  DatabaseHost,
  LoadBalancer,
  FleetGauges,
};

/**
 * Appended to the solution: keeps everything the service can reach and hands it over. The
 * solution's own default export still registers its routes.
 */
const PROBE = `
declare const require: (name: string) => any;
const SUPPORTED = ${JSON.stringify(SUPPORTED_MODULES)};
export default async function probed(app: any) {
  await solutionRoutes(app);
  const held: any = { globals: globalThis, app, modules: {}, requests: [] };
  for (const name of [...SUPPORTED, 'crypto', 'util', 'timers', 'timers/promises', 'buffer']) held.modules[name] = require(name);
  const pg = require('pg');
  held.pool = new pg.Pool({ max: 2 });
  held.pool.on('connect', () => {});
  held.client = await held.pool.connect();
  held.result = await held.client.query('SELECT id, name FROM products ORDER BY id LIMIT 2');
  held.poolResult = await held.pool.query('SELECT 1 AS one');
  held.pending = held.client.query('SELECT 2 AS two');
  held.standalone = new pg.Client();
  await held.standalone.connect();
  held.response = await fetch('https://payments.internal/v1/charges', {
    method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'probe-1' },
    body: JSON.stringify({ amountCents: 100, paymentMethodId: 'pm_card_probe', orderRef: 'probe' }),
  });
  held.headers = held.response.headers;
  held.request = new Request('https://payments.internal/v1/ping', { signal: AbortSignal.timeout(50) });
  held.made = new Response('x', { headers: new Headers({ a: 'b' }) });
  held.timeout = setTimeout(() => {}, 60_000);
  held.interval = setInterval(() => {}, 60_000);
  held.immediate = setImmediate(() => {});
  held.sleeping = require('node:timers/promises').setTimeout(60_000);
  held.buffer = Buffer.from('probe');
  const crypto = require('node:crypto');
  held.hash = crypto.createHash('sha256').update('x');
  held.hmac = crypto.createHmac('sha256', 'k');
  held.controller = new AbortController();
  held.signal = held.controller.signal;
  held.signal.addEventListener('abort', () => {});
  held.anySignal = AbortSignal.any([held.signal]);
  const redis = require('redis');
  held.cache = redis.createClient();
  await held.cache.connect();
  await held.cache.set('k', 'v', { EX: 60 });
  const DataLoader = require('dataloader');
  held.loader = new DataLoader(async (keys: readonly number[]) => keys.map((k) => k));
  held.loaded = held.loader.load(1);
  held.promise = new Promise(() => {});
  held.promise.then(() => {});
  held.resolvers = Promise.withResolvers();
  held.promisified = require('node:util').promisify((cb: (e: null, v: number) => void) => cb(null, 1));
  // Issue #12's objects: events, async context, os, crypto.subtle, Fastify's extras, the bundled libraries.
  const events = require('node:events');
  held.emitter = new events.EventEmitter();
  held.emitter.on('x', () => {});
  held.emitter.once('y', () => {});
  held.emitter.prependListener('x', () => {});
  held.listeners = held.emitter.rawListeners('x').concat(held.emitter.rawListeners('y'));
  held.onceResult = events.once(held.emitter, 'z');
  held.onIterator = events.on(held.emitter, 'w');
  held.emitter.emit('z', 1);
  held.onceValue = await held.onceResult;
  const hooks = require('node:async_hooks');
  held.als = new hooks.AsyncLocalStorage();
  held.storeOutside = held.als.getStore();
  held.storeInside = held.als.run({ probe: 1 }, () => held.als.getStore());
  held.snapshot = hooks.AsyncLocalStorage.snapshot();
  held.boundFn = hooks.AsyncLocalStorage.bind(() => held.als.getStore());
  held.resource = new hooks.AsyncResource('probe');
  held.resourceBound = held.resource.bind(() => 1);
  held.resourceStatic = hooks.AsyncResource.bind(() => 1);
  const os = require('node:os');
  held.os = {};
  for (const k of Object.keys(os)) {
    try { held.os[k] = typeof os[k] === 'function' ? os[k]() : os[k]; } catch (e) { held.os[k] = e; }
  }
  const subtle = globalThis.crypto.subtle;
  held.digest = await subtle.digest('SHA-256', new TextEncoder().encode('x'));
  held.rawKey = await subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits']);
  held.bits = await subtle.deriveBits({ name: 'PBKDF2', salt: new Uint8Array(8), iterations: 10, hash: 'SHA-256' }, held.rawKey, 256);
  try {
    held.hmacKey = await subtle.importKey('raw', new Uint8Array(16), { name: 'HMAC', hash: 'SHA-256' }, true, ['sign', 'verify']);
    held.signature = await subtle.sign('HMAC', held.hmacKey, new Uint8Array(4));
  } catch (e) { held.subtleError = e; }
  const pLimit = require('p-limit');
  held.limit = (pLimit.default ?? pLimit)(2);
  held.limited = held.limit(() => held.pool.query('SELECT 4 AS four'));
  await held.limited;
  const lru = require('lru-cache');
  held.lru = new (lru.LRUCache ?? lru)({ max: 10, ttl: 1000 });
  held.lru.set('a', { b: 1 });
  const Breaker = require('opossum');
  held.breaker = new (Breaker.default ?? Breaker)(async () => 1, { timeout: 100 });
  held.breaker.on('success', () => {});
  held.fired = await held.breaker.fire();
  held.stats = held.breaker.stats;
  held.multi = await held.pool.query('SELECT 1 AS a; SELECT 2 AS b');
  // What node:events hands out about platform emitters: their listeners, the platform's own included.
  held.platformListeners = [];
  for (const e of [held.pool, held.client, held.standalone, held.cache, held.breaker]) {
    for (const n of e.eventNames?.() ?? []) {
      held.platformListeners.push(n, ...(e.rawListeners?.(n) ?? []));
      try { held.platformListeners.push(...events.getEventListeners(e, n)); } catch (err) { held.platformListeners.push(err); }
    }
  }
  held.signalListeners = [];
  for (const signal of [held.signal, held.anySignal]) {
    try { held.signalListeners.push(...events.getEventListeners(signal, 'abort')); } catch (err) { held.signalListeners.push(err); }
  }
  held.hookArgs = [];
  app.decorateRequest('probeUser', null);
  app.decorateReply('probeMark', function (this: any) { return this; });
  for (const hook of ['onRequest', 'preParsing', 'preValidation', 'preHandler', 'preSerialization', 'onSend', 'onResponse']) {
    try {
      app.addHook(hook, async (...args: any[]) => { held.hookArgs.push([hook, ...args]); return hook === 'preSerialization' || hook === 'onSend' ? args[2] : undefined; });
    } catch (e) { held.hookArgs.push([hook, e]); }
  }
  app.setErrorHandler((...args: any[]) => { held.errorHandlerArgs = args; args[2].code(500).send({ error: 'probe' }); });
  app.setNotFoundHandler((...args: any[]) => { held.notFoundArgs = args; args[1].code(404).send({}); });
  app.get('/probe', async (req: any, reply: any) => {
    const during: any = { req, reply, waiting: new Promise(() => {}) };
    during.store = held.als.getStore();
    during.storeInRun = held.als.run({ r: 1 }, () => held.als.getStore());
    during.resource = new hooks.AsyncResource('during');
    during.snapshot = hooks.AsyncLocalStorage.snapshot();
    during.multi = await held.pool.query('SELECT 1 AS a; SELECT 2 AS b');
    during.waiting.then(() => {});
    during.client = await held.pool.connect();
    during.result = await during.client.query('SELECT 3 AS three');
    during.fetched = fetch('https://payments.internal/v1/charges', { method: 'POST', body: '{}' });
    during.fetched.catch(() => {});
    held.requests.push(during);
    reply.header('x-probe', '1');
    return { ok: true };
  });
  app.get('/probe-throw', async () => {
    throw new Error('probe');
  });
  app.decorate('held', held);
}
`;

interface Probe {
  held: Record<string, unknown>;
  /** Source text evaluated in the service's compartment (service and libraries). */
  serviceSources: string[];
  /** The test's own functions the service is handed (its `app.decorate`). */
  testFunctions: Set<object>;
}

async function loadProbe(): Promise<Probe> {
  const folder = await loadScenarioFolder(SCENARIO);
  const solution = readFileSync(join(SCENARIO, 'solution.ts'), 'utf8');
  const renamed = solution.replace('export default async function routes(', 'async function solutionRoutes(');
  expect(renamed, 'the solution exports `async function routes`').not.toBe(solution);
  const host = nodeHost();
  const compiled = await host.compiler(renamed + PROBE);
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
  const def = folder.definition;
  const db = await openDatabase(def.platform.database!);
  const { platform: p, errors } = createWorld(7);
  const decorated: Record<string, unknown> = {};
  const testFunctions = new Set<object>();
  class ProbedServer extends HttpServer {
    override app(): Record<string, unknown> {
      const app = super.app();
      // Fastify's decorate, kept by the test: how the probe hands over what it holds.
      const decorate = (name: string, value: unknown) => {
        decorated[name] = value;
        return app;
      };
      testFunctions.add(decorate);
      return Object.create(app, { decorate: { value: decorate } });
    }
  }
  const server = new ProbedServer(p, 0.05);
  // The downstream services and the database host as the runner makes them (run.ts).
  const downstreams = (def.platform.downstreams ?? []).map((d) => new DownstreamService(d, p.kernel, p.rng));
  const databaseHost = new DatabaseHost(def.platform.database!, p.kernel);
  await loadService({ p, def, db, databaseHost, server, downstreams, errors, compiled, librarySources: host.librarySources });
  let answered: unknown;
  const context = { route: 'GET /probe', seq: 1, dbQueries: 0, calledHosts: undefined };
  server.handle({ method: 'GET', path: '/probe' } as never, p.kernel.nowMs, context, (reply) => {
    answered = reply;
  });
  while (answered === undefined) {
    if (p.kernel.hasHostWork) await p.kernel.settleHostWork();
    if (!p.kernel.step()) break;
  }
  expect(answered).toMatchObject({ status: 200 });
  expect(errors.errors).toEqual([]);
  // The error handler and the not-found handler get their arguments from a request each.
  for (const [seq, path, status] of [
    [2, '/probe-throw', 500],
    [3, '/nowhere', 404],
  ] as const) {
    answered = undefined;
    const other = { route: `GET ${path}`, seq, dbQueries: 0, calledHosts: undefined };
    server.handle({ method: 'GET', path } as never, p.kernel.nowMs, other, (reply) => {
      answered = reply;
    });
    while (answered === undefined) {
      if (p.kernel.hasHostWork) await p.kernel.settleHostWork();
      if (!p.kernel.step()) break;
    }
    expect(answered).toMatchObject({ status });
  }
  const held = decorated.held as Record<string, unknown>;
  expect(held, 'the probe handed over what it holds').toBeDefined();
  // The compartment evaluates the code with CPU metering added (cpu-instrument.ts), with the
  // profile's region counts on the main thread: those texts.
  const sources = [compiled.js, ...Object.values(host.librarySources)];
  const metered = sources.flatMap((s) => [instrumentCpu(s).code, instrumentCpu(s, true).code]);
  return { held, serviceSources: [...sources, ...metered], testFunctions };
}

/**
 * Every name the platform's type declarations give the editor: members, functions, classes
 * and constants. Parameter lists are dropped first, so a parameter's name does not count.
 */
function declaredNames(): Set<string> {
  const names = new Set<string>();
  for (const file of PLATFORM_TYPES) {
    let text = file.content;
    for (let before = ''; before !== text; ) [before, text] = [text, text.replace(/\([^()]*\)/g, '')];
    for (const m of text.matchAll(/([A-Za-z_$][\w$]*)\??\s*(?:<[^<>]*>)?\s*:/g)) names.add(m[1]);
    for (const m of text.matchAll(/\b(?:function|class|const|var|interface)\s+([A-Za-z_$][\w$]*)/g)) names.add(m[1]);
  }
  return names;
}

type Edge = { key: string | symbol | 'proto'; holder: object };
type Visit = (value: object, path: string, edge: Edge | undefined) => boolean;

function isObject(v: unknown): v is object {
  return (typeof v === 'object' && v !== null) || typeof v === 'function';
}

function step(path: string, key: string | symbol): string {
  if (typeof key === 'symbol') return `${path}[${key.description ?? 'symbol'}]`;
  if (/^\d+$/.test(key)) return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/**
 * Breadth first from `roots` over own keys and [[Prototype]], reading data properties
 * only; `visit` decides whether to go on from an object (false stops there).
 */
function walk(roots: Record<string, unknown>, visit: Visit, follow: (edge: Edge, value: object) => boolean = () => true): void {
  const seen = new Set<object>();
  const queue: [object, string, Edge | undefined][] = [];
  const push = (value: unknown, path: string, edge: Edge | undefined): void => {
    if (!isObject(value) || seen.has(value)) return;
    if (edge && !follow(edge, value)) return;
    seen.add(value);
    queue.push([value, path, edge]);
  };
  for (const [name, value] of Object.entries(roots)) push(value, name, undefined);
  for (let i = 0; i < queue.length; i++) {
    const [value, path, edge] = queue[i];
    if (!visit(value, path, edge)) continue;
    // A byte array's elements are numbers; its methods are on its prototype.
    if (ArrayBuffer.isView(value)) {
      push(Object.getPrototypeOf(value), `${path}.[[Prototype]]`, { key: 'proto', holder: value });
      continue;
    }
    push(Object.getPrototypeOf(value), `${path}.[[Prototype]]`, { key: 'proto', holder: value });
    const descriptors = Object.getOwnPropertyDescriptors(value) as Record<string | symbol, PropertyDescriptor>;
    for (const key of Reflect.ownKeys(descriptors)) {
      const d = descriptors[key];
      if ('value' in d) push(d.value, step(path, key), { key, holder: value });
      else {
        push(d.get, `${step(path, key)}<get>`, { key, holder: value });
        push(d.set, `${step(path, key)}<set>`, { key, holder: value });
      }
    }
  }
}

/**
 * Objects every compartment shares, frozen: the intrinsics (the host's and a compartment's
 * own, and the hidden ones such as %GeneratorPrototype%) and the host universals.
 */
function standardObjects(): Set<object> {
  const standard = new Set<object>();
  const fresh = new Compartment().globalThis as Record<string, unknown>;
  const host = globalThis as unknown as Record<string, unknown>;
  const hostIntrinsics = Object.fromEntries(Object.getOwnPropertyNames(fresh).map((n) => [`host ${n}`, host[n]]));
  const universals = Object.fromEntries(
    [
      'URL',
      'URLSearchParams',
      'structuredClone',
      'atob',
      'btoa',
      'Float32Array',
      'Float64Array',
      'Intl',
      'DOMException',
      'Event',
      'EventTarget',
      'TextEncoder',
      'TextDecoder',
    ].map((n) => [n, host[n]]),
  );
  const hidden = [
    function* () {},
    async function () {},
    async function* () {},
    [].values(),
    new Map().entries(),
    new Set().values(),
    ''[Symbol.iterator](),
    /x/[Symbol.matchAll]('x'),
  ].map((v) => Object.getPrototypeOf(v) as object);
  walk({ fresh, ...hostIntrinsics, ...universals, hidden }, (value) => {
    standard.add(value);
    return true;
  });
  return standard;
}

const WELL_KNOWN = new Set(
  Object.getOwnPropertyNames(Symbol)
    .map((n) => (Symbol as unknown as Record<string, unknown>)[n])
    .filter((s) => typeof s === 'symbol'),
);

function isPlain(holder: object): boolean {
  const proto = Object.getPrototypeOf(holder);
  return proto === null || proto === Object.prototype;
}

function isClassMember(holder: object): boolean {
  if (typeof holder === 'function') return true; // statics of a class, properties of an API function
  const ctor = Object.getOwnPropertyDescriptor(holder, 'constructor')?.value;
  return typeof ctor === 'function' && Object.getOwnPropertyDescriptor(ctor, 'prototype')?.value === holder;
}

function internalName(value: object): string | undefined {
  for (const [name, cls] of Object.entries(INTERNAL_CLASSES)) {
    if (value === cls || value === cls.prototype || value instanceof cls) return name;
  }
  const own = (k: string) => Object.getOwnPropertyDescriptor(value, k)?.value;
  if (typeof own('seq') === 'number' && typeof own('dbQueries') === 'number' && typeof own('route') === 'string') return 'RequestContext';
  return undefined;
}

/** The paths by which the walk reaches internals or host functions that are not API. */
function findLeaks(probe: Probe): string[] {
  const standard = standardObjects();
  const declared = declaredNames();
  const sourceOf = new Map<object, boolean>();
  const isServiceFunction = (fn: object): boolean => {
    let own = sourceOf.get(fn);
    if (own === undefined) {
      const text = Function.prototype.toString.call(fn);
      own = probe.testFunctions.has(fn) || (!text.includes('[native code]') && probe.serviceSources.some((s) => s.includes(text)));
      sourceOf.set(fn, own);
    }
    return own;
  };
  const publicEdge = (edge: Edge): boolean => {
    const { key, holder } = edge;
    if (key === 'proto' || key === 'prototype' || key === 'constructor') return true;
    if (typeof key === 'symbol') return WELL_KNOWN.has(key);
    if (Array.isArray(holder) && /^\d+$/.test(key)) return true;
    if (declared.has(key) || isClassMember(holder) || isPlain(holder)) return true;
    // A standard member given its simulated meaning (the compartment's Math.random).
    const proto = Object.getPrototypeOf(holder);
    if (proto !== null && standard.has(proto) && Reflect.has(proto, key)) return true;
    // The service's own objects (a DataLoader, say) keep what they like.
    const ctor = Object.getPrototypeOf(holder)?.constructor;
    return typeof ctor === 'function' && isServiceFunction(ctor);
  };
  const api = new Set<object>();
  walk(
    probe.held,
    (value) => {
      api.add(value);
      return !standard.has(value);
    },
    (edge) => publicEdge(edge),
  );

  const leaks: string[] = [];
  walk(probe.held, (value, path) => {
    if (standard.has(value)) return false;
    const internal = internalName(value);
    if (internal) {
      leaks.push(`${path}: ${internal}`);
      return false;
    }
    if (typeof value === 'function' && !api.has(value) && !isServiceFunction(value)) {
      leaks.push(`${path}: platform function ${(value as { name?: string }).name || '(anonymous)'} that is not API`);
    }
    return true;
  });
  return leaks;
}

describe('nothing a service holds leads to the simulator', () => {
  let probe: Probe;
  beforeAll(async () => {
    probe = await loadProbe();
  });

  it('the probe holds what a service can reach', () => {
    const held = probe.held;
    for (const k of [
      'globals',
      'app',
      'modules',
      'pool',
      'client',
      'result',
      'response',
      'headers',
      'timeout',
      'buffer',
      'hash',
      'cache',
      'loader',
      'emitter',
      'listeners',
      'onIterator',
      'als',
      'storeInside',
      'resource',
      'os',
      'digest',
      'rawKey',
      'bits',
      'hmacKey',
      'limit',
      'lru',
      'breaker',
      'stats',
      'multi',
      'errorHandlerArgs',
      'notFoundArgs',
    ]) {
      expect(held[k], k).toBeDefined();
    }
    expect((held.requests as unknown[]).length).toBe(1);
    expect((held.hookArgs as unknown[][]).map((a) => a[0])).toEqual(
      expect.arrayContaining(['onRequest', 'preHandler', 'onSend', 'onResponse']),
    );
    expect((held.requests as Record<string, unknown>[])[0].storeInRun).toEqual({ r: 1 });
    expect(Object.keys(held.modules as object)).toEqual(expect.arrayContaining(['pg', 'redis', 'dataloader', 'node:crypto']));
  });

  it('the walk finds what it looks for when it is there', () => {
    class Box {
      constructor(readonly secret: () => void) {}
    }
    const kernel = new Kernel();
    const context = { route: 'GET /x', seq: 1, dbQueries: 0 };
    const leaks = findLeaks({ ...probe, held: { planted: { deep: [{ kernel }], box: new Box(() => context) }, context } });
    expect(leaks.sort()).toEqual([
      'context: RequestContext',
      'planted.box.secret: platform function (anonymous) that is not API',
      'planted.deep[0].kernel: Kernel',
    ]);
  });

  it("no path leads to an internal, a request's accounting, or a platform function that is not API", () => {
    const leaks = findLeaks(probe);
    expect(leaks, `reachable:\n${leaks.join('\n')}`).toEqual([]);
  });
});

/**
 * A service that hunts through everything it holds for objects shaped like the simulator's
 * internals, and tampers with each: CPU charged to the event loop, counters, a request's
 * query count, the clock. Appended to the starter, which misses its SLOs.
 */
const HUNT = `
const hunted = new Set<any>();
const hunt = (roots: any[], budget: number) => {
  const seen = new Set<any>(); const queue = [...roots];
  for (let i = 0; i < queue.length && seen.size < budget; i++) {
    const o = queue[i];
    if (o === null || (typeof o !== 'object' && typeof o !== 'function') || seen.has(o)) continue;
    seen.add(o);
    let keys: (string | symbol)[] = [];
    try { keys = ArrayBuffer.isView(o) ? [] : Reflect.ownKeys(o); queue.push(Object.getPrototypeOf(o)); } catch { continue; }
    for (const k of keys) {
      let d: any; try { d = Object.getOwnPropertyDescriptor(o, k); } catch { continue; }
      if (d && 'value' in d) queue.push(d.value);
    }
    for (const k of ['jobCostMs', 'taskCostMs', 'dbQueries', 'poolInUse', 'poolWaiting', 'downstreamAttempts', 'downstreamCalls', 'busyUntilMs'] as const) {
      try { if (typeof o[k] === 'number' && Object.prototype.hasOwnProperty.call(o, k)) hunted.add(o); } catch {}
    }
  }
};
const tamper = () => {
  if (!TAMPER) return;
  for (const o of hunted) {
    for (const k of ['jobCostMs', 'taskCostMs', 'dbQueries', 'poolInUse', 'poolWaiting', 'downstreamAttempts', 'downstreamCalls']) {
      try { if (typeof o[k] === 'number') o[k] = 0; } catch {}
    }
    try { if (typeof o.charge === 'function') o.charge = () => {}; } catch {}
    try { if (typeof o.noteQuery === 'function') o.noteQuery = () => {}; } catch {}
  }
};
`;

/**
 * The starter with the hunt added; `tamper` says whether what it finds is changed. Both runs
 * pay the same CPU for the hunt itself, so their verdicts differ only by what tampering did.
 */
async function huntingRun(scenario: string, roots: string, perRequest: string, tamper: boolean): Promise<RunSummary> {
  const folder = join(ROOT, 'scenarios', scenario);
  const starter = readFileSync(join(folder, 'starter.ts'), 'utf8');
  const renamed = starter.replace('export default async function routes(', 'async function starterRoutes(');
  expect(renamed).not.toBe(starter);
  const code = `${renamed}\nconst TAMPER = ${tamper};\n${HUNT}\nexport default async function routes(app: any) {
  const route = (method: string) => (url: string, handler: any) => app[method](url, async (req: any, reply: any) => {
    ${perRequest}
    tamper();
    return handler(req, reply);
  });
  await starterRoutes(Object.create(app, { get: { value: route('get') }, post: { value: route('post') } }));
  hunt([globalThis, app, ${roots}], 200_000);
  console.log('hunted ' + hunted.size);
  tamper();
}\n`;
  return runFolder(folder, code, 7);
}

/** What the verdict is made of, without the console. */
function verdict(s: RunSummary): unknown {
  return { passed: s.passed, slos: s.slos, checks: s.checks, metrics: s.metrics, requests: s.requests, routes: s.routes };
}

describe('a service that walks to the internals and changes them changes nothing', () => {
  const HUNTS: Record<string, [scenario: string, roots: string, perRequest: string]> = {
    'pool-exhaustion: through the pool, its clients and the request': [
      'pool-exhaustion',
      'pool, require("pg"), require("redis")',
      'const c = await pool.connect(); hunt([c, req, reply, Promise.resolve(1)], 2_000); c.release();',
    ],
    'pool-exhaustion: through events, async context, os, crypto.subtle and the bundled libraries': [
      'pool-exhaustion',
      'require("node:events"), require("node:async_hooks"), require("node:os"), globalThis.crypto.subtle, require("p-limit"), ' +
        'require("lru-cache"), require("opossum"), new (require("node:async_hooks").AsyncResource)("hunt")',
      'const h = require("node:async_hooks"); const als = new h.AsyncLocalStorage(); ' +
        'await als.run({ r: 1 }, async () => { const e = new (require("node:events").EventEmitter)(); e.on("x", () => {}); ' +
        'hunt([als, als.getStore(), e, new h.AsyncResource("r"), h.AsyncLocalStorage.snapshot(), req, reply], 2_000); });',
    ],
    'blocking-event-loop: through crypto, timers and promises': [
      'blocking-event-loop',
      'require("node:crypto"), require("node:util"), setTimeout(() => {}, 1), Buffer.from("x")',
      'const p = new Promise(() => {}); p.then(() => {}); hunt([p, req, reply], 2_000);',
    ],
  };
  for (const [name, [scenario, roots, perRequest]] of Object.entries(HUNTS)) {
    it(name, async () => {
      const looked = await huntingRun(scenario, roots, perRequest, false);
      const tampered = await huntingRun(scenario, roots, perRequest, true);
      expect(looked.console[0]).toMatch(/hunted 0$/);
      expect(verdict(tampered)).toEqual(verdict(looked));
      expect(tampered.passed).toBe(false);
    });
  }
});
