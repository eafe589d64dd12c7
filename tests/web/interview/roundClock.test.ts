import { describe, expect, it } from 'vitest';
import type { InterviewSettings, RoundRecord } from '../../../runner/interview/index.ts';
import { nextRecord } from '../../../runner/interview/index.ts';
import { allChecks, pendingChecks } from '../../../web/interview/finalChecks.ts';
import { formatTimeLeft, timeLeftMs } from '../../../web/interview/roundClock.ts';

describe('the round timer', () => {
  const start = 1_700_000_000_000;
  it('counts down from the time limit and stops at zero', () => {
    expect(timeLeftMs(start, 45, start)).toBe(45 * 60_000);
    expect(timeLeftMs(start, 45, start + 60_000)).toBe(44 * 60_000);
    expect(timeLeftMs(start, 45, start + 45 * 60_000)).toBe(0);
    expect(timeLeftMs(start, 45, start + 50 * 60_000)).toBe(0);
  });

  it('reads as minutes and seconds, rounded up so 0:00 means over', () => {
    expect(formatTimeLeft(45 * 60_000)).toBe('45:00');
    expect(formatTimeLeft(59_001)).toBe('1:00');
    expect(formatTimeLeft(500)).toBe('0:01');
    expect(formatTimeLeft(0)).toBe('0:00');
    expect(formatTimeLeft(2 * 3600_000 + 5_000)).toBe('2:00:05');
  });
});

describe('the final checks', () => {
  const settings: InterviewSettings = {
    scenarioId: 'n-plus-one',
    timeLimitMin: 30,
    hintsAllowed: 0,
    reveal: false,
    visibleSeeds: [1, 5],
    hidden: { seeds: [2, 3], loadScale: 1.5 },
  };

  it('runs the final code on each visible seed, then on each hidden seed at the hidden load', () => {
    expect(allChecks(settings, 1)).toEqual([
      { purpose: 'final', seed: 1, loadScale: 1 },
      { purpose: 'final', seed: 5, loadScale: 1 },
      { purpose: 'hidden', seed: 2, loadScale: 1.5 },
      { purpose: 'hidden', seed: 3, loadScale: 1.5 },
    ]);
  });

  it('after a reload, runs only the checks not yet recorded after the submission', () => {
    const records: RoundRecord[] = [];
    const add = (e: RoundRecord['event']) => records.push(nextRecord(records.at(-1), records.length, e));
    const run = (purpose: 'visible' | 'final' | 'hidden', seed: number, loadScale: number) =>
      add({ type: 'run', purpose, code: '', codeSha256: '', seed, loadScale, summary: null, failure: 'x' });
    add({ type: 'start', code: '' });
    run('visible', 1, 1);
    expect(pendingChecks(records, allChecks(settings, 1))).toHaveLength(4);
    add({ type: 'submit', reason: 'candidate', note: '' });
    run('final', 1, 1);
    run('hidden', 2, 1.5);
    expect(pendingChecks(records, allChecks(settings, 1))).toEqual([
      { purpose: 'final', seed: 5, loadScale: 1 },
      { purpose: 'hidden', seed: 3, loadScale: 1.5 },
    ]);
  });
});
