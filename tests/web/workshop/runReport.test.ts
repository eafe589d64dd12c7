/**
 * A run as the room sees it: the verdict, SLO values, findings by rule and title, the seed and
 * the SHA-256 of the code, never the code; every field inside the server's bounds.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../runner/index.ts';
import { codeSha256, newRunId, reportOfFailure, reportOfSummary } from '../../../web/workshop/runReport.ts';
import { fakeSummary } from '../run/fakeSummary.ts';

const CODE = 'export const handler = () => "héllo";\n';
const finding = (rule: string, title: string): Finding => ({ rule, title, detail: 'the details stay home', explains: [], evidence: [] });

describe('run reports', () => {
  it('carry the verdict, SLO values, findings and the hash of the code, not the code', () => {
    const summary = fakeSummary({
      scenarioId: 'blocking-event-loop',
      seed: 7,
      passed: false,
      slos: [
        { label: 'p99 < 150 ms', metric: 'm', threshold: 'p(99)<150', actual: 812.5, pass: false },
        { label: 'errors < 1%', metric: 'e', threshold: 'rate<0.01', actual: Number.NaN, pass: true },
      ],
      findings: [finding('event-loop-blocked', 'The event loop is blocked'), finding('Not A Rule', 'x')],
    });
    const report = reportOfSummary(summary, CODE, 'run-12345678');
    expect(report).toEqual({
      runId: 'run-12345678',
      scenarioId: 'blocking-event-loop',
      passed: false,
      slos: [
        { label: 'p99 < 150 ms', actual: 812.5, pass: false },
        { label: 'errors < 1%', actual: null, pass: true },
      ],
      findings: [{ rule: 'event-loop-blocked', title: 'The event loop is blocked' }],
      codeSha256: createHash('sha256').update(CODE, 'utf8').digest('hex'),
      seed: 7,
    });
    expect(JSON.stringify(report)).not.toContain('handler');
    expect(JSON.stringify(report)).not.toContain('the details stay home');
  });

  it('fit the server bounds: 20 SLOs, 10 findings, 80-character labels, no control characters', () => {
    const slos = Array.from({ length: 25 }, (_, i) => ({
      label: `${'x'.repeat(100)}\u0007${i}`,
      metric: 'm',
      threshold: 't',
      actual: 1,
      pass: true,
    }));
    const findings = Array.from({ length: 12 }, (_, i) => finding(`rule-${i}`, 't'.repeat(300)));
    const report = reportOfSummary(fakeSummary({ slos, findings }), CODE, 'run-12345678');
    expect(report.slos).toHaveLength(20);
    expect(report.slos[0].label).toHaveLength(80);
    expect(report.findings).toHaveLength(10);
    expect(report.findings[0].title).toHaveLength(200);
  });

  it('never pass a run that stopped early, and say why', () => {
    const report = reportOfSummary(
      fakeSummary({ passed: true, status: 'limit', statusReason: 'the event limit was reached' }),
      CODE,
      'run-12345678',
    );
    expect(report.passed).toBe(false);
    expect(report.error).toBe('the event limit was reached');
  });

  it('report a run without a summary by its reason', () => {
    const report = reportOfFailure('n-plus-one', CODE, 3, `compile error: ${'y'.repeat(2000)}`, 'run-12345678');
    expect(report).toMatchObject({ scenarioId: 'n-plus-one', passed: false, slos: [], findings: [], seed: 3 });
    expect(report.error).toHaveLength(1000);
    expect(report.codeSha256).toBe(codeSha256(CODE));
  });

  it('make run ids the server accepts, a new one each time', () => {
    const ids = new Set(Array.from({ length: 100 }, newRunId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{8,64}$/);
  });
});
