/**
 * A learner joins a room: the code (from the link, or typed) and a display name, no account.
 * Joining again with the same name continues that learner's progress, on this laptop or
 * another. Once in, the lab opens the first track scenario not yet solved.
 */
import { type FormEvent, useState } from 'react';
import { scenarioHref } from '../app/route.ts';
import { type Room, workshopApi } from './api.ts';
import { enterWorkshop } from './learnerWorkshop.ts';
import { scenarioTitle } from './links.ts';
import { isJoinCode, type LearnerSession, learnerSession, normalizeCode } from './sessions.ts';

const NAME_CHARS_MAX = 60;

/** Opens the first step of the track not solved yet (the first one if the server cannot say). */
async function openNextStep(session: LearnerSession): Promise<void> {
  let next = session.room.track[0]?.scenarioId;
  try {
    const me = await workshopApi.me(session.code, session.token);
    next = me.scenarios.find((s) => !s.solved)?.scenarioId ?? next;
  } catch {
    // The bar says what went wrong; the first step is a fine place to start.
  }
  if (next) location.hash = scenarioHref(next);
}

export function JoinPage({ code: linkCode }: { code: string }) {
  const [code, setCode] = useState(linkCode);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [room, setRoom] = useState<Room | null>(null);
  const saved = isJoinCode(code) ? learnerSession(code) : undefined;

  const join = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const normalized = normalizeCode(code);
    if (!isJoinCode(normalized)) return setError('A join code is six letters and digits, as the host gave it.');
    setBusy(true);
    try {
      const answer = await workshopApi.join(normalized, name.trim());
      const session: LearnerSession = {
        code: answer.room.code,
        token: answer.learnerToken,
        name: answer.learner.name,
        learnerId: answer.learner.id,
        room: answer.room,
      };
      setRoom(answer.room);
      enterWorkshop(session);
      await openNextStep(session);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const resume = async (session: LearnerSession) => {
    enterWorkshop(session);
    await openNextStep(session);
  };

  return (
    <main className="catalog interviewer workshop-page" data-testid="workshop-join">
      <nav className="crumbs">
        <a href="#/">← All scenarios</a>
      </nav>
      <h1>Join a workshop</h1>
      <p className="muted">
        Your runs' results (the verdict, the SLO values, the findings and a fingerprint of your code, never the code itself) go to the
        host's dashboard. Join again with the same name to carry on, here or on another computer.
      </p>
      {saved && (
        <div className="panel" data-testid="ws-resume">
          <p>
            You joined <strong>{saved.room.name}</strong> as <strong>{saved.name}</strong> in this browser.
          </p>
          <button type="button" className="button button-primary" onClick={() => void resume(saved)} data-testid="ws-resume-button">
            Continue as {saved.name}
          </button>
        </div>
      )}
      <form onSubmit={join} className="interviewer-fields">
        <label>
          Join code
          <input
            value={code}
            onChange={(e) => setCode(e.target.value)}
            required
            maxLength={6}
            autoCapitalize="characters"
            autoComplete="off"
            className="mono"
            data-testid="ws-join-code"
          />
        </label>
        <label>
          Your name, as the host will see it
          <input
            value={name}
            onChange={(e) => setName(e.target.value)}
            required
            maxLength={NAME_CHARS_MAX}
            autoComplete="nickname"
            data-testid="ws-join-name"
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="ws-join-button">
          {busy ? 'Joining…' : 'Join'}
        </button>
      </form>
      {room && (
        <p role="status" className="muted">
          Joined {room.name}; opening {scenarioTitle(room.track[0]?.scenarioId ?? '')}…
        </p>
      )}
      {error && (
        <p className="panel panel-error" role="alert" data-testid="ws-join-error">
          {error}
        </p>
      )}
    </main>
  );
}
