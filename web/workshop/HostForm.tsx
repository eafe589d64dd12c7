/**
 * The host's form that makes a workshop room: a name, an ordered track of scenarios from the
 * catalog, an optional time box per scenario. The server answers with the join code and the
 * host token; the token is kept in this browser's storage for the dashboard, and shown once
 * here to copy, since the server keeps only its hash and cannot give it again.
 */
import { type FormEvent, useState } from 'react';
import { catalog } from '../catalog/scenarios.ts';
import { workshopHostHref, workshopJoinHref } from '../app/route.ts';
import { type Room, type TrackStep, workshopApi } from './api.ts';
import { CopyButton } from './CopyButton.tsx';
import { linkTo, scenarioTitle } from './links.ts';
import { saveHostToken } from './sessions.ts';

/** The server's bounds (server/schemas.ts): said on the form rather than met as a refusal. */
const TRACK_STEPS_MAX = 20;
const MINUTES_MAX = 480;

interface DraftStep {
  scenarioId: string;
  /** As typed; empty means no time box. */
  minutes: string;
}

export function HostForm() {
  const [name, setName] = useState('');
  const [steps, setSteps] = useState<DraftStep[]>(() => catalog.slice(0, 1).map((c) => ({ scenarioId: c.id, minutes: '' })));
  const [toAdd, setToAdd] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [made, setMade] = useState<{ room: Room; hostToken: string; kept: boolean } | null>(null);
  const available = catalog.filter((c) => !steps.some((s) => s.scenarioId === c.id));

  const move = (i: number, by: number) =>
    setSteps((list) => {
      const to = i + by;
      if (to < 0 || to >= list.length) return list;
      const next = [...list];
      [next[i], next[to]] = [next[to], next[i]];
      return next;
    });

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const track: TrackStep[] = [];
    for (const s of steps) {
      const minutes = s.minutes.trim() === '' ? undefined : Number(s.minutes);
      if (minutes !== undefined && !(Number.isInteger(minutes) && minutes >= 1 && minutes <= MINUTES_MAX)) {
        setError(`The time box for ${scenarioTitle(s.scenarioId)} must be a whole number of minutes from 1 to ${MINUTES_MAX}, or empty.`);
        return;
      }
      track.push(minutes === undefined ? { scenarioId: s.scenarioId } : { scenarioId: s.scenarioId, minutes });
    }
    if (track.length === 0) return setError('Add at least one scenario to the track.');
    setBusy(true);
    try {
      const answer = await workshopApi.createRoom(name.trim(), track);
      setMade({ ...answer, kept: saveHostToken(answer.room.code, answer.hostToken) });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  if (made) return <RoomMade room={made.room} hostToken={made.hostToken} kept={made.kept} />;

  return (
    <main className="catalog interviewer workshop-page" data-testid="workshop-new">
      <nav className="crumbs">
        <a href="#/">← All scenarios</a>
      </nav>
      <h1>Run a workshop</h1>
      <p className="muted">
        Learners join your room with a code and a name; each runs the simulations in their own browser, and their progress comes to your
        dashboard live. This needs the lab served by <code>tailspin serve</code>.
      </p>
      <form onSubmit={create} className="interviewer-fields">
        <label>
          Room name
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={60} data-testid="ws-room-name" />
        </label>
        <fieldset className="track-fieldset">
          <legend>
            Track, in order ({steps.length} of at most {TRACK_STEPS_MAX})
          </legend>
          <ol className="track-editor" data-testid="ws-track">
            {steps.map((s, i) => (
              <li key={s.scenarioId} data-testid="ws-track-step">
                <span className="track-title">{scenarioTitle(s.scenarioId)}</span>
                <label className="track-minutes">
                  Minutes (optional)
                  <input
                    type="number"
                    min={1}
                    max={MINUTES_MAX}
                    value={s.minutes}
                    onChange={(e) => setSteps((list) => list.map((x, j) => (j === i ? { ...x, minutes: e.target.value } : x)))}
                    aria-label={`Minutes for ${scenarioTitle(s.scenarioId)} (optional)`}
                    data-testid="ws-step-minutes"
                  />
                </label>
                <button type="button" className="button button-quiet" onClick={() => move(i, -1)} disabled={i === 0}>
                  Up<span className="visually-hidden"> {scenarioTitle(s.scenarioId)}</span>
                </button>
                <button type="button" className="button button-quiet" onClick={() => move(i, 1)} disabled={i === steps.length - 1}>
                  Down<span className="visually-hidden"> {scenarioTitle(s.scenarioId)}</span>
                </button>
                <button type="button" className="button button-quiet" onClick={() => setSteps((list) => list.filter((_, j) => j !== i))}>
                  Remove<span className="visually-hidden"> {scenarioTitle(s.scenarioId)}</span>
                </button>
              </li>
            ))}
          </ol>
          {available.length > 0 && steps.length < TRACK_STEPS_MAX && (
            <div className="track-add">
              <label>
                Scenario to add
                <select value={toAdd} onChange={(e) => setToAdd(e.target.value)} data-testid="ws-add-scenario">
                  <option value="">Choose a scenario…</option>
                  {available.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.readme?.meta.title ?? c.id}
                    </option>
                  ))}
                </select>
              </label>
              <button
                type="button"
                className="button"
                disabled={toAdd === ''}
                onClick={() => {
                  setSteps((list) => [...list, { scenarioId: toAdd, minutes: '' }]);
                  setToAdd('');
                }}
                data-testid="ws-add-step"
              >
                Add to the track
              </button>
            </div>
          )}
        </fieldset>
        <button className="button button-primary" type="submit" disabled={busy} data-testid="ws-create">
          {busy ? 'Creating…' : 'Create the room'}
        </button>
      </form>
      {error && (
        <p className="panel panel-error" role="alert" data-testid="ws-error">
          {error}
        </p>
      )}
    </main>
  );
}

function RoomMade({ room, hostToken, kept }: { room: Room; hostToken: string; kept: boolean }) {
  // Hidden by default: the host's screen is often the one the room is looking at.
  const [tokenShown, setTokenShown] = useState(!kept);
  const joinLink = linkTo(workshopJoinHref(room.code));
  return (
    <main className="catalog interviewer workshop-page" data-testid="workshop-made">
      <h1>{room.name}</h1>
      <section className="panel" aria-labelledby="ws-join-title">
        <h2 id="ws-join-title">For the learners</h2>
        <p>
          Join code{' '}
          <strong className="join-code mono" data-testid="ws-code">
            {room.code}
          </strong>
          , or this link:
        </p>
        <input
          readOnly
          className="share-url mono"
          value={joinLink}
          aria-label="Join link"
          data-testid="ws-join-link"
          onFocus={(e) => e.target.select()}
        />
        <CopyButton text={joinLink} label="Copy the join link" />
      </section>
      <section className="panel" aria-labelledby="ws-host-title">
        <h2 id="ws-host-title">For you, the host</h2>
        <p>
          Your dashboard:{' '}
          <a href={workshopHostHref(room.code)} data-testid="ws-host-link">
            {linkTo(workshopHostHref(room.code))}
          </a>
          .{' '}
          {kept
            ? 'It opens in this browser as it is: the host token is kept in its storage.'
            : 'This browser would not keep the host token (its storage is full or refused): copy it now, the dashboard will ask for it.'}
        </p>
        <p className="host-token-note">
          The host token is shown only now and cannot be recovered: the server keeps only its hash. Copy it somewhere safe to open the
          dashboard from another browser. Never put it in a link or share it with the room.
        </p>
        <input
          readOnly
          type={tokenShown ? 'text' : 'password'}
          className="share-url mono"
          value={hostToken}
          aria-label="Host token"
          data-testid="ws-host-token"
          onFocus={(e) => e.target.select()}
        />
        <button type="button" className="button button-quiet" aria-pressed={tokenShown} onClick={() => setTokenShown((v) => !v)}>
          {tokenShown ? 'Hide' : 'Show'}
        </button>{' '}
        <CopyButton text={hostToken} label="Copy the host token" onFailed={() => setTokenShown(true)} />
      </section>
      <a className="button button-primary" href={workshopHostHref(room.code)} data-testid="ws-open-dashboard">
        Open the dashboard
      </a>
    </main>
  );
}
