import { useEffect, useRef, type ReactNode } from 'react';

/**
 * A native modal dialog: focus is trapped, Escape closes it.
 *
 * Why `close` events are checked: the effect closes the dialog when it unmounts, and the
 * browser reports that close as an event a task later. React's StrictMode (the dev server)
 * unmounts and mounts every effect once more at mount, so that event arrives after the dialog
 * has been opened again; taken at its word, it closed every dialog as it opened. Only a close
 * that left the dialog closed is the learner's.
 */
export function Modal({
  title,
  onClose,
  children,
  wide = false,
  testId,
}: {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
  testId?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current!;
    if (!d.open) d.showModal();
    return () => {
      if (d.open) d.close();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      className={wide ? 'modal modal-wide' : 'modal'}
      onClose={(e) => {
        if (!e.currentTarget.open) onClose();
      }}
      aria-label={title}
      data-testid={testId}
    >
      <header className="modal-head">
        <h2>{title}</h2>
        <button className="notice-close" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </header>
      <div className="modal-body">{children}</div>
    </dialog>
  );
}

export function ConfirmDialog({
  title,
  text,
  confirmLabel,
  onConfirm,
  onClose,
}: {
  title: string;
  text: string;
  confirmLabel: string;
  onConfirm(): void;
  onClose(): void;
}) {
  return (
    <Modal title={title} onClose={onClose} testId="confirm-dialog">
      <p>{text}</p>
      <div className="modal-actions">
        {/* biome-ignore lint/a11y/noAutofocus: a confirmation dialog focuses its safe choice, as the WAI-ARIA dialog pattern advises */}
        <button className="button" onClick={onClose} autoFocus>
          Cancel
        </button>
        <button
          className="button button-danger"
          data-testid="confirm"
          onClick={() => {
            onConfirm();
            onClose();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
