/**
 * ALTERNATIVE: a retry budget and jitter, nothing else.
 *
 * The budget is what ends the storm: once more than about one attempt in eleven fails,
 * retries stop process-wide and pricing sees little more than the quote rate, so its queue
 * drains as soon as the brownout ends. Jitter keeps the few retries that do go out from
 * arriving in waves. Without an overall deadline a quote can still spend 1.4 s on pricing
 * while the budget is full; the reference fix bounds that too.
 */
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** Pricing blips are short; a few quick retries ride them out, budget permitting. */
const MAX_ATTEMPTS = 5;
/** A random pause before each retry, so quotes that failed together do not retry together. */
const RETRY_JITTER_MAX_MS = 100;

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

/** gRPC-style retry throttling: failures cost a token, successes earn a tenth of one. */
class RetryBudget {
  private tokens = 10;

  recordSuccess(): void {
    this.tokens = Math.min(10, this.tokens + 0.1);
  }

  recordFailure(): void {
    this.tokens = Math.max(0, this.tokens - 1);
  }

  canRetry(): boolean {
    return this.tokens > 5;
  }
}

const retryBudget = new RetryBudget();

async function fetchPrice(sku: string, customerId: string, qty: number): Promise<Price> {
  const params = new URLSearchParams({ sku, customer: customerId, qty: String(qty) });
  const url = `${PRICING_URL}/v2/prices?${params}`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    } catch (err) {
      lastError = err; // timed out or connection dropped
      retryBudget.recordFailure();
      if (!retryBudget.canRetry()) break;
      await sleep(Math.random() * RETRY_JITTER_MAX_MS);
      continue;
    }
    if (res.ok) {
      retryBudget.recordSuccess();
      return (await res.json()) as Price;
    }
    if (res.status < 500 && res.status !== 429) throw new PricingRejected(res.status);
    lastError = new Error(`pricing answered ${res.status}`);
    retryBudget.recordFailure();
    if (!retryBudget.canRetry()) break;
    await sleep(Math.random() * RETRY_JITTER_MAX_MS);
  }
  throw lastError;
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
