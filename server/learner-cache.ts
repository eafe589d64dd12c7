/**
 * Learners by token hash, kept in memory after the first read, so a learner's reports after
 * their first cost no lookup. It cannot go stale, even with several server processes on one
 * database: a token is never removed nor given to another learner, a learner is never removed
 * and never changes room, name or join time. Their raised hand does change, so a cached
 * learner's `handRaised` is as of the lookup: whoever shows the hand reads it afresh
 * (WorkshopStore.progress). Bounded, the least recently used dropped first; an unknown token
 * is not cached, so a flood of wrong tokens cannot fill it.
 */
import type { Learner, WorkshopStore } from './store/workshop-store.ts';

/** Tokens kept at most: every token of a few full rooms (a learner has one per laptop). */
const TOKENS_MAX = 10_000;

export class LearnerCache {
  readonly #learners = new Map<string, Learner>();

  constructor(
    private readonly store: WorkshopStore,
    private readonly tokensMax = TOKENS_MAX,
  ) {}

  async get(code: string, learnerTokenSha256: string): Promise<Learner | null> {
    const key = `${code}:${learnerTokenSha256}`;
    const cached = this.#learners.get(key);
    if (cached) {
      // Moved to the end: the Map's order is the order of use.
      this.#learners.delete(key);
      this.#learners.set(key, cached);
      return cached;
    }
    const found = await this.store.learnerByToken(code, learnerTokenSha256);
    if (found) {
      this.#learners.set(key, found);
      if (this.#learners.size > this.tokensMax) this.#learners.delete(this.#learners.keys().next().value!);
    }
    return found;
  }
}
