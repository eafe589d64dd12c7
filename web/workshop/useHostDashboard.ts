/**
 * The host's live dashboard: the server sends a snapshot when the stream opens and after each
 * change (a run, a join, a hand), so the page only keeps the latest one. It also keeps when
 * the snapshot came, to move the server's clock on between snapshots for "time on scenario".
 */
import { useEffect, useState } from 'react';
import { type Dashboard, workshopApi } from './api.ts';
import { openLiveStream, type StreamStatus } from './liveStream.ts';

/** How often durations on the page move on without a new snapshot. */
const TICK_MS = 15_000;

export interface HostDashboardState {
  dashboard: Dashboard | null;
  /** The server's clock now, estimated from the last snapshot's `atMs`. */
  nowMs: number;
  status: StreamStatus;
  message: string | null;
}

export function useHostDashboard(code: string, token: string | undefined): HostDashboardState {
  const [snapshot, setSnapshot] = useState<{ dashboard: Dashboard; receivedAtMs: number } | null>(null);
  const [status, setStatus] = useState<{ status: StreamStatus; message: string | null }>({ status: 'connecting', message: null });
  const [, setTick] = useState(0);

  useEffect(() => {
    if (!token) return;
    return openLiveStream({
      path: workshopApi.dashboardEventsPath(code),
      token,
      onEvent: (e) => {
        if (e.event === 'dashboard') setSnapshot({ dashboard: JSON.parse(e.data) as Dashboard, receivedAtMs: Date.now() });
      },
      onStatus: (s, message) => setStatus({ status: s, message: message ?? null }),
    });
  }, [code, token]);

  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), TICK_MS);
    return () => clearInterval(timer);
  }, []);

  const nowMs = snapshot ? snapshot.dashboard.atMs + (Date.now() - snapshot.receivedAtMs) : 0;
  return { dashboard: snapshot?.dashboard ?? null, nowMs, ...status };
}
