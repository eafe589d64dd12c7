/**
 * Another tab of the lab on the same scenario: each tab saves its draft on every edit, so
 * without a word the last one to type would silently replace the other's work. The browser
 * tells every other tab of a localStorage write (the `storage` event, never fired in the
 * writing tab itself); this turns the ones about a scenario's draft into a callback.
 */
import { draftKey, isDraft } from './drafts.ts';
import { storageKey } from './local.ts';

/** Calls `changed` with the code another tab saved for this scenario; returns the unsubscribe. */
export function watchDraftsOfOtherTabs(scenarioId: string, changed: (code: string) => void): () => void {
  const key = storageKey(draftKey(scenarioId));
  const onStorage = (e: Event) => {
    const { key: written, newValue } = e as StorageEvent;
    if (written !== key || newValue === null) return;
    let draft: unknown;
    try {
      draft = JSON.parse(newValue);
    } catch {
      return;
    }
    if (isDraft(draft)) changed(draft.code);
  };
  window.addEventListener('storage', onStorage);
  return () => window.removeEventListener('storage', onStorage);
}
