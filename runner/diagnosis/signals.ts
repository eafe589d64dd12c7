/**
 * Collects, while a run goes, what its diagnosis needs beyond the summary (diagnose.ts): the
 * service's lines behind heavy platform calls on each main thread, and at the end the
 * statements per route, where leaked clients were taken, the main threads' busy time and
 * the downstreams' own counts.
 */
import type { Platform } from '../runtime/platform.ts';
import type { ErrorLog } from '../world.ts';
import type { LoadedService } from '../sandbox/load-service.ts';
import type { DownstreamService } from '../runtime/remote/downstream.ts';
import type { DiagnosisSignals } from './diagnose.ts';

/** Heavy charges of a loop whose caller is looked up every time, before sampling starts. */
const HEAVY_CALLERS_ALL = 32;
/** After those, one heavy charge in this many has its caller looked up (a stack costs microseconds). */
const HEAVY_CALLER_EVERY = 16;

export class SignalRecorder {
  /** Heavy platform charges by the service's line: total ms and calls. */
  readonly #heavy = new Map<number, { ms: number; calls: number }>();

  constructor(
    private readonly replicas: readonly Platform[],
    private readonly errors: ErrorLog,
  ) {
    for (const p of replicas) {
      // The service's code is on the stack: its first frame in the service is the caller. It
      // is looked up for the first charges and then for one in HEAVY_CALLER_EVERY, which is
      // credited with the charges since the last lookup: totals stay exact, the split is sampled.
      let seen = 0;
      let ms = 0;
      let calls = 0;
      p.loop.onHeavyCharge = (chargeMs) => {
        seen++;
        ms += chargeMs;
        calls++;
        if (seen > HEAVY_CALLERS_ALL && seen % HEAVY_CALLER_EVERY !== 0) return;
        const line = this.errors.sourceMap?.locate(new Error('charge'))?.line;
        if (line !== undefined) {
          const h = this.#heavy.get(line);
          if (h) {
            h.ms += ms;
            h.calls += calls;
          } else this.#heavy.set(line, { ms, calls });
        }
        ms = 0;
        calls = 0;
      };
    }
  }

  signals(services: readonly LoadedService[], downstreams: readonly DownstreamService[]): DiagnosisSignals {
    const statementsByRoute = new Map<string, Map<string, number>>();
    for (const p of this.replicas) {
      for (const [route, texts] of p.counters.statementsByRoute) {
        let into = statementsByRoute.get(route);
        if (!into) statementsByRoute.set(route, (into = new Map()));
        for (const [sql, n] of texts) into.set(sql, (into.get(sql) ?? 0) + n);
      }
    }
    const unbounded = new Map<string, { settled: number; slowestMs: number; pendingAgesMs: number[]; sites: Error[] }>();
    for (const p of this.replicas) {
      const nowMs = p.kernel.nowMs;
      for (const [host, u] of p.counters.unboundedCalls) {
        let into = unbounded.get(host);
        if (!into) unbounded.set(host, (into = { settled: 0, slowestMs: 0, pendingAgesMs: [], sites: [] }));
        into.settled += u.settled;
        into.slowestMs = Math.max(into.slowestMs, u.slowestMs);
        for (const call of u.pending) into.pendingAgesMs.push(nowMs - call.sentMs);
        into.sites.push(...u.sites);
      }
    }
    const lineOf = (site: Error): number | undefined => this.errors.sourceMap?.locate(site)?.line;
    const statementLines = (route: string, texts: readonly string[]): number[] => {
      const lines: number[] = [];
      for (const p of this.replicas) {
        const sites = p.counters.statementSites.get(route);
        if (!sites) continue;
        for (const text of texts) {
          const site = sites.get(text);
          const line = site && lineOf(site);
          if (line !== undefined && !lines.includes(line)) lines.push(line);
          if (lines.length >= 3) return lines;
        }
      }
      return lines;
    };
    const retryLines = new Map<string, number[]>();
    for (const p of this.replicas) {
      for (const [host, sites] of p.counters.retrySites) {
        const lines = retryLines.get(host) ?? [];
        for (const site of sites) {
          const line = lineOf(site);
          if (line !== undefined && !lines.includes(line)) lines.push(line);
        }
        retryLines.set(host, lines);
      }
    }
    return {
      statementsByRoute,
      statementLines,
      retryLines: [...retryLines].map(([host, lines]) => ({ host, lines: lines.slice(0, 3) })),
      unboundedCalls: [...unbounded].map(([host, u]) => ({
        host,
        settled: u.settled,
        slowestMs: u.slowestMs,
        pendingAgesMs: u.pendingAgesMs,
        lines: [
          ...new Set(
            u.sites
              .slice(0, 64)
              .map(lineOf)
              .filter((l): l is number => l !== undefined),
          ),
        ],
      })),
      heavyLines: [...this.#heavy].map(([line, h]) => ({ line, ms: h.ms, calls: h.calls })),
      leakLines: services.flatMap((s) => s.leakSites().map((site) => (site ? this.errors.sourceMap?.locate(site)?.line : undefined))),
      mainThreadBusyMs: this.replicas.map((p) => p.loop.busyTotalMs),
      downstreams: downstreams.map((d) => d.stats()),
    };
  }
}
