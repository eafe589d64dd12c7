/**
 * What the lab does not have, said plainly. A service written at work reaches for modules and
 * APIs the simulated platform leaves out; each must fail where it is used, at import or at
 * first call, with a message that names it and says what to use here instead, never as a
 * silent no-op or an anonymous "is not a function". The table is the one list a test walks
 * (tests/unit/sandbox/refusals.test.ts); refusals that live inside a module (async_hooks'
 * createHook, subtle.encrypt, os.setPriority) are listed there too.
 */

const NO_FS = 'the lab has no file system; keep data in the database or in memory';
const USE_FETCH = "call other services with the global fetch (the scenario's downstream hosts)";
const ROUTES = 'the service exports a function that registers its routes on the app the lab passes in (Fastify style)';

/** Modules refused at import (names without `node:`), with what to use instead. */
export const REFUSED_MODULES: Readonly<Record<string, string>> = {
  fs: NO_FS,
  'fs/promises': NO_FS,
  path: 'the lab has no file system, so no paths; build strings directly',
  http: USE_FETCH,
  https: USE_FETCH,
  http2: USE_FETCH,
  net: USE_FETCH,
  tls: USE_FETCH,
  dgram: USE_FETCH,
  dns: 'fetch resolves host names itself',
  child_process:
    'the lab runs one process per instance; move CPU work to node:worker_threads (or piscina), and the scenario sets the number of instances (platform.replicas)',
  cluster: 'the scenario sets the number of instances (platform.replicas)',
  zlib: 'the lab has no compression; send bodies as they are',
  stream: 'read whole bodies with response.text() or response.json()',
  'stream/promises': 'read whole bodies with response.text() or response.json()',
  readline: 'the service has no terminal',
  vm: 'the service runs in one sandbox; it cannot make another',
  v8: 'the simulator has no V8 heap to inspect',
  inspector: 'the simulator has no V8 inspector; the run report has a CPU profile',
  process: 'use the global process',
  url: 'use the global URL and URLSearchParams',
  querystring: 'use the global URLSearchParams',
  assert: 'throw an Error yourself',
  'assert/strict': 'throw an Error yourself',
  string_decoder: 'use Buffer.toString or the global TextDecoder',
  diagnostics_channel: 'log with console',
  express: ROUTES,
  koa: ROUTES,
  axios: USE_FETCH,
  'node-fetch': USE_FETCH,
  undici: USE_FETCH,
  got: USE_FETCH,
  ioredis: "use the 'redis' module (node-redis v4 API)",
  'pg-pool': "use Pool from 'pg'",
  bluebird: 'use the global Promise',
};

const NO_CIPHERS =
  'the lab has no ciphers or key pairs; hash with createHash or createHmac, and derive keys with pbkdf2, scrypt or crypto.subtle';
const NO_CHANNELS = 'a worker and its parent talk through worker.postMessage and parentPort here; the lab has no other message channels';
const LOOP_DELAY = "the lab measures the event loop's delay itself (the run's event-loop delay chart)";

/** Members of supported modules the lab leaves out, refused at first call, by module. */
export const REFUSED_APIS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'node:crypto': {
    createCipheriv: NO_CIPHERS,
    createDecipheriv: NO_CIPHERS,
    createSign: NO_CIPHERS,
    createVerify: NO_CIPHERS,
    sign: NO_CIPHERS,
    verify: NO_CIPHERS,
    publicEncrypt: NO_CIPHERS,
    privateDecrypt: NO_CIPHERS,
    privateEncrypt: NO_CIPHERS,
    publicDecrypt: NO_CIPHERS,
    generateKeyPair: NO_CIPHERS,
    generateKeyPairSync: NO_CIPHERS,
    generateKey: NO_CIPHERS,
    generateKeySync: NO_CIPHERS,
    createPublicKey: NO_CIPHERS,
    createPrivateKey: NO_CIPHERS,
    createSecretKey: 'pass the key bytes to createHmac, or use crypto.subtle.importKey',
    createECDH: NO_CIPHERS,
    createDiffieHellman: NO_CIPHERS,
    hkdf: 'derive keys with pbkdf2, scrypt or crypto.subtle.deriveBits (PBKDF2)',
    hkdfSync: 'derive keys with pbkdf2, scrypt or crypto.subtle.deriveBits (PBKDF2)',
    randomFill: 'use randomFillSync, or randomBytes(size, callback) for the thread pool',
    checkPrime: 'the lab has no prime generation',
    generatePrime: 'the lab has no prime generation',
  },
  'node:util': {
    debuglog: 'log with console.debug',
    parseArgs: 'the service has no command line; read settings from process.env',
    styleText: 'the console is plain text',
  },
  'node:timers/promises': {
    setInterval: 'loop with `await setTimeout(ms)` from node:timers/promises',
  },
  'node:perf_hooks': {
    monitorEventLoopDelay: LOOP_DELAY,
    PerformanceObserver: LOOP_DELAY,
    createHistogram: 'keep the numbers in an array; the run report has latency percentiles',
  },
  'node:worker_threads': {
    MessageChannel: NO_CHANNELS,
    MessagePort: NO_CHANNELS,
    BroadcastChannel: NO_CHANNELS,
    receiveMessageOnPort: NO_CHANNELS,
    moveMessagePortToContext: NO_CHANNELS,
    postMessageToThread: NO_CHANNELS,
    markAsUntransferable: 'messages are always copied here; nothing is transferred but ArrayBuffers in a transfer list',
    isMarkedAsUntransferable: 'messages are always copied here; nothing is transferred but ArrayBuffers in a transfer list',
    getEnvironmentData: 'pass data to a worker in workerData',
    setEnvironmentData: 'pass data to a worker in workerData',
  },
  'node:buffer': {
    Blob: 'use Buffer',
    File: 'use Buffer',
    transcode: "use Buffer.from(text, encoding).toString('utf8')",
  },
};

/** The message for a refused module (`name` as the service wrote it), or undefined. */
export function refusedModuleMessage(name: string): string | undefined {
  const bare = name.startsWith('node:') ? name.slice(5) : name;
  const instead = Object.hasOwn(REFUSED_MODULES, bare) ? REFUSED_MODULES[bare] : undefined;
  return instead === undefined ? undefined : `Module '${name}' is not available in this lab: ${instead}.`;
}

/** The message for a refused member of a supported module. */
export function refusedApiMessage(moduleKey: string, member: string, instead: string): string {
  return `${moduleKey.replace(/^node:/, '')}.${member} is not available in this lab: ${instead}.`;
}

/**
 * Adds a throwing stand-in for each refused member `mod` lacks, before the module is frozen.
 * A function (not an arrow), so `new Blob()` reaches the message too.
 */
export function withRefusedApis<T>(moduleKey: string, mod: T): T {
  const refused = REFUSED_APIS[moduleKey];
  if (!refused || typeof mod !== 'object' || mod === null || !Object.isExtensible(mod)) return mod;
  for (const [member, instead] of Object.entries(refused)) {
    if (member in mod) continue;
    const message = refusedApiMessage(moduleKey, member, instead);
    Object.defineProperty(mod, member, {
      value: function refused(): never {
        throw new Error(message);
      },
      enumerable: false,
    });
  }
  return mod;
}
