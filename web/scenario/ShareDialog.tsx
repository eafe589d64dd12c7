import { useMemo, useState } from 'react';
import { Modal } from './Modal.tsx';
import { shareUrl } from '../share/shareLink.ts';

/** The share link for the current code, seed and load scale. */
export function ShareDialog({
  scenarioId,
  code,
  seed,
  loadScale,
  onClose,
}: {
  scenarioId: string;
  code: string;
  seed: number;
  loadScale: number;
  onClose(): void;
}) {
  const url = useMemo(() => shareUrl({ scenarioId, code, seed, loadScale }), [scenarioId, code, seed, loadScale]);
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  return (
    <Modal title="Share this code" onClose={onClose} testId="share-dialog">
      <p>
        The link carries the scenario, your code, seed {seed} and load ×{loadScale}, compressed into the part after <code>#</code>, which
        browsers never send to a server. Opening it loads the code without running it.
      </p>
      <div className="share-row">
        <input
          className="share-url mono"
          readOnly
          value={url}
          onFocus={(e) => e.target.select()}
          data-testid="share-url"
          aria-label="Share link"
        />
        <button
          className="button button-primary"
          onClick={() =>
            navigator.clipboard.writeText(url).then(
              () => setCopied('yes'),
              () => setCopied('failed'),
            )
          }
        >
          Copy
        </button>
      </div>
      <p className="muted small" aria-live="polite">
        {copied === 'yes'
          ? 'Copied.'
          : copied === 'failed'
            ? 'Could not copy: select the link and copy it by hand.'
            : `${url.length.toLocaleString('en-US')} characters.`}
      </p>
    </Modal>
  );
}
