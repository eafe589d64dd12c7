/**
 * ALT: the reference fix's deadline and retry budget, with decorrelated jitter instead of
 * full jitter between retries.
 */
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** Everything one quote may spend on pricing, retries and waits included. */
const QUOTE_DEADLINE_MS = 1000;
/** The first try plus at most two retries. */
const MAX_ATTEMPTS = 3;
/** Decorrelated jitter: each wait is random between the base and three times the last one, capped. */
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
 * Retry throttling as gRPC does it: every failed attempt costs a token, every success
 * earns a tenth of one, and retries are allowed only while the bucket is more than half full.
 * One budget for the whole process, since the process is what pricing sees. [2]
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

/** The next wait from the last one: sleep = min(cap, random between base and 3 × sleep). */
function nextBackoffMs(lastMs: number): number {
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS + Math.random() * (lastMs * 3 - BACKOFF_BASE_MS));
}

async function fetchPrice(sku: string, customerId: string, qty: number): Promise<Price> {
  const params = new URLSearchParams({ sku, customer: customerId, qty: String(qty) });
  const url = `${PRICING_URL}/v2/prices?${params}`;
  const deadline = AbortSignal.timeout(QUOTE_DEADLINE_MS);
  let waitMs = BACKOFF_BASE_MS;
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
    waitMs = nextBackoffMs(waitMs);
    await sleep(waitMs, undefined, { signal: deadline });
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
      return reply.code(503).send({ error: 'pricing unavailable, try again shortly' });
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

// [1] "Decorrelated jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): each
//     wait grows from the previous one rather than from the attempt number, so retries
//     spread out about as well as with full jitter and a little less work is done in total.
//     Either is fine; backoff without jitter is not (fixes/wrong-backoff-no-jitter.ts).
// [2] The budget, not the backoff, is what ends the storm: once about one attempt in eleven
//     fails, only first attempts go out and pricing's queue drains when the brownout ends.
