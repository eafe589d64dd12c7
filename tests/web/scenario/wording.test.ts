/** Words a first-time learner reads before running: targets, the seed, the share link. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CatalogEntry } from '../../../web/catalog/scenarios.ts';
import type { ScenarioInfo } from '../../../web/lab/protocol.ts';
import { ms, sloTarget } from '../../../web/run/format.ts';
import { Brief } from '../../../web/scenario/Brief.tsx';
import { ShareDialog } from '../../../web/scenario/ShareDialog.tsx';
import { Toolbar } from '../../../web/scenario/Toolbar.tsx';
import { renderHtml, textOf } from '../renderText.ts';

afterEach(() => vi.unstubAllGlobals());

const ENTRY: CatalogEntry = {
  id: 'demo',
  readme: {
    meta: { title: 'Demo', difficulty: 'beginner', minutes: 10, tags: [] },
    story: 'A story.',
    goals: '',
    hints: [],
    followUps: '',
  } as unknown as CatalogEntry['readme'],
  starter: '',
  solution: '',
};

const INFO: ScenarioInfo = {
  id: 'demo',
  slos: [
    { metric: 'recovery_time', threshold: 'value<5000', label: 'Recovers within 5 s' },
    { metric: 'db_queries_per_request{route:GET /a}', threshold: 'avg<5', label: 'Few queries' },
    { metric: 'pg_pool_clients_leaked', threshold: 'value==0', label: 'No leak' },
    { metric: 'downstream_retry_amplification', threshold: 'value<1.3', label: 'Few retries' },
    { metric: 'http_reqs{route:GET /a}', threshold: 'rate>140', label: 'Served' },
  ],
  durationMs: 60_000,
  clientTimeoutMs: 3000,
  loadScale: { min: 1, max: 1 },
  routes: ['GET /a'],
};

describe('targets', () => {
  it('are written in words with the unit of their metric', () => {
    expect(sloTarget('http_req_duration{route:GET /a}', 'p(99)<25')).toBe('p99 under 25 ms');
    expect(sloTarget('http_req_duration', 'p(99.9) <= 3000')).toBe('p99.9 at most 3 s');
    expect(sloTarget('http_req_failed', 'rate<0.01')).toBe('under 1%');
    expect(sloTarget('recovery_time', 'value<5000')).toBe('under 5 s');
    expect(sloTarget('db_queries_per_request', 'avg<5')).toBe('average under 5/req');
    expect(sloTarget('pg_pool_clients_leaked', 'value==0')).toBe('exactly 0');
    expect(sloTarget('downstream_retry_amplification', 'value<1.3')).toBe('under 1.3×');
    expect(sloTarget('http_reqs', 'rate>140')).toBe('over 140/s');
  });

  it('and measured values use seconds from one second up', () => {
    expect(ms(3000)).toBe('3.00 s');
    expect(ms(31_000)).toBe('31.0 s');
    expect(ms(999)).toBe('999 ms');
  });

  it('read in words in the brief', () => {
    const text = textOf(renderHtml(Brief, { entry: ENTRY, info: INFO }));
    for (const words of ['under 5 s', 'average under 5/req', 'exactly 0', 'under 1.3×', 'over 140/s']) expect(text).toContain(words);
    for (const raw of ['value<5000', 'avg<5', 'value==0', 'rate>140']) expect(text).not.toContain(raw);
  });
});

describe('the toolbar', () => {
  it('says what the seed is', () => {
    const html = renderHtml(Toolbar, { busy: false, info: INFO, onRunOrStop: () => undefined });
    expect(html).toMatch(/title="[^"]*same code and seed always give the same numbers/);
  });
});

describe('the share dialog', () => {
  it('puts a space before the #', () => {
    vi.stubGlobal('location', new URL('http://127.0.0.1/#/s/demo'));
    const text = textOf(renderHtml(ShareDialog, { scenarioId: 'demo', code: 'x', seed: 1, loadScale: 1, onClose: () => undefined }));
    expect(text).toContain('the part after #, which');
  });
});
