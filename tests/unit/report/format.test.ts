import { describe, expect, it } from 'vitest';
import { formatDuration, formatNumber, formatSloActual } from '../../../runner/report/format.ts';

describe('formatSloActual formats by the unit the metric vocabulary gives', () => {
  it.each([
    ['http_req_duration{route:GET /a}', 'p(99)<150', 149.96, '150.0 ms'],
    ['eventloop_delay', 'max<50', 12.34, '12.3 ms'],
    ['recovery_time', 'value<5000', 26100, '26100.0 ms'],
    ['http_req_failed', 'rate<0.01', 0.012345, '1.23%'],
    ['checks', 'rate>0.99', 1, '100.00%'],
    ['http_reqs{route:GET /a}', 'rate>140', 149.84, '149.8/s'],
    ['http_reqs', 'count>100', 2990, '2990'],
    ['http_req_duration', 'count>100', 2990, '2990'],
    ['db_queries_per_request', 'avg<=2', 21, '21'],
    // The route tag mentions "time"; only the metric's name decides.
    ['db_queries_per_request{route:GET /timeline}', 'avg<=2', 1.5, '1.5'],
    ['pg_pool_clients_leaked', 'value==0', 0, '0'],
    ['downstream_retry_amplification{host:pricing.internal}', 'value<1.3', 1.3333, '1.33'],
    ['http_req_duration', 'p(99)<150', null, 'no data'],
  ])('%s %s %s -> %s', (metric, threshold, actual, expected) => {
    expect(formatSloActual(metric, threshold, actual)).toBe(expected);
  });

  it('guesses no unit for a metric outside the vocabulary, whatever its name says', () => {
    expect(formatSloActual('pool_wait_ms', 'avg<5', 0.254)).toBe('0.25');
    expect(formatSloActual('event_loop_delay', 'max<50', 12)).toBe('12');
  });

  it('still renders a key or threshold the verdict would refuse', () => {
    expect(formatSloActual('http_req_duration{route', 'p99<5', 7)).toBe('7.0 ms');
  });
});

describe('number formats', () => {
  it('formatNumber keeps integers and trims decimals to two', () => {
    expect(formatNumber(3)).toBe('3');
    expect(formatNumber(1.5)).toBe('1.5');
    expect(formatNumber(0.333)).toBe('0.33');
    expect(formatNumber(100.001)).toBe('100');
    expect(formatNumber(-0.001)).toBe('0');
  });

  it('formatDuration switches to seconds from a second on', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(60_000)).toBe('60.0 s');
  });
});
