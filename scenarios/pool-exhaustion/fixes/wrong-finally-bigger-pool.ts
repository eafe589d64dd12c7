/**
 * WRONG in production: release in `finally`, and a pool big enough for the held clients.
 * The leak is gone and one replica's pool of 50 covers the ≈ 14 clients it keeps busy while
 * cards are authorised (25 checkouts/s × ≈ 0.57 s), so on a single instance every SLO
 * would be met. But the service runs as four replicas against one Postgres that allows 50
 * connections: four pools holding ≈ 14 each need ≈ 57, and every connect past the 50th is
 * refused with "sorry, too many clients already". `max: 200` fails the same way. The pool
 * was never the problem; holding a connection across a half-second network call was.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';

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
    try {
      await client.query('BEGIN');

      const { rows: products } = await client.query<{ id: number; price_cents: number }>(
        'SELECT id, price_cents FROM products WHERE id = ANY($1::int[]) AND active',
        [productIds],
      );
      if (products.length !== items.length) throw new HttpError(422, 'cart contains an unknown or inactive product');
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

      reply.code(201);
      return { orderId: order.id, status: 'paid', totalCents, paymentRef: charge.id };
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
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
