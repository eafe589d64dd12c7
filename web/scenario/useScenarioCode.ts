/**
 * The learner's code for one scenario: where it starts (the saved draft, else the starter),
 * how it is read before the editor has loaded, and how it is replaced (reset, solution, a past
 * run, a restored draft) so that the draft is saved and the editor can undo. Versions are
 * kept in the draft history when typing pauses and before any replacement, and another tab's
 * edits of the same scenario are announced, never silently taken or lost.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';
import { draftHistory } from '../storage/draftHistory.ts';
import { clearStash, loadDraft, loadStash, saveDraft } from '../storage/drafts.ts';
import { watchDraftsOfOtherTabs } from '../storage/otherTabs.ts';
import { useUi } from '../store/uiStore.ts';

/** A pause in typing this long keeps a version in the draft history. */
const EDIT_PAUSE_MS = 1500;

export interface ScenarioCode {
  initialCode: string;
  currentCode(): string;
  /** Every edit: saved at once, so a reload or a closed tab loses nothing. */
  onEdit(code: string): void;
  /** Replaces the code; the code it replaces is kept in the draft history first. */
  replaceCode(code: string): void;
  /** Called after every change of the code (for what depends on it: "code changed since the run"). */
  subscribe(listener: () => void): () => void;
}

export function useScenarioCode(entry: CatalogEntry): ScenarioCode {
  const initialCode = useMemo(() => loadDraft(entry.id)?.code ?? entry.starter, [entry]);
  const latest = useRef(initialCode);
  const listeners = useRef(new Set<() => void>());
  const pause = useRef<ReturnType<typeof setTimeout> | null>(null);

  const keepPending = useCallback(() => {
    if (pause.current === null) return;
    clearTimeout(pause.current);
    pause.current = null;
    void draftHistory.keep(entry.id, latest.current, 'edit');
  }, [entry.id]);

  const changed = useCallback((code: string) => {
    latest.current = code;
    for (const l of listeners.current) l();
  }, []);

  const currentCode = useCallback(() => getEditorHandle()?.getCode() ?? latest.current, []);
  const onEdit = useCallback(
    (code: string) => {
      // The editor reports setting its first text too; that is no edit of the learner's.
      if (code === latest.current) return;
      changed(code);
      saveDraft(entry.id, code);
      if (pause.current !== null) clearTimeout(pause.current);
      pause.current = setTimeout(keepPending, EDIT_PAUSE_MS);
    },
    [entry.id, changed, keepPending],
  );
  const replaceCode = useCallback(
    (code: string) => {
      keepPending();
      void draftHistory.keep(entry.id, currentCode(), 'replaced');
      // The editor reports the new text as an edit: `latest` tells it apart. Listeners are told
      // once the editor holds it, since they read the code from the editor.
      latest.current = code;
      getEditorHandle()?.setCode(code);
      changed(code);
      saveDraft(entry.id, code);
    },
    [entry.id, changed, currentCode, keepPending],
  );
  const subscribe = useCallback((listener: () => void) => {
    listeners.current.add(listener);
    return () => listeners.current.delete(listener);
  }, []);

  // A version typed just before the page is left is kept too.
  useEffect(() => {
    window.addEventListener('pagehide', keepPending);
    return () => {
      window.removeEventListener('pagehide', keepPending);
      keepPending();
    };
  }, [keepPending]);

  // A shared link replaced this scenario's draft: the notice offers to put it back.
  useEffect(() => {
    const restore = () => {
      const stash = loadStash(entry.id);
      if (stash) replaceCode(stash.code);
      clearStash(entry.id);
      useUi.getState().setNotice({ kind: 'info', text: 'Your previous code is back in the editor.' });
    };
    window.addEventListener('tailspin:restore-stash', restore);
    return () => window.removeEventListener('tailspin:restore-stash', restore);
  }, [entry.id, replaceCode]);

  // Another tab saved this scenario's draft: this tab keeps its own code, both are kept as
  // versions (the other tab's once its typing pauses, not one per keystroke), and the notice
  // offers the other tab's.
  useEffect(() => {
    let otherPause: ReturnType<typeof setTimeout> | undefined;
    const stop = watchDraftsOfOtherTabs(entry.id, (code) => {
      if (code === currentCode()) return;
      clearTimeout(otherPause);
      otherPause = setTimeout(() => void draftHistory.keep(entry.id, code, 'other-tab'), EDIT_PAUSE_MS);
      useUi.getState().setNotice({
        kind: 'info',
        text:
          'This scenario is open in another tab, which just changed its code. This tab keeps its own code until you ' +
          'choose; both versions are kept under Drafts.',
        action: { label: "Load the other tab's code", run: () => replaceCode(code) },
      });
    });
    return () => {
      stop();
      clearTimeout(otherPause);
    };
  }, [entry.id, currentCode, replaceCode]);

  return { initialCode, currentCode, onEdit, replaceCode, subscribe };
}
