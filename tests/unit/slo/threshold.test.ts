import { describe, expect, it } from 'vitest';
import { aggregationPercentile, evaluate, parseThreshold, type Threshold, type ThresholdParse } from '../../../runner/slo/threshold.ts';

function parsed(expr: string): Threshold {
  const result = parseThreshold(expr);
  if (!result.ok) throw new Error(result.message);
  return result;
}

function messageOf(result: ThresholdParse): string {
  if (result.ok) throw new Error('expected a parse failure');
  return result.message;
}

describe('parseThreshold: aggregations', () => {
  it.each([
    ['p(99)<150', 'p(99)', 150],
    ['p(95)<=200', 'p(95)', 200],
    ['p(99.9)<500', 'p(99.9)', 500],
    ['avg<3', 'avg', 3],
    ['min>0', 'min', 0],
    ['max<1000', 'max', 1000],
    ['med<50', 'med', 50],
    ['count>100', 'count', 100],
    ['rate<0.01', 'rate', 0.01],
    ['value==0', 'value', 0],
  ])('%s', (expr, aggregation, target) => {
    expect(parseThreshold(expr)).toMatchObject({ ok: true, aggregation, target });
  });

  it('canonicalises percentiles and allows whitespace between parts', () => {
    expect(parseThreshold('  p( 99.90 ) <  150 ')).toEqual({ ok: true, aggregation: 'p(99.9)', op: '<', target: 150 });
    expect(parsed('p(0)>=0').aggregation).toBe('p(0)');
    expect(parsed('p(100)<=5').aggregation).toBe('p(100)');
  });

  it('reads signed, decimal and exponent targets', () => {
    expect(parsed('avg>-1.5').target).toBe(-1.5);
    expect(parsed('rate<.5').target).toBe(0.5);
    expect(parsed('count<1e3').target).toBe(1000);
    expect(parsed('avg<+2').target).toBe(2);
  });

  it('aggregationPercentile reads p(N) back', () => {
    expect(aggregationPercentile('p(99.9)')).toBe(99.9);
    expect(aggregationPercentile('avg')).toBeNull();
  });
});

describe('parseThreshold: operators', () => {
  it.each(['<', '<=', '>', '>=', '==', '!='] as const)('%s', (op) => {
    expect(parseThreshold(`avg${op}3`)).toEqual({ ok: true, aggregation: 'avg', op, target: 3 });
  });
});

describe('parseThreshold: malformed input names the bad part', () => {
  it('p(99)< : missing number', () => {
    expect(messageOf(parseThreshold('p(99)<'))).toBe('threshold "p(99)<": missing number after "<"');
  });

  it('p99<5 : unknown aggregation, with the likely fix', () => {
    expect(messageOf(parseThreshold('p99<5'))).toBe(
      'threshold "p99<5": unknown aggregation "p99" (expected p(N), avg, min, max, med, count, rate or value); did you mean "p(99)"?',
    );
  });

  it('avg<<3 : unknown operator', () => {
    expect(messageOf(parseThreshold('avg<<3'))).toBe('threshold "avg<<3": unknown operator "<<" (expected <, <=, >, >=, == or !=)');
  });

  it('foo<1 : unknown aggregation', () => {
    expect(messageOf(parseThreshold('foo<1'))).toBe(
      'threshold "foo<1": unknown aggregation "foo" (expected p(N), avg, min, max, med, count, rate or value)',
    );
  });

  it.each([
    ['', 'empty expression'],
    ['   ', 'empty expression'],
    ['<5', 'missing aggregation'],
    ['avg', 'missing operator after "avg"'],
    ['avg 5', 'unknown aggregation "avg 5"'],
    ['avg=5', 'unknown operator "="'],
    ['avg=5', 'did you mean "=="?'],
    ['avg===5', 'unknown operator "==="'],
    ['avg<5ms', '"5ms" is not a number'],
    ['avg<abc', '"abc" is not a number'],
    ['p(101)<5', 'percentile "101" in "p(101)" must be a number from 0 to 100'],
    ['p(-1)<5', 'percentile "-1"'],
    ['p(x)<5', 'percentile "x"'],
    ['p()<5', 'percentile ""'],
    ['AVG<5', 'unknown aggregation "AVG"'],
  ])('%j -> %s', (expr, fragment) => {
    expect(messageOf(parseThreshold(expr))).toContain(fragment);
  });
});

describe('evaluate', () => {
  it('applies each operator', () => {
    expect(evaluate(parsed('p(99)<150'), 149)).toBe(true);
    expect(evaluate(parsed('p(99)<150'), 150)).toBe(false);
    expect(evaluate(parsed('p(99)<=150'), 150)).toBe(true);
    expect(evaluate(parsed('count>100'), 100)).toBe(false);
    expect(evaluate(parsed('count>=100'), 100)).toBe(true);
    expect(evaluate(parsed('value==0'), 0)).toBe(true);
    expect(evaluate(parsed('value!=0'), 0)).toBe(false);
    expect(evaluate(parsed('value!=0'), 1)).toBe(true);
  });

  it('== holds for equal floats, including the same value reached by float arithmetic', () => {
    expect(evaluate(parsed('rate==0.25'), 1 / 4)).toBe(true);
    expect(evaluate(parsed('rate==0.3'), 0.1 + 0.2)).toBe(true);
    expect(evaluate(parsed('rate!=0.3'), 0.1 + 0.2)).toBe(false);
    // The same tolerance for every operator, so == and < never both hold.
    expect(evaluate(parsed('rate<0.3'), 0.1 + 0.2)).toBe(false);
    expect(evaluate(parsed('rate<=0.3'), 0.1 + 0.2)).toBe(true);
    expect(evaluate(parsed('rate==0.3'), 0.3001)).toBe(false);
  });

  it('zero compares exactly', () => {
    expect(evaluate(parsed('value==0'), 1e-300)).toBe(false);
    expect(evaluate(parsed('value>0'), 1e-300)).toBe(true);
  });

  it('no data fails whatever the operator', () => {
    for (const expr of ['avg<3', 'avg>3', 'avg==3', 'avg!=3']) {
      expect(evaluate(parsed(expr), null)).toBe(false);
      expect(evaluate(parsed(expr), NaN)).toBe(false);
    }
  });

  it('infinite values compare as numbers', () => {
    expect(evaluate(parsed('max<1000'), Infinity)).toBe(false);
    expect(evaluate(parsed('max>1000'), Infinity)).toBe(true);
  });
});
