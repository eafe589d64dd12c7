/**
 * The interviewer's form: a scenario, a time limit, how many hints, the seeds the candidate
 * sees and the hidden checks (other seeds, a load scale within the scenario's range). It
 * makes the round's link; nothing is sent anywhere.
 */
import { type FormEvent, useState } from 'react';
import {
  checkAgainstScenario,
  encodeInterviewLink,
  HINTS_ALLOWED_MAX,
  InterviewLinkError,
  type InterviewSettings,
  settingsSha256,
  TIME_LIMIT_MIN,
} from '../../runner/interview/index.ts';
import { catalog } from '../catalog/scenarios.ts';
import { useUi } from '../store/uiStore.ts';

/** "1, 2 3" → [1, 2, 3]; anything else is left for the link's checks to name. */
function parseSeeds(text: string): number[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : Number.NaN));
}

export function InterviewerForm() {
  const infos = useUi((s) => s.scenarioInfo);
  const [scenarioId, setScenarioId] = useState(catalog[0]?.id ?? '');
  const [timeLimitMin, setTimeLimitMin] = useState('45');
  const [hintsAllowed, setHintsAllowed] = useState('1');
  const [visibleSeeds, setVisibleSeeds] = useState('1');
  const [hiddenSeeds, setHiddenSeeds] = useState('2, 3');
  const [hiddenScale, setHiddenScale] = useState('1');
  const [result, setResult] = useState<{ url: string; roundId: string } | { error: string } | null>(null);
  const bounds = infos?.[scenarioId]?.loadScale;

  const make = (e: FormEvent) => {
    e.preventDefault();
    const settings: InterviewSettings = {
      scenarioId,
      timeLimitMin: Number(timeLimitMin),
      hintsAllowed: Number(hintsAllowed),
      reveal: false,
      visibleSeeds: parseSeeds(visibleSeeds),
      hidden: { seeds: parseSeeds(hiddenSeeds), loadScale: Number(hiddenScale) },
    };
    try {
      if (bounds) checkAgainstScenario(settings, bounds);
      const url = new URL(location.href);
      url.hash = encodeInterviewLink(settings).slice(1);
      setResult({ url: url.toString(), roundId: settingsSha256(settings).slice(0, 12) });
    } catch (err) {
      setResult({ error: err instanceof InterviewLinkError ? err.message : String(err) });
    }
  };

  return (
    <main className="catalog interviewer" data-testid="interviewer-form">
      <nav className="crumbs">
        <a href="#/">← All scenarios</a>
      </nav>
      <h1>Set up an interview round</h1>
      <p className="muted">
        The candidate gets a timer, the brief, the editor and Run; no solution and no diff against it. Everything they do is recorded, and
        at the end they send you a report that <code>tailspin verify</code> can check by running it again.
      </p>
      <form onSubmit={make} className="interviewer-fields">
        <label>
          Scenario
          <select value={scenarioId} onChange={(e) => setScenarioId(e.target.value)} data-testid="iv-scenario">
            {catalog.map((c) => (
              <option key={c.id} value={c.id}>
                {c.readme?.meta.title ?? c.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Time limit (minutes, {TIME_LIMIT_MIN.min} to {TIME_LIMIT_MIN.max})
          <input type="number" value={timeLimitMin} onChange={(e) => setTimeLimitMin(e.target.value)} data-testid="iv-time" />
        </label>
        <label>
          Hints the candidate may open (0 to {HINTS_ALLOWED_MAX})
          <input type="number" value={hintsAllowed} onChange={(e) => setHintsAllowed(e.target.value)} data-testid="iv-hints" />
        </label>
        <label>
          Seeds the candidate runs with
          <input value={visibleSeeds} onChange={(e) => setVisibleSeeds(e.target.value)} data-testid="iv-visible-seeds" />
        </label>
        <label>
          Hidden seeds, checked after submission
          <input value={hiddenSeeds} onChange={(e) => setHiddenSeeds(e.target.value)} data-testid="iv-hidden-seeds" />
        </label>
        <label>
          Hidden load scale {bounds ? `(×${bounds.min} to ×${bounds.max})` : ''}
          <input
            type="number"
            step={0.1}
            value={hiddenScale}
            onChange={(e) => setHiddenScale(e.target.value)}
            data-testid="iv-hidden-scale"
          />
        </label>
        <p className="muted small">Solution reveal: always off in a round.</p>
        <button className="button button-primary" type="submit" data-testid="iv-make">
          Make the link
        </button>
      </form>
      {result &&
        ('error' in result ? (
          <p className="panel panel-error" role="alert" data-testid="iv-error">
            {result.error}
          </p>
        ) : (
          <div className="panel" data-testid="iv-result">
            <p>
              The candidate's link (round <span className="mono">{result.roundId}</span>; the report names the same round, and{' '}
              <code>{"tailspin verify report.html --link '<link>'"}</code> checks that it does):
            </p>
            <input readOnly className="share-url mono" value={result.url} data-testid="iv-link" onFocus={(e) => e.target.select()} />
            <button className="button" onClick={() => void navigator.clipboard?.writeText(result.url)}>
              Copy
            </button>
          </div>
        ))}
    </main>
  );
}
