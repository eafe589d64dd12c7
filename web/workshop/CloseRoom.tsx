/**
 * Closing the room, on the host's dashboard: for good, after a confirmation. Learners' labs
 * then say the room is closed and stop sending runs; the dashboard and the exports stay.
 */
import { useState } from 'react';
import { workshopApi } from './api.ts';

export function CloseRoom({ code, token, closedAtMs }: { code: string; token: string; closedAtMs: number | undefined }) {
  const [error, setError] = useState<string | null>(null);
  const [closing, setClosing] = useState(false);
  const close = async () => {
    if (!window.confirm(`Close room ${code}? Learners can no longer report runs or join; the results stay here.`)) return;
    setError(null);
    setClosing(true);
    try {
      // The dashboard's stream brings the closed room; nothing else to update here.
      await workshopApi.closeRoom(code, token);
    } catch (err) {
      setError(`The room could not be closed: ${(err as Error).message}`);
    } finally {
      setClosing(false);
    }
  };
  return (
    <section aria-labelledby="ws-close-title">
      <h2 id="ws-close-title">End of the workshop</h2>
      {closedAtMs === undefined ? (
        <>
          <p className="muted small">Closing the room stops new runs, hands and learners, for good. The dashboard and the results stay.</p>
          <button type="button" className="button" disabled={closing} onClick={() => void close()} data-testid="ws-close-room">
            Close the room
          </button>
        </>
      ) : (
        <p data-testid="ws-room-closed">
          Closed at {new Date(closedAtMs).toLocaleTimeString()}: learners can no longer report runs or join.
        </p>
      )}
      {error && (
        <p className="panel panel-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
