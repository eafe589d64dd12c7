/** Submit, with the candidate's optional note ("what I changed and why"), which the report shows. */
import { type RefObject, useState } from 'react';

/** The note is a few sentences, not an essay. */
export const NOTE_CHARS_MAX = 2000;

export function SubmitPanel({
  noteRef,
  onNoteChange,
  onSubmit,
}: {
  noteRef: RefObject<string>;
  onNoteChange(text: string): void;
  onSubmit(): void;
}) {
  const [open, setOpen] = useState(false);
  const [note, setNote] = useState(noteRef.current);
  if (!open) {
    return (
      <button className="button" onClick={() => setOpen(true)} data-testid="submit-button">
        Submit…
      </button>
    );
  }
  return (
    <div className="submit-panel panel" role="dialog" aria-label="Submit your code" data-testid="submit-panel">
      <label>
        What I changed and why (optional)
        <textarea
          value={note}
          maxLength={NOTE_CHARS_MAX}
          rows={4}
          data-testid="submit-note"
          onChange={(e) => {
            setNote(e.target.value);
            noteRef.current = e.target.value;
            onNoteChange(e.target.value);
          }}
        />
      </label>
      <p className="muted small">Submitting ends the round: the code is checked on the seeds you used and on hidden ones.</p>
      <div className="submit-actions">
        <button className="button button-primary" onClick={onSubmit} data-testid="submit-confirm">
          Submit
        </button>
        <button className="button button-quiet" onClick={() => setOpen(false)}>
          Keep working
        </button>
      </div>
    </div>
  );
}
