/** Which scenarios are solved: patches merge, and corrupt storage never breaks the catalog. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadProgress, updateProgress } from '../../../web/storage/progress.ts';
import { MemoryStorage } from './memoryStorage.ts';

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  return () => vi.unstubAllGlobals();
});

describe('progress', () => {
  it('starts empty and merges each patch into its scenario', () => {
    expect(loadProgress()).toEqual({});
    updateProgress('a', { solutionRevealed: true });
    updateProgress('a', { solvedAt: 10 });
    const all = updateProgress('b', { solvedAt: 20 });
    expect(all).toEqual({ a: { solutionRevealed: true, solvedAt: 10 }, b: { solvedAt: 20 } });
    expect(loadProgress()).toEqual(all);
  });

  it.each(['not json', '"text"', '[1, 2]', '42', 'null'])('reads stored %s as no progress, and can still be updated', (raw) => {
    storage.setItem('tailspin:v1:progress', raw);
    expect(loadProgress()).toEqual({});
    expect(updateProgress('a', { solvedAt: 1 })).toEqual({ a: { solvedAt: 1 } });
  });

  it('drops entries and fields of the wrong shape, keeping the rest', () => {
    storage.setItem(
      'tailspin:v1:progress',
      JSON.stringify({ a: { solvedAt: 5 }, b: 'solved', c: null, d: { solvedAt: 'yesterday', solutionRevealed: true } }),
    );
    expect(loadProgress()).toEqual({ a: { solvedAt: 5 }, d: { solutionRevealed: true } });
  });

  it('keeps a stored "__proto__" an ordinary key', () => {
    storage.setItem('tailspin:v1:progress', '{"__proto__": {"solvedAt": 1}, "a": {"solvedAt": 2}}');
    const all = loadProgress();
    expect(Object.getPrototypeOf(all)).toBe(Object.prototype);
    expect(all.a).toEqual({ solvedAt: 2 });
  });
});
