/**
 * WRONG: cache each city's page and drop it whenever this process takes a hold on one of
 * its events.
 *
 * Looks careful: the only thing on the page that changes with traffic is tickets_available,
 * and every hold this service takes invalidates the page it affects. But this process is not
 * the only writer: the box office and partner sites sell tickets for the same events, and
 * promoters edit lineups, straight in the database. In production a second instance of this
 * service is another such writer. The cached page keeps showing tickets that are gone until
 * one of this process's own holds happens to land on that city.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Pool } from 'pg';
import DataLoader from 'dataloader';

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

async function lineupsByEvent(eventIds: readonly number[]): Promise<Performer[][]> {
  const { rows } = await pool.query<Performer & { event_id: number }>(
    `SELECT p.event_id, a.id, a.name, a.genre
     FROM event_performers p
     JOIN artists a ON a.id = p.artist_id
     WHERE p.event_id = ANY($1::int[])
     ORDER BY p.event_id, p.billing`,
    [eventIds],
  );
  const byEvent = new Map<number, Performer[]>(eventIds.map((id) => [id, []]));
  for (const { event_id, ...performer } of rows) byEvent.get(event_id)!.push(performer);
  return eventIds.map((id) => byEvent.get(id)!);
}

/** Each city's page, kept until this process takes a hold on one of its events. */
const pages = new Map<string, Promise<unknown>>();
const cityOfEvent = new Map<number, string>();

async function buildPage(city: string) {
  const lineupLoader = new DataLoader(lineupsByEvent);
  const rows = await upcomingEvents(city);
  for (const row of rows) cityOfEvent.set(row.id, city);
  const events = await Promise.all(
    rows.map(async (row) => ({
      id: row.id,
      title: row.title,
      startsAt: row.starts_at,
      venue: { id: row.venue_id, name: row.venue_name },
      priceFromCents: row.price_from_cents,
      ticketsAvailable: row.tickets_available,
      lineup: await lineupLoader.load(row.id),
    })),
  );
  return { city, events };
}

export default async function routes(app: FastifyInstance) {
  app.get('/api/events', async (req: FastifyRequest<unknown, { city?: string }>, reply: FastifyReply) => {
    const city = req.query.city;
    if (!city) return reply.code(400).send({ error: 'city is required' });

    let page = pages.get(city);
    if (!page) {
      page = buildPage(city);
      page.catch(() => pages.delete(city));
      pages.set(city, page);
    }
    return page;
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
    // Tickets changed: drop the page that lists this event.
    const city = cityOfEvent.get(eventId);
    if (city) pages.delete(city);
    return reply.code(201).send({
      holdId: rows[0].hold_id,
      eventId,
      quantity,
      ticketsAvailable: rows[0].tickets_available,
    });
  });
}
