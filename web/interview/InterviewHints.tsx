/** The scenario's hints, as many as the round allows, each opening recorded. */
import { useMemo } from 'react';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { renderMarkdown } from '../markdown/renderMarkdown.ts';
import type { RoundRecorder } from './RoundRecorder.ts';

export function InterviewHints({ entry, recorder, allowed }: { entry: CatalogEntry; recorder: RoundRecorder; allowed: number }) {
  const hints = entry.readme?.hints ?? [];
  const rendered = useMemo(() => hints.map((h) => renderMarkdown(h)), [hints]);
  const limit = Math.min(allowed, hints.length);
  const shown = Math.min(recorder.hintsOpened, limit);
  if (limit === 0) return <p className="muted small">No hints in this round.</p>;
  return (
    <section className="hints" data-testid="hints">
      <h2>Hints</h2>
      <ol>
        {rendered.slice(0, shown).map((h, i) => (
          <li key={i} className="prose" dangerouslySetInnerHTML={{ __html: h }} />
        ))}
      </ol>
      {shown < limit ? (
        <button className="button button-quiet" onClick={() => recorder.append({ type: 'hint', index: shown })} data-testid="next-hint">
          Open a hint ({shown + 1} of {limit} allowed; the report shows it)
        </button>
      ) : (
        <p className="muted small">No more hints in this round.</p>
      )}
    </section>
  );
}
