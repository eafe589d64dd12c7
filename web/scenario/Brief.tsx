import { type ReactNode, useMemo } from 'react';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';
import { renderMarkdown } from '../markdown/renderMarkdown.ts';
import { useUi } from '../store/uiStore.ts';
import { sloTarget } from '../run/format.ts';

export interface BriefProps {
  entry: CatalogEntry;
  info: ScenarioInfo | undefined;
  /** Replaces the hints and leaves out the follow-up questions (an interview round shows its own). */
  hints?: ReactNode;
}

/** The scenario's story, goals, SLO targets, hints (one at a time) and follow-up questions. */
export function Brief({ entry, info, hints }: BriefProps) {
  const readme = entry.readme;
  const html = useMemo(
    () =>
      readme
        ? { story: renderMarkdown(readme.story), goals: renderMarkdown(readme.goals), followUps: renderMarkdown(readme.followUps) }
        : null,
    [readme],
  );
  if (!readme || !html) {
    return <p className="card-error">This scenario's README could not be read: {entry.readmeError}</p>;
  }
  return (
    <div className="brief">
      <div className="brief-meta">
        <span className={`badge badge-${readme.meta.difficulty}`}>{readme.meta.difficulty}</span>
        <span className="muted">~{readme.meta.minutes} min</span>
        {readme.meta.tags.map((t) => (
          <span key={t} className="tag">
            {t}
          </span>
        ))}
      </div>
      <div className="prose" dangerouslySetInnerHTML={{ __html: html.story }} />
      {readme.goals && (
        <>
          <h2>Goals</h2>
          <div className="prose" dangerouslySetInnerHTML={{ __html: html.goals }} />
        </>
      )}
      <h2>Service-level objectives</h2>
      <SloTargets info={info} />
      {hints ?? <Hints id={entry.id} hints={readme.hints} />}
      {hints === undefined && readme.followUps && (
        <details className="follow-ups">
          <summary>Follow-up questions</summary>
          <div className="prose" dangerouslySetInnerHTML={{ __html: html.followUps }} />
        </details>
      )}
    </div>
  );
}

function SloTargets({ info }: { info: ScenarioInfo | undefined }) {
  if (!info) return <p className="muted small">Loading targets…</p>;
  return (
    <>
      <ul className="slo-targets" data-testid="slo-targets">
        {info.slos.map((s) => (
          <li key={`${s.metric} ${s.threshold}`}>
            <span>{s.label}</span>
            <span className="slo-target" title={`${s.metric} ${s.threshold}`}>
              {sloTarget(s.metric, s.threshold)}
            </span>
          </li>
        ))}
      </ul>
      <p className="muted small">
        Measured over {Math.round(info.durationMs / 1000)} s of simulated traffic
        {info.clientTimeoutMs ? `; clients give up after ${info.clientTimeoutMs / 1000} s` : ''}.
      </p>
    </>
  );
}

function Hints({ id, hints }: { id: string; hints: string[] }) {
  const shown = useUi((s) => s.hintsShown[id] ?? 0);
  const showNext = useUi((s) => s.showNextHint);
  const rendered = useMemo(() => hints.map((h) => renderMarkdown(h)), [hints]);
  if (hints.length === 0) return null;
  return (
    <section className="hints" data-testid="hints">
      <h2>Hints</h2>
      <ol>
        {rendered.slice(0, shown).map((h, i) => (
          <li key={i} className="prose" dangerouslySetInnerHTML={{ __html: h }} />
        ))}
      </ol>
      {shown < hints.length ? (
        <button className="button button-quiet" onClick={() => showNext(id)} data-testid="next-hint">
          {shown === 0 ? 'Show a hint' : 'Show the next hint'} ({shown + 1} of {hints.length})
        </button>
      ) : (
        <p className="muted small">That was the last hint.</p>
      )}
    </section>
  );
}
