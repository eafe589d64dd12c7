/** Edits to the same scenario in another tab are noticed, never silently overwritten. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { watchDraftsOfOtherTabs } from '../../../web/storage/otherTabs.ts';

/** What the browser does in every other tab of the origin when one tab writes to localStorage. */
function storageEvent(key: string | null, newValue: string | null): Event {
  return Object.assign(new Event('storage'), { key, newValue, storageArea: null });
}

beforeEach(() => {
  vi.stubGlobal('window', new EventTarget());
});
afterEach(() => vi.unstubAllGlobals());

describe('watchDraftsOfOtherTabs', () => {
  it("reports another tab's draft of this scenario, with its code", () => {
    const seen: string[] = [];
    const stop = watchDraftsOfOtherTabs('a', (code) => seen.push(code));
    window.dispatchEvent(storageEvent('tailspin:v1:draft:a', JSON.stringify({ code: 'from the other tab', savedAt: 1 })));
    window.dispatchEvent(storageEvent('tailspin:v1:draft:b', JSON.stringify({ code: 'another scenario', savedAt: 1 })));
    window.dispatchEvent(storageEvent('tailspin:v1:history:a', '[]'));
    window.dispatchEvent(storageEvent('tailspin:v1:draft:a', 'not json'));
    window.dispatchEvent(storageEvent('tailspin:v1:draft:a', null));
    expect(seen).toEqual(['from the other tab']);
    stop();
    window.dispatchEvent(storageEvent('tailspin:v1:draft:a', JSON.stringify({ code: 'after', savedAt: 2 })));
    expect(seen).toEqual(['from the other tab']);
  });
});
