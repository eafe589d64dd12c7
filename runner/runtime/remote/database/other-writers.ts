/**
 * Other services writing the scenario's database during the run (DatabaseSpec.writers): an
 * admin tool editing lineups, the box office selling tickets. Each writes at the instants of
 * its own Poisson process while the load runs, outside the service and its pool, and the
 * kernel waits for each write before virtual time moves on, so what it changed is in place
 * at that instant however fast the host is. It is what makes a cache that only this process
 * invalidates go stale, as it would in production.
 */
import type { CheckDb, DatabaseWriter } from '../../../scenario/types.ts';
import type { Kernel } from '../../../sim/kernel.ts';
import type { Prng } from '../../../sim/prng.ts';

export function startOtherWriters(writers: readonly DatabaseWriter[], kernel: Kernel, db: CheckDb, rng: Prng, untilMs: number): void {
  for (const writer of writers) {
    if (!(writer.ratePerSec > 0 && Number.isFinite(writer.ratePerSec))) {
      throw new RangeError(`database writer ${writer.name}: ratePerSec must be a positive number, got ${writer.ratePerSec}`);
    }
    const own = rng.fork(`writers/${writer.name}`);
    const gaps = own.fork('arrivals');
    const draws = own.fork('write');
    const meanGapMs = 1000 / writer.ratePerSec;
    const scheduleAfter = (fromMs: number): void => {
      const atMs = fromMs - Math.log(1 - gaps.next()) * meanGapMs;
      if (atMs >= untilMs) return;
      kernel.at(atMs, () => {
        kernel.awaitHost(
          writer.write(db, draws, atMs).catch((err: Error) => {
            throw new Error(`database writer ${writer.name} failed at ${(atMs / 1000).toFixed(3)}s: ${err.message}`);
          }),
        );
        scheduleAfter(atMs);
      });
    };
    scheduleAfter(kernel.nowMs);
  }
}
