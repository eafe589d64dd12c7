/**
 * Tab in the code editor indents, as a learner typing code expects, which traps a keyboard
 * user inside it. Escape then Tab (or Shift+Tab) leaves it instead, to the next (or previous)
 * control of the page; the hint under the editor says so. Listening in the capture phase on
 * the editor's box, the Tab never reaches the editor, so the code is not touched.
 */
const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]';

function focusable(el: HTMLElement): boolean {
  return el.tabIndex >= 0 && el.getClientRects().length > 0;
}

/** Moves the focus to the first control after `box` (or the last before it, `backwards`). */
function focusBeyond(box: HTMLElement, backwards: boolean, fallback: () => HTMLElement | null): void {
  const candidates = [...document.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !box.contains(el) && focusable(el));
  const side = backwards ? Node.DOCUMENT_POSITION_PRECEDING : Node.DOCUMENT_POSITION_FOLLOWING;
  const beyond = candidates.filter((el) => box.compareDocumentPosition(el) & side);
  const target = (backwards ? beyond[beyond.length - 1] : beyond[0]) ?? fallback();
  if (target) target.focus();
  else (document.activeElement as HTMLElement | null)?.blur();
}

/**
 * Lets Escape then Tab leave the editor inside `box`; `fallback` is focused when no control
 * follows it. Returns the function that removes the listener.
 */
export function leaveEditorOnEscapeTab(box: HTMLElement, fallback: () => HTMLElement | null): () => void {
  let escaped = false;
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Tab' && escaped && !e.ctrlKey && !e.altKey && !e.metaKey) {
      e.preventDefault();
      e.stopPropagation();
      escaped = false;
      focusBeyond(box, e.shiftKey, fallback);
      return;
    }
    escaped = e.key === 'Escape' || (escaped && e.key === 'Shift');
  };
  box.addEventListener('keydown', onKeyDown, true);
  return () => box.removeEventListener('keydown', onKeyDown, true);
}
