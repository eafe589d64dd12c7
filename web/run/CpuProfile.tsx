/**
 * Where the main thread's CPU went in the run (runner/sandbox/profile-summary.ts): the
 * service's hottest lines with their self time and share, the functions, and the platform's
 * own work. A line's row puts the cursor on that line; the hottest lines are also marked in
 * the editor's gutter while the run is shown.
 */
import { useEffect, useState } from 'react';
import type { CpuProfile as Profile } from '../../runner/index.ts';
import { getEditorHandle, onEditorHandleChange } from '../editor/editorHandle.ts';
import { formatSelfMs, formatShare, heatLevel, heatMarks } from './profileHeat.ts';

/** Rows the table shows at first; the rest of the summary's lines behind "Show all". */
const LINES_SHOWN = 8;

export function CpuProfile({ profile }: { profile: Profile | undefined }) {
  const [view, setView] = useState<'lines' | 'functions'>('lines');
  const [all, setAll] = useState(false);
  useGutterHeat(profile);
  if (!profile || profile.busyMs <= 0) return null;
  const share = (ms: number): number => ms / profile.busyMs;
  const lines = all ? profile.lines : profile.lines.slice(0, LINES_SHOWN);
  return (
    <section className="panel cpu-profile" data-testid="profile" aria-labelledby="profile-title">
      <h3 id="profile-title">Where the CPU went</h3>
      <p className="muted small">
        The main thread was busy for {formatSelfMs(profile.busyMs)}. Self time: what a line did itself, with the platform calls it made
        (pbkdf2Sync, JSON.stringify…), not the functions it called.
      </p>
      <fieldset className="profile-tabs">
        <legend className="muted">Group by</legend>
        <button type="button" className="link-button" aria-pressed={view === 'lines'} onClick={() => setView('lines')}>
          Lines
        </button>
        <button type="button" className="link-button" aria-pressed={view === 'functions'} onClick={() => setView('functions')}>
          Functions
        </button>
      </fieldset>
      <div className="table-scroll">
        {view === 'lines' ? (
          <table className="slo-table profile-table" data-testid="profile-lines">
            <thead>
              <tr>
                <th scope="col">Line</th>
                <th scope="col">Code</th>
                <th scope="col">Function</th>
                <th scope="col" className="num">
                  Self
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {lines.map((l) => (
                <tr key={l.line} data-testid="profile-line" data-line={l.line} data-heat={heatLevel(share(l.selfMs))}>
                  <td>
                    <button
                      type="button"
                      className="link-button mono"
                      onClick={() => getEditorHandle()?.reveal(l.line)}
                      aria-label={`Show line ${l.line} in the editor`}
                    >
                      {l.line}
                    </button>
                  </td>
                  <td className="mono profile-code">{l.text}</td>
                  <td className="mono">{l.functionName}</td>
                  <td className="num" title={breakdown(l.javascriptMs, l.platformMs)}>
                    {formatSelfMs(l.selfMs)}
                  </td>
                  <td className="num">
                    <ShareBar share={share(l.selfMs)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <table className="slo-table profile-table" data-testid="profile-functions">
            <thead>
              <tr>
                <th scope="col">Function</th>
                <th scope="col" className="num">
                  Self
                </th>
                <th scope="col" className="num">
                  Share
                </th>
              </tr>
            </thead>
            <tbody>
              {profile.functions.map((f) => (
                <tr key={`${f.line}-${f.name}`} data-testid="profile-function">
                  <td>
                    <button type="button" className="link-button mono" onClick={() => getEditorHandle()?.reveal(f.line)}>
                      {f.name}
                    </button>{' '}
                    <span className="muted small">line {f.line}</span>
                  </td>
                  <td className="num">{formatSelfMs(f.selfMs)}</td>
                  <td className="num">
                    <ShareBar share={share(f.selfMs)} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
      {view === 'lines' && profile.lines.length > LINES_SHOWN && (
        <button type="button" className="link-button small" onClick={() => setAll(!all)}>
          {all ? 'Show fewer lines' : `Show all ${profile.lines.length} lines`}
        </button>
      )}
      {profile.platform.length > 0 && (
        <>
          <h4 className="profile-subtitle">Not in your code</h4>
          <ul className="profile-buckets" data-testid="profile-platform">
            {profile.platform.map((b) => (
              <li key={b.label}>
                <span className="mono">{b.label}</span> {formatSelfMs(b.ms)} ({formatShare(share(b.ms))})
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

/** A share as a number and a bar, so the table reads at a glance. */
function ShareBar({ share }: { share: number }) {
  return (
    <span className="share">
      <span className="share-bar" aria-hidden="true">
        <span className={`share-fill heat-${heatLevel(share)}`} style={{ width: `${Math.min(100, share * 100)}%` }} />
      </span>
      {formatShare(share)}
    </span>
  );
}

function breakdown(javascriptMs: number, platformMs: number): string {
  return `its JavaScript ${formatSelfMs(javascriptMs)}, platform calls ${formatSelfMs(platformMs)}`;
}

/**
 * Marks the profile's hottest lines in the editor while the profile is shown, also when the
 * editor mounts later; clears them when it goes.
 */
function useGutterHeat(profile: Profile | undefined): void {
  useEffect(() => {
    const marks = heatMarks(profile);
    const apply = (): void => getEditorHandle()?.showHeat(marks);
    apply();
    const off = onEditorHandleChange(apply);
    return () => {
      off();
      getEditorHandle()?.showHeat([]);
    };
  }, [profile]);
}
