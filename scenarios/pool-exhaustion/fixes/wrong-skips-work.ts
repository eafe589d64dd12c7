/**
 * WRONG (skips the work): answers before the card is charged. The order is recorded as
 * pending, the charge is fired off in the background and the customer is told "paid" at
 * once. Checkout is fast and nothing is held, but the promise in the response is not kept:
 * when it is sent no charge exists, 6% of those "paid" orders will turn out declined, and
 * an order whose background charge dies with the process stays pending forever while the
 * customer waits for a parcel. A 201 from checkout must mean the money was taken.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool, type PoolClient } from 'pg';

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: 10,
  connectionTimeoutMillis: 2000,
});
const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'https://payments.internal';
const CHARGE_TIMEOUT_MS = 3000;

interface CheckoutBody {
  customerId: number;
  items: { productId: number; quantity: number }[];
  paymentMethodId: string;
}

interface Charge {
  id: string;
  status: string;
}

class HttpError extends Error {
  constructor(readonly statusCode: number, message: string) {
    super(message);
  }
}

/** Runs `work` in a transaction on a pooled client that is always given back. */
async function transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

export default async function routes(app: FastifyInstance) {
  app.post('/api/checkout', async (req: FastifyRequest<{}, {}, CheckoutBody>, reply: FastifyReply) => {
    const { customerId, items, paymentMethodId } = req.body;
    const productIds = items.map((i) => i.productId);

    const { orderId, totalCents } = await transaction(async (client) => {
      const { rows: products } = await client.query<{ id: number; price_cents: number }>(
        'SELECT id, price_cents FROM products WHERE id = ANY($1::int[]) AND active',
        [productIds],
      );
      if (products.length !== items.length) throw new HttpError(422, 'cart contains an unknown or inactive product');
      const priceOf = new Map(products.map((p) => [p.id, p.price_cents]));
      const total = items.reduce((sum, i) => sum + priceOf.get(i.productId)! * i.quantity, 0);
      const { rows: [order] } = await client.query<{ id: number }>(
        `INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, 'pending', $2) RETURNING id`,
        [customerId, total],
      );
      await client.query(
        `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
         SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[])`,
        [order.id, productIds, items.map((i) => i.quantity), items.map((i) => priceOf.get(i.productId))],
      );
      return { orderId: order.id, totalCents: total };
    });

    // Don't make the customer wait for the card: charge in the background and answer now.
    void fetch(`${PAYMENTS_URL}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `order-${orderId}` },
      body: JSON.stringify({
        amount: totalCents,
        currency: 'usd',
        customer: `cus_${customerId}`,
        payment_method: paymentMethodId,
        metadata: { order_id: orderId },
      }),
      signal: AbortSignal.timeout(CHARGE_TIMEOUT_MS),
    })
      .then(async (res) => {
        const charge = (await res.json()) as Charge;
        if (res.ok) await pool.query(`UPDATE orders SET status = 'paid', payment_ref = $2 WHERE id = $1`, [orderId, charge.id]);
        else if (res.status === 402) await pool.query(`UPDATE orders SET status = 'declined' WHERE id = $1`, [orderId]);
      })
      .catch((err) => app.log.error(err, 'background charge failed'));

    reply.code(201);
    return { orderId, status: 'paid', totalCents };
  });

  app.get('/api/products/:id', async (req: FastifyRequest<{ id: string }>, reply: FastifyReply) => {
    const { rows: [product] } = await pool.query(
      'SELECT id, sku, name, price_cents, active FROM products WHERE id = $1',
      [Number(req.params.id)],
    );
    if (!product) {
      reply.code(404);
      return { error: 'product not found' };
    }
    return { id: product.id, sku: product.sku, name: product.name, priceCents: product.price_cents, available: product.active };
  });
}

