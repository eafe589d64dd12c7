/**
 * The API's rate limits. A whole workshop room often shares one public address (the venue's
 * network), so limits by address are generous and only stop floods; the tight ones are per
 * learner and per room's host, keyed by who the token says they are.
 */
import { ApiError } from './api-error.ts';
import { type BucketRule, RateLimiter } from './rate-limit.ts';

export const RATE_RULES = {
  /** Per address. */
  createRoom: { burst: 10, perSecond: 0.1 },
  /** Per address: a room of a few hundred joining in the first minute. */
  join: { burst: 300, perSecond: 5 },
  /** Per learner: a run takes seconds in the lab, so this is far above honest use. */
  report: { burst: 30, perSecond: 2 },
  hand: { burst: 10, perSecond: 1 },
  /** Per room, for the host's reads, exports and broadcasts. */
  host: { burst: 60, perSecond: 5 },
} satisfies Record<string, BucketRule>;

export class RateLimit {
  readonly #limiter: RateLimiter;

  constructor(rule: BucketRule, nowMs: () => number) {
    this.#limiter = new RateLimiter(rule, nowMs);
  }

  /** Throws 429 when `key` has used its requests; `doing` names the action in the message. */
  check(key: string, doing: string): void {
    const waitSec = this.#limiter.take(key);
    if (waitSec > 0) throw new ApiError(429, `too many requests for ${doing}: try again in ${waitSec} s`, waitSec);
  }
}

export function makeRateLimits(nowMs: () => number, rules: Record<keyof typeof RATE_RULES, BucketRule> = RATE_RULES) {
  return {
    createRoom: new RateLimit(rules.createRoom, nowMs),
    join: new RateLimit(rules.join, nowMs),
    report: new RateLimit(rules.report, nowMs),
    hand: new RateLimit(rules.hand, nowMs),
    host: new RateLimit(rules.host, nowMs),
  };
}
