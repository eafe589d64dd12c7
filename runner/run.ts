/**
 * Runs one scenario against the learner's code: compile, build the world, load the service,
 * drive the load through it in virtual time, then measure and judge. The same function runs
 * in Node (CLI, tests) and in the browser's worker.
 */
import type { CheckResult, EarlyStop, RunStatus, RunSummary, SeriesBucket } from './summary-schema.ts';
import type { RunOptions } from './run-types.ts';
import type { ScenarioDefinition } from './scenario/types.ts';
import type { Compiler } from './sandbox/compile.ts';
import { BadInput, CompileFailed } from './errors.ts';
import { createFleet, type ErrorLog } from './world.ts';
import { Collector } from './metrics/collector.ts';
import { LoadClient, type LogicalRequest } from './load/load-client.ts';
import { HttpServer, REQUEST_OVERHEAD_MS_DEFAULT } from './runtime/process/http-server.ts';
import { loadService, type LoadedService } from './sandbox/load-service.ts';
import { openDatabase } from './runtime/remote/database/shared-database.ts';
import { FunctionalChecks } from './slo/functional-checks.ts';
import { DownstreamService } from './runtime/remote/downstream.ts';
import { startOtherWriters } from './runtime/remote/database/other-writers.ts';
import { DatabaseHost } from './runtime/remote/database/database-host.ts';
import { LoadBalancer } from './load/balancer.ts';
import { countersOf } from './metrics/fleet-counters.ts';
import { FleetGauges } from './metrics/fleet-gauges.ts';
import { buildSummary, sumDownstreamTallies } from './summary.ts';
import { createYield } from './sim/yield-to-host.ts';
import { createPrng } from './sim/prng.ts';
import { runProvenance } from './provenance.ts';
import { providePrecomputedPbkdf2 } from './runtime/modules/crypto/known-keys.ts';
import { VerdictSettler } from './slo/settled.ts';
import { CPU_MS_PER_UNIT } from './runtime/process/cpu-meter.ts';
import { round3 } from './metrics/collector.ts';
import { SignalRecorder } from './diagnosis/signals.ts';
import { diagnose } from './diagnosis/diagnose.ts';
import { summarizeProfile } from './sandbox/profile-summary.ts';
import { RequestTracer } from './metrics/request-traces.ts';

export interface RunHost {
  compiler: Compiler;
  /** CommonJS source of bundled libraries by module name (see LIBRARY_NAMES). */
  librarySources: Record<string, string>;
}

/** Hard limits on one run, whatever the code does. */
export const RUN_LIMITS = {
  /** Events processed, a guard against a runaway timer storm. */
  eventsMax: 50_000_000,
  /** Wall-clock time for the whole run. */
  wallMsMax: 120_000,
};

const BALANCERS: readonly string[] = ['round-robin', 'least-outstanding', 'random'];

/** Instances of the service one run may have. */
const REPLICAS_MAX = 32;

/**
 * CPU of the service's own JavaScript (metered, virtual ms, all instances) past which a run
 * ends as soon as its verdict is settled (slo/settled.ts). Such a run cannot simulate faster
 * than real time, and plain-JS hashing runs slower in the sealed realm than in Node; every
 * bundled starter, solution and fix stays far below it (the most, n-plus-one's
 * alt-dataloader, uses 11 ms in a whole run), so their runs and goldens are untouched, while
 * PBKDF2 written in plain JS passes it within its first login.
 */
export const SETTLE_EARLY_SERVICE_CPU_MS = 250;

/** Node's monitorEventLoopDelay default resolution. */
const LOOP_MONITOR_INTERVAL_MS = 10;
/** How often the run yields to its host, in wall milliseconds. */
const YIELD_EVERY_WALL_MS = 25;

export async function runScenario(def: ScenarioDefinition, opts: RunOptions & RunHost): Promise<RunSummary> {
  const bounds = def.load.loadScale ?? { min: 1, max: 1 };
  const loadScale = Math.min(bounds.max, Math.max(bounds.min, opts.loadScale ?? 1));
  const compiled = await opts.compiler(opts.code);
  if (!compiled.ok) throw new CompileFailed(compiled.diagnostics);

  const replicaCount = replicaCountOf(def);
  const db = def.platform.database ? await openDatabase(def.platform.database) : undefined;
  const { kernel, replicas, errors } = createFleet(opts.seed, replicaCount, def.platform.cpus);
  providePrecomputedPbkdf2(kernel, def.platform.crypto?.precomputedPbkdf2);
  const p = replicas[0];
  opts.onHeartbeat?.(); // user code runs from here on: a host's watchdog may arm now
  const downstreams = (def.platform.downstreams ?? []).map((d) => new DownstreamService(d, kernel, p.rng));
  const databaseHost = db ? new DatabaseHost(def.platform.database!, kernel) : undefined;
  const servers: HttpServer[] = [];
  const services: LoadedService[] = [];
  for (const replica of replicas) {
    const server = new HttpServer(replica, def.platform.requestOverheadMs ?? REQUEST_OVERHEAD_MS_DEFAULT);
    services.push(
      await loadService({ p: replica, def, db, databaseHost, server, downstreams, errors, compiled, librarySources: opts.librarySources }),
    );
    servers.push(server);
  }
  const server = servers[0];
  const signals = new SignalRecorder(replicas, errors);

  const missing = [...new Set(def.load.mix.map((m) => m.route))].filter((r) => !server.hasRoute(r));
  if (missing.length) {
    const have = server.routeKeys();
    throw new BadInput(
      'routes',
      missing.map((r) => ({
        message: `The load sends ${r} but the service registers no such route${have.length ? ` (it registers: ${have.join(', ')})` : ''}.`,
      })),
    );
  }

  const counters = countersOf(replicas.map((r) => r.counters));
  const collector = new Collector(
    counters,
    def.load.mix.map((m) => m.route),
  );
  const checks = new FunctionalChecks(def, db, downstreams, kernel);
  const balancer =
    replicaCount > 1
      ? new LoadBalancer(servers, def.platform.replicas?.balancer ?? 'round-robin', createPrng(opts.seed, 'balancer'))
      : undefined;
  const fleet = new FleetGauges(replicas);
  const tracer = new RequestTracer(opts.seed);
  const client = new LoadClient(kernel, def.load, loadScale, createPrng(opts.seed, 'load'), balancer ?? server, {
    arrive: (l) => collector.arrive(l.route, l.scheduledMs),
    send: (l, context, atMs) => tracer.send(l, context, atMs),
    finish: (l, endMs, outcome, reply) => {
      tracer.finish(l, endMs, outcome, reply);
      collector.finish(l.route, l.scheduledMs, endMs, outcome, queriesOf(l));
      if (reply) {
        if (reply.error !== undefined) errors.record(reply.error, l.route);
        checks.observe(l, reply, endMs);
      }
    },
  });

  const durationMs = def.load.durationMs;
  const drainMs = def.drainMs ?? defaultDrainMs(def);
  const hardEndMs = durationMs + drainMs;
  let finished = false;
  const pending: SeriesBucket[] = [];

  // Like Node's monitor, a repeating libuv timer on each instance: after a stall it fires once
  // and is re-armed from then, so a stall is one long sample, not one per interval it swallowed.
  const monitor = (replica: number, expectedMs: number): void => {
    const loop = replicas[replica].loop;
    loop.post(
      expectedMs,
      () => {
        const nowMs = loop.now();
        collector.loopDelay(nowMs - expectedMs);
        fleet.loopDelay(replica, nowMs - expectedMs);
        if (!finished) monitor(replica, nowMs + LOOP_MONITOR_INTERVAL_MS);
      },
      undefined,
    );
  };
  const closeBucket = (atMs: number): void => {
    kernel.at(atMs, () => {
      if (finished) return;
      fleet.notePeaks();
      pending.push(collector.closeBucket(atMs));
      closeBucket(atMs + 1000);
    });
  };
  for (let i = 0; i < replicaCount; i++) monitor(i, LOOP_MONITOR_INTERVAL_MS);
  closeBucket(1000);
  const writers = def.platform.database?.writers;
  if (db && writers?.length) startOtherWriters(writers, kernel, checks.checkDb, createPrng(opts.seed, 'writers'), durationMs);
  client.start();

  // Events may still run a little past hardEndMs, until the next check sees it.
  const lastEventMsMax = hardEndMs + 1000;
  const settler = new VerdictSettler(def.slos, collector, {
    arrivalsTotal: () => client.arrivalsTotal(),
    // Each instance's monitor samples at most once per interval, until the run ends.
    loopDelaySamplesLeftMax: (nowMs) => replicaCount * (Math.floor(Math.max(0, lastEventMsMax - nowMs) / LOOP_MONITOR_INTERVAL_MS) + 2),
  });
  const serviceCpuMs = (): number => sumOf(replicas, (r) => r.loop.cpuCounter.n) * CPU_MS_PER_UNIT;
  let earlyStop: EarlyStop | undefined;
  const status = await drive(kernel, opts.onHeartbeat, () => {
    if (pending.length && opts.onProgress) opts.onProgress({ virtualMs: kernel.nowMs, durationMs, buckets: pending.splice(0) });
    else pending.length = 0;
    if (opts.shouldStop?.()) return 'aborted';
    if (client.arrivalsDone && client.inFlight === 0 && kernel.nowMs >= durationMs) return 'completed';
    if (kernel.nowMs > hardEndMs) return 'completed';
    if (opts.settleEarly !== false && settler.canSettle && serviceCpuMs() > SETTLE_EARLY_SERVICE_CPU_MS) {
      const miss = settler.check(kernel.nowMs);
      if (miss) {
        const { slo, observed, countMax, valueMin, reason } = miss;
        earlyStop = {
          atMs: kernel.nowMs,
          slo: { label: slo.label, metric: slo.metric, threshold: slo.threshold },
          observed,
          countMax,
          valueMin,
          reason,
          inFlight: client.inFlight,
          serviceCpuMs: round3(serviceCpuMs()),
          serviceCpuMsBudget: SETTLE_EARLY_SERVICE_CPU_MS,
        };
        return 'completed';
      }
    }
    return undefined;
  });
  finished = true;
  client.abandonAll(kernel.nowMs);
  // A run that ended settled is observed up to its stop: rates over the time it ran.
  const windowMs = earlyStop ? Math.max(earlyStop.atMs, collector.lastCompletionMs) : Math.max(durationMs, collector.lastCompletionMs);
  // The series ends where the run did: at the window's end, or at a stop before it. A bucket
  // is closed only over time not yet bucketed, so no empty bucket of no length ends the series.
  const seriesEndMs = Math.min(windowMs, kernel.nowMs);
  if (collector.series.length === 0 || collector.bucketStartMs < seriesEndMs) {
    const last = collector.closeBucket(seriesEndMs);
    opts.onProgress?.({ virtualMs: seriesEndMs, durationMs, buckets: [last] });
  }
  await kernel.settleHostWork();
  fleet.notePeaks();

  const summary = buildSummary({
    def,
    provenance: runProvenance(opts.code, opts.scenarioSource),
    seed: opts.seed,
    loadScale,
    status: status.status,
    statusReason: status.reason,
    windowMs,
    collector,
    counters,
    errors,
    console: consoleOf(services),
    checks: [...checks.results(), ...(await checks.audit()), ...platformChecks(errors, services, Boolean(db))],
    leakedClients: sumOf(services, (s) => s.leakedClients()),
    downstreams: () => sumDownstreamTallies(services.map((s) => s.downstreams())),
    earlyStop,
  });
  summary.traces = tracer.traces(
    def.load.mix.map((m) => m.route),
    windowMs,
  );
  if (balancer) {
    summary.replicas = fleet.stats(balancer, services);
    if (databaseHost)
      summary.databaseConnections = {
        maxConnections: databaseHost.maxConnections,
        peak: databaseHost.connectionsPeak,
        refused: databaseHost.refused,
      };
  }
  summary.findings = diagnose(summary, signals.signals(services, downstreams));
  summary.profile = summarizeProfile(
    services.map((s) => s.profile),
    compiled,
  );
  return summary;
}

/**
 * The event loop of the simulation itself: settle host work, run the next event, and every
 * so often check limits and the host's stop request and let the host breathe.
 */
async function drive(
  kernel: import('./sim/kernel.ts').Kernel,
  heartbeat: (() => void) | undefined,
  check: () => RunStatus | undefined,
): Promise<{ status: RunStatus; reason?: string }> {
  const yieldToHost = createYield();
  const wallStart = performance.now();
  let lastYield = wallStart;
  let nextCheckMs = 0;
  for (;;) {
    if (kernel.hasHostWork) await kernel.settleHostWork();
    if (kernel.nextEventMs() >= nextCheckMs || kernel.eventsRun % 2048 === 0) {
      const s = check();
      if (s) return { status: s, reason: s === 'aborted' ? 'stopped by the user' : undefined };
      nextCheckMs = Math.floor(kernel.nextEventMs() / 100) * 100 + 100;
      const wall = performance.now();
      if (wall - wallStart > RUN_LIMITS.wallMsMax)
        return { status: 'limit', reason: `the run took more than ${RUN_LIMITS.wallMsMax / 1000} s of real time` };
      if (kernel.eventsRun > RUN_LIMITS.eventsMax) return { status: 'limit', reason: `more than ${RUN_LIMITS.eventsMax} events` };
      if (wall - lastYield > YIELD_EVERY_WALL_MS) {
        heartbeat?.();
        await yieldToHost();
        lastYield = performance.now();
      }
    }
    if (!kernel.step()) {
      const s = check();
      return { status: s === 'aborted' ? 'aborted' : 'completed' };
    }
  }
}

/** Long enough for every request to end by its client timeout and retries. */
function defaultDrainMs(def: ScenarioDefinition): number {
  const timeoutMs = def.load.clientTimeoutMs > 0 ? def.load.clientTimeoutMs : 30_000;
  return timeoutMs * ((def.load.clientRetries ?? 0) + 1) + 1000;
}

function queriesOf(l: LogicalRequest): number {
  let n = 0;
  for (const c of l.contexts) n += c.dbQueries;
  return n;
}

/**
 * Checks every run gets, because Node and Postgres would enforce them: an exception nothing
 * catches ends the process; a transaction that is never committed loses its writes.
 */
function platformChecks(errors: ErrorLog, services: LoadedService[], hasDatabase: boolean): CheckResult[] {
  const crashes = errors.fatal;
  const results: CheckResult[] = [
    {
      name: 'the process stays up: no uncaught exception or unhandled rejection (Node would exit)',
      checked: 1,
      failed: crashes > 0 ? 1 : 0,
      problems:
        crashes > 0 ? [`${crashes} uncaught: ${errors.errors.find((e) => /^(Uncaught|Unhandled)/.test(e.message))?.message ?? ''}`] : [],
      pass: crashes === 0,
    },
  ];
  if (hasDatabase) {
    const open = sumOf(services, (s) => s.releasesInTransaction());
    results.push({
      name: 'every transaction ends: no client goes back to the pool inside BEGIN',
      checked: 1,
      failed: open > 0 ? 1 : 0,
      problems: open > 0 ? [`${open} clients were released with a transaction still open: their writes are never committed`] : [],
      pass: open === 0,
    });
  }
  return results;
}

/** The number of instances the scenario asks for, checked. */
function replicaCountOf(def: ScenarioDefinition): number {
  const count = def.platform.replicas?.count ?? 1;
  if (!Number.isInteger(count) || count < 1 || count > REPLICAS_MAX) {
    throw new RangeError(`platform.replicas.count must be a whole number from 1 to ${REPLICAS_MAX}, got ${count}`);
  }
  const balancer = def.platform.replicas?.balancer;
  if (balancer !== undefined && !BALANCERS.includes(balancer)) {
    throw new RangeError(`platform.replicas.balancer must be one of ${BALANCERS.join(', ')}, got ${String(balancer)}`);
  }
  return count;
}

function sumOf<T>(xs: readonly T[], of: (x: T) => number): number {
  let total = 0;
  for (const x of xs) total += of(x);
  return total;
}

/**
 * Each instance's console; with several, one timeline in virtual-time order (instance order
 * at the same instant), each line saying whose it is after its time stamp.
 */
function consoleOf(services: LoadedService[]): string[] {
  if (services.length === 1) return services[0].console.output();
  const lines = services.flatMap((s, i) =>
    s.console.output().map((line) => {
      const stamp = /^\[(\d+(?:\.\d+)?)s\] /.exec(line);
      const text = stamp ? `${stamp[0]}[replica ${i + 1}] ${line.slice(stamp[0].length)}` : `[replica ${i + 1}] ${line}`;
      return { atSec: stamp ? Number(stamp[1]) : Infinity, text };
    }),
  );
  return lines.sort((a, b) => a.atSec - b.atSec).map((l) => l.text);
}
