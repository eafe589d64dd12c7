import { describe, expect, it } from 'vitest';
import { TimeWeighted } from '../../../runner/metrics/time-weighted.ts';

describe('TimeWeighted', () => {
  it('means a known step function: 0 on [0,100), 2 on [100,300), 1 on [300,400)', () => {
    const gauge = new TimeWeighted();
    gauge.set(100, 2);
    gauge.set(300, 1);
    // area = 0*100 + 2*200 + 1*100 = 500 over 400 ms
    expect(gauge.mean(400)).toBe(1.25);
    expect(gauge.area(400)).toBe(500);
    expect(gauge.max).toBe(2);
    expect(gauge.value).toBe(1);
  });

  it('extends the current value up to the time asked', () => {
    const gauge = new TimeWeighted(0, 3);
    expect(gauge.mean(1000)).toBe(3);
    gauge.set(1000, 0);
    expect(gauge.mean(2000)).toBe(1.5);
  });

  it("add() moves the gauge by a delta (requests in flight, Little's law)", () => {
    // Two requests: [0, 50) and [25, 125); total time in system 150 ms over a 200 ms window.
    const inFlight = new TimeWeighted();
    inFlight.add(0, +1);
    inFlight.add(25, +1);
    inFlight.add(50, -1);
    inFlight.add(125, -1);
    expect(inFlight.mean(200)).toBe(0.75);
    expect(inFlight.max).toBe(2);
    expect(inFlight.value).toBe(0);
  });

  it('counts a value held for zero time in max but not in the mean', () => {
    const gauge = new TimeWeighted();
    gauge.add(10, +5);
    gauge.add(10, -5);
    expect(gauge.max).toBe(5);
    expect(gauge.mean(20)).toBe(0);
  });

  it('honours a start other than zero', () => {
    const gauge = new TimeWeighted(1000, 4);
    gauge.set(1500, 0);
    expect(gauge.mean(2000)).toBe(2);
  });

  it('an empty window means the value at that instant', () => {
    const gauge = new TimeWeighted(0, 7);
    expect(gauge.mean(0)).toBe(7);
  });

  it('reset() starts a new window keeping the current value', () => {
    const gauge = new TimeWeighted();
    gauge.set(0, 10);
    gauge.set(500, 2);
    gauge.reset(1000);
    expect(gauge.max).toBe(2);
    gauge.set(1500, 4);
    expect(gauge.mean(2000)).toBe(3);
    expect(gauge.max).toBe(4);
  });

  it('refuses time going backwards', () => {
    const gauge = new TimeWeighted();
    gauge.set(100, 1);
    expect(() => gauge.set(99, 2)).toThrow(RangeError);
    expect(() => gauge.mean(50)).toThrow(RangeError);
    expect(() => gauge.reset(10)).toThrow(RangeError);
  });
});
