/**
 * The Drafts tab: every kept version of this scenario's code, newest first, each with what
 * changed from the starter and a button that brings it back (the code it replaces is kept
 * as a version too, so restoring loses nothing either).
 */
import { useEffect, useState } from 'react';
import { type DraftReason, type DraftVersion, draftHistory, VERSIONS_KEPT } from '../storage/draftHistory.ts';

const REASONS: Record<DraftReason, string> = {
  edit: 'typed',
  run: 'run',
  replaced: 'before it was replaced',
  'other-tab': 'from another tab',
};

/** The first line that differs from the starter: what tells one version from another. */
export function firstChange(code: string, starter: string): string {
  const mine = code.split('\n');
  const theirs = starter.split('\n');
  const at = mine.findIndex((line, i) => line !== theirs[i]);
  if (at < 0) return mine.length < theirs.length ? 'the starter, cut short' : 'the starter, unchanged';
  return `line ${at + 1}: ${mine[at].trim() || '(blank line)'}`;
}

export function Drafts({ scenarioId, starter, onRestore }: { scenarioId: string; starter: string; onRestore(code: string): void }) {
  const [versions, setVersions] = useState<DraftVersion[] | null>(null);
  useEffect(() => {
    let live = true;
    const load = () => void draftHistory.list(scenarioId).then((v) => live && setVersions(v));
    load();
    const unsubscribe = draftHistory.subscribe(scenarioId, load);
    return () => {
      live = false;
      unsubscribe();
    };
  }, [scenarioId]);

  if (versions === null) return <p className="muted">Reading your drafts…</p>;
  return (
    <>
      <p className="muted small">
        Every version of your code is kept here (the last {VERSIONS_KEPT}), whichever tab wrote it: when you pause typing, at each run, and
        before Reset, Reveal or a share link replaces it.
      </p>
      {versions.length === 0 ? (
        <p className="muted">No versions yet.</p>
      ) : (
        <ol className="history" data-testid="drafts">
          {versions.map((v) => (
            <li key={v.id ?? v.savedAt}>
              <div className="history-head">
                <span className="small">{REASONS[v.reason]}</span>
                <time className="muted small">{new Date(v.savedAt).toLocaleString()}</time>
              </div>
              <div className="mono small draft-change">{firstChange(v.code, starter)}</div>
              <div className="muted small">
                {v.code.split('\n').length} lines ·{' '}
                <button className="link-button" onClick={() => onRestore(v.code)}>
                  restore this version
                </button>
              </div>
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
