/**
 * What the page says beside a run's results: that the code has changed since that run (after
 * an edit, Reset or Reveal the verdict shown is for the earlier code), and, after a run that
 * met every target, what to do next.
 */
import { useSyncExternalStore } from 'react';
import { scenarioHref } from '../app/route.ts';
import { type CatalogEntry, catalog } from '../catalog/scenarios.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';
import { useUi } from '../store/uiStore.ts';
import type { ScenarioCode } from './useScenarioCode.ts';

/** Shown while the editor holds other code than the run was given. */
export function ResultsStale({ code, runCode }: { code: ScenarioCode; runCode: string }) {
  const stale = useSyncExternalStore(code.subscribe, () => code.currentCode() !== runCode);
  if (!stale) return null;
  return (
    <p className="panel panel-stale" role="status" data-testid="results-stale">
      Your code has changed since this run: the results below are for the code as it was then. Run again to see the new code's.
    </p>
  );
}

/** The scenario after this one in the catalog, or null for the last. */
function nextScenario(id: string): CatalogEntry | null {
  const at = catalog.findIndex((e) => e.id === id);
  return at >= 0 && at + 1 < catalog.length ? catalog[at + 1] : null;
}

/** After every target is met: the next scenario, the follow-up questions, more load, another seed. */
export function NextSteps({ entry, info }: { entry: CatalogEntry; info: ScenarioInfo | undefined }) {
  const loadScale = useUi((s) => s.loadScale);
  const seed = useUi((s) => s.seed);
  const next = nextScenario(entry.id);
  const loadMax = info?.loadScale.max ?? 1;
  return (
    <section className="panel next-steps" data-testid="next-steps">
      <h3>Every target met. What next?</h3>
      <ul>
        <li>
          {next ? (
            <a href={scenarioHref(next.id)}>Next scenario: {next.readme?.meta.title ?? next.id} →</a>
          ) : (
            <a href="#/">That was the last scenario: back to all scenarios</a>
          )}
        </li>
        {entry.readme?.followUps && (
          <li>
            <button
              className="link-button"
              onClick={() => {
                useUi.getState().setSideTab('brief');
                requestAnimationFrame(() => {
                  const questions = document.querySelector<HTMLDetailsElement>('.follow-ups');
                  if (questions) {
                    questions.open = true;
                    questions.scrollIntoView({ block: 'start' });
                  }
                });
              }}
            >
              Answer the follow-up questions
            </button>{' '}
            <span className="muted">(in the Brief): would your fix hold in production?</span>
          </li>
        )}
        {loadScale < loadMax && (
          <li>
            <button className="link-button" onClick={() => useUi.getState().setLoadScale(loadMax)}>
              Set the load to ×{loadMax}
            </button>{' '}
            <span className="muted">and run again: how much traffic does your fix take?</span>
          </li>
        )}
        <li>
          <button className="link-button" onClick={() => useUi.getState().setSeed(seed + 1)}>
            Try seed {seed + 1}
          </button>{' '}
          <span className="muted">and run again: a fix that holds on other seeds was not luck.</span>
        </li>
      </ul>
    </section>
  );
}
