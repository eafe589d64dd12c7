/**
 * WRONG: exponential backoff, but no jitter and no retry budget.
 *
 * Backoff spreads each quote's retries out in time; it does not reduce how many there are.
 * While pricing is overloaded every attempt times out, so every quote still sends five, and
 * pricing (which keeps working on abandoned attempts) is offered 5x the quote rate: 425
 * attempts/s against ~176/s of capacity. The queue never drains after the brownout. And
 * since the waits are the same for everyone, quotes that failed together retry together, in
 * synchronised waves 100, 200, 400 and 800 ms later. The caller now waits up to 2.5 s too.
 */
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** Pricing blips are short; a few retries ride them out. */
const MAX_ATTEMPTS = 5;
/** Back off before each retry: 100, 200, 400, 800 ms. */
const BACKOFF_BASE_MS = 100;

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
      lastError = err; // timed out or connection dropped: back off, then try again
      if (attempt < MAX_ATTEMPTS) await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
      continue;
    }
    if (res.ok) return (await res.json()) as Price;
    if (res.status < 500 && res.status !== 429) throw new PricingRejected(res.status);
    lastError = new Error(`pricing answered ${res.status}`);
    if (attempt < MAX_ATTEMPTS) await sleep(BACKOFF_BASE_MS * 2 ** (attempt - 1));
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
