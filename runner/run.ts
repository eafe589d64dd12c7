/**
 * Runs one scenario against the learner's code: compile, build the world, load the service,
 * drive the load through it in virtual time, then measure and judge. The same function runs
 * in Node (CLI, tests) and in the browser's worker.
 */
import type { CheckResult, RunOptions, RunStatus, RunSummary, ScenarioDefinition, SeriesBucket } from './types.ts';
import type { Compiler } from './sandbox/compile.ts';
import { BadInput, CompileFailed } from './errors.ts';
import { createWorld, type ErrorLog } from './world.ts';
import { Collector } from './metrics/collector.ts';
import { LoadClient, type LogicalRequest } from './load/load-client.ts';
import { HttpServer, DEFAULT_REQUEST_OVERHEAD_MS } from './runtime/http-server.ts';
import { loadService, type LoadedService } from './sandbox/load-service.ts';
import { openDatabase } from './runtime/db/shared-database.ts';
import { FunctionalChecks } from './slo/functional-checks.ts';
import { DownstreamService } from './runtime/downstream.ts';
import { startOtherWriters } from './runtime/db/other-writers.ts';
import { buildSummary } from './summary.ts';
import { createYield } from './sim/yield-to-host.ts';
import { createPrng } from './sim/prng.ts';
import { runProvenance } from './provenance.ts';

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

/** Node's monitorEventLoopDelay default resolution. */
const LOOP_MONITOR_INTERVAL_MS = 10;
/** How often the run yields to its host, in wall milliseconds. */
const YIELD_EVERY_WALL_MS = 25;

export async function runScenario(def: ScenarioDefinition, opts: RunOptions & RunHost): Promise<RunSummary> {
  const bounds = def.load.loadScale ?? { min: 1, max: 1 };
  const loadScale = Math.min(bounds.max, Math.max(bounds.min, opts.loadScale ?? 1));
  const compiled = await opts.compiler(opts.code);
  if (!compiled.ok) throw new CompileFailed(compiled.diagnostics);

  const db = def.platform.database ? await openDatabase(def.platform.database) : undefined;
  const { platform: p, errors } = createWorld(opts.seed);
  opts.onHeartbeat?.(); // user code runs from here on: a host's watchdog may arm now
  const server = new HttpServer(p, def.platform.requestOverheadMs ?? DEFAULT_REQUEST_OVERHEAD_MS);
  const downstreams = (def.platform.downstreams ?? []).map((d) => new DownstreamService(d, p.kernel, p.rng));
  const service = await loadService({ p, def, db, server, downstreams, errors, compiled, librarySources: opts.librarySources });

  const missing = [...new Set(def.load.mix.map((m) => m.route))].filter((r) => !server.hasRoute(r));
  if (missing.length) {
    const have = server.routeKeys();
    throw new BadInput('routes', missing.map((r) => ({
      message: `The load sends ${r} but the service registers no such route${have.length ? ` (it registers: ${have.join(', ')})` : ''}.`,
    })));
  }

  const collector = new Collector(p.counters, def.load.mix.map((m) => m.route));
  const checks = new FunctionalChecks(def, db, downstreams, p.kernel);
  const client = new LoadClient(p.kernel, def.load, loadScale, createPrng(opts.seed, 'load'), server, {
    arrive: (l) => collector.arrive(l.route, l.scheduledMs),
    finish: (l, endMs, outcome, reply) => {
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

  // Like Node's monitor, a repeating libuv timer: after a stall it fires once and is re-armed
  // from then, so a stall is one long sample, not one per interval it swallowed.
  const monitor = (expectedMs: number): void => {
    p.loop.post(expectedMs, () => {
      const nowMs = p.loop.now();
      collector.loopDelay(nowMs - expectedMs);
      if (!finished) monitor(nowMs + LOOP_MONITOR_INTERVAL_MS);
    }, undefined);
  };
  const closeBucket = (atMs: number): void => {
    p.kernel.at(atMs, () => {
      if (finished) return;
      pending.push(collector.closeBucket(atMs));
      closeBucket(atMs + 1000);
    });
  };
  monitor(LOOP_MONITOR_INTERVAL_MS);
  closeBucket(1000);
  const writers = def.platform.database?.writers;
  if (db && writers?.length) startOtherWriters(writers, p.kernel, checks.checkDb, createPrng(opts.seed, 'writers'), durationMs);
  client.start();

  const status = await drive(p.kernel, opts.onHeartbeat, () => {
    if (pending.length && opts.onProgress) opts.onProgress({ virtualMs: p.kernel.nowMs, durationMs, buckets: pending.splice(0) });
    else pending.length = 0;
    if (opts.shouldStop?.()) return 'aborted';
    if (client.arrivalsDone && client.inFlight === 0 && p.kernel.nowMs >= durationMs) return 'completed';
    if (p.kernel.nowMs > hardEndMs) return 'completed';
    return undefined;
  });
  finished = true;
  client.abandonAll(p.kernel.nowMs);
  const windowMs = Math.max(durationMs, collector.lastCompletionMs);
  if (collector.series.length === 0 || collector.series[collector.series.length - 1].tMs + 1000 <= windowMs) {
    const last = collector.closeBucket(windowMs);
    opts.onProgress?.({ virtualMs: windowMs, durationMs, buckets: [last] });
  }
  await p.kernel.settleHostWork();

  return buildSummary({
    def, provenance: runProvenance(opts.code, opts.scenarioSource), seed: opts.seed, loadScale, status: status.status, statusReason: status.reason,
    windowMs, collector, counters: p.counters, errors, console: service.console.output(),
    checks: [...checks.results(), ...await checks.audit(), ...platformChecks(errors, service, Boolean(db))], leakedClients: service.leakedClients(), downstreams: service.downstreams,
  });
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
      if (wall - wallStart > RUN_LIMITS.wallMsMax) return { status: 'limit', reason: `the run took more than ${RUN_LIMITS.wallMsMax / 1000} s of real time` };
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
function platformChecks(errors: ErrorLog, service: LoadedService, hasDatabase: boolean): CheckResult[] {
  const crashes = errors.fatal;
  const results: CheckResult[] = [{
    name: 'the process stays up: no uncaught exception or unhandled rejection (Node would exit)',
    checked: 1,
    failed: crashes > 0 ? 1 : 0,
    problems: crashes > 0 ? [`${crashes} uncaught: ${errors.errors.find((e) => /^(Uncaught|Unhandled)/.test(e.message))?.message ?? ''}`] : [],
    pass: crashes === 0,
  }];
  if (hasDatabase) {
    const open = service.releasesInTransaction();
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
