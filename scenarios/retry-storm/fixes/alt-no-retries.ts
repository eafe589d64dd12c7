/**
 * ALT: no retries at all. One attempt per quote with a timeout, and a fast 503 when pricing
 * fails or is slow.
 *
 * A defensible answer here: pricing failures during a brownout are not independent blips
 * that a retry rides out, and the storefront already retries a failed quote when the
 * customer reloads. Pricing sees exactly one attempt per quote, so its queue drains as soon
 * as the brownout ends; the cost is that a stray slow answer outside the brownout fails a
 * quote instead of being retried. A budget (the reference fix) keeps those few retries.
 */
import type { FastifyInstance } from 'fastify';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 250;

interface Price {
  currency: string;
  unitPriceCents: number;
}

interface QuoteQuery {
  sku?: string;
  qty?: string;
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/quote', async (req, reply) => {
    const { sku, qty = '1' } = req.query as QuoteQuery;
    const customerId = req.headers['x-customer-id'];
    const quantity = Number(qty);
    if (!sku || !customerId || !Number.isInteger(quantity) || quantity < 1) {
      return reply.code(400).send({ error: 'sku, a positive qty and x-customer-id are required' });
    }

    const params = new URLSearchParams({ sku, customer: String(customerId), qty: String(quantity) });
    let res: Response;
    try {
      res = await fetch(`${PRICING_URL}/v2/prices?${params}`, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    } catch {
      return reply.code(503).send({ error: 'pricing unavailable, try again shortly' });
    }
    if (res.status === 404) return reply.code(404).send({ error: `unknown sku ${sku}` });
    if (!res.ok) return reply.code(503).send({ error: `pricing answered ${res.status}` });
    const price = (await res.json()) as Price;
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
