/**
 * Run history: newest first, at most HISTORY_LIMIT entries, numbers kept even when the code
 * cannot be, and stored entries of the wrong shape dropped rather than breaking the panel.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../runner/index.ts';
import { HISTORY_LIMIT, loadHistory, recordRun } from '../../../web/storage/history.ts';
import { MemoryStorage } from './memoryStorage.ts';

function summary(seed: number, arrivals = 100): RunSummary {
  return {
    seed,
    loadScale: 1,
    status: 'completed',
    passed: seed % 2 === 0,
    slos: [{ pass: true }],
    checks: [{ pass: false }],
    requests: { latency: { p50Ms: 10, p99Ms: 90 }, throughputPerSec: 50, arrivals, errors: 3, timeouts: 2 },
  } as unknown as RunSummary;
}

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  vi.useFakeTimers({ now: 1_000_000 });
  return () => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  };
});

describe('history', () => {
  it("records a run's numbers and code, and reads them back", () => {
    const entries = recordRun('a', summary(2), 'the code');
    expect(entries).toEqual([
      {
        at: 1_000_000,
        seed: 2,
        loadScale: 1,
        status: 'completed',
        passed: true,
        latencyP50Ms: 10,
        latencyP99Ms: 90,
        throughputPerSec: 50,
        errorRate: 0.05,
        slos: [{ pass: true }],
        checks: { total: 1, failed: 1 },
        code: 'the code',
      },
    ]);
    expect(loadHistory('a')).toEqual(entries);
    expect(loadHistory('b')).toEqual([]);
  });

  it('keeps the newest HISTORY_LIMIT runs, newest first', () => {
    for (let seed = 1; seed <= HISTORY_LIMIT + 3; seed++) recordRun('a', summary(seed), `code ${seed}`);
    const seeds = loadHistory('a').map((e) => e.seed);
    expect(seeds).toHaveLength(HISTORY_LIMIT);
    expect(seeds[0]).toBe(HISTORY_LIMIT + 3);
    expect(seeds[HISTORY_LIMIT - 1]).toBe(4);
  });

  it('gives an error rate of 0 to a run with no arrivals', () => {
    expect(recordRun('a', summary(1, 0), '')[0].errorRate).toBe(0);
  });

  it('does not keep code over 50,000 characters', () => {
    expect(recordRun('a', summary(1), 'x'.repeat(50_001))[0].code).toBeUndefined();
  });

  it("drops the code of older entries when storage is full, keeping every run's numbers", () => {
    for (let seed = 1; seed <= 3; seed++) recordRun('a', summary(seed), 'y'.repeat(2000));
    storage.quotaChars = storage.getItem('tailspin:v1:history:a')!.length + 2000;
    recordRun('a', summary(4), 'z'.repeat(2000));
    const stored = loadHistory('a');
    expect(stored.map((e) => e.seed)).toEqual([4, 3, 2, 1]);
    expect(stored.map((e) => e.code?.length)).toEqual([2000, undefined, undefined, undefined]);
  });

  it.each(['not json', '{"0": {}}', '"text"', 'null'])('reads stored %s as no history, and still records', (raw) => {
    storage.setItem('tailspin:v1:history:a', raw);
    expect(loadHistory('a')).toEqual([]);
    expect(recordRun('a', summary(1), 'c')).toHaveLength(1);
  });

  it('drops stored entries the panel could not show, keeping the others', () => {
    const good = recordRun('a', summary(2), 'c')[0];
    const bad: unknown[] = [null, 'x', { ...good, slos: undefined }, { ...good, latencyP99Ms: '90' }];
    bad.push({ ...good, code: 7 }, { ...good, passed: 'yes' });
    storage.setItem('tailspin:v1:history:a', JSON.stringify([...bad, good]));
    expect(loadHistory('a')).toEqual([good]);
  });
});
