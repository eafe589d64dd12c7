/**
 * ALTERNATIVE: a circuit breaker in front of pricing, and one retry with jittered backoff.
 *
 * After a run of failures the breaker opens and quotes fail fast without calling pricing at
 * all, first attempts included, so pricing's queue drains even while the brownout lasts.
 * After a cool-down a single probe goes through; if it fails, the next cool-down is twice
 * as long (capped, with jitter, so a fleet of instances does not probe in lockstep).
 */
import type { FastifyInstance } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';

const PRICING_URL = process.env.PRICING_URL ?? 'http://pricing.internal';

/** Pricing answers in ~40 ms (p99 ~130 ms): an attempt slower than this is stuck. */
const ATTEMPT_TIMEOUT_MS = 200;
/** The first try plus one retry, while the breaker is closed. */
const MAX_ATTEMPTS = 2;
const RETRY_BACKOFF_MAX_MS = 100;

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

class BreakerOpen extends Error {}

/** Closed -> open after `failureThreshold` failures in a row; open -> half-open after a cool-down. */
class CircuitBreaker {
  private state: 'closed' | 'open' | 'half-open' = 'closed';
  private failuresInARow = 0;
  private openUntil = 0;
  private cooldownMs: number;
  private probing = false;

  constructor(
    private readonly failureThreshold = 5,
    private readonly cooldownBaseMs = 250,
    private readonly cooldownMaxMs = 1000,
  ) {
    this.cooldownMs = cooldownBaseMs;
  }

  /** Whether a call may go out now; in half-open, only one probe at a time. */
  tryAcquire(): boolean {
    if (this.state === 'open' && Date.now() >= this.openUntil) this.state = 'half-open';
    if (this.state === 'closed') return true;
    if (this.state === 'half-open' && !this.probing) {
      this.probing = true;
      return true;
    }
    return false;
  }

  recordSuccess(): void {
    this.state = 'closed';
    this.failuresInARow = 0;
    this.cooldownMs = this.cooldownBaseMs;
    this.probing = false;
  }

  recordFailure(): void {
    if (this.state === 'open') return; // an attempt sent before the breaker opened
    this.probing = false;
    if (this.state === 'half-open' || ++this.failuresInARow >= this.failureThreshold) this.trip();
  }

  private trip(): void {
    this.state = 'open';
    this.openUntil = Date.now() + this.cooldownMs * (0.5 + Math.random() / 2);
    this.cooldownMs = Math.min(this.cooldownMaxMs, this.cooldownMs * 2);
  }
}

const pricingBreaker = new CircuitBreaker();

async function fetchPrice(sku: string, customerId: string, qty: number): Promise<Price> {
  const params = new URLSearchParams({ sku, customer: customerId, qty: String(qty) });
  const url = `${PRICING_URL}/v2/prices?${params}`;
  let lastError: unknown = new BreakerOpen('pricing circuit open');
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (!pricingBreaker.tryAcquire()) throw new BreakerOpen('pricing circuit open');
    let res: Response;
    try {
      res = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
    } catch (err) {
      pricingBreaker.recordFailure();
      lastError = err;
      if (attempt < MAX_ATTEMPTS) await sleep(Math.random() * RETRY_BACKOFF_MAX_MS);
      continue;
    }
    if (res.ok) {
      pricingBreaker.recordSuccess();
      return (await res.json()) as Price;
    }
    if (res.status < 500 && res.status !== 429) {
      pricingBreaker.recordSuccess(); // pricing is up; the request was wrong
      throw new PricingRejected(res.status);
    }
    pricingBreaker.recordFailure();
    lastError = new Error(`pricing answered ${res.status}`);
    if (attempt < MAX_ATTEMPTS) await sleep(Math.random() * RETRY_BACKOFF_MAX_MS);
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
