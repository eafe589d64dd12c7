/** The learner's code against the starter, side by side (Monaco's diff editor). */
import { DiffEditor } from '@monaco-editor/react';
import './monaco.ts';

export default function DiffView({ starter, code }: { starter: string; code: string }) {
  return (
    <div className="diff-box" data-testid="diff-view">
      <DiffEditor
        original={starter}
        modified={code}
        language="typescript"
        originalModelPath="file:///diff/starter.ts"
        modifiedModelPath="file:///diff/yours.ts"
        // The models outlive the widget: disposing them first makes Monaco throw on unmount.
        keepCurrentOriginalModel
        keepCurrentModifiedModel
        options={{
          readOnly: true,
          renderSideBySide: true,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          automaticLayout: true,
          fontSize: 12,
        }}
        loading={<div className="editor-loading">Loading diff…</div>}
      />
    </div>
  );
}
