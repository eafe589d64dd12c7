/** The round's time left, updated every second; calls `onTimeUp` once when it reaches zero. */
import { useEffect, useRef, useState } from 'react';
import { formatTimeLeft, roundClock, timeLeftMs } from './roundClock.ts';

/** Under this much time left, the timer turns red. */
const LOW_MS = 5 * 60_000;

export function RoundTimer({ startedAtMs, timeLimitMin, onTimeUp }: { startedAtMs: number; timeLimitMin: number; onTimeUp(): void }) {
  const left = () => timeLeftMs(startedAtMs, timeLimitMin, roundClock.now());
  const [leftMs, setLeftMs] = useState(left);
  const fired = useRef(false);
  const timeUp = useRef(onTimeUp);
  timeUp.current = onTimeUp;
  useEffect(() => {
    const tick = () => {
      const ms = left();
      setLeftMs(ms);
      if (ms === 0 && !fired.current) {
        fired.current = true;
        timeUp.current();
      }
    };
    tick();
    const timer = setInterval(tick, 250);
    return () => clearInterval(timer);
  }, [startedAtMs, timeLimitMin]);
  return (
    <span
      className={`round-timer mono ${leftMs < LOW_MS ? 'round-timer-low' : ''}`}
      role="timer"
      aria-label="Time left"
      data-testid="round-timer"
      data-left-ms={leftMs}
    >
      {formatTimeLeft(leftMs)} left
    </span>
  );
}
