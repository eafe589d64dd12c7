/**
 * A candidate's interview round, opened from its link: the brief, the editor, Run and the
 * usual results, a timer, and Submit. No reveal, no diff against the solution, no share.
 * Everything is recorded (RoundRecorder); once submitted, the page runs the final checks and
 * offers the report.
 */
import { useMemo } from 'react';
import { decodeInterviewLink, InterviewLinkError, type InterviewSettings } from '../../runner/interview/index.ts';
import { type CatalogEntry, findScenario } from '../catalog/scenarios.ts';
import { CandidateView } from './CandidateView.tsx';
import { SubmittedView } from './SubmittedView.tsx';
import { useRoundRecorder } from './useRoundRecorder.ts';

export function InterviewPage({ payload }: { payload: string }) {
  const decoded = useMemo((): { settings: InterviewSettings } | { error: string } => {
    try {
      return { settings: decodeInterviewLink(payload) };
    } catch (e) {
      return { error: e instanceof InterviewLinkError ? e.message : 'The interview link could not be read.' };
    }
  }, [payload]);
  if ('error' in decoded) return <LinkProblem text={decoded.error} />;
  const entry = findScenario(decoded.settings.scenarioId);
  if (!entry)
    return <LinkProblem text={`The interview link is for a scenario this lab does not have ("${decoded.settings.scenarioId}").`} />;
  return <Round settings={decoded.settings} entry={entry} />;
}

function Round({ settings, entry }: { settings: InterviewSettings; entry: CatalogEntry }) {
  const { recorder, durable } = useRoundRecorder(settings, entry.starter);
  if (!recorder) {
    return (
      <main className="catalog">
        <p className="muted">Opening the round…</p>
      </main>
    );
  }
  return recorder.submitted ? (
    <SubmittedView settings={settings} entry={entry} recorder={recorder} />
  ) : (
    <CandidateView settings={settings} entry={entry} recorder={recorder} durable={durable} />
  );
}

function LinkProblem({ text }: { text: string }) {
  return (
    <main className="catalog" data-testid="interview-link-problem">
      <h1>This interview link cannot be used</h1>
      <p role="alert">{text}</p>
      <p>
        <a href="#/">Back to all scenarios</a>
      </p>
    </main>
  );
}
