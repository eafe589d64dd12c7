/**
 * The learner's code for one scenario: where it starts (the saved draft, else the starter),
 * how it is read before the editor has loaded, and how it is replaced (reset, solution, a past
 * run, a restored draft) so that the draft is saved and the editor can undo.
 */
import { useCallback, useEffect, useMemo, useRef } from 'react';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { getEditorHandle } from '../editor/editorHandle.ts';
import { clearStash, loadDraft, loadStash, saveDraft } from '../storage/drafts.ts';
import { useUi } from '../store/uiStore.ts';

export interface ScenarioCode {
  initialCode: string;
  currentCode(): string;
  /** Every edit: saved at once, so a reload or a closed tab loses nothing. */
  onEdit(code: string): void;
  replaceCode(code: string): void;
}

export function useScenarioCode(entry: CatalogEntry): ScenarioCode {
  const initialCode = useMemo(() => loadDraft(entry.id)?.code ?? entry.starter, [entry]);
  const latest = useRef(initialCode);

  const currentCode = useCallback(() => getEditorHandle()?.getCode() ?? latest.current, []);
  const onEdit = useCallback(
    (code: string) => {
      latest.current = code;
      saveDraft(entry.id, code);
    },
    [entry.id],
  );
  const replaceCode = useCallback(
    (code: string) => {
      latest.current = code;
      getEditorHandle()?.setCode(code);
      saveDraft(entry.id, code);
    },
    [entry.id],
  );

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

  return { initialCode, currentCode, onEdit, replaceCode };
}
