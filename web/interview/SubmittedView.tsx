/**
 * After the submission: runs the final checks (the final code on the candidate's seeds, then
 * on the hidden ones), recording each, and offers the report as one HTML file and as JSON.
 * A reload during the checks runs only those still missing.
 */
import { useEffect, useMemo, useState } from 'react';
import { type InterviewSettings, makeReport, reportJson, reportView, sha256Hex } from '../../runner/interview/index.ts';
import { lab } from '../app/lab.ts';
import type { CatalogEntry } from '../catalog/scenarios.ts';
import { Findings } from '../run/Findings.tsx';
import { clampScale } from '../scenario/useScenarioRun.ts';
import { useUi } from '../store/uiStore.ts';
import { allChecks, pendingChecks, runCheck } from './finalChecks.ts';
import { downloadText } from './download.ts';
import { reportHtml } from './reportHtml.ts';
import type { RoundRecorder } from './RoundRecorder.ts';
import { ReportRuns } from './ReportRuns.tsx';

export function SubmittedView({
  settings,
  entry,
  recorder,
}: {
  settings: InterviewSettings;
  entry: CatalogEntry;
  recorder: RoundRecorder;
}) {
  const info = useUi((s) => s.scenarioInfo?.[entry.id]);
  const checks = useMemo(() => (info ? allChecks(settings, clampScale(1, info.loadScale)) : null), [info, settings]);
  const pending = checks ? pendingChecks(recorder.records, checks) : null;
  const [error, setError] = useState<string | null>(null);
  const title = entry.readme?.meta.title ?? entry.id;

  useEffect(() => {
    if (!checks) return;
    let live = true;
    void (async () => {
      try {
        for (const check of pendingChecks(recorder.records, checks)) {
          const code = recorder.code;
          const outcome = await runCheck(lab, entry.id, code, check);
          if (!live) return;
          recorder.append({
            type: 'run',
            purpose: check.purpose,
            code,
            codeSha256: sha256Hex(code),
            seed: check.seed,
            loadScale: check.loadScale,
            summary: 'summary' in outcome ? outcome.summary : null,
            ...('failure' in outcome ? { failure: outcome.failure } : {}),
          });
        }
      } catch (e) {
        setError(e instanceof Error ? e.message : String(e));
      }
    })();
    return () => {
      live = false;
    };
  }, [checks, recorder, entry.id]);

  const done = pending !== null && pending.length === 0;
  const view = reportView(recorder.records, title);
  const final = view.runs.find((r) => r.purpose === 'final');
  const fileName = `tailspin-interview-${entry.id}-${recorder.roundId.slice(0, 12)}`;
  return (
    <main className="catalog interview-submitted" data-testid="interview-submitted" data-checks-done={done}>
      <p className="interview-badge">Interview round · submitted</p>
      <h1>{title}</h1>
      <p>
        {view.submitReason === 'timeout' ? 'The time was up, so the code was submitted automatically.' : 'Your code is submitted.'}{' '}
        {done
          ? 'These are its results on the seeds you used and on the hidden checks.'
          : `Running the final checks: ${(checks?.length ?? 0) - (pending?.length ?? 0)} of ${checks?.length ?? '…'} done…`}
      </p>
      {error && (
        <p className="panel panel-error" role="alert">
          {error}
        </p>
      )}
      <ReportRuns runs={view.runs.filter((r) => r.purpose !== 'visible')} />
      {final && final.findings.length > 0 && <Findings findings={final.findings} />}
      {done && (
        <div className="report-downloads">
          <button
            className="button button-primary"
            data-testid="download-html"
            onClick={() => downloadText(`${fileName}.html`, 'text/html', reportHtml(makeReport(recorder.records), view))}
          >
            Download the report (HTML)
          </button>
          <button
            className="button"
            data-testid="download-json"
            onClick={() => downloadText(`${fileName}.json`, 'application/json', reportJson(makeReport(recorder.records)))}
          >
            Download the data (JSON)
          </button>
          <p className="muted small">
            Send the report to your interviewer. Anyone can check it with <code>tailspin verify {fileName}.html</code>, which runs every
            recorded run again.
          </p>
        </div>
      )}
    </main>
  );
}
