/**
 * WRONG: the same 50 lineup queries, sent at once with Promise.all.
 *
 * At 6 requests a second this looks like a fix: the 50 queries spread over the pool's 10
 * clients and a page comes back in ~8 ms instead of ~65. But every query still makes its
 * own round trip and holds a client while it does, so a page costs the same ~65 ms of pool
 * time as before and the pool still tops out near 153 pages a second. During the on-sale
 * burst (~360 pages/s) the pool's wait queue grows to over ten thousand queries; each page
 * now grabs all ten clients at once, so ticket holds queue behind whole pages and take a
 * second. Latency under light load is not capacity under heavy load.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';

const pool = new Pool({ max: 10 });

const PAGE_SIZE = 50;
const HOLD_MINUTES = 10;

interface EventRow {
  id: number;
  title: string;
  starts_at: Date;
  price_from_cents: number;
  tickets_available: number;
  venue_id: number;
  venue_name: string;
}

interface Performer {
  id: number;
  name: string;
  genre: string;
}

interface HoldBody {
  quantity?: number;
}

async function upcomingEvents(cityId: string): Promise<EventRow[]> {
  const { rows } = await pool.query<EventRow>(
    `SELECT e.id, e.title, e.starts_at, e.price_from_cents, e.tickets_available,
            v.id AS venue_id, v.name AS venue_name
     FROM events e
     JOIN venues v ON v.id = e.venue_id
     WHERE e.city_id = $1
     ORDER BY e.starts_at, e.id
     LIMIT $2`,
    [cityId, PAGE_SIZE],
  );
  return rows;
}

async function lineupFor(eventId: number): Promise<Performer[]> {
  const { rows } = await pool.query<Performer>(
    `SELECT a.id, a.name, a.genre
     FROM event_performers p
     JOIN artists a ON a.id = p.artist_id
     WHERE p.event_id = $1
     ORDER BY p.billing`,
    [eventId],
  );
  return rows;
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/events', async (req: FastifyRequest<unknown, { city?: string }>, reply: FastifyReply) => {
    const city = req.query.city;
    if (!city) return reply.code(400).send({ error: 'city is required' });

    const rows = await upcomingEvents(city);
    const lineups = await Promise.all(rows.map((row) => lineupFor(row.id)));
    const events = rows.map((row, i) => ({
      id: row.id,
      title: row.title,
      startsAt: row.starts_at,
      venue: { id: row.venue_id, name: row.venue_name },
      priceFromCents: row.price_from_cents,
      ticketsAvailable: row.tickets_available,
      lineup: lineups[i],
    }));
    return { city, events };
  });

  app.post('/api/events/:id/holds', async (req: FastifyRequest<{ id: string }, unknown, HoldBody>, reply: FastifyReply) => {
    const eventId = Number(req.params.id);
    const quantity = req.body?.quantity;
    if (!Number.isInteger(quantity) || quantity! < 1 || quantity! > 8) {
      return reply.code(400).send({ error: 'quantity must be 1 to 8' });
    }

    const { rows } = await pool.query<{ hold_id: string; tickets_available: number }>(
      `WITH taken AS (
         UPDATE events SET tickets_available = tickets_available - $2
         WHERE id = $1 AND tickets_available >= $2
         RETURNING id, tickets_available
       )
       INSERT INTO holds (event_id, quantity, expires_at)
       SELECT id, $2, now() + make_interval(mins => $3) FROM taken
       RETURNING id AS hold_id, (SELECT tickets_available FROM taken)`,
      [eventId, quantity, HOLD_MINUTES],
    );
    if (rows.length === 0) return reply.code(409).send({ error: 'not enough tickets left' });
    return reply.code(201).send({
      holdId: rows[0].hold_id,
      eventId,
      quantity,
      ticketsAvailable: rows[0].tickets_available,
    });
  });
}
