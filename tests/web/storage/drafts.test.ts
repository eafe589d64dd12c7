/** Drafts and the stash a share link keeps: per scenario, round-tripped, corrupt ones ignored. */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { clearDraft, clearStash, loadDraft, loadStash, saveDraft, stashDraft } from '../../../web/storage/drafts.ts';
import { MemoryStorage } from './memoryStorage.ts';

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  vi.useFakeTimers({ now: 1_700_000_000_000 });
  return () => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  };
});

describe('drafts', () => {
  it('keep the code per scenario with the time it was saved', () => {
    saveDraft('a', 'code of a');
    saveDraft('b', 'code of b');
    expect(loadDraft('a')).toEqual({ code: 'code of a', savedAt: 1_700_000_000_000 });
    expect(loadDraft('b')?.code).toBe('code of b');
    clearDraft('a');
    expect(loadDraft('a')).toBeUndefined();
    expect(loadDraft('b')?.code).toBe('code of b');
  });

  it('keep a stash apart from the draft', () => {
    saveDraft('a', 'new');
    stashDraft('a', { code: 'old', savedAt: 5 });
    expect(loadStash('a')).toEqual({ code: 'old', savedAt: 5 });
    expect(loadDraft('a')?.code).toBe('new');
    clearStash('a');
    expect(loadStash('a')).toBeUndefined();
  });

  it.each([
    ['not JSON', '{"code": "x"'],
    ['code that is not text', '{"code": 42, "savedAt": 1}'],
    ['no code at all', '{"savedAt": 1}'],
    ['not an object', '"just text"'],
    ['null', 'null'],
  ])('read as absent when stored as %s, so the editor opens the starter', (_, raw) => {
    storage.setItem('tailspin:v1:draft:a', raw);
    storage.setItem('tailspin:v1:stash:a', raw);
    expect(loadDraft('a')).toBeUndefined();
    expect(loadStash('a')).toBeUndefined();
  });
});
