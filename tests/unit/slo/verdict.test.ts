import { describe, expect, it } from 'vitest';
import { evaluateSlos, type MetricLookup, type SloTagValues } from '../../../runner/slo/verdict.ts';
import type { SloSpec } from '../../../runner/scenario/types.ts';

const measurements: Record<string, number> = {
  'downstream_retry_amplification{host:pricing.internal}:value': 1.5,
  'http_req_duration{route:GET /posts/:id}:p(99)': 212.4,
  'http_req_duration{route:GET /posts}:p(99.9)': 80,
  'http_req_failed:rate': 0.004,
  'eventloop_delay:max': Number.NaN,
};
const lookup: MetricLookup = (key, aggregation) => measurements[`${key}:${aggregation}`] ?? null;
const known: SloTagValues = { routes: ['GET /posts', 'GET /posts/:id', 'GET /idle'], hosts: ['pricing.internal'] };

describe('evaluateSlos', () => {
  it('reports target, actual and pass/fail per SLO, in order', () => {
    const slos: SloSpec[] = [
      // Spaces around the tag are not part of the series' key.
      { metric: 'http_req_duration{ route:GET /posts/:id }', threshold: 'p(99)<150', label: 'post p99 < 150 ms' },
      { metric: 'http_req_duration{route:GET /posts}', threshold: 'p( 99.90 )<100', label: 'list p99.9 < 100 ms' },
      { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'errors < 1%' },
      { metric: 'downstream_retry_amplification{host:pricing.internal}', threshold: 'value<1.3', label: 'retries' },
    ];
    expect(evaluateSlos(slos, lookup, known)).toEqual([
      { ...slos[0], actual: 212.4, pass: false },
      { ...slos[1], actual: 80, pass: true },
      { ...slos[2], actual: 0.004, pass: true },
      { ...slos[3], actual: 1.5, pass: false },
    ]);
  });

  it('scales a threshold on requests answered with the load, and no other', () => {
    const served: MetricLookup = (key, aggregation) =>
      (({ 'http_reqs{route:GET /posts}:rate': 8.2, 'http_reqs:count': 500 }) as Record<string, number>)[`${key}:${aggregation}`] ??
      lookup(key, aggregation);
    const slos: SloSpec[] = [
      { metric: 'http_reqs{route:GET /posts}', threshold: 'rate>15', label: 'over 15 lists a second' },
      { metric: 'http_reqs', threshold: 'count>=900', label: 'answers 900' },
      { metric: 'http_req_duration{route:GET /posts}', threshold: 'p(99.9)<100', label: 'list p99.9 < 100 ms' },
      { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'errors < 1%' },
    ];
    // At ×0.5, half the requests arrive: 15 a second would be more than were sent.
    const half = evaluateSlos(slos, served, known, 0.5);
    expect(half.map((r) => [r.threshold, r.pass])).toEqual([
      ['rate>7.5', true],
      ['count>=450', true],
      ['p(99.9)<100', true],
      ['rate<0.01', true],
    ]);
    expect(half[0].label).toBe('over 15 lists a second (load ×0.5: rate>7.5)');
    expect(half[2].label).toBe('list p99.9 < 100 ms');
    // At ×1 nothing changes.
    expect(evaluateSlos(slos, served, known).map((r) => [r.threshold, r.label, r.pass])).toEqual(
      slos.map((slo, i) => [slo.threshold, slo.label, i >= 2]),
    );
  });

  it('reports missing data (null or NaN) as null and fails it', () => {
    const slos: SloSpec[] = [
      { metric: 'http_req_duration{route:GET /idle}', threshold: 'p(99)<150', label: 'missing' },
      { metric: 'eventloop_delay', threshold: 'max<50', label: 'empty trend' },
    ];
    const results = evaluateSlos(slos, lookup, known);
    expect(results.map((r) => [r.actual, r.pass])).toEqual([
      [null, false],
      [null, false],
    ]);
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
    expect(() => evaluateSlos(slos, counting, known)).toThrow(
      'scenario SLO "p99 under 150 ms" (http_req_duration p99<150): threshold "p99<150": unknown aggregation "p99"',
    );
    expect(lookups).toBe(0);
  });

  it('throws naming the scenario SLO when a metric key is malformed', () => {
    const slos: SloSpec[] = [{ metric: 'http_req_duration{route:GET /a', threshold: 'avg<1', label: 'broken key' }];
    expect(() => evaluateSlos(slos, lookup, known)).toThrow(/scenario SLO "broken key".*tags must end with "}"/);
  });

  // Each of these read as "no data" once, and failed the learner for the author's slip.
  it.each([
    ['event_loop_delay', 'max<50', /unknown metric "event_loop_delay" \(did you mean "eventloop_delay"\?/],
    ['http_req_duration{status:200}', 'p(99)<150', /metric "http_req_duration" has no tag "status"/],
    ['http_req_duration{route:GET /nowhere}', 'p(99)<150', /route "GET \/nowhere" .*the load never sends that route/],
    ['downstream_retry_amplification{host:payments.internal}', 'value<2', /host "payments.internal" .*no such downstream/],
    ['http_req_duration', 'rate<0.01', /aggregation "rate" does not apply to http_req_duration, a trend/],
  ])('throws naming the scenario SLO for a key outside the vocabulary: %s %s', (metric, threshold, message) => {
    let lookups = 0;
    const counting: MetricLookup = () => {
      lookups++;
      return 1;
    };
    const slos: SloSpec[] = [
      { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'errors < 1%' },
      { metric, threshold, label: 'the slip' },
    ];
    const where = new RegExp(`^scenario SLO "the slip" \\(${escapeRegExp(metric)} .*\\): ${message.source}`);
    expect(() => evaluateSlos(slos, counting, known)).toThrow(where);
    expect(lookups).toBe(0);
  });

  it('returns nothing for no SLOs', () => {
    expect(evaluateSlos([], lookup, known)).toEqual([]);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
