/** The host's message or hint to the whole room: it appears in every learner's workshop bar. */
import { type FormEvent, useState } from 'react';
import { type Broadcast, workshopApi } from './api.ts';

const TEXT_CHARS_MAX = 1000;

export function BroadcastForm({ code, token }: { code: string; token: string }) {
  const [kind, setKind] = useState<Broadcast['kind']>('message');
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string } | null>(null);

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (text.trim() === '') return;
    setBusy(true);
    setResult(null);
    try {
      await workshopApi.broadcast(code, token, kind, text.trim());
      setResult({ ok: true, text: `Sent to the room: “${text.trim()}”` });
      setText('');
    } catch (err) {
      setResult({ ok: false, text: `Not sent: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="ws-broadcast-title">
      <h2 id="ws-broadcast-title">Tell the room</h2>
      <form className="broadcast-form" onSubmit={send}>
        <label>
          Kind
          <select value={kind} onChange={(e) => setKind(e.target.value as Broadcast['kind'])} data-testid="ws-broadcast-kind">
            <option value="message">Message</option>
            <option value="hint">Hint</option>
          </select>
        </label>
        <label className="broadcast-text">
          Text
          <textarea
            value={text}
            onChange={(e) => setText(e.target.value)}
            maxLength={TEXT_CHARS_MAX}
            rows={2}
            required
            data-testid="ws-broadcast-text"
          />
        </label>
        <button type="submit" className="button button-primary" disabled={busy} data-testid="ws-broadcast-send">
          Send to everyone
        </button>
      </form>
      {result && (
        <p
          className={result.ok ? 'muted small' : 'panel panel-error'}
          role={result.ok ? 'status' : 'alert'}
          data-testid="ws-broadcast-result"
        >
          {result.text}
        </p>
      )}
    </section>
  );
}
