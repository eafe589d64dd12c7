/**
 * WRONG: a longer per-attempt timeout, nothing else.
 *
 * With 2 s per attempt, fewer attempts are abandoned at first, so the storm starts later.
 * But the brownout leaves pricing with ~59 req/s of capacity for 85 quotes/s: its queue
 * grows by about half a second of waiting every second, passes 2 s a few seconds in, and
 * from then on every attempt times out and is retried at once, five per quote, exactly as
 * before. Abandoned attempts keep pricing's workers busy, the queue never drains after the
 * brownout, and callers now wait up to the storefront's 3 s timeout instead of 1 s. A
 * timeout decides when to give up; it does not decide how much load retries add.
 */
import type { FastifyInstance } from 'fastify';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing is sometimes slow: give each attempt plenty of time before retrying. */
const ATTEMPT_TIMEOUT_MS = 2000;
/** Pricing blips are short; a few quick retries ride them out. */
const MAX_ATTEMPTS = 5;

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

async function fetchPrice(sku: string, customerId: string, qty: number): Promise<Price> {
  const params = new URLSearchParams({ sku, customer: customerId, qty: String(qty) });
  const url = `${PRICING_URL}/v2/prices?${params}`;
  let lastError: unknown;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    } catch (err) {
      lastError = err; // timed out or connection dropped: try again right away
      continue;
    }
    if (res.ok) return (await res.json()) as Price;
    if (res.status < 500 && res.status !== 429) throw new PricingRejected(res.status);
    lastError = new Error(`pricing answered ${res.status}`);
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
