/** The host dashboard's rows as data: words, the time on a scenario, hands first, export names. */
import { describe, expect, it } from 'vitest';
import type { LearnerRow } from '../../../web/workshop/api.ts';
import { dashboardRows, exportFileName, formatDuration, formatSlos, rowView } from '../../../web/workshop/dashboardRows.ts';

const TRACK = [{ scenarioId: 'blocking-event-loop', minutes: 20 }, { scenarioId: 'n-plus-one' }];
const T0 = Date.UTC(2026, 11, 7, 14, 0);

function row(over: Partial<LearnerRow> = {}): LearnerRow {
  return {
    learnerId: 'l1',
    name: 'Ada',
    scenarioId: 'blocking-event-loop',
    onScenarioSinceMs: T0,
    solved: false,
    slosMet: null,
    slosTotal: null,
    runs: 0,
    runsOnScenario: 0,
    lastFinding: null,
    handRaised: false,
    lastRunAtMs: null,
    ...over,
  };
}

describe('dashboard rows', () => {
  it('say durations in minutes and hours', () => {
    expect(formatDuration(-5)).toBe('under a minute');
    expect(formatDuration(59_999)).toBe('under a minute');
    expect(formatDuration(12 * 60_000 + 30_000)).toBe('12 min');
    expect(formatDuration(65 * 60_000)).toBe('1 h 05 min');
  });

  it('say SLOs met of total, or that there was no run', () => {
    expect(formatSlos({ slosMet: null, slosTotal: null })).toBe('no run yet');
    expect(formatSlos({ slosMet: 2, slosTotal: 3 })).toBe('2 of 3 met');
  });

  it('place the learner on the track and time them on the server clock', () => {
    const v = rowView(
      row({ scenarioId: 'n-plus-one', runs: 5, runsOnScenario: 2, slosMet: 1, slosTotal: 2, lastFinding: 'N+1' }),
      TRACK,
      T0 + 3 * 60_000,
    );
    expect(v).toMatchObject({
      step: '2 of 2',
      slos: '1 of 2 met',
      runs: '2 (5 in all)',
      timeOnScenario: '3 min',
      last: 'N+1',
      overTime: false,
    });
  });

  it('flag a learner past the time box of an unsolved scenario, not a solved one', () => {
    expect(rowView(row(), TRACK, T0 + 21 * 60_000).overTime).toBe(true);
    expect(rowView(row({ solved: true, runs: 1, runsOnScenario: 1 }), TRACK, T0 + 21 * 60_000)).toMatchObject({
      overTime: false,
      last: 'solved',
    });
    expect(rowView(row({ scenarioId: 'n-plus-one' }), TRACK, T0 + 600 * 60_000).overTime).toBe(false);
  });

  it('put raised hands first, keeping the server order within each group', () => {
    const rows = [
      row({ learnerId: 'a', name: 'A' }),
      row({ learnerId: 'b', name: 'B', handRaised: true }),
      row({ learnerId: 'c', name: 'C' }),
    ];
    expect(dashboardRows(rows, TRACK, T0).map((r) => r.name)).toEqual(['B', 'A', 'C']);
  });

  it('name an export by room and UTC minute', () => {
    expect(exportFileName('K7QXM2', 'csv', T0 + 57 * 60_000)).toBe('workshop-K7QXM2-2026-12-07-1457.csv');
    expect(exportFileName('K7QXM2', 'json', T0)).toBe('workshop-K7QXM2-2026-12-07-1400.json');
  });
});
