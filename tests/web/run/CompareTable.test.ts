/** The before/after table: the starter's numbers beside the learner's, and what changed. */
import { describe, expect, it } from 'vitest';
import { CompareTable } from '../../../web/run/CompareTable.tsx';
import { renderHtml, rowsOf, textOf } from '../renderText.ts';
import { fakeSummary } from './fakeSummary.ts';

function row(html: string, label: RegExp): string {
  const found = rowsOf(html).find((r) => label.test(textOf(r)));
  if (!found) throw new Error(`no row ${label} in: ${textOf(html)}`);
  return found;
}

describe('the before/after table', () => {
  it('counts timeouts as failed requests, as the failure SLO does', () => {
    // The starter's requests mostly time out; the fix answers them all, a few with errors.
    const baseline = fakeSummary({ requests: { completed: 1000, errors: 1, timeouts: 300 } });
    const summary = fakeSummary({ requests: { completed: 1000, errors: 8, timeouts: 0 } });
    const failed = row(renderHtml(CompareTable, { summary, baseline }), /^Failed requests/);
    expect(textOf(failed)).toContain('30%');
    expect(textOf(failed)).toContain('0.8%');
    expect(failed).toContain('delta-better');
    expect(failed).not.toContain('delta-worse');
  });

  it.each([
    [2500, 2501],
    [250, 251],
  ])('does not paint a change from %i ms to %i ms, too small to show as a percentage', (beforeMs, nowMs) => {
    const latency = (p50Ms: number) => ({ latency: { count: 1, meanMs: 1, p50Ms, p95Ms: 2600, p99Ms: 2700, maxMs: 3000 } });
    const html = renderHtml(CompareTable, {
      summary: fakeSummary({ requests: latency(nowMs) }),
      baseline: fakeSummary({ requests: latency(beforeMs) }),
    });
    const p50 = row(html, /^Latency p50/);
    expect(textOf(p50)).not.toContain('+0%');
    expect(p50).not.toContain('delta-worse');
  });

  it('leaves out the starter column when no comparison is coming, rather than waiting forever', () => {
    const html = renderHtml(CompareTable, { summary: fakeSummary(), baseline: null });
    expect(textOf(html)).not.toContain('…');
    expect(textOf(html)).not.toContain('Starter');
  });

  it('says the starter is on its way while it runs', () => {
    const html = renderHtml(CompareTable, { summary: fakeSummary(), baseline: null, comparing: true });
    expect(textOf(html)).toContain('…');
  });
});
