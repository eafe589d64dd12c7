import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { METRICS, PERCENTILE_AGGREGATION, findMetric, metricKeyProblem } from '../../../runner/metrics/vocabulary.ts';
import { formatMetricValue, formatSloValue, type UnitFormats } from '../../../runner/metrics/vocabulary-format.ts';
import { renderMetricsMarkdown } from '../../../runner/metrics/vocabulary-markdown.ts';
import { parseThreshold } from '../../../runner/slo/threshold.ts';
import { sloValue } from '../../../web/run/format.ts';

const ROUTES = ['GET /api/products/:id', 'POST /api/login'];
const HOSTS = ['pricing.internal'];

describe('the metric vocabulary', () => {
  it('names each metric once, with aggregations the threshold parser accepts', () => {
    expect(new Set(METRICS.map((m) => m.name)).size).toBe(METRICS.length);
    for (const m of METRICS) {
      expect(findMetric(m.name)).toBe(m);
      for (const aggregation of m.aggregations) {
        const text = aggregation === PERCENTILE_AGGREGATION ? 'p(99)' : aggregation;
        expect(parseThreshold(`${text}<1`).ok, `${m.name} ${aggregation}`).toBe(true);
      }
    }
  });

  it('does not know a metric the runner does not measure', () => {
    expect(findMetric('event_loop_delay')).toBeUndefined();
  });
});

describe('metricKeyProblem', () => {
  it.each([
    ['http_req_duration{route:GET /api/products/:id}', 'p(99.9)'],
    ['http_req_duration', 'med'],
    ['http_reqs{route:POST /api/login}', 'rate'],
    ['http_reqs', 'count'],
    ['http_req_failed', 'rate'],
    ['eventloop_delay', 'max'],
    ['db_queries_per_request{route:GET /api/products/:id}', 'avg'],
    ['downstream_retry_amplification{host:pricing.internal}', 'value'],
    ['recovery_time', 'value'],
  ])('accepts %s with %s', (key, aggregation) => {
    expect(metricKeyProblem(key, aggregation, ROUTES, HOSTS)).toBeUndefined();
  });

  it('names an unknown metric, suggests the near one and lists the known', () => {
    const problem = metricKeyProblem('event_loop_delay', 'max', ROUTES);
    expect(problem).toMatch(/^unknown metric "event_loop_delay" \(did you mean "eventloop_delay"\? the runner measures /);
    expect(problem).toContain('http_req_duration, http_req_failed, http_reqs, checks, eventloop_delay,');
    expect(metricKeyProblem('latency', 'avg', ROUTES)).toMatch(/^unknown metric "latency" \(the runner measures /);
  });

  it('names a tag the metric does not take', () => {
    expect(metricKeyProblem('http_req_duration{status:200}', 'p(99)', ROUTES)).toBe(
      'metric "http_req_duration" has no tag "status" (its tags: route)',
    );
    expect(metricKeyProblem('eventloop_delay{route:POST /api/login}', 'p(99)', ROUTES)).toBe(
      'metric "eventloop_delay" has no tag "route" (it takes no tags)',
    );
  });

  it('names a route the load never sends, and lists those it does', () => {
    expect(metricKeyProblem('http_req_duration{route:GET /api/product/:id}', 'p(99)', ROUTES)).toBe(
      'route "GET /api/product/:id" in "http_req_duration{route:GET /api/product/:id}": the load never sends that route ' +
        '(its routes: GET /api/products/:id, POST /api/login)',
    );
  });

  it('names a host that is no downstream, when the hosts are given', () => {
    const key = 'downstream_retry_amplification{host:payments.internal}';
    expect(metricKeyProblem(key, 'value', ROUTES, HOSTS)).toBe(
      `host "payments.internal" in "${key}": the scenario has no such downstream (its hosts: pricing.internal)`,
    );
    expect(metricKeyProblem(key, 'value', ROUTES)).toBeUndefined();
  });

  it('names an aggregation that does not fit the kind', () => {
    expect(metricKeyProblem('http_req_duration', 'rate', ROUTES)).toBe(
      'aggregation "rate" does not apply to http_req_duration, a trend (use p(N), avg, med, min, max, count)',
    );
    expect(metricKeyProblem('http_req_failed', 'p(99)', ROUTES)).toBe(
      'aggregation "p(99)" does not apply to http_req_failed, a rate (use rate)',
    );
    expect(metricKeyProblem('pg_pool_clients_leaked', 'avg', ROUTES)).toMatch(/a gauge \(use value\)$/);
  });

  it('names a malformed key instead of throwing', () => {
    expect(metricKeyProblem('http_req_duration{route:GET /a', 'p(99)', ROUTES)).toMatch(/tags must end with "}"/);
  });
});

describe('formatMetricValue', () => {
  // Writes the unit's name, so these tests see which unit was chosen, not a renderer's style.
  const byUnit: UnitFormats = {
    ms: (v) => `${v} ms`,
    fraction: (v) => `${v} fraction`,
    perSec: (v) => `${v} perSec`,
    ratio: (v) => `${v} ratio`,
    count: (v) => `${v} count`,
    perRequest: (v) => `${v} perRequest`,
    number: (v) => `${v} number`,
  };

  it.each([
    ['http_req_duration{route:GET /a}', 'p(99)', 'ms'],
    ['http_req_duration', 'count', 'count'],
    ['http_req_failed{route:GET /a}', 'rate', 'fraction'],
    ['http_reqs{route:GET /a}', 'rate', 'perSec'],
    ['http_reqs', 'count', 'count'],
    ['checks', 'rate', 'fraction'],
    ['eventloop_delay', 'max', 'ms'],
    ['recovery_time', 'value', 'ms'],
    ['db_queries_per_request', 'avg', 'perRequest'],
    ['pg_pool_clients_leaked', 'value', 'count'],
    ['downstream_retry_amplification{host:pricing.internal}', 'value', 'ratio'],
    ['pool_wait_ms', 'avg', 'number'],
  ])('%s %s is in %s', (metric, aggregation, unit) => {
    expect(formatMetricValue(metric, aggregation, 2, byUnit)).toBe(`2 ${unit}`);
  });

  it('says "no data" for a missing value', () => {
    expect(formatMetricValue('http_req_duration', 'p(99)', null, byUnit)).toBe('no data');
  });

  it('reads the aggregation from an SLO threshold', () => {
    expect(formatSloValue('http_reqs', 'count > 100', 5, byUnit)).toBe('5 count');
    expect(formatSloValue('http_reqs', 'rate>100', 5, byUnit)).toBe('5 perSec');
  });

  it('serves the lab too, in its own style, for every metric', () => {
    expect(sloValue('http_req_duration{route:GET /a}', 'p(99)<150', 149.96)).toBe('150 ms');
    expect(sloValue('http_reqs', 'count>100', 2990)).toBe('2,990');
    expect(sloValue('downstream_retry_amplification', 'value<1.3', 1.002)).toBe('1.00×');
    // The two the lab used to show as bare numbers.
    expect(sloValue('db_queries_per_request{route:GET /a}', 'avg<5', 51)).toBe('51/req');
    expect(sloValue('db_queries_per_request{route:GET /a}', 'avg<5', 1.5)).toBe('1.5/req');
    expect(sloValue('pg_pool_clients_leaked', 'value==0', 0)).toBe('0');
  });
});

describe('the authoring guide', () => {
  const guide = 'docs/writing-a-scenario.md';

  it('renders a row per metric', () => {
    const lines = renderMetricsMarkdown().split('\n');
    for (const m of METRICS) expect(lines.some((line) => line.startsWith(`| \`${m.name}\` | ${m.kind} |`))).toBe(true);
  });

  it.runIf(existsSync(guide))(`${guide} holds the rendered metric table between its markers`, () => {
    const text = readFileSync(guide, 'utf8');
    const start = text.indexOf('<!-- metrics:start -->');
    const end = text.indexOf('<!-- metrics:end -->');
    expect(start, 'the guide has a <!-- metrics:start --> marker').toBeGreaterThanOrEqual(0);
    expect(end, 'the guide has a <!-- metrics:end --> marker after it').toBeGreaterThan(start);
    const embedded = text.slice(start + '<!-- metrics:start -->'.length, end).trim();
    // On a difference, paste renderMetricsMarkdown() (runner/metrics/vocabulary-markdown.ts) between the markers.
    expect(embedded).toBe(renderMetricsMarkdown());
  });
});
