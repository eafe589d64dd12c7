/**
 * A button that copies a text and says whether it could. The Clipboard API exists only on
 * https and localhost, and a room often reaches the host's laptop over plain http: then the
 * button says to copy by hand and `onFailed` can show the text to select.
 */
import { useState } from 'react';

export function CopyButton({ text, label, onFailed, testId }: { text: string; label: string; onFailed?(): void; testId?: string }) {
  const [result, setResult] = useState<'copied' | 'failed' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setResult('copied');
    } catch {
      setResult('failed');
      onFailed?.();
    }
  };
  return (
    <>
      <button type="button" className="button" onClick={() => void copy()} data-testid={testId}>
        {label}
      </button>
      <span role="status" className="muted small copy-result">
        {result === 'copied'
          ? 'Copied.'
          : result === 'failed'
            ? 'This browser cannot copy from this page: select the text and copy it.'
            : ''}
      </span>
    </>
  );
}
