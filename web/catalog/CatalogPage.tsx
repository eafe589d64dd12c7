import { catalog } from './scenarios.ts';
import { scenarioHref } from '../app/route.ts';
import { useUi } from '../store/uiStore.ts';
import { inline } from '../markdown/renderMarkdown.ts';

export function CatalogPage() {
  const progress = useUi((s) => s.progress);
  const solvedCount = catalog.filter((e) => progress[e.id]?.solvedAt).length;
  return (
    <main className="catalog" data-testid="catalog">
      <div className="catalog-head">
        <h1>Scenarios</h1>
        <p className="muted">
          Each one is a small Node service with a real performance bug. Fix it in the editor and run it under simulated load until every SLO
          is met. {catalog.length > 0 && `${solvedCount} of ${catalog.length} solved.`}
        </p>
        <p className="small">
          <a href="#/interviewer" data-testid="interviewer-link">
            Interviewing? Set up a timed round with a verifiable report
          </a>
          {' · '}
          <a href="#/workshop/new" data-testid="workshop-new-link">
            Run a workshop
          </a>
          {' · '}
          <a href="#/workshop" data-testid="workshop-join-link">
            Join a workshop
          </a>
        </p>
      </div>
      {catalog.length === 0 ? (
        <p className="empty">No scenarios yet. Add a folder under scenarios/ and it appears here.</p>
      ) : (
        <ul className="catalog-grid">
          {catalog.map((e) => {
            const solved = Boolean(progress[e.id]?.solvedAt);
            const meta = e.readme?.meta;
            return (
              <li key={e.id} className="card" data-testid={`scenario-card-${e.id}`}>
                <a href={scenarioHref(e.id)} className="card-link">
                  <div className="card-top">
                    {meta ? (
                      <span className={`badge badge-${meta.difficulty}`}>{meta.difficulty}</span>
                    ) : (
                      <span className="badge">draft</span>
                    )}
                    <span className={solved ? 'status status-solved' : 'status'} data-testid="solved-status">
                      {solved ? '✓ Solved' : 'Not solved'}
                      {progress[e.id]?.solutionRevealed && <span className="muted"> · solution viewed</span>}
                    </span>
                  </div>
                  <h2>{meta?.title ?? e.id}</h2>
                  {e.readme ? (
                    <p className="card-story" dangerouslySetInnerHTML={{ __html: inline(firstSentence(e.readme.story)) }} />
                  ) : (
                    <p className="card-error">README problem: {e.readmeError}</p>
                  )}
                  <div className="card-foot">
                    <span className="tags">
                      {meta?.tags.map((t) => (
                        <span key={t} className="tag">
                          {t}
                        </span>
                      ))}
                    </span>
                    {meta && <span className="muted minutes">~{meta.minutes} min</span>}
                  </div>
                </a>
              </li>
            );
          })}
        </ul>
      )}
    </main>
  );
}

/** The story's first paragraph, cut at a word, never inside a code span. */
function firstSentence(story: string): string {
  const para =
    story
      .split(/\n\s*\n/)[0]
      ?.replace(/\s+/g, ' ')
      .trim() ?? '';
  if (para.length <= 220) return para;
  let cut = para.slice(0, 217).replace(/\s+\S*$/, '');
  if ((cut.match(/`/g)?.length ?? 0) % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`')).trimEnd();
  return cut + '…';
}
