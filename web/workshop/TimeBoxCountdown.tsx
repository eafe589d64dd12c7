/**
 * The time left on the time box of the scenario the learner is on, in the workshop bar,
 * updated every second. Past the box it says by how much, and nothing is blocked.
 */
import { useEffect, useState } from 'react';
import type { TrackStep } from './api.ts';
import { scenarioTitle } from './links.ts';
import { describeTimeBox, type OnScenario, timeBoxState } from './timeBox.ts';

const TICK_MS = 1000;

export interface TimeBoxCountdownProps {
  track: readonly TrackStep[];
  onScenario: OnScenario | null;
  /** The server's clock minus this laptop's: the box started on the server's clock. */
  serverOffsetMs: number;
}

export function TimeBoxCountdown({ track, onScenario, serverOffsetMs }: TimeBoxCountdownProps) {
  const [localNowMs, setLocalNowMs] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setLocalNowMs(Date.now()), TICK_MS);
    return () => clearInterval(timer);
  }, []);
  const box = timeBoxState(track, onScenario, localNowMs + serverOffsetMs);
  if (!box) return null;
  return (
    <span
      className={`workshop-timebox small ${box.over ? 'workshop-timebox-over' : 'muted'}`}
      role="timer"
      data-testid="workshop-timebox"
      data-over={box.over}
    >
      {scenarioTitle(box.scenarioId)}: {describeTimeBox(box)}
    </span>
  );
}
