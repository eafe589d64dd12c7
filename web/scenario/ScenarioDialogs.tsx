/** The scenario page's dialogs: confirmations, the diff against the starter, the share link. */
import { lazy, Suspense } from 'react';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { updateProgress } from '../storage/progress.ts';
import { useUi } from '../store/uiStore.ts';
import { ConfirmDialog, Modal } from './Modal.tsx';
import { ShareDialog } from './ShareDialog.tsx';
import type { ScenarioCode } from './useScenarioCode.ts';

const DiffView = lazy(() => import('../editor/DiffView.tsx'));

export interface ScenarioDialogsProps {
  entry: CatalogEntry;
  code: ScenarioCode;
  /** Code of a past run the learner asked to load, waiting for confirmation. */
  pendingCode: string | null;
  clearPendingCode(): void;
}

export function ScenarioDialogs({ entry, code, pendingCode, clearPendingCode }: ScenarioDialogsProps) {
  const dialog = useUi((s) => s.dialog);
  const close = () => useUi.getState().openDialog(null);
  return (
    <>
      {pendingCode !== null && (
        <ConfirmDialog
          title="Load the code of that run?"
          text="Your current code is replaced by the code of that run. You can undo with Ctrl+Z in the editor."
          confirmLabel="Load it"
          onConfirm={() => code.replaceCode(pendingCode)}
          onClose={clearPendingCode}
        />
      )}
      {dialog === 'confirm-reset' && (
        <ConfirmDialog
          title="Reset to the starter code?"
          text="Your code is replaced by the original starter. You can still undo with Ctrl+Z in the editor."
          confirmLabel="Reset"
          onConfirm={() => code.replaceCode(entry.starter)}
          onClose={close}
        />
      )}
      {dialog === 'confirm-solution' && (
        <ConfirmDialog
          title="Reveal the reference solution?"
          text="Your code is replaced by a reference fix with notes on why it works. Trying a little longer teaches more; you can undo with Ctrl+Z."
          confirmLabel="Show me the solution"
          onConfirm={() => {
            code.replaceCode(entry.solution);
            useUi.getState().setProgress(updateProgress(entry.id, { solutionRevealed: true }));
          }}
          onClose={close}
        />
      )}
      {dialog === 'diff' && (
        <Modal title="Your code vs the starter" wide onClose={close}>
          <Suspense fallback={<div className="editor-loading">Loading diff…</div>}>
            <DiffView starter={entry.starter} code={code.currentCode()} />
          </Suspense>
        </Modal>
      )}
      {dialog === 'share' && (
        <ShareDialog
          scenarioId={entry.id}
          code={code.currentCode()}
          seed={useUi.getState().seed}
          loadScale={useUi.getState().loadScale}
          onClose={close}
        />
      )}
    </>
  );
}
