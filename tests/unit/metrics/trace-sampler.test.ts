/**
 * The trace sampler: per route it keeps the slowest requests and some of every failure kind,
 * drops each request it does not keep exactly once (so recording stops for it), and makes the
 * same choice for the same seed and the same order of finishes.
 */
import { describe, expect, it } from 'vitest';
import { createPrng } from '../../../runner/sim/prng.ts';
import { TRACE_LIMITS, TraceSampler, type TraceCandidate } from '../../../runner/metrics/trace-sampler.ts';
import type { Outcome } from '../../../runner/metrics/collector.ts';

const ROUTES = ['GET /a', 'POST /b'];

/** A fixed stream of finished requests: latencies and outcomes from their own seeded PRNG. */
function stream(n: number): TraceCandidate<number>[] {
  const rng = createPrng(99, 'stream');
  const out: TraceCandidate<number>[] = [];
  for (let seq = 0; seq < n; seq++) {
    const r = rng.next();
    const outcome: Outcome = r < 0.05 ? 'error' : r < 0.08 ? 'timeout' : 'ok';
    out.push({ route: ROUTES[seq % 2], seq, latencyMs: Math.round(rng.next() * 100_000) / 100, outcome, payload: seq });
  }
  return out;
}

function sample(seed: number, candidates: TraceCandidate<number>[]) {
  const dropped: number[] = [];
  const sampler = new TraceSampler<number>(createPrng(seed, 'traces'), (c) => dropped.push(c.seq));
  for (const c of candidates) sampler.offer(c);
  const kept = sampler.kept(ROUTES).map((k) => ({ route: k.candidate.route, seq: k.candidate.seq, sampledAs: k.sampledAs }));
  return { kept, dropped };
}

describe('trace sampler', () => {
  const candidates = stream(5000);

  it('the same seed and finishes give the same traces, byte for byte', () => {
    const a = sample(7, candidates);
    const b = sample(7, candidates);
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it('another seed draws another ordinary sample, but the same slowest', () => {
    const a = sample(7, candidates);
    const b = sample(8, candidates);
    const slowest = (s: typeof a) => s.kept.filter((k) => k.sampledAs.includes('slowest')).map((k) => k.seq);
    expect(slowest(b)).toEqual(slowest(a));
    const ordinary = (s: typeof a) => s.kept.filter((k) => k.sampledAs.includes('sample')).map((k) => k.seq);
    expect(ordinary(b)).not.toEqual(ordinary(a));
  });

  it('keeps the slowest requests of every route', () => {
    const { kept } = sample(7, candidates);
    for (const route of ROUTES) {
      const mine = candidates.filter((c) => c.route === route);
      const slowest = [...mine].sort((x, y) => y.latencyMs - x.latencyMs || x.seq - y.seq).slice(0, TRACE_LIMITS.slowestPerRoute);
      const keptSlowest = kept.filter((k) => k.route === route && k.sampledAs.includes('slowest')).map((k) => k.seq);
      expect(keptSlowest.sort((x, y) => x - y)).toEqual(slowest.map((c) => c.seq).sort((x, y) => x - y));
    }
  });

  it('keeps some of every failure kind on every route, marked as such', () => {
    const { kept } = sample(7, candidates);
    for (const route of ROUTES) {
      for (const outcome of ['error', 'timeout'] as const) {
        const marked = kept.filter((k) => k.route === route && k.sampledAs.includes(outcome));
        expect(marked.length, `${route} ${outcome}`).toBe(TRACE_LIMITS[outcome === 'error' ? 'errorsPerRoute' : 'timeoutsPerRoute']);
        for (const k of marked) expect(candidates[k.seq].outcome).toBe(outcome);
      }
    }
  });

  it('drops every request it does not keep, exactly once, and keeps no more than its limits', () => {
    const { kept, dropped } = sample(7, candidates);
    expect(kept.length).toBeLessThanOrEqual(TRACE_LIMITS.perRun);
    expect(new Set(dropped).size).toBe(dropped.length);
    const keptSeqs = new Set(kept.map((k) => k.seq));
    for (const seq of dropped) expect(keptSeqs.has(seq)).toBe(false);
    expect(kept.length + dropped.length).toBe(candidates.length);
  });

  it('lists a route slowest first', () => {
    const { kept } = sample(7, candidates);
    for (const route of ROUTES) {
      const latencies = kept.filter((k) => k.route === route).map((k) => candidates[k.seq].latencyMs);
      expect(latencies).toEqual([...latencies].sort((x, y) => y - x));
    }
  });
});
