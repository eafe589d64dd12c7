/**
 * The bar a learner sees under the top bar once they have joined a room: the room, its track
 * with the open step marked, the time left on the current scenario's time box, a hand to raise, the host's broadcasts as they arrive, and any
 * workshop problem (a report waiting to be sent, the server out of reach). Problems stay
 * here: the lab around it works as it does without a room.
 */
import { scenarioHref } from '../app/route.ts';
import { leaveWorkshop, setHand, useLearnerWorkshop } from './learnerWorkshop.ts';
import { scenarioTitle } from './links.ts';
import { TimeBoxCountdown } from './TimeBoxCountdown.tsx';

export function WorkshopBar({ openScenarioId }: { openScenarioId: string | null }) {
  const { session, liveProblem, problem, outbox, broadcasts, handRaised, progress, onScenario, serverOffsetMs } = useLearnerWorkshop();
  if (!session) return null;
  const latest = broadcasts.at(-1);
  const closed = session.room.closedAtMs !== undefined;
  // A report refused because the room closed is said once, by the closed notice below.
  const troubles = [closed ? null : outbox.error, problem, liveProblem].filter((t): t is string => t !== null);
  return (
    <section className="workshop-bar" aria-label="Workshop" data-testid="workshop-bar">
      <div className="workshop-bar-row">
        <strong className="workshop-room">
          {session.room.name} <span className="muted small mono">{session.code}</span>
        </strong>
        <ol className="workshop-track" aria-label="Track">
          {session.room.track.map((step, i) => {
            const current = step.scenarioId === openScenarioId;
            const solved = progress[step.scenarioId]?.solved === true;
            return (
              <li key={step.scenarioId} className={current ? 'current' : undefined} data-testid="workshop-step" data-solved={solved}>
                <a href={scenarioHref(step.scenarioId)} aria-current={current ? 'step' : undefined}>
                  {i + 1}. {scenarioTitle(step.scenarioId)}
                </a>
                {step.minutes !== undefined && <span className="muted small"> ({step.minutes} min)</span>}
                {solved && (
                  <span className="solved-mark">
                    {' '}
                    <span aria-hidden="true">✓</span>
                    <span className="visually-hidden">solved</span>
                  </span>
                )}
              </li>
            );
          })}
        </ol>
        <TimeBoxCountdown track={session.room.track} onScenario={onScenario} serverOffsetMs={serverOffsetMs} />
        <span className="muted small">as {session.name}</span>
        {!closed && (
          <button
            type="button"
            className={handRaised ? 'button button-primary' : 'button'}
            aria-pressed={handRaised}
            onClick={() => void setHand(!handRaised)}
            data-testid="workshop-hand"
          >
            {handRaised ? 'Lower hand' : 'Raise hand'}
          </button>
        )}
        <button type="button" className="button button-quiet" onClick={leaveWorkshop} data-testid="workshop-leave">
          Leave
        </button>
      </div>
      <div className="workshop-bar-news" role="status" aria-live="polite">
        {closed && (
          <p data-testid="workshop-closed">
            <strong>The host has closed this room.</strong> Your runs are no longer sent to it; the lab keeps working on its own.
          </p>
        )}
        {latest && (
          <p className={`workshop-broadcast workshop-broadcast-${latest.kind}`} data-testid="workshop-broadcast">
            <strong>{latest.kind === 'hint' ? 'Hint from the host: ' : 'From the host: '}</strong>
            {latest.text}
          </p>
        )}
        {outbox.pending > 0 && !outbox.error && (
          <p className="muted small" data-testid="workshop-pending">
            Sending {outbox.pending === 1 ? 'a run' : `${outbox.pending} runs`} to the room…
          </p>
        )}
      </div>
      {troubles.length > 0 && (
        <div className="workshop-problem" role="alert" data-testid="workshop-problem">
          {troubles.map((t) => (
            <p key={t}>{t}</p>
          ))}
        </div>
      )}
      {broadcasts.length > 1 && (
        <details className="workshop-earlier">
          <summary>Earlier messages ({broadcasts.length - 1})</summary>
          <ul>
            {broadcasts
              .slice(0, -1)
              .reverse()
              .map((b) => (
                <li key={b.id}>
                  {b.kind === 'hint' ? 'Hint: ' : ''}
                  {b.text}
                </li>
              ))}
          </ul>
        </details>
      )}
    </section>
  );
}
