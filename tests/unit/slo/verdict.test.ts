import { describe, expect, it } from 'vitest';
import { evaluateSlos, type MetricLookup } from '../../../runner/slo/verdict.ts';
import type { SloSpec } from '../../../runner/scenario/types.ts';

const measurements: Record<string, number> = {
  'http_req_duration{route:GET /posts/:id,status:200}:p(99)': 212.4,
  'http_req_duration{route:GET /posts}:p(99.9)': 80,
  'http_req_failed:rate': 0.004,
  'event_loop_delay:max': Number.NaN,
};
const lookup: MetricLookup = (key, aggregation) => measurements[`${key}:${aggregation}`] ?? null;

describe('evaluateSlos', () => {
  it('reports target, actual and pass/fail per SLO, in order', () => {
    const slos: SloSpec[] = [
      // Tags written out of order still find the canonical series.
      { metric: 'http_req_duration{status:200,route:GET /posts/:id}', threshold: 'p(99)<150', label: 'post p99 < 150 ms' },
      { metric: 'http_req_duration{route:GET /posts}', threshold: 'p( 99.90 )<100', label: 'list p99.9 < 100 ms' },
      { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'errors < 1%' },
    ];
    expect(evaluateSlos(slos, lookup)).toEqual([
      { ...slos[0], actual: 212.4, pass: false },
      { ...slos[1], actual: 80, pass: true },
      { ...slos[2], actual: 0.004, pass: true },
    ]);
  });

  it('reports missing data (null or NaN) as null and fails it', () => {
    const slos: SloSpec[] = [
      { metric: 'http_req_duration{route:GET /nowhere}', threshold: 'p(99)<150', label: 'missing' },
      { metric: 'event_loop_delay', threshold: 'max<50', label: 'empty trend' },
    ];
    const results = evaluateSlos(slos, lookup);
    expect(results.map((r) => [r.actual, r.pass])).toEqual([[null, false], [null, false]]);
  });

  it('throws naming the scenario SLO when a threshold is malformed, before any lookup', () => {
    let lookups = 0;
    const counting: MetricLookup = (key, aggregation) => {
      lookups++;
      return lookup(key, aggregation);
    };
    const slos: SloSpec[] = [
      { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'errors < 1%' },
      { metric: 'http_req_duration', threshold: 'p99<150', label: 'p99 under 150 ms' },
    ];
    expect(() => evaluateSlos(slos, counting)).toThrow(
      'scenario SLO "p99 under 150 ms" (http_req_duration p99<150): threshold "p99<150": unknown aggregation "p99"',
    );
    expect(lookups).toBe(0);
  });

  it('throws naming the scenario SLO when a metric key is malformed', () => {
    const slos: SloSpec[] = [{ metric: 'http_req_duration{route:GET /a', threshold: 'avg<1', label: 'broken key' }];
    expect(() => evaluateSlos(slos, lookup)).toThrow(/scenario SLO "broken key".*tags must end with "}"/);
  });

  it('returns nothing for no SLOs', () => {
    expect(evaluateSlos([], lookup)).toEqual([]);
  });
});
