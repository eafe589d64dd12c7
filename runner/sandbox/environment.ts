/**
 * The simulated globals and modules the learner's service sees. Modules are created lazily on
 * first `require`, under their real names (`node:crypto` and `crypto` are the same module);
 * anything else is refused with a message that lists what is available.
 */
import type { LoadServiceInput } from './load-service.ts';
import type { DownstreamTally } from '../summary.ts';
import { ConsoleCapture } from '../runtime/modules/console.ts';
import { createTimers } from '../runtime/process/timers.ts';
import { createAbort } from '../runtime/modules/abort.ts';
import type { ThreadPool } from '../runtime/process/thread-pool.ts';
import { createCrypto } from '../runtime/modules/crypto/crypto.ts';
import { createUtil } from '../runtime/modules/util/util.ts';
import { Buffer } from '../runtime/modules/buffer/buffer.ts';
import { createFetch } from '../runtime/modules/fetch/fetch.ts';
import { createRedis } from '../runtime/modules/redis/redis.ts';
import { createPgModule } from '../runtime/modules/pg/pg-module.ts';
import { createEvents } from '../runtime/modules/events/events.ts';
import { createOs } from '../runtime/modules/os/os.ts';
import { createAsyncHooks } from '../runtime/modules/async-hooks/async-hooks.ts';
import { createWorkerThreads, SERVICE_PATH, type ThreadHost, type ThreadSelf } from '../runtime/modules/worker-threads/worker-threads.ts';
import { createPiscina } from '../runtime/modules/worker-threads/piscina.ts';
import type { EventEmitterClass } from '../runtime/modules/events/event-emitter.ts';
import { DbServer } from '../runtime/remote/db-server.ts';
import { hardenPlatform, hardenPlatformPending } from '../runtime/harden-platform.ts';
import { ServiceRealm, ModuleLoadError } from './evaluate.ts';
import { LIBRARY_NAMES } from './libraries.ts';
import { refusedModuleMessage, withRefusedApis } from './refusals.ts';
import { contextRoute } from '../world.ts';
import { createVirtualDate, createPerformance, createProcess } from './virtual-globals.ts';
import { createMeteredJson } from './metered-json.ts';
import type { ThreadProfile } from './cpu-profile.ts';
import { createMeteredStructuredClone } from './metered-clone.ts';
import { validateFunction } from '../runtime/modules/node-errors.ts';

/** Which thread of the process an environment is for, and what the process's threads share. */
export interface ThreadSetup {
  /** libuv's pool: one per process, shared by its threads. */
  threadPool: ThreadPool;
  /** Starts worker threads of this process. */
  host: ThreadHost;
  /** This thread (id 0: the main thread). */
  self: ThreadSelf;
  /** The main thread's console, which a worker thread's writes to (one stdout per process). */
  mainConsole?: ConsoleCapture;
  /** Where this thread's CPU goes, for the run's profile (the main thread's only). */
  profile?: ThreadProfile;
}

export interface ServiceEnvironment {
  /** The compartment the service and its libraries are evaluated in. */
  realm: ServiceRealm;
  require: (name: string) => unknown;
  console: ConsoleCapture;
  leakedClients: () => number;
  leakSites: () => Array<Error | undefined>;
  releasesInTransaction: () => number;
  downstreams: () => DownstreamTally[];
}

/** Module names user code may import; `node:` prefixed builtins also resolve without it. */
export const SUPPORTED_MODULES = [
  'pg',
  'redis',
  'dataloader',
  'p-limit',
  'lru-cache',
  'opossum',
  'node:crypto',
  'node:util',
  'node:timers',
  'node:timers/promises',
  'node:perf_hooks',
  'node:buffer',
  'node:events',
  'node:os',
  'node:async_hooks',
  'node:worker_threads',
  'piscina',
] as const;

/**
 * Standard globals Node has that a compartment lacks (SES shares only the ECMAScript
 * intrinsics, and leaves out the float arrays and Intl): the host's own, frozen with the rest.
 * Hosts without one (a worker has no `Intl.DurationFormat`, say) simply do not provide it.
 */
const HOST_UNIVERSALS = [
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
] as const;

/** Globals the service may change, as in Node; everything else it is handed is frozen. */
const SERVICE_OWNED_GLOBALS = new Set(['process', 'console']);

// `require` throws it at the service, which can catch it and reach its prototype.
hardenPlatform(ModuleLoadError);

export function createServiceEnvironment(input: LoadServiceInput, thread: ThreadSetup): ServiceEnvironment {
  const { p, def, db, librarySources } = input;
  const spec = def.platform;
  const timers = createTimers(p);
  const abort = createAbort(p);
  const threadPool = thread.threadPool;
  const crypto = createCrypto(p, threadPool);
  const util = createUtil(p, {
    customPromisify: new Map<unknown, unknown>([
      [timers.setTimeout, timers.promises.setTimeout],
      [timers.setImmediate, timers.promises.setImmediate],
    ]),
  });
  const capture = new ConsoleCapture(
    p.loop,
    (args) => {
      const text = util.format(...args);
      return input.errors.sourceMap ? input.errors.sourceMap.stacksForLearner(text) : text;
    },
    thread.mainConsole,
  );
  const services = input.downstreams;
  const http = createFetch(p, services, abort, {
    onUnknownHost: (host) =>
      input.errors.record(
        new Error(
          `fetch to unknown host ${host}: this lab's network has only ${services.map((s) => s.host).join(', ') || 'no other services'}`,
        ),
        contextRoute(p.jobs.context),
      ),
  });
  const pg = createPgModule(p, db ? new DbServer(p, db, spec.database ?? { setupSql: '' }, input.databaseHost) : undefined);
  const performance = createPerformance(p);
  const host = globalThis as unknown as Record<string, unknown>;
  const globals: Record<string, unknown> = {
    ...Object.fromEntries(HOST_UNIVERSALS.filter((name) => host[name] !== undefined).map((name) => [name, host[name]])),
    Promise: p.Promise,
    queueMicrotask: (fn: () => void) => {
      validateFunction(fn, 'callback');
      p.jobs.enqueue(fn);
    },
    setTimeout: timers.setTimeout,
    clearTimeout: timers.clearTimeout,
    setInterval: timers.setInterval,
    clearInterval: timers.clearInterval,
    setImmediate: timers.setImmediate,
    clearImmediate: timers.clearImmediate,
    Date: createVirtualDate(p),
    performance,
    Math: Object.create(Math, { random: { value: () => random.next(), enumerable: false } }),
    process: createProcess(p, spec.env ?? {}),
    console: capture.api(),
    fetch: http.fetch,
    Response: http.Response,
    Headers: http.Headers,
    Request: http.Request,
    AbortController: abort.AbortController,
    AbortSignal: abort.AbortSignal,
    Buffer,
    crypto: crypto.webcrypto,
    JSON: createMeteredJson(p.loop.cpuCounter, thread.profile && ((units) => thread.profile?.jsonUnits(units))),
    // Charged by size like JSON; absent where the host has none (see HOST_UNIVERSALS).
    ...(typeof host.structuredClone === 'function'
      ? { structuredClone: createMeteredStructuredClone(p.loop.cpuCounter, host.structuredClone as typeof structuredClone) }
      : {}),
    // The service's one file, where a CommonJS module would find it (import.meta.url is set
    // by the compiler, compile.ts).
    __filename: SERVICE_PATH,
    __dirname: SERVICE_PATH.slice(0, SERVICE_PATH.lastIndexOf('/')),
  };
  const random = p.rng.fork('math-random');
  const realm = new ServiceRealm(globals, p.loop.cpuCounter, thread.profile);
  // The realm is sealed now: the platform's classes (a Timeout's, the reply's, a pool
  // client's, whose instances the service will hold) are frozen before anything is handed
  // over, and before the globals below, which would freeze some of them without the
  // overrides instances are allowed (see harden-platform.ts).
  hardenPlatformPending();
  // What the service shares with the runner, or with later runs in this realm (Buffer is
  // one class for all runs), is frozen like the intrinsics it stands beside: the platform's
  // Promise, Date and Math are intrinsics in Node too. `process` and `console` stay the
  // service's own to change (code does set process.env.X), as they are per run.
  for (const [name, value] of Object.entries(globals)) if (!SERVICE_OWNED_GLOBALS.has(name)) harden(value);

  const cache = new Map<string, unknown>();
  const factories: Record<string, () => unknown> = {
    'pg': () => pg.exports,
    'redis': () => createRedis(p, spec.cache),
    'node:crypto': () => crypto,
    'node:util': () => util,
    'node:timers': () => ({
      setTimeout: timers.setTimeout,
      clearTimeout: timers.clearTimeout,
      setInterval: timers.setInterval,
      clearInterval: timers.clearInterval,
      setImmediate: timers.setImmediate,
      clearImmediate: timers.clearImmediate,
    }),
    'node:timers/promises': () => timers.promises,
    'node:perf_hooks': () => ({ performance }),
    'node:buffer': () => ({ Buffer }),
    'node:events': () => createEvents(p, (line) => capture.write('warn', [line])),
    'node:os': () => createOs(p.cores.count, () => p.loop.now() / 1000),
    'node:async_hooks': () => createAsyncHooks(p),
    'node:worker_threads': () => createWorkerThreads(p, require('node:events') as EventEmitterClass, thread.host, thread.self),
    'piscina': () => createPiscina(p, require('node:events') as EventEmitterClass, thread.host, thread.self),
    'dataloader': () => library('dataloader'),
    'p-limit': () => library('p-limit'),
    'lru-cache': () => library('lru-cache'),
    'opossum': () => library('opossum'),
  };
  const library = (name: string): unknown => {
    const source = librarySources[name];
    if (source === undefined) throw new ModuleLoadError(`The library '${name}' is not available in this environment.`, name);
    return realm.evaluateCommonJs(source, require, `${name}.js`);
  };
  const require = (name: string): unknown => {
    const key = name.startsWith('node:') || !factories[`node:${name}`] ? name : `node:${name}`;
    if (cache.has(key)) return cache.get(key);
    const make = factories[key];
    if (!make) {
      // What to use instead where there is an obvious alternative, and always what there is.
      const available = `The service can import: ${SUPPORTED_MODULES.join(', ')}.`;
      const refused = refusedModuleMessage(name);
      throw new ModuleLoadError(refused ? `${refused} ${available}` : `Module '${name}' is not available in this lab. ${available}`, name);
    }
    // Frozen like an ES module's namespace: a patched `Pool.prototype` or `crypto.pbkdf2Sync`
    // must not reach the runner or outlive the run. A bundled library is the service's own.
    const mod = (LIBRARY_NAMES as readonly string[]).includes(key) ? make() : harden(withRefusedApis(key, make()));
    cache.set(key, mod);
    return mod;
  };

  return {
    realm,
    require,
    console: capture,
    leakedClients: pg.leakedClients,
    leakSites: pg.leakSites,
    releasesInTransaction: pg.releasesInTransaction,
    downstreams: () => http.stats().hosts,
  };
}
