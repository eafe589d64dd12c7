/**
 * The round's clock: the wall clock, plus an offset that only the test hook moves, so a test
 * can reach the time-out without waiting for it. The timer's arithmetic is pure.
 */
let offsetMs = 0;

export const roundClock = {
  now: (): number => Date.now() + offsetMs,
  /** For tests: moves the round's clock forward. */
  advance(ms: number): void {
    offsetMs += ms;
  },
};

/** Milliseconds left in a round that started at `startedAtMs`, never below zero. */
export function timeLeftMs(startedAtMs: number, timeLimitMin: number, nowMs: number): number {
  return Math.max(0, startedAtMs + timeLimitMin * 60_000 - nowMs);
}

/** `mm:ss`, or `h:mm:ss` past an hour; rounded up, so 0:00 means the time is over. */
export function formatTimeLeft(ms: number): string {
  const total = Math.ceil(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}
