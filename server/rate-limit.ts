/**
 * Token buckets, one per key (a learner, a host, an address). A bucket holds up to `burst`
 * requests and refills at `perSecond`; a request that finds it empty is refused with the seconds
 * until the next token. The clock is passed in so tests can move it.
 *
 * Keys are kept in insertion order and the oldest are dropped past `maxKeys`, so a flood of
 * new addresses cannot grow memory without bound; a dropped key starts again with a full bucket,
 * which is the generous side to err on.
 */

export interface BucketRule {
  /** Requests allowed at once, after a quiet spell. */
  burst: number;
  /** Requests allowed per second, sustained. */
  perSecond: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly rule: BucketRule,
    private readonly nowMs: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Takes one token for `key`: 0 when allowed, otherwise the seconds to wait (at least 1). */
  take(key: string): number {
    const now = this.nowMs();
    const b = this.#buckets.get(key) ?? { tokens: this.rule.burst, atMs: now };
    b.tokens = Math.min(this.rule.burst, b.tokens + ((now - b.atMs) / 1000) * this.rule.perSecond);
    b.atMs = now;
    this.#buckets.delete(key);
    this.#buckets.set(key, b);
    if (this.#buckets.size > this.maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.rule.perSecond));
  }
}
