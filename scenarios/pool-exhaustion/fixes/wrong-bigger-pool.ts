/**
 * WRONG: a bigger pool. Fifty clients cover what the held connections need on average
 * (25 checkouts/s × ≈ 0.57 s ≈ 14), but every declined card and every 503 from payments still
 * leaks a client for good: about 1.75 a second on each replica (7% of 25/s). On one instance
 * the extra 40 clients would be gone after about 20 s; here four replicas share a database
 * that allows 50 connections, so together they reach it within seconds, leaked connections
 * never come back, and every connect after that fails with "sorry, too many clients
 * already". No pool size outgrows a leak, and the database's limit is shared by the fleet.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';

// Checkout waits on the pool: give it room. Postgres allows 100 connections.
const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 50 });
const PAYMENTS_URL = process.env.PAYMENTS_URL ?? 'https://payments.internal';

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

export default async function routes(app: FastifyInstance) {
  app.post('/api/checkout', async (req: FastifyRequest<{}, {}, CheckoutBody>, reply: FastifyReply) => {
    const { customerId, items, paymentMethodId } = req.body;
    const productIds = items.map((i) => i.productId);

    const client = await pool.connect();
    await client.query('BEGIN');

    const { rows: products } = await client.query<{ id: number; price_cents: number }>(
      'SELECT id, price_cents FROM products WHERE id = ANY($1::int[]) AND active',
      [productIds],
    );
    if (products.length !== items.length) {
      await client.query('ROLLBACK');
      client.release();
      throw new HttpError(422, 'cart contains an unknown or inactive product');
    }
    const priceOf = new Map(products.map((p) => [p.id, p.price_cents]));
    const totalCents = items.reduce((sum, i) => sum + priceOf.get(i.productId)! * i.quantity, 0);

    const { rows: [order] } = await client.query<{ id: number }>(
      `INSERT INTO orders (customer_id, status, total_cents) VALUES ($1, 'pending', $2) RETURNING id`,
      [customerId, totalCents],
    );
    await client.query(
      `INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents)
       SELECT $1, * FROM unnest($2::int[], $3::int[], $4::int[])`,
      [order.id, productIds, items.map((i) => i.quantity), items.map((i) => priceOf.get(i.productId))],
    );

    const res = await fetch(`${PAYMENTS_URL}/v1/charges`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `order-${order.id}` },
      body: JSON.stringify({
        amount: totalCents,
        currency: 'usd',
        customer: `cus_${customerId}`,
        payment_method: paymentMethodId,
        metadata: { order_id: order.id },
      }),
    });
    const body = await res.json();
    if (res.status === 402) throw new HttpError(402, body.error?.message ?? 'card declined');
    if (!res.ok) throw new Error(`payments responded ${res.status}`);
    const charge = body as Charge;

    await client.query(`UPDATE orders SET status = 'paid', payment_ref = $2 WHERE id = $1`, [order.id, charge.id]);
    await client.query('COMMIT');
    client.release();

    reply.code(201);
    return { orderId: order.id, status: 'paid', totalCents, paymentRef: charge.id };
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
