/**
 * WRONG: more retries, so fewer quotes give up.
 *
 * When pricing is merely unlucky (one slow worker, one lost packet) a second attempt nearly
 * always succeeds, and a tenth adds nothing. When pricing is overloaded every attempt fails
 * for the same reason, so each extra retry is only extra load: ten attempts per quote offer
 * pricing 850 attempts/s against ~176/s of capacity, and the work of every abandoned attempt
 * still occupies a pricing worker. The storm is twice as strong and never ends.
 */
import type { FastifyInstance } from 'fastify';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** Pricing blips are short, but some last longer: retry harder before giving up. */
const MAX_ATTEMPTS = 10;

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
