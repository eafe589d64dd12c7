/**
 * WRONG: textbook backoff with full jitter and an overall deadline, but no retry budget.
 *
 * Everything here is good practice, and none of it limits how many attempts a failing
 * quote makes. While pricing is overloaded every attempt times out, so every quote still
 * makes its three attempts inside its one-second deadline: pricing is offered ~3x the quote
 * rate (255 attempts/s against ~176/s of capacity), keeps working on every abandoned one,
 * and its queue never drains after the brownout. Jitter spreads the retries evenly; it
 * does not make them fewer. Only a limit shared across requests (a retry budget, or a
 * circuit breaker) notices that all of them are failing and stops adding load.
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
/** Backoff before retry n: a random wait up to min(cap, base * 2^n). */
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

/** "Full jitter": anywhere between zero and the exponential ceiling. */
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
      if (res.ok) return (await res.json()) as Price;
      failure = res.status < 500 && res.status !== 429 ? new PricingRejected(res.status) : new Error(`pricing answered ${res.status}`);
    } catch (err) {
      failure = err;
    }
    if (failure instanceof PricingRejected) throw failure;
    if (attempt >= MAX_ATTEMPTS) throw failure;
    await sleep(backoffMs(attempt), undefined, { signal: deadline });
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
