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

/** Lineups of many events in one round trip [1], grouped by event in billing order. */
async function lineupsFor(eventIds: number[]): Promise<Map<number, Performer[]>> {
  const lineups = new Map<number, Performer[]>(eventIds.map((id) => [id, []]));
  if (eventIds.length === 0) return lineups; // [2]
  const { rows } = await pool.query<Performer & { event_id: number }>(
    `SELECT p.event_id, a.id, a.name, a.genre
     FROM event_performers p
     JOIN artists a ON a.id = p.artist_id
     WHERE p.event_id = ANY($1::int[])
     ORDER BY p.event_id, p.billing`,
    [eventIds],
  );
  for (const { event_id, ...performer } of rows) lineups.get(event_id)!.push(performer); // [3]
  return lineups;
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/events', async (req: FastifyRequest<unknown, { city?: string }>, reply: FastifyReply) => {
    const city = req.query.city;
    if (!city) return reply.code(400).send({ error: 'city is required' });

    const rows = await upcomingEvents(city);
    const lineups = await lineupsFor(rows.map((row) => row.id));
    const events = rows.map((row) => ({
      id: row.id,
      title: row.title,
      startsAt: row.starts_at,
      venue: { id: row.venue_id, name: row.venue_name },
      priceFromCents: row.price_from_cents,
      ticketsAvailable: row.tickets_available, // [4]
      lineup: lineups.get(row.id)!,
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

// [1] The page used to send 51 queries one after another: one for the events, then one per
//     event for its lineup. Each paid a round trip to the database (1 ms, another zone)
//     and held a pooled client meanwhile, so a page cost ~65 ms of pool time and a pool of
//     10 topped out near 153 pages/s; the on-sale burst asks for ~360. Now a page is two
//     queries whatever its size: the events, then every lineup at once with `= ANY($1)`,
//     which Postgres answers from the (event_id, billing) primary key in one index scan:
//     ~3.5 ms of pool time and ~1.5 ms of database work per page.
// [2] A city with no events sends no second query (`ANY('{}')` would work, but why ask).
// [3] Rows come back ordered by event and billing, so pushing in order keeps the headliner
//     first. Grouping in the service keeps the SQL plain; json_agg in one JOIN is the
//     other common shape (see fixes/alt-json-agg-join.ts).
// [4] Read from the database on every request: holds and box-office sales change it all the
//     time, and this process hears only of its own holds, so a cached copy would show
//     tickets that are already gone.
