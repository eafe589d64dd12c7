/** The Runs tab: each past run's verdict counts what the verdict counted. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckResult, SloResult } from '../../../runner/index.ts';
import { History } from '../../../web/scenario/History.tsx';
import { loadHistory, recordRun } from '../../../web/storage/history.ts';
import { renderHtml, textOf } from '../renderText.ts';
import { fakeSummary } from '../run/fakeSummary.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';

beforeEach(() => {
  vi.stubGlobal('localStorage', new MemoryStorage());
  return () => vi.unstubAllGlobals();
});

const slo = (pass: boolean, i: number): SloResult => ({
  label: `SLO ${i}`,
  metric: 'http_req_failed',
  threshold: 'rate<0.01',
  actual: 0,
  pass,
});
const check = (pass: boolean, i: number): CheckResult => ({ name: `check ${i}`, checked: 10, failed: pass ? 0 : 1, problems: [], pass });

describe('the runs list', () => {
  it('counts failed functional checks with missed SLOs, out of every target', () => {
    const slos = Array.from({ length: 8 }, (_, i) => slo(i !== 0, i));
    const checks = [check(false, 1), check(true, 2)];
    const entries = recordRun('demo', fakeSummary({ slos, checks, passed: false }), 'code');
    const text = textOf(renderHtml(History, { entries, onLoadCode: () => undefined }));
    expect(text).toContain('✗ 2 of 10 missed');
  });

  it('says a run whose only failure is a functional check missed it', () => {
    const entries = recordRun('demo', fakeSummary({ slos: [slo(true, 1)], checks: [check(false, 1)], passed: false }), 'code');
    expect(textOf(renderHtml(History, { entries, onLoadCode: () => undefined }))).toContain('✗ 1 of 2 missed');
  });

  it('still shows entries saved before checks were counted', () => {
    localStorage.setItem(
      'tailspin:v1:history:demo',
      JSON.stringify([
        {
          at: 1,
          seed: 1,
          loadScale: 1,
          status: 'completed',
          passed: false,
          latencyP50Ms: 1,
          latencyP99Ms: 2,
          throughputPerSec: 3,
          errorRate: 0,
          slos: [slo(false, 1), slo(true, 2)],
        },
      ]),
    );
    const entries = loadHistory('demo');
    expect(textOf(renderHtml(History, { entries, onLoadCode: () => undefined }))).toContain('✗ 1 of 2 missed');
  });
});
