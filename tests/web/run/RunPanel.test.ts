/**
 * The run panel as the learner reads it, rendered from the run machine's real snapshots: what
 * comes first, what a stopped run claims, and how targets and values are written.
 */
import { describe, expect, it } from 'vitest';
import { createActor, type EventObject, fromCallback } from 'xstate';
import type { RunSummary } from '../../../runner/index.ts';
import type { LabClient } from '../../../web/lab/LabClient.ts';
import type { RunRequest } from '../../../web/lab/protocol.ts';
import { RunPanel } from '../../../web/run/RunPanel.tsx';
import { type RunEvent, runMachine } from '../../../web/run/runMachine.ts';
import { renderHtml, rowsOf, textOf } from '../renderText.ts';
import { bucket, fakeSummary } from './fakeSummary.ts';

const STARTER = 'export const starter = 1;';
let nextSeed = 10_000;

/** The machine with a worker the test speaks for; `send` says what the worker would. */
function harness() {
  let say: (e: RunEvent) => void = () => undefined;
  const workerRun = fromCallback<EventObject, { client: LabClient; request: RunRequest }>(({ sendBack }) => {
    say = sendBack;
  });
  const actor = createActor(runMachine.provide({ actors: { workerRun } }), {
    input: { client: {} as LabClient, starter: STARTER },
  }).start();
  return {
    start(code = 'export const fixed = 1;') {
      actor.send({ type: 'run.start', request: { scenarioId: 'demo', code, seed: nextSeed++, loadScale: 1 } });
    },
    send: (e: RunEvent) => say(e),
    html: () => renderHtml(RunPanel, { snapshot: actor.getSnapshot(), durationMs: 10_000 }),
  };
}

/** A learner's run, done, with the starter's run beside it. */
function finishedRun(summary: RunSummary, baseline: RunSummary = fakeSummary()) {
  const h = harness();
  h.start();
  h.send({ type: 'compile.done', compileMs: 1 });
  h.send({ type: 'run.done', summary, simulateMs: 1 });
  h.send({ type: 'run.done', summary: baseline, simulateMs: 1 });
  return h;
}

describe('the run panel', () => {
  it('shows what the run found beside the SLOs it explains, before the charts, with its evidence', () => {
    const slo = {
      label: 'Logins: p99 under 120 ms',
      metric: 'http_req_duration{route:POST /login}',
      threshold: 'p(99)<120',
      actual: 900,
      pass: false,
    };
    const summary = fakeSummary({
      passed: false,
      slos: [slo],
      findings: [
        {
          rule: 'event-loop-blocked',
          title: 'The event loop is blocked',
          detail: 'The event loop stalled for 10 ms or more in 20 seconds of the run.',
          explains: [slo.label],
          evidence: [
            {
              kind: 'chart',
              series: 'eventLoopDelayMaxMs',
              fromMs: 2000,
              toMs: 22_000,
              peak: 180,
              note: 'the longest stall in each second, up to 180 ms',
            },
            { kind: 'line', line: 26, note: '100 calls of 85 ms on the main thread' },
          ],
        },
      ],
    });
    const html = finishedRun(summary).html();
    const findings = html.indexOf('data-testid="findings"');
    expect(findings).toBeGreaterThan(0);
    expect(findings).toBeLessThan(html.indexOf('data-testid="chart-latency"'));
    const text = textOf(html);
    expect(text).toContain('Why: The event loop is blocked');
    expect(html).toContain('href="#finding-1"');
    expect(html).toContain('id="finding-1"');
    expect(text).toContain('Event-loop delay chart, 2 s–22 s: the longest stall in each second, up to 180 ms');
    expect(text).toContain('line 26 100 calls of 85 ms on the main thread');
  });

  it('shows no diagnosis for a run without findings, nor for a saved run from before there were any', () => {
    expect(finishedRun(fakeSummary()).html()).not.toContain('data-testid="findings"');
    const old = { ...fakeSummary({ passed: false }), findings: undefined } as unknown as RunSummary;
    expect(finishedRun(old).html()).not.toContain('data-testid="findings"');
  });

  it("puts the exceptions of the service's handlers before the charts and tables", () => {
    const summary = fakeSummary({ passed: false, errors: [{ message: 'boom', route: 'GET /a', line: 3, count: 5 }] });
    const html = finishedRun(summary).html();
    const exceptions = html.indexOf('data-testid="handler-errors"');
    expect(exceptions).toBeGreaterThan(0);
    expect(exceptions).toBeLessThan(html.indexOf('data-testid="chart-latency"'));
    expect(exceptions).toBeLessThan(html.indexOf('data-testid="compare-table"'));
  });

  it('writes targets in words with their units, never as threshold expressions', () => {
    const slos = [
      { label: 'Recovers', metric: 'recovery_time', threshold: 'value<5000', actual: 31_000, pass: false },
      { label: 'Few queries', metric: 'db_queries_per_request{route:GET /a}', threshold: 'avg<5', actual: 51, pass: false },
      { label: 'Fast', metric: 'http_req_duration{route:GET /a}', threshold: 'p(99)<3000', actual: 2500, pass: true },
      { label: 'Rarely fails', metric: 'http_req_failed', threshold: 'rate<0.01', actual: 0, pass: true },
    ];
    const text = textOf(finishedRun(fakeSummary({ slos, passed: false })).html());
    for (const target of ['under 5 s', 'average under 5/req', 'p99 under 3 s', 'under 1%']) expect(text).toContain(target);
    for (const raw of ['value<5000', 'avg<5', 'p(99)<3000', 'rate<0.01']) expect(text).not.toContain(raw);
    // Seconds beside seconds: 31 s measured against a 5 s target, 2.5 s against 3 s.
    expect(text).toContain('31.0 s');
    expect(text).toContain('2.50 s');
  });

  it('judges no SLO of a stopped run, gives its rates over the part that ran, and waits for no starter', () => {
    // Stopped at 5 s of 10: the runner divides by the whole 10 s.
    const series = [1000, 2000, 3000, 4000].map((t) => bucket(t)).concat(bucket(10_000));
    const part = fakeSummary({
      status: 'aborted',
      statusReason: 'stopped by the user',
      passed: false,
      series,
      requests: { arrivals: 500, completed: 500, throughputPerSec: 50, arrivalRatePerSec: 50 },
      slos: [{ label: 'Served', metric: 'http_reqs', threshold: 'rate>90', actual: 50, pass: false }],
    });
    const h = harness();
    h.start();
    h.send({ type: 'compile.done', compileMs: 1 });
    h.send({ type: 'run.progress', progress: { virtualMs: 4000, durationMs: 10_000, buckets: series.slice(0, 4) } });
    h.send({ type: 'run.done', summary: part, simulateMs: 1 });
    const html = h.html();
    const text = textOf(html);
    expect(text).not.toContain('✗ missed');
    expect(text).toContain('not judged');
    expect(text).not.toContain('50/s');
    expect(text).toContain('100/s');
    expect(text).not.toContain('…');
    const served = rowsOf(html).find((r) => textOf(r).includes('Served'))!;
    expect(textOf(served)).toContain('100/s');
  });

  it('says the simulator is getting ready until simulated time moves, and a stop then says no traffic was simulated', () => {
    const h = harness();
    h.start();
    h.send({ type: 'compile.done', compileMs: 1 });
    expect(textOf(h.html())).not.toContain('Simulating');
    expect(textOf(h.html())).toContain('Getting the simulator ready');
    h.send({ type: 'run.cancelled' });
    const text = textOf(h.html());
    expect(text).not.toContain('before the simulation started');
    expect(text).toContain('no traffic was simulated');
  });

  it('says what the seed is before the first run', () => {
    expect(textOf(harness().html())).toMatch(/same code and seed/i);
  });
});
