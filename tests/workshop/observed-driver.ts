/**
 * A SqlDriver around a real one that lets a test see and steer its transactions: count them,
 * hold every commit until released, or fail the commit of any transaction whose statements
 * carried a given text (a run id). A failed commit is a throw at the end of the transaction's
 * work, so the real driver rolls it back and nothing of it is kept, as after a failed COMMIT.
 */
import type { SqlDriver, SqlQuery } from '../../server/store/sql-driver.ts';

export interface ObservedDriver {
  driver: SqlDriver;
  /** Transactions begun so far. */
  readonly transactions: number;
  /** Holds each commit until the returned function is called; resolves `reachedCommit` first. */
  holdCommits(): { reachedCommit: Promise<void>; release: () => void };
  /** Fails the commit of every transaction whose parameters mention `text`; null stops it. */
  failCommitsMentioning(text: string | null): void;
}

export function observeDriver(real: SqlDriver): ObservedDriver {
  let transactions = 0;
  let failText: string | null = null;
  let hold: { reached: () => void; released: Promise<void> } | null = null;

  const driver: SqlDriver = {
    query: (sql, params) => real.query(sql, params),
    listen: (channel, listener) => real.listen(channel, listener),
    close: () => real.close(),
    transaction(fn) {
      transactions++;
      return real.transaction(async (tx) => {
        const seen: unknown[] = [];
        const watched: SqlQuery = {
          query: (sql, params) => {
            seen.push(...(params ?? []));
            return tx.query(sql, params);
          },
        };
        const out = await fn(watched);
        if (failText !== null && JSON.stringify(seen).includes(failText)) throw new Error('the commit failed (injected by the test)');
        if (hold) {
          hold.reached();
          await hold.released;
        }
        return out;
      });
    },
  };

  return {
    driver,
    get transactions() {
      return transactions;
    },
    holdCommits() {
      let reached!: () => void;
      let release!: () => void;
      const reachedCommit = new Promise<void>((r) => (reached = r));
      const released = new Promise<void>((r) => (release = r));
      hold = { reached, released };
      return {
        reachedCommit,
        release: () => {
          hold = null;
          release();
        },
      };
    },
    failCommitsMentioning(text) {
      failText = text;
    },
  };
}
