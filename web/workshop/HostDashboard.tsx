/**
 * The host's dashboard of a room, live: a row per learner (raised hands first), how many
 * solved each scenario and the finding failed runs show most, a message or hint to the room,
 * the results as CSV or JSON, and closing the room at the end. The host token comes from this browser's storage (put
 * there when the room was made, or pasted here), never from the link.
 */
import { type FormEvent, useState } from 'react';
import { workshopJoinHref } from '../app/route.ts';
import { downloadText } from '../interview/download.ts';
import { type Dashboard, workshopApi } from './api.ts';
import { BroadcastForm } from './BroadcastForm.tsx';
import { CloseRoom } from './CloseRoom.tsx';
import { CopyButton } from './CopyButton.tsx';
import { dashboardRows, exportFileName } from './dashboardRows.ts';
import { linkTo, scenarioTitle } from './links.ts';
import { forgetHostToken, hostToken, saveHostToken } from './sessions.ts';
import { useHostDashboard } from './useHostDashboard.ts';

export function HostDashboard({ code }: { code: string }) {
  const [token, setToken] = useState(() => hostToken(code));
  if (!token) return <TokenForm code={code} onToken={setToken} />;
  return (
    <Live
      code={code}
      token={token}
      onForget={() => {
        forgetHostToken(code);
        setToken(undefined);
      }}
    />
  );
}

const STATUS_WORDS = { connecting: 'Connecting…', live: 'Live', reconnecting: 'Reconnecting…', refused: 'Refused' } as const;

function Live({ code, token, onForget }: { code: string; token: string; onForget(): void }) {
  const { dashboard, nowMs, status, message } = useHostDashboard(code, token);
  const joinLink = linkTo(workshopJoinHref(code));
  return (
    <main className="catalog workshop-page host-dashboard" data-testid="host-dashboard">
      <nav className="crumbs">
        <a href="#/">← All scenarios</a>
      </nav>
      <header className="host-head">
        <h1>{dashboard ? dashboard.room.name : `Room ${code}`}</h1>
        <p className={`live-status live-${status}`} role="status" data-testid="host-live-status">
          {STATUS_WORDS[status]}
          {message && status !== 'live' ? `: ${message}` : ''}
        </p>
      </header>
      <p>
        Join code <strong className="join-code mono">{code}</strong> · link for learners:{' '}
        <a href={workshopJoinHref(code)} className="mono">
          {joinLink}
        </a>{' '}
        <CopyButton text={joinLink} label="Copy the join link" />
      </p>
      {status === 'refused' && (
        <div className="panel panel-error" role="alert">
          <p>This browser's host token for room {code} was refused.</p>
          <button type="button" className="button" onClick={onForget}>
            Enter the host token again
          </button>
        </div>
      )}
      {dashboard && <Learners dashboard={dashboard} nowMs={nowMs} />}
      {dashboard && <RoomWide dashboard={dashboard} />}
      <BroadcastForm code={code} token={token} />
      <Exports code={code} token={token} />
      {dashboard && <CloseRoom code={code} token={token} closedAtMs={dashboard.room.closedAtMs} />}
    </main>
  );
}

function Learners({ dashboard, nowMs }: { dashboard: Dashboard; nowMs: number }) {
  const rows = dashboardRows(dashboard.learners, dashboard.room.track, nowMs);
  const hands = rows.filter((r) => r.handRaised).length;
  return (
    <section aria-labelledby="ws-learners-title">
      <h2 id="ws-learners-title">
        Learners ({rows.length}
        {hands > 0 ? `, ${hands} with a raised hand` : ''})
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No one has joined yet. Give the room the join code above.</p>
      ) : (
        <div className="table-scroll">
          <table className="compare-table learners-table" data-testid="learners-table">
            <thead>
              <tr>
                <th scope="col">Learner</th>
                <th scope="col">Scenario</th>
                <th scope="col">SLOs</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col">Time on it</th>
                <th scope="col">Last finding or error</th>
                <th scope="col">Hand</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr
                  key={r.learnerId}
                  className={r.handRaised ? 'hand-raised' : undefined}
                  data-testid="learner-row"
                  data-learner={r.name}
                  data-solved={r.solved}
                >
                  <th scope="row">{r.name}</th>
                  <td>
                    <span className="muted small">{r.step}</span> {scenarioTitle(r.scenarioId)}
                    {r.solved && <span className="solved-mark"> ✓ solved</span>}
                  </td>
                  <td data-testid="learner-slos">{r.slos}</td>
                  <td className="num" data-testid="learner-runs">
                    {r.runs}
                  </td>
                  <td className={r.overTime ? 'over-time' : undefined}>
                    {r.timeOnScenario}
                    {r.overTime && <span className="small"> (over its time box)</span>}
                  </td>
                  <td className="last-finding" data-testid="learner-last">
                    {r.last}
                  </td>
                  <td data-testid="learner-hand">
                    {r.handRaised ? <strong className="hand-mark">Raised</strong> : <span className="muted">–</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function RoomWide({ dashboard }: { dashboard: Dashboard }) {
  const total = dashboard.learners.length;
  return (
    <section aria-labelledby="ws-room-title">
      <h2 id="ws-room-title">The room</h2>
      <div className="table-scroll">
        <table className="compare-table" data-testid="scenarios-table">
          <thead>
            <tr>
              <th scope="col">Scenario</th>
              <th scope="col" className="num">
                Solved
              </th>
              <th scope="col" className="num">
                Tried
              </th>
              <th scope="col" className="num">
                Runs
              </th>
              <th scope="col">Most common finding of failed runs</th>
            </tr>
          </thead>
          <tbody>
            {dashboard.scenarios.map((s) => (
              <tr key={s.scenarioId} data-testid="scenario-row" data-scenario={s.scenarioId}>
                <th scope="row">{scenarioTitle(s.scenarioId)}</th>
                <td className="num" data-testid="scenario-solved">
                  {s.solved} of {total}
                </td>
                <td className="num">{s.attempted}</td>
                <td className="num">{s.runs}</td>
                <td>{s.topFailingFinding ? `${s.topFailingFinding.title} (${s.topFailingFinding.count}×)` : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {dashboard.topFailingFinding && (
        <p data-testid="top-finding">
          Across the track, failed runs most often show: <strong>{dashboard.topFailingFinding.title}</strong> (
          {dashboard.topFailingFinding.count === 1 ? '1 run' : `${dashboard.topFailingFinding.count} runs`}).
        </p>
      )}
    </section>
  );
}

function Exports({ code, token }: { code: string; token: string }) {
  const [error, setError] = useState<string | null>(null);
  const download = async (kind: 'csv' | 'json') => {
    setError(null);
    try {
      const text = await workshopApi.exportText(code, token, kind);
      downloadText(exportFileName(code, kind, Date.now()), kind === 'csv' ? 'text/csv' : 'application/json', text);
    } catch (err) {
      setError(`The ${kind.toUpperCase()} export failed: ${(err as Error).message}`);
    }
  };
  return (
    <section aria-labelledby="ws-export-title">
      <h2 id="ws-export-title">Results</h2>
      <p className="muted small">
        A row per learner and track scenario (CSV), or the dashboard with every run (JSON). Never anyone's code.
      </p>
      <div className="button-row">
        <button type="button" className="button" onClick={() => void download('csv')} data-testid="ws-export-csv">
          Download CSV
        </button>
        <button type="button" className="button" onClick={() => void download('json')} data-testid="ws-export-json">
          Download JSON
        </button>
      </div>
      {error && (
        <p className="panel panel-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

function TokenForm({ code, onToken }: { code: string; onToken(token: string): void }) {
  const [value, setValue] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const token = value.trim();
    if (!token) return;
    saveHostToken(code, token);
    onToken(token);
  };
  return (
    <main className="catalog interviewer workshop-page" data-testid="host-token-form">
      <nav className="crumbs">
        <a href="#/">← All scenarios</a>
      </nav>
      <h1>Host room {code}</h1>
      <p className="muted">
        This browser has no host token for this room. Paste the one shown when the room was made; it stays in this browser's storage and
        never goes into a link. A lost token cannot be recovered: make a new room.
      </p>
      <form onSubmit={submit} className="interviewer-fields">
        <label>
          Host token
          <input
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => setValue(e.target.value)}
            required
            data-testid="ws-token-input"
          />
        </label>
        <button type="submit" className="button button-primary">
          Open the dashboard
        </button>
      </form>
    </main>
  );
}
