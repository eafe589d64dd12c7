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

export class SignalRecorder {
  /** Heavy platform charges by the service's line: total ms and calls. */
  readonly #heavy = new Map<number, { ms: number; calls: number }>();

  constructor(
    private readonly replicas: readonly Platform[],
    private readonly errors: ErrorLog,
  ) {
    for (const p of replicas) {
      // The service's code is on the stack: its first frame in the service is the caller.
      p.loop.onHeavyCharge = (ms) => {
        const line = this.errors.sourceMap?.locate(new Error('charge'))?.line;
        if (line === undefined) return;
        const h = this.#heavy.get(line);
        if (h) {
          h.ms += ms;
          h.calls++;
        } else this.#heavy.set(line, { ms, calls: 1 });
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
    return {
      statementsByRoute,
      heavyLines: [...this.#heavy].map(([line, h]) => ({ line, ms: h.ms, calls: h.calls })),
      leakLines: services.flatMap((s) => s.leakSites().map((site) => (site ? this.errors.sourceMap?.locate(site)?.line : undefined))),
      mainThreadBusyMs: this.replicas.map((p) => p.loop.busyTotalMs),
      downstreams: downstreams.map((d) => d.stats()),
    };
  }
}
