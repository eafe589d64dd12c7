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
        // Kept models also keep their text: a diff opened again (after Reveal, or on another
        // scenario's page) would show the texts of the first time. Each opening shows its own.
        onMount={(editor) => {
          const models = editor.getModel();
          if (models?.original.getValue() !== starter) models?.original.setValue(starter);
          if (models?.modified.getValue() !== code) models?.modified.setValue(code);
        }}
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
