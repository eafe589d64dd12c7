/**
 * How much slower a thread runs on this machine right now than it would alone: the page's
 * watchdog asks before it calls a silent worker stuck. A worker in a loop that never yields
 * and a worker simulating on a laptop whose two cores are shared with a dozen busy processes
 * both go silent; only the second one's silence is explained by the machine.
 *
 * Measured by doing a fixed amount of work in small chunks and timing each: a chunk the
 * operating system did not interrupt takes its true time, one it did takes longer by the time
 * other threads ran. The whole work over the uninterrupted chunks' time is the slowdown
 * (1 when the thread had a core to itself, about 8 when eight threads shared each core). Timer
 * resolution in a page is coarse (0.1 ms), so a chunk is first sized to about a millisecond.
 */

/** Chunks timed per measurement: about 40 ms of work, long enough to span the scheduler's periods. */
const CHUNKS = 40;
const CHUNK_MS_TARGET = 1;
/** Bounds the sizing on a very fast machine. */
const CHUNK_ITERATIONS_MAX = 1 << 22;
/** Work that takes well over the timer's resolution on any machine: a clock that shows none does not move. */
const CLOCK_CHECK_ITERATIONS = 1 << 20;

let sink = 0;

function work(iterations: number): void {
  let x = sink;
  for (let i = 0; i < iterations; i++) x = (x * 1103515245 + 12345) | 0;
  sink = x;
}

/** The measured slowdown, at least 1; 1 when the clock cannot time the work. `now` is for tests. */
export function measureThreadSlowdown(now: () => number = () => performance.now()): number {
  const timed = (iterations: number) => {
    const t0 = now();
    work(iterations);
    return now() - t0;
  };
  let iterations = 1024;
  for (;;) {
    const ms = timed(iterations);
    if (ms >= CHUNK_MS_TARGET || iterations >= CHUNK_ITERATIONS_MAX) break;
    if (ms === 0 && iterations >= CLOCK_CHECK_ITERATIONS) return 1;
    iterations *= 2;
  }
  const durations: number[] = [];
  for (let i = 0; i < CHUNKS; i++) durations.push(timed(iterations));
  const fastest = Math.min(...durations);
  if (!(fastest > 0)) return 1;
  const total = durations.reduce((a, b) => a + b, 0);
  return Math.max(1, total / (fastest * CHUNKS));
}
