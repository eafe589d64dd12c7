import { describe, expect, it } from 'vitest';
import { metricKey, parseMetricKey } from '../../../runner/slo/threshold.ts';

describe('parseMetricKey', () => {
  it('splits each tag on its first colon, so values keep spaces, colons and slashes', () => {
    expect(parseMetricKey('http_req_duration{route:GET /posts/:id,status:200}')).toEqual({
      name: 'http_req_duration',
      tags: { route: 'GET /posts/:id', status: '200' },
    });
  });

  it('reads a bare metric name and empty braces as no tags', () => {
    expect(parseMetricKey('http_reqs')).toEqual({ name: 'http_reqs', tags: {} });
    expect(parseMetricKey('http_reqs{}')).toEqual({ name: 'http_reqs', tags: {} });
  });

  it('trims whitespace around names and values', () => {
    expect(parseMetricKey(' http_req_duration { route: GET /a , status : 500 } ')).toEqual({
      name: 'http_req_duration',
      tags: { route: 'GET /a', status: '500' },
    });
  });

  it.each([
    ['{route:GET /a}', 'missing metric name'],
    ['http_req_duration{route:GET /a', 'tags must end with "}"'],
    ['http_req_duration{route}', 'tag "route" has no ":"'],
    ['http_req_duration{:GET /a}', 'has an empty name'],
    ['http_req_duration{route:GET /a,route:GET /b}', 'tag "route" appears twice'],
  ])('rejects %j (%s)', (key, fragment) => {
    expect(() => parseMetricKey(key)).toThrow(fragment);
  });
});

describe('metricKey', () => {
  it('sorts tags by name', () => {
    expect(metricKey('http_req_duration', { status: '200', route: 'GET /a' })).toBe('http_req_duration{route:GET /a,status:200}');
  });

  it('sorts by code unit, not locale', () => {
    expect(metricKey('m', { b: '1', B: '2', a: '3' })).toBe('m{B:2,a:3,b:1}');
  });

  it('writes a bare name when there are no tags', () => {
    expect(metricKey('http_reqs', {})).toBe('http_reqs');
    expect(metricKey('http_reqs')).toBe('http_reqs');
  });

  it('round-trips route tags holding spaces and colons', () => {
    const tags = { route: 'GET /posts/:id/comments/:commentId', method: 'GET', host: 'payments.internal:8443' };
    const key = metricKey('http_req_duration', tags);
    expect(key).toBe('http_req_duration{host:payments.internal:8443,method:GET,route:GET /posts/:id/comments/:commentId}');
    expect(parseMetricKey(key)).toEqual({ name: 'http_req_duration', tags });
    const { name, tags: back } = parseMetricKey('http_req_duration{route:GET /posts/:id,status:200}');
    expect(metricKey(name, back)).toBe('http_req_duration{route:GET /posts/:id,status:200}');
  });

  it('refuses what would not parse back', () => {
    expect(() => metricKey('m', { route: 'a,b' })).toThrow('must not contain ","');
    expect(() => metricKey('m', { 'a:b': 'x' })).toThrow('tag name "a:b"');
    expect(() => metricKey('m{x}', {})).toThrow('metric name');
    expect(() => metricKey('', {})).toThrow('metric name');
  });
});
