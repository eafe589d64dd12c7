/**
 * slo/settled.ts: an SLO is settled exactly when no continuation of the run can meet it. The
 * percentile rule is checked against the Trend itself for every way the rest of the run
 * could go (small counts, every split); rates and means against their bounds.
 */
import { describe, expect, it } from 'vitest';
import { Collector } from '../../../runner/metrics/collector.ts';
import type { CounterReadings } from '../../../runner/metrics/fleet-counters.ts';
import { Trend } from '../../../runner/metrics/trend.ts';
import type { SloSpec } from '../../../runner/scenario/types.ts';
import { VerdictSettler } from '../../../runner/slo/settled.ts';
import { evaluate, parseThreshold } from '../../../runner/slo/threshold.ts';

const ROUTE = 'GET /a';

function collectorWith(latenciesMs: number[], outcomes?: ('ok' | 'error' | 'timeout')[]): Collector {
  const c = new Collector({} as CounterReadings, [ROUTE]);
  for (const _ of latenciesMs) c.arrive(ROUTE, 0);
  // In order of their end, as a run finishes them.
  const order = latenciesMs.map((ms, i) => ({ ms, i })).sort((a, b) => a.ms - b.ms);
  for (const { ms, i } of order) c.finish(ROUTE, 0, ms, outcomes?.[i] ?? 'ok', 0);
  return c;
}

const slo = (metric: string, threshold: string): SloSpec => ({ metric, threshold, label: `${metric} ${threshold}` });

function settled(c: Collector, spec: SloSpec, arrivalsTotal: number, loopLeft = 0) {
  return new VerdictSettler([spec], c, { arrivalsTotal: () => arrivalsTotal, loopDelaySamplesLeftMax: () => loopLeft }).check(0);
}

/** Whether some continuation of `samples` up to at most `countMax` samples meets `threshold`. */
function someContinuationPasses(samples: number[], countMax: number, threshold: string, p: number): boolean {
  const parsed = parseThreshold(threshold);
  if (!parsed.ok) throw new Error(parsed.message);
  // The best the rest of the run can do is add samples of 0 ms; any count of them.
  for (let m = 0; samples.length + m <= countMax; m++) {
    const t = new Trend();
    for (const s of [...samples, ...Array<number>(m).fill(0)]) t.add(s);
    if (evaluate(parsed, t.percentile(p))) return true;
  }
  return false;
}

describe('VerdictSettler', () => {
  it('settles p(N) exactly when no continuation of the run can meet it', () => {
    for (const [p, threshold] of [
      [99, 'p(99)<25'],
      [90, 'p(90)<=25'],
      [50, 'p(50)<25'],
      [100, 'p(100)<25'],
    ] as const) {
      for (let n = 1; n <= 12; n++) {
        for (let slow = 0; slow <= n; slow++) {
          for (const countMax of [n, n + 1, n + 3, 2 * n + 5]) {
            const samples = [...Array<number>(slow).fill(25), ...Array<number>(n - slow).fill(3)];
            const c = collectorWith(samples);
            const miss = settled(c, slo(`http_req_duration{route:${ROUTE}}`, threshold), countMax);
            const passable = someContinuationPasses(samples, countMax, threshold, p);
            // 25 is "at or over" for <, not "over" for <=: the rule follows the threshold.
            expect(Boolean(miss), `${threshold}: ${slow} of ${n} at 25 ms, at most ${countMax}`).toBe(!passable);
          }
        }
      }
    }
  });

  it('treats max as p(100): one sample over settles it', () => {
    const spec = slo(`http_req_duration{route:${ROUTE}}`, 'max<100');
    expect(settled(collectorWith([5, 5, 99]), spec, 1000)).toBeUndefined();
    const miss = settled(collectorWith([5, 5, 100]), spec, 1000);
    expect(miss?.observed).toBe(1);
    expect(miss?.countMax).toBe(1000);
  });

  it('bounds a route by every request still to come, and the whole run by all of them', () => {
    const c = collectorWith(Array<number>(5).fill(500));
    // 5 slow of at most 500: p(99) of 500 samples reads index floor(0.99 * 499) = 494, and 495
    // fast samples reach it. Of at most 400, index 395 is a slow one whatever comes.
    expect(settled(c, slo(`http_req_duration{route:${ROUTE}}`, 'p(99)<25'), 500)).toBeUndefined();
    expect(settled(c, slo(`http_req_duration{route:${ROUTE}}`, 'p(99)<25'), 400)?.reason).toBe(
      '5 requests so far took 25 ms or more, and the run can record at most 400: ' +
        'with more than 1% of them at 25 ms or more, p(99) cannot end under 25 ms',
    );
    expect(settled(c, slo('http_req_duration', 'p(99)<25'), 400)).toBeDefined();
  });

  it('settles a failure rate once the failures so far fail it over the most requests the run can finish', () => {
    const outcomes = ['error', 'timeout', 'ok', 'ok'] as const;
    const c = collectorWith([1, 1, 1, 1], [...outcomes]);
    expect(settled(c, slo('http_req_failed', 'rate<0.01'), 201)).toBeUndefined(); // 2/201 < 1%
    const miss = settled(c, slo('http_req_failed', 'rate<0.01'), 200);
    expect(miss?.valueMin).toBe(0.01);
    expect(miss?.reason).toBe('2 requests have failed and the run can finish at most 200, so at least 1% of them fail');
    expect(settled(c, slo(`http_req_failed{route:${ROUTE}}`, 'rate<=0.01'), 200)).toBeUndefined(); // 1% meets <=
  });

  it('settles a mean on the sum so far over the most samples', () => {
    const c = collectorWith([300, 300]);
    expect(settled(c, slo(`http_req_duration{route:${ROUTE}}`, 'avg<100'), 7)).toBeUndefined(); // 600/7 < 100
    expect(settled(c, slo(`http_req_duration{route:${ROUTE}}`, 'avg<100'), 6)?.valueMin).toBe(100);
  });

  it('bounds event-loop delay by the samples the monitors can still take', () => {
    const c = collectorWith([]);
    for (const ms of [40, 40, 1, 1]) c.loopDelay(ms);
    const spec = slo('eventloop_delay', 'p(99)<20');
    // 2 of at most 102: index floor(0.99 * 101) = 99 of 100 fast ones; of at most 101, index 99 is slow.
    expect(settled(c, spec, 0, 98)).toBeUndefined();
    expect(settled(c, spec, 0, 97)?.countMax).toBe(101);
  });

  it('never settles a lower bound, a count or an SLO it cannot bound', () => {
    const c = collectorWith(Array<number>(50).fill(1000), Array(50).fill('error'));
    for (const spec of [
      slo(`http_reqs{route:${ROUTE}}`, 'rate>140'),
      slo(`http_req_duration{route:${ROUTE}}`, 'p(99)>25'),
      slo(`http_req_duration{route:${ROUTE}}`, 'min<25'),
      slo('db_queries_per_request', 'value<2'),
    ]) {
      expect(new VerdictSettler([spec], c, { arrivalsTotal: () => 50, loopDelaySamplesLeftMax: () => 0 }).canSettle, spec.threshold).toBe(
        false,
      );
    }
  });
});
