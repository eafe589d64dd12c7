/**
 * Open-loop arrival times: requests arrive on the profile's schedule whatever the service
 * does. Poisson arrivals with a time-varying rate are drawn by thinning (Lewis & Shedler):
 * candidates at the peak rate, each kept with probability rate(t) / peak, which is exact.
 */
import type { ArrivalProfile } from '../scenario/types.ts';
import type { Prng } from '../sim/prng.ts';

/** Arrival rate in requests per second at virtual time `tMs`, scaled by `scale`. */
export function rateAt(profile: ArrivalProfile, tMs: number, durationMs: number, scale: number): number {
  switch (profile.kind) {
    case 'constant':
      return profile.ratePerSec * scale;
    case 'ramp':
      return (profile.fromPerSec + (profile.toPerSec - profile.fromPerSec) * Math.min(1, tMs / durationMs)) * scale;
    case 'step': {
      let rate = 0;
      for (const s of profile.steps) if (tMs >= s.atMs) rate = s.ratePerSec;
      return rate * scale;
    }
    case 'spike':
      return (tMs >= profile.fromMs && tMs < profile.toMs ? profile.peakPerSec : profile.basePerSec) * scale;
  }
}

export function peakRate(profile: ArrivalProfile, scale: number): number {
  switch (profile.kind) {
    case 'constant':
      return profile.ratePerSec * scale;
    case 'ramp':
      return Math.max(profile.fromPerSec, profile.toPerSec) * scale;
    case 'step':
      return Math.max(0, ...profile.steps.map((s) => s.ratePerSec)) * scale;
    case 'spike':
      return Math.max(profile.basePerSec, profile.peakPerSec) * scale;
  }
}

/**
 * Returns a function giving the next arrival time after `afterMs`, or Infinity when no
 * further arrival falls before `durationMs`.
 */
export function arrivalSchedule(
  profile: ArrivalProfile,
  process: 'poisson' | 'uniform',
  durationMs: number,
  scale: number,
  rng: Prng,
): (afterMs: number) => number {
  const peakPerMs = peakRate(profile, scale) / 1000;
  if (!(peakPerMs > 0)) return () => Infinity;
  if (process === 'uniform') {
    return (afterMs) => {
      let t = afterMs;
      // Step by the local gap; rates that are zero for a while are skipped in 1 ms steps.
      for (;;) {
        const perMs = rateAt(profile, t, durationMs, scale) / 1000;
        t += perMs > 0 ? 1 / perMs : 1;
        if (t >= durationMs) return Infinity;
        if (perMs > 0) return t;
      }
    };
  }
  return (afterMs) => {
    let t = afterMs;
    for (;;) {
      t += -Math.log(1 - rng.next()) / peakPerMs;
      if (t >= durationMs) return Infinity;
      const accept = rateAt(profile, t, durationMs, scale) / 1000 / peakPerMs;
      if (accept >= 1 || rng.next() < accept) return t;
    }
  };
}
