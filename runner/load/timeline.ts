/**
 * What a scenario scripts over time, as a summary states it for charts to mark: the load
 * profile cut into phases at the times its rate changes, and each downstream's faults. It is
 * read from the definition once per run, so it costs the simulation nothing.
 */
import type { FaultPeriod, LoadPhase, RunTimeline } from '../summary-schema.ts';
import type { ArrivalProfile, DownstreamSpec } from '../scenario/types.ts';

/** The load phases and downstream faults of a run of `durationMs` at load `scale`. */
export function runTimeline(
  arrivals: ArrivalProfile,
  durationMs: number,
  scale: number,
  downstreams: readonly DownstreamSpec[] = [],
): RunTimeline {
  return { load: loadPhases(arrivals, durationMs, scale), faults: downstreams.flatMap(faultPeriods) };
}

/** The profile's phases over [0, durationMs), in order, each at one rate or one ramp. */
export function loadPhases(profile: ArrivalProfile, durationMs: number, scale: number): LoadPhase[] {
  const flat = (fromMs: number, toMs: number, perSec: number): LoadPhase => ({
    fromMs,
    toMs,
    ratePerSecFrom: perSec * scale,
    ratePerSecTo: perSec * scale,
  });
  switch (profile.kind) {
    case 'constant':
      return [flat(0, durationMs, profile.ratePerSec)];
    case 'ramp':
      return [{ fromMs: 0, toMs: durationMs, ratePerSecFrom: profile.fromPerSec * scale, ratePerSecTo: profile.toPerSec * scale }];
    case 'step': {
      // Before the first step the rate is 0 (see rateAt in arrivals.ts); a step past the end never starts.
      const steps = [...profile.steps].filter((s) => s.atMs < durationMs).sort((a, b) => a.atMs - b.atMs);
      const starts = steps.length && steps[0].atMs <= 0 ? steps : [{ atMs: 0, ratePerSec: 0 }, ...steps];
      return starts
        .map((s, i) => flat(Math.max(0, s.atMs), i + 1 < starts.length ? starts[i + 1].atMs : durationMs, s.ratePerSec))
        .filter((p) => p.toMs > p.fromMs);
    }
    case 'spike': {
      const fromMs = Math.max(0, Math.min(profile.fromMs, durationMs));
      const toMs = Math.max(fromMs, Math.min(profile.toMs, durationMs));
      return [
        flat(0, fromMs, profile.basePerSec),
        flat(fromMs, toMs, profile.peakPerSec),
        flat(toMs, durationMs, profile.basePerSec),
      ].filter((p) => p.toMs > p.fromMs);
    }
  }
}

function faultPeriods(d: DownstreamSpec): FaultPeriod[] {
  return (d.faults ?? []).map((f) => {
    const base = { host: d.host, kind: f.kind, fromMs: f.fromMs, toMs: f.toMs };
    if (f.kind === 'slowdown') return { ...base, factor: f.factor };
    if (f.kind === 'errors') return { ...base, rate: f.rate, ...(f.status !== undefined ? { status: f.status } : {}) };
    return base;
  });
}
