/**
 * The `redis` module (node-redis v4, a subset) backed by one in-memory server per run.
 * Values are strings, as node-redis v4 returns them; TTLs run on the virtual clock.
 *
 * Each command is one round trip: it reaches the server rttMs/2 after it is sent, runs there
 * in a background event (Redis executes a command in microseconds, so the server adds no
 * queueing), and its reply settles the caller's promise in a main-thread task rttMs/2 later.
 * Commands sent while the client is still connecting wait for the connection, like node-redis's
 * offline queue. The server (remote/cache-server.ts) bounds its keys.
 */
import type { CacheSpec } from '../../../scenario/types.ts';
import type { Platform } from '../../platform.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { traceOf } from '../../trace-log.ts';
import { CacheServer, type CacheEntry, type CacheStats } from '../../remote/cache-server.ts';

export { CACHE_KEYS_MAX, type CacheStats } from '../../remote/cache-server.ts';

/** Round trip to a cache on the same LAN (Redis GET ≈ 0.1 ms server + network). */
export const CACHE_RTT_MS_DEFAULT = 0.3;

/** Main-thread CPU per command: node-redis encodes RESP and parses the reply (an estimate, ≈10 µs). */
export const CACHE_CPU_MS = 0.01;

/** Listeners kept per event and client; more is a leak, and memory must stay bounded. */
const LISTENERS_MAX = 100;

/** node-redis's error for a command on a client that is not open. */
export class ClientClosedError extends Error {
  constructor() {
    super('The client is closed');
    this.name = 'ClientClosedError';
  }
}
hardenPlatform(ClientClosedError);

/** An error reply from the server (`ERR ...`), as node-redis surfaces it. */
export class ErrorReply extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ErrorReply';
  }
}
hardenPlatform(ErrorReply);

export interface SetOptions {
  /** Expire after this many seconds. */
  EX?: number;
  /** Expire after this many milliseconds. */
  PX?: number;
  /** Only set when the key does not exist (returns null otherwise). */
  NX?: boolean;
  /** Only set when the key exists (returns null otherwise). */
  XX?: boolean;
}

export interface RedisClientOptions {
  /** Accepted for compatibility (`redis://...`); every client reaches the one simulated server. */
  url?: string;
}

type Arg = string | number;

export interface RedisModule {
  createClient(options?: RedisClientOptions): RedisClient;
  ClientClosedError: typeof ClientClosedError;
  ErrorReply: typeof ErrorReply;
  /** Server-side counters for metrics. */
  stats(): CacheStats;
}

/** The node-redis v4 client surface user code sees. */
export interface RedisClient {
  /** True from `connect()` until `quit()`/`disconnect()`. */
  readonly isOpen: boolean;
  /** True once the connection is established. */
  readonly isReady: boolean;
  on(event: string, fn: (...args: unknown[]) => void): RedisClient;
  off(event: string, fn: (...args: unknown[]) => void): RedisClient;
  removeListener(event: string, fn: (...args: unknown[]) => void): RedisClient;
  connect(): Promise<RedisClient>;
  quit(): Promise<string>;
  disconnect(): Promise<void>;
  ping(): Promise<string>;
  get(key: Arg): Promise<string | null>;
  mGet(keys: Arg[]): Promise<(string | null)[]>;
  set(key: Arg, value: Arg, options?: SetOptions): Promise<string | null>;
  setEx(key: Arg, seconds: number, value: Arg): Promise<string | null>;
  del(keys: Arg | Arg[]): Promise<number>;
  exists(keys: Arg | Arg[]): Promise<number>;
  incr(key: Arg): Promise<number>;
  incrBy(key: Arg, by: number): Promise<number>;
  decr(key: Arg): Promise<number>;
  expire(key: Arg, seconds: number): Promise<boolean>;
  ttl(key: Arg): Promise<number>;
  pTTL(key: Arg): Promise<number>;
  flushAll(): Promise<string>;
}

export function createRedis(p: Platform, spec: CacheSpec = {}): RedisModule {
  const store = new CacheServer();
  const rttMs = spec.rttMs ?? CACHE_RTT_MS_DEFAULT;
  return {
    createClient: () => makeClient(p, store, rttMs),
    ClientClosedError,
    ErrorReply,
    stats: () => store.snapshot(p.kernel.nowMs),
  };
}

function makeClient(p: Platform, store: CacheServer, rttMs: number): RedisClient {
  let state: 'closed' | 'connecting' | 'ready' = 'closed';
  /** When the connection is usable; commands sent earlier wait for it. */
  let readyAtMs = 0;
  const listeners = new Map<string, ((...args: unknown[]) => void)[]>();
  const emit = (event: string, ...args: unknown[]): void => {
    for (const fn of listeners.get(event) ?? []) fn(...args);
  };

  /** One round trip: `run` executes on the server at arrival; its result settles the promise. */
  function roundTrip<T>(run: (nowMs: number) => T, name: string): Promise<T> {
    if (state === 'closed') return p.Promise.reject(new ClientClosedError());
    p.loop.charge(CACHE_CPU_MS, 'cache client');
    const ctx = p.jobs.context;
    const sentMs = Math.max(p.loop.now(), readyAtMs);
    const atServerMs = sentMs + rttMs / 2;
    return new p.Promise<T>((resolve, reject) => {
      p.kernel.at(atServerMs, () => {
        store.stats.commands++;
        let ok = true;
        let result: unknown;
        try {
          result = run(atServerMs);
        } catch (err) {
          ok = false;
          result = err;
        }
        traceOf(ctx)?.add('cache', `cache ${name}`, sentMs, atServerMs + rttMs / 2, ok ? undefined : { error: true });
        p.loop.post(atServerMs + rttMs / 2, () => (ok ? resolve(result as T) : reject(result)), ctx);
      });
    });
  }

  const str = (v: unknown): string => {
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return String(v);
    // node-redis v4 refuses anything else, a classic "forgot JSON.stringify" bug.
    throw new TypeError('Invalid argument type');
  };
  const keysOf = (keys: Arg | Arg[]): string[] => (Array.isArray(keys) ? keys : [keys]).map(str);
  /** Validates arguments before anything is sent, so a bad call rejects without a round trip. */
  function command<T>(name: string, build: () => (nowMs: number) => T): Promise<T> {
    let run: (nowMs: number) => T;
    try {
      run = build();
    } catch (err) {
      return p.Promise.reject(err);
    }
    return roundTrip(run, name);
  }
  const get = (key: string, nowMs: number): string | null => {
    const e = store.read(key, nowMs);
    if (e) store.stats.hits++;
    else store.stats.misses++;
    return e ? e.value : null;
  };
  const incrBy = (key: string, by: number, nowMs: number): number => {
    const e = store.read(key, nowMs);
    const current = e ? Number(e.value) : 0;
    if (e && !/^-?\d+$/.test(e.value)) throw new ErrorReply('ERR value is not an integer or out of range');
    const next = current + by;
    // INCR keeps the key's TTL.
    store.write(key, { value: String(next), expiresAtMs: e ? e.expiresAtMs : Infinity });
    return next;
  };

  const client: RedisClient = {
    get isOpen(): boolean {
      return state !== 'closed';
    },
    get isReady(): boolean {
      return state === 'ready';
    },
    on(event, fn) {
      const list = listeners.get(event) ?? [];
      // Bounded for memory: a listener added per request is a leak (Node warns past 10); past
      // LISTENERS_MAX further ones are ignored rather than grown without end.
      if (list.length < LISTENERS_MAX) list.push(fn);
      listeners.set(event, list);
      return client;
    },
    off(event, fn) {
      listeners.set(
        event,
        (listeners.get(event) ?? []).filter((f) => f !== fn),
      );
      return client;
    },
    removeListener: (event, fn) => client.off(event, fn),
    connect() {
      if (state !== 'closed') return p.Promise.reject(new Error('Socket already opened'));
      state = 'connecting';
      const ctx = p.jobs.context;
      readyAtMs = p.loop.now() + rttMs;
      return new p.Promise<RedisClient>((resolve, reject) => {
        p.loop.post(
          readyAtMs,
          () => {
            // disconnect() while connecting: node-redis gives up the connection attempt.
            if (state !== 'connecting') return reject(new ClientClosedError());
            state = 'ready';
            emit('connect');
            emit('ready');
            resolve(client);
          },
          ctx,
        );
      });
    },
    quit() {
      const reply = roundTrip(() => 'OK', 'QUIT');
      if (state !== 'closed') {
        state = 'closed';
        p.loop.postNow(() => emit('end'));
      }
      return reply;
    },
    disconnect() {
      if (state === 'closed') return p.Promise.reject(new ClientClosedError());
      state = 'closed';
      return new p.Promise<void>((resolve) =>
        p.loop.postNow(() => {
          emit('end');
          resolve();
        }),
      );
    },
    ping: () => roundTrip(() => 'PONG', 'PING'),
    get: (key) =>
      command('GET', () => {
        const k = str(key);
        return (now) => get(k, now);
      }),
    mGet: (keys) =>
      command('MGET', () => {
        const ks = keysOf(keys);
        return (now) => ks.map((k) => get(k, now));
      }),
    set: (key, value, options = {}) =>
      command('SET', () => {
        const k = str(key);
        const v = str(value);
        const ttlMs = options.PX ?? (options.EX !== undefined ? options.EX * 1000 : undefined);
        if (ttlMs !== undefined && !(Number.isInteger(ttlMs) && ttlMs > 0)) {
          throw new ErrorReply("ERR invalid expire time in 'set' command");
        }
        return (now): string | null => {
          const exists = store.read(k, now) !== undefined;
          if ((options.NX && exists) || (options.XX && !exists)) return null;
          store.write(k, { value: v, expiresAtMs: ttlMs === undefined ? Infinity : now + ttlMs });
          return 'OK';
        };
      }),
    setEx: (key, seconds, value) => client.set(key, value, { EX: seconds }),
    del: (keys) =>
      command('DEL', () => {
        const ks = keysOf(keys);
        return (now) =>
          ks.filter((k) => {
            const live = store.read(k, now) !== undefined;
            store.entries.delete(k);
            return live;
          }).length;
      }),
    exists: (keys) =>
      command('EXISTS', () => {
        const ks = keysOf(keys);
        return (now) => ks.filter((k) => store.read(k, now) !== undefined).length;
      }),
    incr: (key) =>
      command('INCR', () => {
        const k = str(key);
        return (now) => incrBy(k, 1, now);
      }),
    incrBy: (key, by) =>
      command('INCRBY', () => {
        const k = str(key);
        return (now) => incrBy(k, Math.trunc(by), now);
      }),
    decr: (key) =>
      command('DECR', () => {
        const k = str(key);
        return (now) => incrBy(k, -1, now);
      }),
    expire: (key, seconds) =>
      command('EXPIRE', () => {
        const k = str(key);
        return (now): boolean => {
          const e = store.read(k, now);
          if (!e) return false;
          // A TTL of zero or less deletes the key, as in Redis.
          if (seconds <= 0) store.entries.delete(k);
          else e.expiresAtMs = now + seconds * 1000;
          return true;
        };
      }),
    ttl: (key) =>
      command('TTL', () => {
        const k = str(key);
        return (now) => ttlOf(store.read(k, now), now, 1000);
      }),
    pTTL: (key) =>
      command('PTTL', () => {
        const k = str(key);
        return (now) => ttlOf(store.read(k, now), now, 1);
      }),
    flushAll: () =>
      roundTrip(() => {
        store.entries.clear();
        return 'OK';
      }, 'FLUSHALL'),
  };
  return client;
}

/** Redis's TTL reply: -2 no key, -1 no expiry, else the remaining time rounded to `unitMs`. */
function ttlOf(e: CacheEntry | undefined, nowMs: number, unitMs: number): number {
  if (!e) return -2;
  if (e.expiresAtMs === Infinity) return -1;
  return Math.round((e.expiresAtMs - nowMs) / unitMs);
}
