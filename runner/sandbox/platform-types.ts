/**
 * Type declarations of exactly the platform subset the simulator provides, for the editor's
 * IntelliSense: a call the lab does not support is underlined before the run. Compile user
 * code against these with `lib: ["es2022"]` (no DOM), so browser-only globals are errors too.
 */
export interface TypeFile {
  path: string;
  content: string;
}

const globals = `
declare var process: {
  env: Record<string, string | undefined>;
  nextTick(fn: (...args: any[]) => void, ...args: any[]): void;
  hrtime: { (prev?: [number, number]): [number, number]; bigint(): bigint };
  uptime(): number;
  memoryUsage(): { rss: number; heapTotal: number; heapUsed: number; external: number; arrayBuffers: number };
  cpuUsage(): { user: number; system: number };
  cwd(): string;
  platform: string;
  version: string;
  pid: number;
};
interface Timeout { ref(): this; unref(): this; hasRef(): boolean; refresh(): this; [Symbol.toPrimitive](): number }
declare function setTimeout<A extends any[]>(fn: (...args: A) => void, ms?: number, ...args: A): Timeout;
declare function clearTimeout(t: Timeout | number | undefined): void;
declare function setInterval<A extends any[]>(fn: (...args: A) => void, ms?: number, ...args: A): Timeout;
declare function clearInterval(t: Timeout | number | undefined): void;
declare function setImmediate<A extends any[]>(fn: (...args: A) => void, ...args: A): Timeout;
declare function clearImmediate(t: Timeout | undefined): void;
declare function queueMicrotask(fn: () => void): void;
declare function structuredClone<T>(value: T): T;
interface Console { log(...a: any[]): void; info(...a: any[]): void; warn(...a: any[]): void; error(...a: any[]): void; debug(...a: any[]): void; trace(...a: any[]): void; dir(o: any): void; table(o: any): void; assert(c: any, ...a: any[]): void }
declare var console: Console;
declare var performance: { now(): number; timeOrigin: number };
interface AbortSignal {
  readonly aborted: boolean;
  readonly reason: any;
  onabort: ((ev: { type: 'abort' }) => void) | null;
  addEventListener(type: 'abort', fn: (ev: { type: 'abort' }) => void, opts?: { once?: boolean }): void;
  removeEventListener(type: 'abort', fn: (ev: { type: 'abort' }) => void): void;
  throwIfAborted(): void;
}
declare var AbortSignal: { abort(reason?: any): AbortSignal; timeout(ms: number): AbortSignal; any(signals: AbortSignal[]): AbortSignal };
declare class AbortController { readonly signal: AbortSignal; abort(reason?: any): void }
declare class DOMException extends Error { constructor(message?: string, name?: string) }
type HeadersInit = Headers | Record<string, string> | [string, string][];
declare class Headers { constructor(init?: HeadersInit); get(name: string): string | null; set(name: string, value: string): void; has(name: string): boolean; append(name: string, value: string): void; delete(name: string): void; forEach(fn: (value: string, key: string) => void): void }
interface RequestInit { method?: string; headers?: HeadersInit; body?: string | null; signal?: AbortSignal | null; keepalive?: boolean }
declare class Request { constructor(input: string | URL, init?: RequestInit); readonly url: string; readonly method: string; readonly headers: Headers }
declare class Response {
  constructor(body?: string | null, init?: { status?: number; statusText?: string; headers?: HeadersInit });
  readonly status: number; readonly ok: boolean; readonly statusText: string; readonly headers: Headers; readonly url: string;
  json(): Promise<any>; text(): Promise<string>; clone(): Response;
}
declare function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
declare class TextEncoder { encode(s?: string): Uint8Array }
declare class TextDecoder { constructor(label?: string); decode(b?: ArrayBufferView | ArrayBuffer): string }
declare class URL { constructor(url: string, base?: string | URL); href: string; host: string; hostname: string; pathname: string; search: string; searchParams: URLSearchParams; toString(): string }
declare class URLSearchParams { constructor(init?: string | Record<string, string>); get(name: string): string | null; set(name: string, value: string): void; has(name: string): boolean; toString(): string }
type BufferEncoding = 'utf8' | 'utf-8' | 'hex' | 'base64' | 'base64url' | 'latin1' | 'binary' | 'ascii';
interface BufferConstructor {
  from(data: string, encoding?: BufferEncoding): Buffer;
  from(data: ArrayLike<number> | ArrayBuffer | Uint8Array): Buffer;
  alloc(size: number, fill?: number): Buffer;
  concat(list: readonly Uint8Array[], totalLength?: number): Buffer;
  isBuffer(x: unknown): x is Buffer;
  byteLength(s: string, encoding?: BufferEncoding): number;
}
declare var Buffer: BufferConstructor;
interface Buffer extends Uint8Array<ArrayBuffer> {
  toString(encoding?: BufferEncoding): string;
  equals(other: Uint8Array): boolean;
  subarray(start?: number, end?: number): Buffer;
  slice(start?: number, end?: number): Buffer;
  toJSON(): { type: 'Buffer'; data: number[] };
}
type BufferSource = ArrayBuffer | ArrayBufferView;
type AlgorithmIdentifier = string | { name: string };
interface CryptoKey { readonly type: 'secret'; readonly extractable: boolean; readonly algorithm: { name: string; hash?: { name: string }; length?: number }; readonly usages: string[] }
interface Pbkdf2Params { name: 'PBKDF2'; hash: AlgorithmIdentifier; salt: BufferSource; iterations: number }
interface HmacImportParams { name: 'HMAC'; hash: AlgorithmIdentifier; length?: number }
/** Web Crypto's subset in the lab: digest, raw PBKDF2/HMAC keys, PBKDF2 deriveBits and HMAC sign/verify, each on the thread pool. */
interface SubtleCrypto {
  digest(algorithm: 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512' | { name: string }, data: BufferSource): Promise<ArrayBuffer>;
  importKey(format: 'raw', keyData: BufferSource, algorithm: 'PBKDF2' | { name: 'PBKDF2' } | HmacImportParams, extractable: boolean, keyUsages: ('deriveBits' | 'deriveKey' | 'sign' | 'verify')[]): Promise<CryptoKey>;
  exportKey(format: 'raw', key: CryptoKey): Promise<ArrayBuffer>;
  deriveBits(algorithm: Pbkdf2Params, baseKey: CryptoKey, length: number): Promise<ArrayBuffer>;
  sign(algorithm: 'HMAC' | { name: 'HMAC' }, key: CryptoKey, data: BufferSource): Promise<ArrayBuffer>;
  verify(algorithm: 'HMAC' | { name: 'HMAC' }, key: CryptoKey, signature: BufferSource, data: BufferSource): Promise<boolean>;
}
interface Crypto { getRandomValues<T extends ArrayBufferView>(a: T): T; randomUUID(): string; readonly subtle: SubtleCrypto }
declare var crypto: Crypto;
`;

const fastify = `
declare module 'fastify' {
  type Done = (err?: Error | null) => void;
  export interface FastifyBaseLogger { info(...a: any[]): void; warn(...a: any[]): void; error(...a: any[]): void; debug(...a: any[]): void }
  export interface FastifyRequest<P = Record<string, string>, Q = Record<string, string>, B = unknown> {
    method: string;
    url: string;
    params: P;
    query: Q;
    body: B;
    headers: Record<string, string | undefined>;
    id: string;
    log: FastifyBaseLogger;
    /** The route as registered (with its plugin prefix); schema and config as given, not enforced. */
    routeOptions: { url: string; method: string; config: any; schema: any };
  }
  export interface FastifyReply {
    statusCode: number;
    /** True once send() was called (or a value returned). */
    sent: boolean;
    request: FastifyRequest<any, any, any>;
    log: FastifyBaseLogger;
    code(status: number): FastifyReply;
    status(status: number): FastifyReply;
    header(name: string, value: unknown): FastifyReply;
    getHeader(name: string): string | undefined;
    getHeaders(): Record<string, string>;
    hasHeader(name: string): boolean;
    removeHeader(name: string): FastifyReply;
    type(contentType: string): FastifyReply;
    send(payload?: unknown): FastifyReply;
  }
  export type RouteHandler = (this: FastifyInstance, request: FastifyRequest<any, any, any>, reply: FastifyReply) => unknown;
  export type FastifyError = Error & { statusCode?: number; code?: string };
  export type ErrorHandler = (this: FastifyInstance, error: FastifyError, request: FastifyRequest<any, any, any>, reply: FastifyReply) => unknown;
  type Req = FastifyRequest<any, any, any>;
  /** Request hooks call done, or are async; a hook that sends the reply ends the chain. */
  type RequestHook = (request: Req, reply: FastifyReply, done: Done) => unknown;
  /** onSend gets the serialized payload and may replace it: done(null, newPayload), or return it from an async hook. */
  type OnSendHook = (request: Req, reply: FastifyReply, payload: string, done: (err: Error | null, payload?: string | null) => void) => unknown;
  /** preSerialization gets the object before it is serialized and may replace it. */
  type PreSerializationHook = (request: Req, reply: FastifyReply, payload: any, done: (err: Error | null, payload?: any) => void) => unknown;
  /** onError runs before the error handler; it is for logging, not for answering. */
  type OnErrorHook = (request: Req, reply: FastifyReply, error: FastifyError, done: () => void) => unknown;
  /** Route options: schema is accepted and kept on routeOptions, not enforced, in this lab. */
  export interface RouteShorthandOptions {
    schema?: Record<string, unknown>;
    config?: Record<string, unknown>;
    errorHandler?: ErrorHandler;
    logLevel?: string;
    exposeHeadRoute?: boolean;
    onRequest?: RequestHook | RequestHook[];
    preValidation?: RequestHook | RequestHook[];
    preHandler?: RequestHook | RequestHook[];
    preSerialization?: PreSerializationHook | PreSerializationHook[];
    onSend?: OnSendHook | OnSendHook[];
    /** Runs after the reply is written: the place to release per-request resources. */
    onResponse?: RequestHook | RequestHook[];
    onError?: OnErrorHook | OnErrorHook[];
  }
  export interface RouteOptions extends RouteShorthandOptions {
    method: string | string[];
    url: string;
    handler: RouteHandler;
  }
  type Route = {
    (path: string, handler: RouteHandler): FastifyInstance;
    (path: string, options: RouteShorthandOptions, handler: RouteHandler): FastifyInstance;
    (path: string, options: RouteShorthandOptions & { handler: RouteHandler }): FastifyInstance;
  };
  export type FastifyPluginAsync<O = Record<string, any>> = (instance: FastifyInstance, options: O) => Promise<void>;
  export type FastifyPluginCallback<O = Record<string, any>> = (instance: FastifyInstance, options: O, done: Done) => void;
  export interface FastifyRegisterOptions { prefix?: string; [option: string]: any }
  export interface FastifyInstance {
    get: Route; head: Route; post: Route; put: Route; patch: Route; delete: Route; options: Route; all: Route;
    route(opts: RouteOptions): FastifyInstance;
    /** The prefix of this plugin's routes ('' at the root). */
    readonly prefix: string;
    log: FastifyBaseLogger;
    addHook(name: 'onRequest' | 'preValidation' | 'preHandler' | 'onResponse', hook: RequestHook): FastifyInstance;
    addHook(name: 'preSerialization', hook: PreSerializationHook): FastifyInstance;
    addHook(name: 'onSend', hook: OnSendHook): FastifyInstance;
    addHook(name: 'onError', hook: OnErrorHook): FastifyInstance;
    /** Runs only with a connectionTimeout, which the lab's server does not set: refused. */
    addHook(name: 'onTimeout', hook: RequestHook): FastifyInstance;
    /** Accepted; never runs, because a run never closes the server. */
    addHook(name: 'onClose' | 'preClose', hook: (instance: FastifyInstance) => Promise<void> | void): FastifyInstance;
    setErrorHandler(handler: ErrorHandler): FastifyInstance;
    setNotFoundHandler(handler: RouteHandler): FastifyInstance;
    setNotFoundHandler(options: { preValidation?: RequestHook | RequestHook[]; preHandler?: RequestHook | RequestHook[] }, handler: RouteHandler): FastifyInstance;
    decorate(name: string, value: unknown): FastifyInstance;
    /** A value, null, a function or { getter, setter }; an object would be shared by every request, so it is refused. */
    decorateRequest(name: string, value: unknown): FastifyInstance;
    decorateReply(name: string, value: unknown): FastifyInstance;
    hasDecorator(name: string): boolean;
    hasRequestDecorator(name: string): boolean;
    hasReplyDecorator(name: string): boolean;
    /** Runs the plugin in a child scope (its hooks and decorators stay inside); await it to wait for it to load. */
    register<O extends FastifyRegisterOptions>(plugin: FastifyPluginAsync<O> | FastifyPluginCallback<O>, options?: O): FastifyInstance & PromiseLike<void>;
    withTypeProvider<T = unknown>(): FastifyInstance;
  }
}
`;

const pg = `
declare module 'pg' {
  export interface FieldDef { name: string; dataTypeID: number }
  export interface QueryResult<R = any> { command: string; rowCount: number; rows: R[]; fields: FieldDef[]; oid: null }
  export interface QueryConfig { text: string; values?: unknown[] }
  export interface PoolConfig {
    /** Most clients open at once (default 10). */
    max?: number;
    /** How long connect() waits for a free client; 0 (the default) waits forever. */
    connectionTimeoutMillis?: number;
    /** Idle clients are closed after this long (default 10000). */
    idleTimeoutMillis?: number;
    connectionString?: string;
    host?: string; port?: number; user?: string; password?: string; database?: string;
  }
  export class Client {
    constructor(config?: PoolConfig);
    connect(): Promise<void>;
    query<R = any>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
    end(): Promise<void>;
    on(event: string, fn: (...a: any[]) => void): this;
  }
  export interface PoolClient extends Client {
    /** Returns the client to the pool; pass an error to destroy it instead. */
    release(err?: Error | boolean): void;
  }
  export class Pool {
    constructor(config?: PoolConfig);
    readonly totalCount: number;
    readonly idleCount: number;
    readonly waitingCount: number;
    connect(): Promise<PoolClient>;
    query<R = any>(text: string | QueryConfig, values?: unknown[]): Promise<QueryResult<R>>;
    end(): Promise<void>;
    on(event: 'connect' | 'acquire' | 'release' | 'remove' | 'error', fn: (...a: any[]) => void): this;
  }
  export interface DatabaseError extends Error { code?: string; severity?: string; position?: string }
  const pg: { Pool: typeof Pool; Client: typeof Client };
  export default pg;
}
`;

const redis = `
declare module 'redis' {
  export interface SetOptions { EX?: number; PX?: number; NX?: boolean; XX?: boolean }
  export interface RedisClientType {
    readonly isOpen: boolean;
    readonly isReady: boolean;
    connect(): Promise<RedisClientType>;
    quit(): Promise<string>;
    disconnect(): Promise<void>;
    get(key: string): Promise<string | null>;
    set(key: string, value: string | number, options?: SetOptions): Promise<string | null>;
    del(keys: string | string[]): Promise<number>;
    exists(keys: string | string[]): Promise<number>;
    incr(key: string): Promise<number>;
    expire(key: string, seconds: number): Promise<boolean>;
    ttl(key: string): Promise<number>;
    mGet(keys: string[]): Promise<(string | null)[]>;
    on(event: 'error' | 'connect' | 'ready' | 'end', fn: (...a: any[]) => void): this;
  }
  export function createClient(options?: { url?: string }): RedisClientType;
}
`;

const dataloader = `
declare module 'dataloader' {
  namespace DataLoader {
    type BatchLoadFn<K, V> = (keys: ReadonlyArray<K>) => PromiseLike<ArrayLike<V | Error>>;
    type Options<K, V, C = K> = { batch?: boolean; maxBatchSize?: number; cache?: boolean; cacheKeyFn?: (key: K) => C; batchScheduleFn?: (callback: () => void) => void; name?: string | null };
  }
  class DataLoader<K, V, C = K> {
    constructor(batchLoadFn: DataLoader.BatchLoadFn<K, V>, options?: DataLoader.Options<K, V, C>);
    load(key: K): Promise<V>;
    loadMany(keys: ArrayLike<K>): Promise<Array<V | Error>>;
    clear(key: K): this;
    clearAll(): this;
    prime(key: K, value: V | PromiseLike<V> | Error): this;
  }
  export = DataLoader;
}
`;

const pLimit = `
declare module 'p-limit' {
  export type LimitFunction = {
    readonly activeCount: number;
    readonly pendingCount: number;
    concurrency: number;
    clearQueue(): void;
    map<Input, Output>(iterable: Iterable<Input>, fn: (value: Input, index: number) => PromiseLike<Output> | Output): Promise<Output[]>;
    <Arguments extends unknown[], Result>(fn: (...args: Arguments) => PromiseLike<Result> | Result, ...args: Arguments): Promise<Result>;
  };
  export type Options = { readonly concurrency: number; readonly rejectOnClear?: boolean };
  export default function pLimit(concurrency: number | Options): LimitFunction;
  export function limitFunction<Arguments extends unknown[], Result>(fn: (...args: Arguments) => PromiseLike<Result>, options: Options): (...args: Arguments) => Promise<Result>;
}
`;

const lruCache = `
declare module 'lru-cache' {
  export namespace LRUCache {
    type DisposeReason = 'evict' | 'set' | 'delete' | 'expire' | 'fetch';
    interface FetcherOptions<K, V, FC> { signal: AbortSignal; options: Record<string, unknown>; context: FC }
    interface Options<K, V, FC = unknown> {
      max?: number; maxSize?: number; maxEntrySize?: number; sizeCalculation?: (value: V, key: K) => number;
      /** Milliseconds on the simulated clock (performance.now). */
      ttl?: number; ttlResolution?: number; ttlAutopurge?: boolean; updateAgeOnGet?: boolean; updateAgeOnHas?: boolean;
      allowStale?: boolean; noDeleteOnStaleGet?: boolean; noUpdateTTL?: boolean;
      dispose?: (value: V, key: K, reason: DisposeReason) => void; disposeAfter?: (value: V, key: K, reason: DisposeReason) => void;
      fetchMethod?: (key: K, staleValue: V | undefined, options: FetcherOptions<K, V, FC>) => Promise<V | undefined | void> | V | undefined | void;
      allowStaleOnFetchRejection?: boolean; allowStaleOnFetchAbort?: boolean; ignoreFetchAbort?: boolean; noDeleteOnFetchRejection?: boolean;
    }
    interface SetOptions { ttl?: number; size?: number; noDisposeOnSet?: boolean; noUpdateTTL?: boolean }
    interface GetOptions { allowStale?: boolean; updateAgeOnGet?: boolean; noDeleteOnStaleGet?: boolean }
    interface FetchOptions<FC> extends GetOptions { ttl?: number; forceRefresh?: boolean; signal?: AbortSignal; context?: FC }
  }
  export class LRUCache<K extends {}, V extends {}, FC = unknown> {
    constructor(options: LRUCache.Options<K, V, FC>);
    readonly max: number; readonly maxSize: number; readonly size: number; readonly calculatedSize: number;
    ttl: number; allowStale: boolean; updateAgeOnGet: boolean;
    get(key: K, options?: LRUCache.GetOptions): V | undefined;
    set(key: K, value: V | undefined, options?: LRUCache.SetOptions): this;
    has(key: K, options?: { updateAgeOnHas?: boolean }): boolean;
    peek(key: K, options?: { allowStale?: boolean }): V | undefined;
    delete(key: K): boolean;
    clear(): void;
    fetch(key: K, options?: LRUCache.FetchOptions<FC>): Promise<V | undefined>;
    getRemainingTTL(key: K): number;
    purgeStale(): boolean;
    pop(): V | undefined;
    keys(): Generator<K, void, void>;
    values(): Generator<V, void, void>;
    entries(): Generator<[K, V], void, void>;
    forEach(fn: (value: V, key: K, cache: this) => any): void;
    [Symbol.iterator](): Generator<[K, V], void, void>;
  }
}
`;

const opossum = `
declare module 'opossum' {
  namespace CircuitBreaker {
    type Event = 'fire' | 'success' | 'failure' | 'timeout' | 'reject' | 'open' | 'halfOpen' | 'close' | 'fallback' | 'semaphoreLocked'
      | 'healthCheckFailed' | 'shutdown' | 'cacheHit' | 'cacheMiss' | 'coalesceCacheHit' | 'coalesceCacheMiss';
    interface Options {
      /** Milliseconds on the simulated clock before a call counts as failed; false for none (default 10000). */
      timeout?: number | false;
      /** Milliseconds open before trying one call half-open (default 30000). */
      resetTimeout?: number;
      errorThresholdPercentage?: number; volumeThreshold?: number; rollingCountTimeout?: number; rollingCountBuckets?: number;
      capacity?: number; name?: string; group?: string; enabled?: boolean; allowWarmUp?: boolean; rollingPercentilesEnabled?: boolean;
      errorFilter?: (err: any, ...args: any[]) => boolean; cache?: boolean; cacheTTL?: number; cacheSize?: number;
      cacheGetKey?: (...args: any[]) => string; coalesce?: boolean; coalesceTTL?: number; coalesceSize?: number;
      abortController?: AbortController; autoRenewAbortController?: boolean; enableSnapshots?: boolean;
    }
    interface Stats {
      fires: number; failures: number; fallbacks: number; successes: number; rejects: number; timeouts: number;
      cacheHits: number; cacheMisses: number; semaphoreRejections: number; percentiles: Record<string, number>;
      latencyTimes: number[]; latencyMean: number;
    }
    interface Status { readonly stats: Stats; readonly window: Stats[] }
  }
  class CircuitBreaker<TI extends unknown[] = unknown[], TR = unknown> {
    constructor(action: (...args: TI) => Promise<TR> | TR, options?: CircuitBreaker.Options);
    readonly name: string; readonly group: string; readonly enabled: boolean; readonly pendingClose: boolean;
    readonly closed: boolean; readonly opened: boolean; readonly halfOpen: boolean; readonly isShutdown: boolean;
    readonly warmUp: boolean; readonly volumeThreshold: number; readonly status: CircuitBreaker.Status; readonly stats: CircuitBreaker.Stats;
    fire(...args: TI): Promise<TR>;
    call(context: any, ...args: TI): Promise<TR>;
    fallback(fn: (...args: any[]) => any): this;
    open(): void; close(): void; enable(): void; disable(): void; shutdown(): void; clearCache(): void;
    healthCheck(fn: () => Promise<unknown>, intervalMs?: number): void;
    getSignal(): AbortSignal | undefined;
    getAbortController(): AbortController | undefined;
    on(event: CircuitBreaker.Event, listener: (...args: any[]) => void): this;
    once(event: CircuitBreaker.Event, listener: (...args: any[]) => void): this;
    off(event: CircuitBreaker.Event, listener: (...args: any[]) => void): this;
    removeListener(event: CircuitBreaker.Event, listener: (...args: any[]) => void): this;
    toJSON(): { state: Record<string, unknown>; status: CircuitBreaker.Stats };
  }
  export = CircuitBreaker;
}
`;

const crypto = `
declare module 'node:crypto' {
  type BinaryLike = string | Uint8Array;
  interface Hash { update(data: BinaryLike, encoding?: BufferEncoding): Hash; digest(): Buffer; digest(encoding: 'hex' | 'base64' | 'base64url' | 'latin1'): string; copy(): Hash }
  interface Hmac { update(data: BinaryLike, encoding?: BufferEncoding): Hmac; digest(): Buffer; digest(encoding: 'hex' | 'base64' | 'base64url' | 'latin1'): string }
  interface ScryptOptions { N?: number; r?: number; p?: number; cost?: number; blockSize?: number; parallelization?: number; maxmem?: number }
  /** Runs on the libuv thread pool; the event loop stays free. */
  export function pbkdf2(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string, callback: (err: Error | null, derivedKey: Buffer) => void): void;
  /** Runs on the main thread: the event loop is blocked until it returns. */
  export function pbkdf2Sync(password: BinaryLike, salt: BinaryLike, iterations: number, keylen: number, digest: string): Buffer;
  export function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, callback: (err: Error | null, derivedKey: Buffer) => void): void;
  export function scrypt(password: BinaryLike, salt: BinaryLike, keylen: number, options: ScryptOptions, callback: (err: Error | null, derivedKey: Buffer) => void): void;
  export function scryptSync(password: BinaryLike, salt: BinaryLike, keylen: number, options?: ScryptOptions): Buffer;
  export function randomUUID(): string;
  export function randomBytes(size: number): Buffer;
  export function randomBytes(size: number, callback: (err: Error | null, buf: Buffer) => void): void;
  export function randomInt(max: number): number;
  export function randomInt(min: number, max: number): number;
  export function createHash(algorithm: 'sha256' | 'sha1' | 'md5' | 'sha224' | 'sha384' | 'sha512' | (string & {})): Hash;
  export function createHmac(algorithm: string, key: BinaryLike): Hmac;
  export function hash(algorithm: string, data: BinaryLike, outputEncoding?: 'hex' | 'base64'): string;
  export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean;
  export function getRandomValues<T extends ArrayBufferView>(a: T): T;
  export const webcrypto: Crypto;
  export const subtle: SubtleCrypto;
}
declare module 'crypto' { export * from 'node:crypto' }
`;

const util = `
declare module 'node:util' {
  export function promisify<T>(fn: (cb: (err: any, result: T) => void) => void): () => Promise<T>;
  export function promisify<A1, T>(fn: (a1: A1, cb: (err: any, result: T) => void) => void): (a1: A1) => Promise<T>;
  export function promisify<A1, A2, T>(fn: (a1: A1, a2: A2, cb: (err: any, result: T) => void) => void): (a1: A1, a2: A2) => Promise<T>;
  export function promisify<A1, A2, A3, T>(fn: (a1: A1, a2: A2, a3: A3, cb: (err: any, result: T) => void) => void): (a1: A1, a2: A2, a3: A3) => Promise<T>;
  export function promisify<A1, A2, A3, A4, T>(fn: (a1: A1, a2: A2, a3: A3, a4: A4, cb: (err: any, result: T) => void) => void): (a1: A1, a2: A2, a3: A3, a4: A4) => Promise<T>;
  export function promisify<A1, A2, A3, A4, A5, T>(fn: (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5, cb: (err: any, result: T) => void) => void): (a1: A1, a2: A2, a3: A3, a4: A4, a5: A5) => Promise<T>;
  export function promisify(fn: Function): (...args: any[]) => Promise<any>;
  export function format(format?: any, ...args: any[]): string;
  export function inspect(value: any, options?: { depth?: number }): string;
  export function isDeepStrictEqual(a: unknown, b: unknown): boolean;
  export const types: { isPromise(v: unknown): boolean };
}
declare module 'util' { export * from 'node:util' }
`;

const timers = `
declare module 'node:timers/promises' {
  export function setTimeout<T = void>(ms?: number, value?: T, options?: { signal?: AbortSignal }): Promise<T>;
  export function setImmediate<T = void>(value?: T): Promise<T>;
}
declare module 'timers/promises' { export * from 'node:timers/promises' }
declare module 'node:timers' {
  const timers: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout; setInterval: typeof setInterval; clearInterval: typeof clearInterval; setImmediate: typeof setImmediate; clearImmediate: typeof clearImmediate };
  export = timers;
}
declare module 'node:perf_hooks' { export const performance: { now(): number; timeOrigin: number } }
declare module 'node:buffer' { const B: typeof Buffer; export { B as Buffer } }
/** The service's one file (also a worker's code: new Worker(__filename)). */
declare var __filename: string;
declare var __dirname: string;
interface ImportMeta { readonly url: string; readonly filename: string; readonly dirname: string }
`;

const events = `
declare module 'node:events' {
  type EventKey = string | symbol;
  type Listener = (...args: any[]) => void;
  interface Abortable { signal?: AbortSignal }
  class EventEmitter {
    constructor(options?: { captureRejections?: false });
    /** Listeners per event before a MaxListenersExceededWarning is printed (default 10). */
    static defaultMaxListeners: number;
    static readonly errorMonitor: unique symbol;
    /** Resolves with the arguments of the next emit of \`event\`; rejects if 'error' comes first. */
    static once(emitter: EventEmitter, event: EventKey, options?: Abortable): Promise<any[]>;
    /** An async iterator over every later emit of \`event\` (for await ... of). */
    static on(emitter: EventEmitter, event: EventKey, options?: Abortable): AsyncIterableIterator<any[]>;
    static listenerCount(emitter: EventEmitter, event: EventKey): number;
    static getEventListeners(emitter: EventEmitter, event: EventKey): Function[];
    static setMaxListeners(n?: number, ...targets: EventEmitter[]): void;
    addListener(event: EventKey, listener: Listener): this;
    on(event: EventKey, listener: Listener): this;
    once(event: EventKey, listener: Listener): this;
    prependListener(event: EventKey, listener: Listener): this;
    prependOnceListener(event: EventKey, listener: Listener): this;
    removeListener(event: EventKey, listener: Listener): this;
    off(event: EventKey, listener: Listener): this;
    removeAllListeners(event?: EventKey): this;
    setMaxListeners(n: number): this;
    getMaxListeners(): number;
    listeners(event: EventKey): Function[];
    rawListeners(event: EventKey): Function[];
    emit(event: EventKey, ...args: any[]): boolean;
    listenerCount(event: EventKey, listener?: Function): number;
    eventNames(): EventKey[];
  }
  import internal = require('node:events');
  namespace EventEmitter {
    // Named imports (once, on, errorMonitor) resolve to the class's statics, as in @types/node.
    export { internal as EventEmitter };
  }
  export = EventEmitter;
}
declare module 'events' {
  import EventEmitter = require('node:events');
  export = EventEmitter;
}
`;

const os = `
declare module 'node:os' {
  interface CpuInfo { model: string; speed: number; times: { user: number; nice: number; sys: number; idle: number; irq: number } }
  /** One entry per core of the scenario's machine (platform.cpus). */
  export function cpus(): CpuInfo[];
  /** The scenario's cores (platform.cpus), as Node reports the parallelism available. */
  export function availableParallelism(): number;
  export const EOL: string;
  export const devNull: string;
  export function arch(): string;
  export function machine(): string;
  export function platform(): string;
  export function type(): string;
  export function release(): string;
  export function version(): string;
  export function hostname(): string;
  export function homedir(): string;
  export function tmpdir(): string;
  export function endianness(): 'BE' | 'LE';
  export function uptime(): number;
  export function loadavg(): number[];
  export function totalmem(): number;
  export function freemem(): number;
  export function userInfo(): { uid: number; gid: number; username: string; homedir: string; shell: string | null };
  export function networkInterfaces(): Record<string, { address: string; netmask: string; family: string; mac: string; internal: boolean; cidr: string | null }[]>;
  export function getPriority(pid?: number): number;
}
declare module 'os' { export * from 'node:os' }
`;

const asyncHooks = `
declare module 'node:async_hooks' {
  /** Per-request state that follows awaits, timers and I/O callbacks started inside run(). */
  export class AsyncLocalStorage<T> {
    static bind<F extends (...args: any[]) => any>(fn: F): F;
    static snapshot(): <R, A extends any[]>(fn: (...args: A) => R, ...args: A) => R;
    run<R, A extends any[]>(store: T, callback: (...args: A) => R, ...args: A): R;
    exit<R, A extends any[]>(callback: (...args: A) => R, ...args: A): R;
    enterWith(store: T): void;
    getStore(): T | undefined;
    disable(): void;
  }
  export class AsyncResource {
    constructor(type: string);
    static bind<F extends (...args: any[]) => any>(fn: F, type?: string, thisArg?: unknown): F;
    runInAsyncScope<R, A extends any[]>(fn: (...args: A) => R, thisArg?: unknown, ...args: A): R;
    bind<F extends (...args: any[]) => any>(fn: F): F;
    emitDestroy(): this;
    asyncId(): number;
    triggerAsyncId(): number;
  }
}
declare module 'async_hooks' { export * from 'node:async_hooks' }
`;

const workerThreads = `
declare module 'node:worker_threads' {
  import EventEmitter = require('node:events');
  /** False in a worker: the service's file runs there too, and branches on this. */
  export const isMainThread: boolean;
  /** 0 on the main thread; 1, 2, … for workers, in the order they were created. */
  export const threadId: number;
  /** In a worker: a copy of the workerData its parent passed (null on the main thread). */
  export const workerData: any;
  /** In a worker: its link to the parent (null on the main thread). */
  export const parentPort: MessagePort | null;
  export class MessagePort extends EventEmitter {
    /** Sends a structured-clone copy; both threads pay for the copy by its size. */
    postMessage(value: any, transferList?: readonly ArrayBuffer[]): void;
    close(): void;
    start(): void;
    ref(): this;
    unref(): this;
    on(event: 'message', listener: (value: any) => void): this;
    on(event: 'close', listener: () => void): this;
    once(event: 'message', listener: (value: any) => void): this;
  }
  export interface WorkerOptions {
    /** Copied (structured clone) into the worker's workerData. */
    workerData?: any;
    transferList?: readonly ArrayBuffer[];
    name?: string;
  }
  /** A thread running this service's file: new Worker(new URL(import.meta.url)) or new Worker(__filename). */
  export class Worker extends EventEmitter {
    constructor(filename: string | URL, options?: WorkerOptions);
    readonly threadId: number;
    postMessage(value: any, transferList?: readonly ArrayBuffer[]): void;
    /** Stops the thread at once; resolves with its exit code. */
    terminate(): Promise<number>;
    ref(): this;
    unref(): this;
    on(event: 'online', listener: () => void): this;
    on(event: 'message', listener: (value: any) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'exit', listener: (exitCode: number) => void): this;
    once(event: 'online', listener: () => void): this;
    once(event: 'message', listener: (value: any) => void): this;
    once(event: 'error', listener: (err: Error) => void): this;
    once(event: 'exit', listener: (exitCode: number) => void): this;
  }
  export const resourceLimits: {};
  export const SHARE_ENV: unique symbol;
}
declare module 'worker_threads' { export * from 'node:worker_threads' }
`;

const piscina = `
declare module 'piscina' {
  import EventEmitter = require('node:events');
  interface Options {
    /** This service's file: new URL(import.meta.url).href (its exports are the task functions). */
    filename: string | URL;
    /** The exported function a task runs (default 'default'). */
    name?: string;
    minThreads?: number;
    maxThreads?: number;
    /** Tasks that may wait for a worker; 'auto' is maxThreads squared (default Infinity). */
    maxQueue?: number | 'auto';
    /** Milliseconds a worker above minThreads stays when idle (default 0). */
    idleTimeout?: number;
    concurrentTasksPerWorker?: number;
    workerData?: any;
  }
  interface RunOptions { name?: string; signal?: AbortSignal; transferList?: readonly ArrayBuffer[] }
  class Piscina extends EventEmitter {
    constructor(options: Options);
    run(task: any, options?: RunOptions): Promise<any>;
    destroy(): Promise<void>;
    close(): Promise<void>;
    readonly queueSize: number;
    readonly completed: number;
    readonly threads: ReadonlyArray<{ readonly threadId: number }>;
    /** True when this file is running as one of a pool's workers. */
    static readonly isWorkerThread: boolean;
    static readonly workerData: any;
    static readonly version: string;
    static readonly Piscina: typeof Piscina;
  }
  export = Piscina;
}
`;

export const PLATFORM_TYPES: TypeFile[] = [
  { path: 'file:///node_modules/@types/tailspin-platform/globals.d.ts', content: globals },
  { path: 'file:///node_modules/@types/tailspin-platform/fastify.d.ts', content: fastify },
  { path: 'file:///node_modules/@types/tailspin-platform/pg.d.ts', content: pg },
  { path: 'file:///node_modules/@types/tailspin-platform/redis.d.ts', content: redis },
  { path: 'file:///node_modules/@types/tailspin-platform/dataloader.d.ts', content: dataloader },
  { path: 'file:///node_modules/@types/tailspin-platform/p-limit.d.ts', content: pLimit },
  { path: 'file:///node_modules/@types/tailspin-platform/lru-cache.d.ts', content: lruCache },
  { path: 'file:///node_modules/@types/tailspin-platform/opossum.d.ts', content: opossum },
  { path: 'file:///node_modules/@types/tailspin-platform/crypto.d.ts', content: crypto },
  { path: 'file:///node_modules/@types/tailspin-platform/util.d.ts', content: util },
  { path: 'file:///node_modules/@types/tailspin-platform/timers.d.ts', content: timers },
  { path: 'file:///node_modules/@types/tailspin-platform/events.d.ts', content: events },
  { path: 'file:///node_modules/@types/tailspin-platform/os.d.ts', content: os },
  { path: 'file:///node_modules/@types/tailspin-platform/async-hooks.d.ts', content: asyncHooks },
  { path: 'file:///node_modules/@types/tailspin-platform/worker-threads.d.ts', content: workerThreads },
  { path: 'file:///node_modules/@types/tailspin-platform/piscina.d.ts', content: piscina },
];
