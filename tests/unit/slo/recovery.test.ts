import { describe, expect, it } from 'vitest';
import { OutcomeTimeline } from '../../../runner/metrics/outcome-timeline.ts';
import { measureRecovery, RECOVERY_SUSTAIN_MS } from '../../../runner/slo/recovery.ts';

/** 85 requests a second, evenly spaced, failing where `fails(tMs)` says. */
function traffic(untilMs: number, fails: (tMs: number, i: number) => boolean): OutcomeTimeline {
  const t = new OutcomeTimeline();
  const gapMs = 1000 / 85;
  for (let i = 0; i * gapMs < untilMs; i++) t.add(i * gapMs, fails(i * gapMs, i));
  return t;
}

const FAULT_END_MS = 34_000;
const WINDOW_MS = 65_000;
const storm = (tMs: number) => tMs < FAULT_END_MS;

describe('recovery after a fault', () => {
  it('is the end of the failures when the service is healthy from then on', () => {
    const r = measureRecovery(traffic(WINDOW_MS, storm), FAULT_END_MS, WINDOW_MS);
    expect(r.recoveredAtMs - r.faultEndMs).toBe(0);
    expect(r).toMatchObject({ sustainMs: RECOVERY_SUSTAIN_MS, failureRateMax: 0.01, resolutionMs: 100 });
  });

  it('a stray timeout after recovery does not move it (one at 48 s and one at 51 s)', () => {
    const strays = [48_000, 51_000].map((tMs) => Math.round(tMs / (1000 / 85)));
    const isolated = (tMs: number, i: number) => storm(tMs) || strays.includes(i);
    const r = measureRecovery(traffic(WINDOW_MS, isolated), FAULT_END_MS, WINDOW_MS);
    expect(r.recoveredAtMs).toBe(FAULT_END_MS);
  });

  it('a sustained relapse does: half the requests fail from 45 s to 47 s', () => {
    const relapse = (tMs: number, i: number) => storm(tMs) || (tMs >= 45_000 && tMs < 47_000 && i % 2 === 0);
    const r = measureRecovery(traffic(WINDOW_MS, relapse), FAULT_END_MS, WINDOW_MS);
    expect(r.recoveredAtMs).toBeGreaterThanOrEqual(46_900);
    expect(r.recoveredAtMs).toBeLessThanOrEqual(47_000);
  });

  it('is measured at 100 ms, not rounded up to whole seconds: failures until 38.3 s give 4.3 s', () => {
    const r = measureRecovery(
      traffic(WINDOW_MS, (tMs) => tMs < 38_300),
      FAULT_END_MS,
      WINDOW_MS,
    );
    expect(r.recoveredAtMs - r.faultEndMs).toBeGreaterThan(4200);
    expect(r.recoveredAtMs - r.faultEndMs).toBeLessThanOrEqual(4300);
  });

  it('a service that never recovers scores the rest of the run', () => {
    const r = measureRecovery(
      traffic(WINDOW_MS, () => true),
      FAULT_END_MS,
      WINDOW_MS,
    );
    expect(r.recoveredAtMs).toBeGreaterThanOrEqual(WINDOW_MS - RECOVERY_SUSTAIN_MS);
  });

  it('counts failures only after the fault ends', () => {
    const r = measureRecovery(
      traffic(WINDOW_MS, (tMs) => tMs < 20_000),
      FAULT_END_MS,
      WINDOW_MS,
    );
    expect(r.recoveredAtMs).toBe(FAULT_END_MS);
  });
});
