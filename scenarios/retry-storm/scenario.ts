/**
 * quote-api prices cart lines by calling the pricing service, which browns out for ten
 * seconds (every request three times slower) at 20 s. Capacity math, from the model:
 *
 *   pricing: 8 workers, service time lognormal (median 40 ms, mean 45 ms)  -> ~176 req/s
 *   quotes:  85 req/s, one pricing call each                               -> ~48% busy
 *   brownout (x3, mean 136 ms): ~59 req/s of capacity for 85 req/s of demand
 *   a storm: 5 attempts per quote = 425 attempts/s, 2.4x what pricing can do even when healthy
 *
 * Pricing keeps working on requests whose caller gave up (abandoned attempts still hold a
 * worker), and its proxy queues up to 1024 requests. Once the queue holds more than 200 ms
 * of work every attempt times out, every quote sends five, and five per quote is more than
 * pricing can serve even at full speed: the queue stays full after the brownout ends. With
 * retries kept in check, the backlog the brownout left drains in about three seconds.
 */
import {
  defineScenario,
  ledgerIndex,
  type CheckDb,
  type DownstreamRequest,
  type Exchange,
  type LoadRequest,
  type Prng,
} from '../../runner/scenario/index.ts';

const SKU_COUNT = 4000;
const CUSTOMER_FIRST = 1000;
const CUSTOMER_COUNT = 2500;

/** Catalogue list price of a SKU, in cents. */
function listPriceCents(skuNumber: number): number {
  return 499 + ((skuNumber * 7919) % 19_500);
}

/** The customer's contract discount on a SKU, in percent (0–22). */
function contractDiscountPct(customerNumber: number, skuNumber: number): number {
  return (customerNumber * 31 + skuNumber * 17) % 23;
}

/** What pricing charges per unit: the contract price, then 5% off from ten units. */
function unitPriceCents(skuNumber: number, customerNumber: number, qty: number): number {
  const contract = Math.round((listPriceCents(skuNumber) * (100 - contractDiscountPct(customerNumber, skuNumber))) / 100);
  return qty >= 10 ? Math.round(contract * 0.95) : contract;
}

const SKU = /^SKU-(\d{5})$/;
const CUSTOMER = /^C-(\d+)$/;

/** The pricing service's API: `GET /v2/prices?sku=SKU-00042&customer=C-1234&qty=3`. */
function pricingRespond(req: DownstreamRequest) {
  if (req.method !== 'GET' || req.path !== '/v2/prices') return { status: 404, body: { error: 'not found' } };
  const sku = SKU.exec(req.query.sku ?? '');
  const customer = CUSTOMER.exec(req.query.customer ?? '');
  const qty = Number(req.query.qty);
  if (!sku || !customer || !Number.isInteger(qty) || qty < 1) {
    return { status: 400, body: { error: 'sku, customer and a positive integer qty are required' } };
  }
  const skuNumber = Number(sku[1]);
  if (skuNumber < 1 || skuNumber > SKU_COUNT) return { status: 404, body: { error: `unknown sku ${req.query.sku}` } };
  return {
    status: 200,
    body: {
      sku: req.query.sku,
      customerId: req.query.customer,
      qty,
      currency: 'EUR',
      listPriceCents: listPriceCents(skuNumber),
      unitPriceCents: unitPriceCents(skuNumber, Number(customer[1]), qty),
      priceList: 'contract',
    },
  };
}

/** A storefront cart line: mostly single items, some bulk orders. */
function quoteRequest(rng: Prng): LoadRequest {
  const sku = 1 + Math.floor(rng.next() * SKU_COUNT);
  const customer = CUSTOMER_FIRST + Math.floor(rng.next() * CUSTOMER_COUNT);
  const r = rng.next();
  const qty = r < 0.6 ? 1 : r < 0.9 ? 2 + Math.floor(rng.next() * 4) : 10 + Math.floor(rng.next() * 15);
  return {
    method: 'GET',
    path: `/api/quote?sku=SKU-${String(sku).padStart(5, '0')}&qty=${qty}`,
    headers: { 'x-customer-id': `C-${customer}` },
  };
}

interface QuoteBody {
  sku?: unknown;
  customerId?: unknown;
  qty?: unknown;
  currency?: unknown;
  unitPriceCents?: unknown;
  totalCents?: unknown;
}

const PRICING = 'pricing.internal';

/**
 * The unit prices pricing has quoted so far, by `sku|customer|qty`, read from its ledger (what
 * it really served).
 */
const quotedPrices = ledgerIndex(PRICING, (w) => {
  if (w.status !== 200) return undefined;
  const key = `${w.req.query.sku}|${w.req.query.customer}|${Number(w.req.query.qty)}`;
  return [key, (w.body as { unitPriceCents: number }).unitPriceCents] as const;
});

/**
 * A quote must carry the price pricing quoted for this customer, sku and quantity (by the
 * time the quote was answered: a cached answer is fine, a price worked out here is not,
 * however right the formula); a 5xx is an honest failure.
 */
function verifyQuote(ex: Exchange, db: CheckDb): string | undefined {
  if (ex.status >= 500) return undefined;
  if (ex.status !== 200) return `status ${ex.status} for a valid cart line`;
  const url = new URL(ex.request.path, 'http://quote-api');
  const sku = url.searchParams.get('sku') ?? '';
  const qty = Number(url.searchParams.get('qty'));
  const customerId = ex.request.headers?.['x-customer-id'] ?? '';
  const expected = unitPriceCents(Number(SKU.exec(sku)?.[1]), Number(CUSTOMER.exec(customerId)?.[1]), qty);
  const body = (ex.body ?? {}) as QuoteBody;
  if (body.sku !== sku || body.qty !== qty || body.customerId !== customerId) {
    return `quote is for ${String(body.sku)} x${String(body.qty)} (${String(body.customerId)}), asked ${sku} x${qty} (${customerId})`;
  }
  if (body.currency !== 'EUR') return `currency ${String(body.currency)}, pricing says EUR`;
  if (body.unitPriceCents !== expected) return `unitPriceCents ${String(body.unitPriceCents)}, pricing says ${expected} for ${customerId}`;
  if (body.totalCents !== expected * qty) return `totalCents ${String(body.totalCents)}, expected ${expected * qty}`;
  if (!quotedPrices(db, `${sku}|${customerId}|${qty}`).includes(expected))
    return `pricing never quoted ${sku} x${qty} for ${customerId}: the price was not asked for`;
  return undefined;
}

export default defineScenario({
  platform: {
    downstreams: [
      {
        host: 'pricing.internal',
        concurrency: 8,
        queueLimit: 1024,
        serviceTime: { kind: 'lognormal', medianMs: 40, sigma: 0.5 },
        faults: [{ kind: 'slowdown', fromMs: 20_000, toMs: 30_000, factor: 3 }],
        respond: pricingRespond,
      },
    ],
    env: { PRICING_URL: 'http://pricing.internal' },
  },
  load: {
    durationMs: 60_000,
    arrivals: { kind: 'constant', ratePerSec: 85 },
    mix: [{ route: 'GET /api/quote', weight: 1, build: (rng) => quoteRequest(rng) }],
    clientTimeoutMs: 3000,
    // Above ×1.1 the brownout alone (59 req/s of capacity) fails more than a quarter of the
    // quotes, and the backlog outlasts the recovery SLO, whatever the client does.
    loadScale: { min: 0.5, max: 1.1 },
  },
  slos: [
    {
      metric: 'http_req_duration{route:GET /api/quote}',
      threshold: 'p(99)<500',
      label: 'GET /api/quote p99 under 500 ms, errors included',
    },
    {
      metric: 'http_req_failed{route:GET /api/quote}',
      threshold: 'rate<0.25',
      label: 'Under 25% of quotes fail (the brownout alone costs ~20%)',
    },
    {
      metric: 'downstream_retry_amplification{host:pricing.internal}',
      threshold: 'value<1.3',
      label: 'Pricing sees at most 1.3 attempts per quote',
    },
    {
      metric: 'recovery_time',
      threshold: 'value<5000',
      label: 'Quotes healthy again within 5 s of pricing recovering',
    },
  ],
  checks: [{ name: 'quote prices are the ones the pricing service quoted', route: 'GET /api/quote', verify: verifyQuote }],
});
