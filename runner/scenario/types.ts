/**
 * What a scenario author writes: `scenarios/<id>/scenario.ts` default-exports
 * `defineScenario(spec)`, and the loader makes it the ScenarioDefinition the runner runs, with
 * the folder's name as its id. Virtual time is always a number of milliseconds since the start
 * of the run.
 */
import type { Prng } from '../sim/prng.ts';
import type { PrecomputedPbkdf2 } from '../runtime/modules/crypto/known-keys.ts';
import type { KeyDerivation } from '../runtime/modules/crypto/derivations.ts';

/** A service-time or latency distribution, in virtual milliseconds. */
export type Distribution =
  | { kind: 'constant'; ms: number }
  | { kind: 'exponential'; meanMs: number }
  | { kind: 'lognormal'; medianMs: number; sigma: number }
  | { kind: 'uniform'; minMs: number; maxMs: number };

/** A scripted fault on a downstream service, active in [fromMs, toMs). */
export type FaultWindow =
  | { kind: 'slowdown'; fromMs: number; toMs: number; factor: number }
  | { kind: 'errors'; fromMs: number; toMs: number; rate: number; status?: number }
  | { kind: 'outage'; fromMs: number; toMs: number };

/** What a downstream service receives from the service under test. */
export interface DownstreamRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

/** What a downstream service answers (before fault injection). */
export interface DownstreamResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface DownstreamSpec {
  /** Host name the service is reached at, e.g. `payments.internal`; any scheme and port. */
  host: string;
  /** Requests served at once; further requests queue. */
  concurrency: number;
  /** Requests allowed to wait when all slots are busy; 0 rejects with 503 when busy. */
  queueLimit: number;
  serviceTime: Distribution;
  faults?: FaultWindow[];
  /** Network round trip between the service and this downstream (each way is half). */
  rttMs?: number;
  /** Extra cost of a request on a new connection (TCP + TLS) instead of a kept-alive one. */
  connectMs?: number;
  /** Produces the answer; runs in the simulator (not user code), deterministic given rng. */
  respond?: (req: DownstreamRequest, rng: Prng, nowMs: number) => DownstreamResponse;
  /**
   * Honour idempotency keys, as Stripe does: a request whose key was seen gets the first
   * answer again (a 409 while the first is still being served, a 400 if its body differs)
   * and no work is done twice. Without it a retried request is simply done again.
   */
  idempotency?: IdempotencySpec;
}

export interface IdempotencySpec {
  /** The request header that carries the key, e.g. `idempotency-key`. */
  header: string;
  /** How long an answered key is remembered (Stripe: 24 h). Default: the whole run. */
  ttlMs?: number;
}

/**
 * One piece of work a downstream service really did: the request it served and what its
 * `respond` answered, at the instant it answered. Injected fault answers, refused and
 * rejected connections and idempotent replays did no work and are not in the ledger.
 */
export interface LedgerEntry {
  req: DownstreamRequest;
  status: number;
  body: unknown;
  atMs: number;
}

export interface DatabaseSpec {
  /** DDL and any bulk data, executed once before the run (not timed). */
  setupSql: string;
  /** Cores of the database server: queries beyond this many wait for a core. */
  cores?: number;
  /** Postgres `max_connections`; connecting beyond it fails like Postgres does. */
  maxConnections?: number;
  /** Round trip between service and database. */
  rttMs?: number;
  /**
   * Other services writing the same database during the run (an admin tool, the box
   * office, another team's job): what makes an in-process cache go stale. Each writes at
   * the instants of a Poisson process, outside the service and its pool.
   */
  writers?: DatabaseWriter[];
}

export interface DatabaseWriter {
  name: string;
  /** Mean writes per virtual second. */
  ratePerSec: number;
  /**
   * One write, at virtual time `nowMs`: its statements, and any note of what it did that the
   * scenario's checks need (keyed by `db`, the same object the checks get for this run).
   */
  write: (db: CheckDb, rng: Prng, nowMs: number) => Promise<void>;
}

export interface CacheSpec {
  /** Round trip to the cache server. */
  rttMs?: number;
}

/** The service's `node:crypto`. */
export interface CryptoSpec {
  /**
   * Real PBKDF2 keys of the seed data, computed ahead of time (the lab does not run 100 000
   * iterations per call): for exactly these inputs, `pbkdf2`, `pbkdf2Sync` and
   * `crypto.subtle.deriveBits` return the real key, at their usual virtual cost, so stored
   * hashes made from them verify whether the service derives natively or in its own
   * JavaScript. Any other input gets the lab's stand-in key, which matches no real one.
   */
  precomputedPbkdf2?: readonly PrecomputedPbkdf2[];
}

export interface PlatformSpec {
  database?: DatabaseSpec;
  crypto?: CryptoSpec;
  downstreams?: DownstreamSpec[];
  cache?: CacheSpec;
  /** libuv thread pool size (UV_THREADPOOL_SIZE); Node's default is 4. */
  threadPoolSize?: number;
  /**
   * Cores of each service instance's machine (default 4): the main thread, worker threads and
   * libuv's pool share them, and `os.cpus().length` and `os.availableParallelism()` report them.
   */
  cpus?: number;
  /** Main-thread CPU to accept, parse and answer one HTTP request, before the handler. */
  requestOverheadMs?: number;
  /** Values exposed to user code as `process.env`. */
  env?: Record<string, string>;
  /** Instances of the service behind a load balancer; one when absent. */
  replicas?: ReplicaSpec;
}

/**
 * Several instances of the service, as production runs it: each its own process (event
 * loop, pools, in-process state), all sharing the database (its cores and max_connections)
 * and the downstream services.
 */
export interface ReplicaSpec {
  count: number;
  /** How the balancer picks an instance per request (see load/balancer.ts). Default: round-robin. */
  balancer?: 'round-robin' | 'least-outstanding' | 'random';
}

export type ArrivalProfile =
  | { kind: 'constant'; ratePerSec: number }
  | { kind: 'ramp'; fromPerSec: number; toPerSec: number }
  | { kind: 'step'; steps: { atMs: number; ratePerSec: number }[] }
  | { kind: 'spike'; basePerSec: number; peakPerSec: number; fromMs: number; toMs: number };

/** A request the load generator sends. */
export interface LoadRequest {
  method: string;
  /** Path with query string, e.g. `/posts?limit=20`. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface RequestMixEntry {
  /** Route key as registered by the service, e.g. `GET /posts/:id`. */
  route: string;
  weight: number;
  /** Builds the concrete request; `rng` is the load generator's own stream. */
  build: (rng: Prng, seq: number) => LoadRequest;
  /**
   * Statuses that are a normal answer to this request (k6's expectedStatuses), e.g. 401 to a
   * wrong password. Anything else counts as failed. Default: 200–299 (the load client follows no
   * redirect, so a 3xx is the whole answer, not a way to it). A scenario that expects
   * a 4xx must also check, functionally, that each one was deserved.
   */
  expectedStatuses?: number[];
}

export interface LoadSpec {
  durationMs: number;
  arrivals: ArrivalProfile;
  /** `poisson` (exponential gaps, the default) or evenly spaced `uniform` arrivals. */
  process?: 'poisson' | 'uniform';
  mix: RequestMixEntry[];
  /** The client gives up after this long; the server keeps working. 0 = never. */
  clientTimeoutMs: number;
  /** Client-side retries of failed or timed-out requests (none by default). */
  clientRetries?: number;
  /** Bounds for the lab's load-scale control (multiplies every arrival rate). */
  loadScale?: { min: number; max: number };
}

/** One request/response pair, as a functional check sees it. */
export interface Exchange {
  route: string;
  request: LoadRequest;
  status: number;
  body: unknown;
  startMs: number;
  endMs: number;
}

/**
 * What checks may consult: the scenario's database (read only), the ledgers of its
 * downstream services and the keys its crypto derived, the ground truth of what the service
 * really did.
 */
export interface CheckDb {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[] }>;
  /** Work the downstream at `host` has done so far, in the order it was done. */
  ledger(host: string): readonly LedgerEntry[];
  /**
   * Keys the service has derived so far (PBKDF2, scrypt), with their inputs and when each
   * ran, in the order they were finished: on any thread, through `node:crypto` or
   * `crypto.subtle`.
   */
  derivations(): readonly KeyDerivation[];
}

export interface FunctionalCheck {
  name: string;
  /** Every completed exchange of this route is checked: a sample could be counted and gamed. */
  route: string;
  /**
   * Returns a problem description, or nothing when the response is right. The route's checks
   * share one exchange: read it, never change it.
   */
  verify: (ex: Exchange, db: CheckDb) => Promise<string | undefined> | string | undefined;
}

/** A check of the whole run, made after it ends: e.g. no card charged twice. */
export interface Audit {
  name: string;
  /** The problems found, each naming what it is about; none when all is well. */
  verify: (db: CheckDb) => Promise<string[]> | string[];
}

export interface SloSpec {
  /** Metric key with optional tags, k6 style: `http_req_duration{route:GET /posts}`. */
  metric: string;
  /** Threshold expression: `p(99)<150`, `rate<0.01`, `avg<3`, `value==0`, `count>100`. */
  threshold: string;
  /** Human wording shown in the checklist. */
  label: string;
}

/** A scenario as the runner runs it: the author's ScenarioSpec, its defaults filled in, and its id. */
export interface ScenarioDefinition {
  /** The scenario folder's name (see layout.ts); never written in scenario.ts. */
  id: string;
  platform: PlatformSpec;
  load: LoadSpec;
  slos: SloSpec[];
  checks?: FunctionalCheck[];
  /** Checks of the run as a whole, once it has ended: what no single response shows. */
  audits?: Audit[];
  /** Virtual-time guard beyond durationMs for in-flight work to finish. */
  drainMs?: number;
}

/** What `scenario.ts` passes to `defineScenario`: a definition without its id, which is the folder's name. */
export type ScenarioSpec = Omit<ScenarioDefinition, 'id'>;
