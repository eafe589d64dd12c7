/**
 * The learner's countdown of a time box, on a clock the test sets: the time left on the box of
 * the scenario the server has them on, counted on the server's clock; past it, by how much,
 * and nothing more.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TimeBoxCountdown } from '../../../web/workshop/TimeBoxCountdown.tsx';
import { describeTimeBox, timeBoxState } from '../../../web/workshop/timeBox.ts';
import { renderHtml, textOf } from '../renderText.ts';

const MINUTE = 60_000;
const since = 1_700_000_000_000;
const track = [{ scenarioId: 'blocking-event-loop', minutes: 20 }, { scenarioId: 'n-plus-one' }];
const onFirst = { scenarioId: 'blocking-event-loop', sinceMs: since };

describe('the time box, counted down', () => {
  it('counts from when the learner came to the scenario', () => {
    expect(timeBoxState(track, onFirst, since)).toEqual({
      scenarioId: 'blocking-event-loop',
      minutes: 20,
      leftMs: 20 * MINUTE,
      over: false,
    });
    const later = timeBoxState(track, onFirst, since + 7 * MINUTE + 56_000)!;
    expect(describeTimeBox(later)).toBe('12:04 left of 20 min');
  });

  it('says by how much it is over, once over', () => {
    const up = timeBoxState(track, onFirst, since + 20 * MINUTE)!;
    expect(up.over).toBe(true);
    expect(describeTimeBox(up)).toBe('the 20 min time box is up');
    expect(describeTimeBox(timeBoxState(track, onFirst, since + 23 * MINUTE + 30_000)!)).toBe('3 min over the 20 min time box');
  });

  it('shows nothing for a scenario without a box, off the track, or before the server said where the learner is', () => {
    expect(timeBoxState(track, { scenarioId: 'n-plus-one', sinceMs: since }, since)).toBeNull();
    expect(timeBoxState(track, { scenarioId: 'retry-storm', sinceMs: since }, since)).toBeNull();
    expect(timeBoxState(track, null, since)).toBeNull();
  });
});

describe('the countdown in the workshop bar', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts on the server’s clock, whatever the laptop’s says', () => {
    // The laptop's clock is 90 s behind the server's.
    vi.setSystemTime(since + 5 * MINUTE - 90_000);
    const html = renderHtml(TimeBoxCountdown, { track, onScenario: onFirst, serverOffsetMs: 90_000 });
    expect(textOf(html)).toMatch(/15:00 left of 20 min/);
    expect(html).toContain('data-over="false"');
  });

  it('turns to "over" past the box, and blocks nothing', () => {
    vi.setSystemTime(since + 26 * MINUTE);
    const html = renderHtml(TimeBoxCountdown, { track, onScenario: onFirst, serverOffsetMs: 0 });
    expect(textOf(html)).toMatch(/6 min over the 20 min time box/);
    expect(html).toContain('data-over="true"');
    expect(html).not.toMatch(/disabled/);
  });

  it('is absent without a box', () => {
    vi.setSystemTime(since);
    expect(renderHtml(TimeBoxCountdown, { track, onScenario: { scenarioId: 'n-plus-one', sinceMs: since }, serverOffsetMs: 0 })).toBe('');
  });
});
