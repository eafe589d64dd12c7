/**
 * quote-api: prices a storefront cart line. The price is the customer's contract price,
 * which only the pricing service knows, so every quote asks it.
 */
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** Everything one quote may spend on pricing, retries and waits included. [1] */
const QUOTE_DEADLINE_MS = 1000;
/** The first try plus at most two retries. [2] */
const MAX_ATTEMPTS = 3;
/** Backoff before retry n: a random wait up to min(cap, base * 2^n). [3] */
const BACKOFF_BASE_MS = 50;
const BACKOFF_CAP_MS = 400;

interface Price {
  sku: string;
  customerId: string;
  qty: number;
  currency: string;
  listPriceCents: number;
  unitPriceCents: number;
}

interface QuoteQuery {
  sku?: string;
  qty?: string;
}

/** A pricing answer that retrying cannot fix (unknown SKU, bad request). */
class PricingRejected extends Error {
  constructor(readonly status: number) {
    super(`pricing answered ${status}`);
  }
}

/**
 * Retry throttling as gRPC does it [4]: every failed attempt costs a token, every success
 * earns a tenth of one, and retries are allowed only while the bucket is more than half full.
 * One budget for the whole process, since the process is what pricing sees. [5]
 */
class RetryBudget {
  private tokens: number;

  constructor(private readonly maxTokens = 10, private readonly tokenRatio = 0.1) {
    this.tokens = maxTokens;
  }

  recordSuccess(): void {
    this.tokens = Math.min(this.maxTokens, this.tokens + this.tokenRatio);
  }

  recordFailure(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  canRetry(): boolean {
    return this.tokens > this.maxTokens / 2;
  }
}

const retryBudget = new RetryBudget();

/** "Full jitter": anywhere between zero and the exponential ceiling. [3] */
function backoffMs(retry: number): number {
  return Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retry);
}

async function fetchPrice(sku: string, customerId: string, qty: number): Promise<Price> {
  const params = new URLSearchParams({ sku, customer: customerId, qty: String(qty) });
  const url = `${PRICING_URL}/v2/prices?${params}`;
  const deadline = AbortSignal.timeout(QUOTE_DEADLINE_MS);
  for (let attempt = 1; ; attempt++) {
    let failure: unknown;
    try {
      const res = await fetch(url, { signal: AbortSignal.any([deadline, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]) });
      if (res.ok) {
        retryBudget.recordSuccess();
        return (await res.json()) as Price;
      }
      failure = res.status < 500 && res.status !== 429 ? new PricingRejected(res.status) : new Error(`pricing answered ${res.status}`);
    } catch (err) {
      failure = err;
    }
    if (failure instanceof PricingRejected) throw failure;
    retryBudget.recordFailure();
    if (attempt >= MAX_ATTEMPTS || !retryBudget.canRetry()) throw failure;
    await sleep(backoffMs(attempt), undefined, { signal: deadline }); // [1]
  }
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/quote', async (req, reply) => {
    const { sku, qty = '1' } = req.query as QuoteQuery;
    const customerId = req.headers['x-customer-id'];
    const quantity = Number(qty);
    if (!sku || !customerId || !Number.isInteger(quantity) || quantity < 1) {
      return reply.code(400).send({ error: 'sku, a positive qty and x-customer-id are required' });
    }

    let price: Price;
    try {
      price = await fetchPrice(sku, customerId, quantity);
    } catch (err) {
      if (err instanceof PricingRejected) return reply.code(err.status === 404 ? 404 : 502).send({ error: err.message });
      return reply.code(503).send({ error: 'pricing unavailable, try again shortly' }); // [6]
    }

    return {
      sku,
      customerId,
      qty: quantity,
      currency: price.currency,
      unitPriceCents: price.unitPriceCents,
      totalCents: price.unitPriceCents * quantity,
    };
  });
}

// [1] The deadline bounds the whole quote, not one attempt: with five 200 ms attempts the
//     old code could spend a second per quote on a service that was already drowning. One
//     signal combines the deadline with the per-attempt timeout (AbortSignal.any), and the
//     backoff sleep listens to it too, so nothing outlives the quote's budget. It is well
//     under the storefront's own 3 s timeout: there is no point in working on an answer the
//     caller has stopped waiting for.
// [2] Retries multiply load exactly when the service has least to spare. Two retries are
//     enough to ride out a lost packet or one slow pricing worker; more only deepen a queue.
// [3] Exponential backoff spreads retries out over time, and the random draw (full jitter,
//     as in the AWS Architecture Blog's "Exponential Backoff and Jitter") keeps quotes that
//     failed together from retrying together. Backoff alone does not reduce the number of
//     attempts a failing quote makes; the budget does.
// [4] gRPC's retryThrottling (maxTokens 10, tokenRatio 0.1): when more than about one
//     attempt in eleven fails, the bucket drains and only first attempts go out, so pricing
//     sees at most ~1.1x the quote rate instead of 5x. When pricing is healthy again, ten
//     successes buy back a retry. Retries are for rare, independent failures; during an
//     overload every extra attempt is work that delays everyone.
// [5] A per-request retry limit cannot see that *every* request is failing; only a budget
//     shared across requests can. In a fleet each instance keeps its own bucket, which is
//     what gRPC does too.
// [6] A fast, honest 503 lets the storefront show "price unavailable, retry" at once. Pricing
//     keeps working on requests we abandoned (it cannot know we left), so the only way to let
//     its queue drain is to stop sending it more than it can do.
