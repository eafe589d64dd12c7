/**
 * The run-in-flight mark: a page beats it while its run goes on and removes it when the run
 * ends or the page is left; the next load reports a mark nobody refreshes, once, and ignores a
 * mark that is corrupt or belongs to another tab's live run.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunInFlight } from '../../../web/storage/runInFlight.ts';
import { MemoryStorage } from './memoryStorage.ts';

const KEY = 'tailspin:v1:run-in-flight';
const T0 = 1_700_000_000_000;

let storage: MemoryStorage;
let page: EventTarget;
/** A fresh copy of the module for each test: it keeps its beat and listener in module state. */
let mod: typeof import('../../../web/storage/runInFlight.ts');

beforeEach(async () => {
  storage = new MemoryStorage();
  page = new EventTarget();
  vi.stubGlobal('localStorage', storage);
  vi.stubGlobal('window', page);
  vi.useFakeTimers({ now: T0 });
  vi.resetModules();
  mod = await import('../../../web/storage/runInFlight.ts');
  return () => {
    mod.markRunEnded();
    vi.useRealTimers();
    vi.unstubAllGlobals();
  };
});

const stored = (): RunInFlight | null => JSON.parse(storage.getItem(KEY) ?? 'null');

describe('the run-in-flight mark', () => {
  it('is written when a run starts, refreshed every second, and removed when it ends', () => {
    mod.markRunStarted('a');
    expect(stored()).toEqual({ scenarioId: 'a', startedAt: T0, beatAt: T0 });
    vi.advanceTimersByTime(3000);
    expect(stored()).toEqual({ scenarioId: 'a', startedAt: T0, beatAt: T0 + 3000 });
    mod.markRunEnded();
    expect(stored()).toBeNull();
    vi.advanceTimersByTime(3000);
    expect(stored()).toBeNull();
  });

  it('is removed when the page is left normally', () => {
    mod.markRunStarted('a');
    page.dispatchEvent(new Event('pagehide'));
    expect(stored()).toBeNull();
  });

  it('is reported at once, and removed, when it was last refreshed long ago', () => {
    storage.setItem(KEY, JSON.stringify({ scenarioId: 'a', startedAt: T0 - 60_000, beatAt: T0 - 30_000 }));
    const found = vi.fn();
    mod.watchForInterruptedRun(found);
    expect(found).toHaveBeenCalledExactlyOnceWith({ scenarioId: 'a', startedAt: T0 - 60_000, beatAt: T0 - 30_000 });
    expect(stored()).toBeNull();
  });

  it('is reported once it stops being refreshed, when it was fresh at load (its page died just now)', () => {
    storage.setItem(KEY, JSON.stringify({ scenarioId: 'a', startedAt: T0 - 1000, beatAt: T0 - 500 }));
    const found = vi.fn();
    mod.watchForInterruptedRun(found);
    expect(found).not.toHaveBeenCalled();
    vi.advanceTimersByTime(10_000);
    expect(found).toHaveBeenCalledOnce();
  });

  it('is not reported while another tab keeps refreshing it', () => {
    storage.setItem(KEY, JSON.stringify({ scenarioId: 'a', startedAt: T0 - 1000, beatAt: T0 - 500 }));
    const found = vi.fn();
    mod.watchForInterruptedRun(found);
    const other = setInterval(() => storage.setItem(KEY, JSON.stringify({ scenarioId: 'a', startedAt: T0, beatAt: Date.now() })), 1000);
    vi.advanceTimersByTime(10_000);
    clearInterval(other);
    expect(found).not.toHaveBeenCalled();
    expect(stored()).not.toBeNull();
  });

  it.each([
    ['not JSON', '{"scenarioId": '],
    ['a string', '"a"'],
    ['no scenario', JSON.stringify({ startedAt: T0 - 60_000, beatAt: T0 - 30_000 })],
    ['no time', JSON.stringify({ scenarioId: 'a' })],
  ])('is ignored when stored as %s', (_, raw) => {
    storage.setItem(KEY, raw);
    const found = vi.fn();
    mod.watchForInterruptedRun(found);
    vi.advanceTimersByTime(10_000);
    expect(found).not.toHaveBeenCalled();
  });

  it('costs the page nothing when storage is refused', () => {
    storage.unavailable = true;
    expect(() => mod.markRunStarted('a')).not.toThrow();
    vi.advanceTimersByTime(3000);
    expect(() => mod.markRunEnded()).not.toThrow();
    expect(() => mod.watchForInterruptedRun(vi.fn())).not.toThrow();
  });
});
