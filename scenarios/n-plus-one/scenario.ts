/**
 * gigs-api lists a city's upcoming events, each with its lineup, and takes ticket holds.
 * At 30 s the "new shows on sale now" push goes out and the service gets 380 requests a
 * second for two seconds. It runs as two replicas behind a round-robin balancer. Capacity
 * math, from the model (database in another zone, 1 ms round trip, 4 cores; a node-postgres
 * pool of 10 in each replica):
 *
 *   a page = 1 events query (0.28 ms of a core) + 50 lineup queries (0.28 ms each)
 *   N+1, one query at a time: 51 round trips, each holding a client -> 65 ms of pool time
 *     per page: a pool of 10 serves ~153 pages/s, two ~306; the cores can do only ~280
 *     (14 ms a page), so they are the limit
 *   the same 50 queries in Promise.all: a page takes 8 ms when idle, but still 65 ms of
 *     pool time and 14 ms of the cores -> ~280 pages/s
 *   N+1 with max: 50: more clients, the same cores: ~280 pages/s
 *   events + every lineup with = ANY: 1.5 ms of a core, 3.5 ms of pool time -> ~2 600
 *     pages/s (one JOIN with json_agg: 1.6 ms; json_agg in a correlated subquery: 7.7 ms)
 *
 * The burst asks for ~360 pages/s, past anything the N+1 can serve, so its backlog grows
 * for two seconds and takes about another to drain; holds (5% of traffic) wait in the same
 * queues. Each replica holds only its own in-process state: a hold taken on one is news to
 * the other.
 *
 * The service is not the database's only writer, as in production: the box office and
 * partner sites sell tickets for the same events (about one sale a second), and promoters
 * change lineups in their admin tool (one edit every two seconds). So a page or lineup cache
 * that only this process invalidates serves tickets that are gone and acts that were
 * dropped. Tickets on the list must be live; a lineup may lag an edit by up to 5 s, so a
 * short-lived lineup cache is a fair answer and one that never expires is not.
 * Base load stays at 6/s so a run stays fast.
 */
import { defineScenario, perRun, type CheckDb, type Exchange, type Prng } from '../../runner/scenario/index.ts';

/** City slugs; event e and venue v are in city (e - 1) % 8 and (v - 1) % 8. */
const CITIES = ['london', 'manchester', 'glasgow', 'birmingham', 'bristol', 'leeds', 'dublin', 'cardiff'];
/** Share of list traffic per city, in CITIES order. */
const CITY_SHARE = [0.3, 0.15, 0.1, 0.12, 0.1, 0.08, 0.1, 0.05];
const EVENT_COUNT = 2400;
const ARTIST_COUNT = 1500;
const VENUE_COUNT = 120;
const PAGE_SIZE = 50;

/** tickets_available at the start of the run: the same expression as in the setup SQL. */
function initialTicketsAvailable(eventId: number): number {
  return eventId % 13 === 0 ? Math.floor(eventId / 13) % 6 : 20 + ((eventId * 53) % 1200);
}

/** Artist names are FIRST[i] + ' ' + SECOND[j]: 30 × 50 = 1 500 distinct acts. */
const ARTIST_FIRST = [
  'Velvet',
  'Northern',
  'Paper',
  'Glass',
  'Golden',
  'Silver',
  'Midnight',
  'Electric',
  'Quiet',
  'Wild',
  'Lunar',
  'Burning',
  'Hollow',
  'Crimson',
  'Static',
  'Neon',
  'Polar',
  'Copper',
  'Echo',
  'Saint',
  'Broken',
  'Royal',
  'Tiny',
  'Lost',
  'Violet',
  'Sunday',
  'Cobalt',
  'Feral',
  'Gentle',
  'Distant',
];
const ARTIST_SECOND = [
  'Harbour',
  'Lights',
  'Foxes',
  'Season',
  'Engines',
  'Rivers',
  'Parade',
  'Machines',
  'Tides',
  'Orchard',
  'Signals',
  'Bloom',
  'Arcade',
  'Wolves',
  'Satellites',
  'Choir',
  'Theory',
  'Canyon',
  'Weather',
  'Hearts',
  'Ghosts',
  'Atlas',
  'Motel',
  'Garden',
  'Strangers',
  'Honey',
  'Radio',
  'Tigers',
  'Comets',
  'Sisters',
  'Horses',
  'Mirrors',
  'Lanterns',
  'Pilots',
  'Embers',
  'Sailors',
  'Ravens',
  'Dunes',
  'Vandals',
  'Kites',
  'Islands',
  'Thieves',
  'Owls',
  'Anchors',
  'Prophets',
  'Fountains',
  'Magnets',
  'Wires',
  'Gardeners',
  'Drifters',
];
const GENRES = ['indie', 'techno', 'folk', 'jazz', 'hip-hop', 'metal'];
const VENUE_KIND = [
  'Academy',
  'Arena',
  'Hall',
  'Ballroom',
  'Warehouse',
  'Social',
  'Garage',
  'Institute',
  'Corn Exchange',
  'Forum',
  'Arches',
  'Playhouse',
  'Pavilion',
  'Apollo',
  'Cellar',
];
const TOUR = ['Live', 'Summer Tour', 'Album Launch', 'Late Show', 'In Concert', 'Residency', 'Farewell Tour'];

/** A Postgres text[] literal of plain words (no quotes inside). */
const textArray = (xs: string[]): string => `ARRAY[${xs.map((x) => `'${x}'`).join(', ')}]`;

const setupSql = `
CREATE TABLE cities (id text PRIMARY KEY, name text NOT NULL);
CREATE TABLE venues (id int PRIMARY KEY, city_id text NOT NULL, name text NOT NULL, capacity int NOT NULL);
CREATE TABLE artists (id int PRIMARY KEY, name text NOT NULL, genre text NOT NULL);
CREATE TABLE events (
  id int PRIMARY KEY,
  city_id text NOT NULL,
  venue_id int NOT NULL,
  title text NOT NULL,
  starts_at timestamptz NOT NULL,
  price_from_cents int NOT NULL,
  tickets_available int NOT NULL CHECK (tickets_available >= 0)
);
CREATE TABLE event_performers (
  event_id int NOT NULL,
  billing int NOT NULL,
  artist_id int NOT NULL,
  PRIMARY KEY (event_id, billing)
);
CREATE TABLE holds (
  id bigserial PRIMARY KEY,
  event_id int NOT NULL,
  quantity int NOT NULL CHECK (quantity > 0),
  expires_at timestamptz NOT NULL
);

INSERT INTO cities SELECT c, initcap(c) FROM unnest(${textArray(CITIES)}) c;
-- Venue v is in city (v - 1) % 8, 15 per city.
INSERT INTO venues
  SELECT v, w.city[1 + (v - 1) % 8], initcap(w.city[1 + (v - 1) % 8]) || ' ' || w.kind[1 + (v - 1) / 8],
         300 + (v * 97) % 4000
  FROM generate_series(1, ${VENUE_COUNT}) v,
       (SELECT ${textArray(CITIES)} AS city, ${textArray(VENUE_KIND)} AS kind) w;
INSERT INTO artists
  SELECT a, w.first[1 + (a - 1) % 30] || ' ' || w.second[1 + (a - 1) / 30], w.genre[1 + a % 6]
  FROM generate_series(1, ${ARTIST_COUNT}) a,
       (SELECT ${textArray(ARTIST_FIRST)} AS first,
               ${textArray(ARTIST_SECOND)} AS second,
               ${textArray(GENRES)} AS genre) w;
-- One to four acts per event; billing 1 is the headliner.
CREATE TEMP TABLE lineup AS
  SELECT e AS event_id, b AS billing, 1 + (e * 13 + b * 389) % ${ARTIST_COUNT} AS artist_id
  FROM generate_series(1, ${EVENT_COUNT}) e, generate_series(1, 4) b
  WHERE b <= 1 + (e * 7 + (e / 8) * 3) % 4;
-- Event e plays in city (e - 1) % 8 at one of its venues; within a city, later ids start
-- later (two shows a night from 6 February). Every 13th event is nearly sold out.
INSERT INTO events
  SELECT e, w.city[1 + (e - 1) % 8], 1 + (e - 1) % 8 + 8 * ((e * 7) % 15),
         headliner.name || ': ' || w.tour[1 + e % 7],
         timestamptz '2026-02-06 00:00:00+00' + ((e - 1) / 16) * interval '1 day'
           + CASE WHEN (e - 1) / 8 % 2 = 0 THEN interval '18 hours 30 minutes' ELSE interval '20 hours' END
           + (e * 17 % 3) * interval '15 minutes',
         1500 + (e * 37 % 60) * 100,
         CASE WHEN e % 13 = 0 THEN (e / 13) % 6 ELSE 20 + (e * 53) % 1200 END
  FROM generate_series(1, ${EVENT_COUNT}) e
  JOIN lineup l ON l.event_id = e AND l.billing = 1
  JOIN artists headliner ON headliner.id = l.artist_id,
       (SELECT ${textArray(CITIES)} AS city, ${textArray(TOUR)} AS tour) w;
INSERT INTO event_performers SELECT event_id, billing, artist_id FROM lineup;
DROP TABLE lineup;

CREATE INDEX events_city_starts_idx ON events (city_id, starts_at);
CREATE INDEX event_performers_artist_idx ON event_performers (artist_id);
CREATE INDEX holds_event_idx ON holds (event_id);
ALTER TABLE venues ADD FOREIGN KEY (city_id) REFERENCES cities (id);
ALTER TABLE events ADD FOREIGN KEY (city_id) REFERENCES cities (id),
                   ADD FOREIGN KEY (venue_id) REFERENCES venues (id);
ALTER TABLE event_performers ADD FOREIGN KEY (event_id) REFERENCES events (id),
                             ADD FOREIGN KEY (artist_id) REFERENCES artists (id);
ALTER TABLE holds ADD FOREIGN KEY (event_id) REFERENCES events (id);
`;

function pickCity(rng: Prng): number {
  let x = rng.next();
  for (let i = 0; i < CITY_SHARE.length; i++) {
    x -= CITY_SHARE[i];
    if (x < 0) return i;
  }
  return 0;
}

/** How long a lineup on the list may lag a promoter's edit. */
const LINEUP_FRESHNESS_MS = 5000;

/** Fans hold tickets for events on the first page of their city (ids 1 + city + 8k). */
function holdTarget(rng: Prng): number {
  const city = pickCity(rng);
  return 1 + city + 8 * Math.floor(rng.next() * PAGE_SIZE);
}

// ---------------------------------------------------------------------------
// The database's other writers
// ---------------------------------------------------------------------------

interface Sale {
  quantity: number;
  atMs: number;
}

interface LineupEdit {
  /** The lineup before the edit, as LINEUPS writes it. */
  before: string;
  atMs: number;
}

/** What the other writers did, per run, per event. */
const boxOfficeSales = perRun(() => new Map<number, Sale[]>());
const lineupEdits = perRun(() => new Map<number, LineupEdit[]>());

function note<T>(byEvent: Map<number, T[]>, eventId: number, entry: T): void {
  byEvent.set(eventId, [...(byEvent.get(eventId) ?? []), entry]);
}

/** The box office and partner sites sell one to four tickets for an event on a first page. */
async function sellAtBoxOffice(db: CheckDb, rng: Prng, nowMs: number): Promise<void> {
  const eventId = holdTarget(rng);
  const quantity = 1 + Math.floor(rng.next() * 4);
  const { rows } = await db.query(
    'UPDATE events SET tickets_available = tickets_available - $2 WHERE id = $1 AND tickets_available >= $2 RETURNING id',
    [eventId, quantity],
  );
  if (rows.length > 0) note(boxOfficeSales(db), eventId, { quantity, atMs: nowMs });
}

/** A promoter replaces the last act on the bill of an event on a first page. */
async function editLineup(db: CheckDb, rng: Prng, nowMs: number): Promise<void> {
  const eventId = holdTarget(rng);
  const {
    rows: [current],
  } = await db.query<{ lineup: string }>(LINEUPS, [[eventId]]);
  const {
    rows: [last],
  } = await db.query<{ billing: number; artists: number[] }>(
    'SELECT max(billing) AS billing, array_agg(artist_id) AS artists FROM event_performers WHERE event_id = $1',
    [eventId],
  );
  let artist = 1 + Math.floor(rng.next() * ARTIST_COUNT);
  while (last.artists.includes(artist)) artist = 1 + (artist % ARTIST_COUNT);
  await db.query('UPDATE event_performers SET artist_id = $3 WHERE event_id = $1 AND billing = $2', [eventId, last.billing, artist]);
  note(lineupEdits(db), eventId, { before: current.lineup, atMs: nowMs });
}

// ---------------------------------------------------------------------------
// Functional checks
// ---------------------------------------------------------------------------

interface ConfirmedHold {
  quantity: number;
  endMs: number;
}

/**
 * Holds the service confirmed, per run, per event. The hold check sees every hold response
 * before any list response that ends later, so a list check knows which holds had been
 * confirmed before its request was sent.
 */
const confirmedHolds = perRun(() => new Map<number, ConfirmedHold[]>());

/**
 * A confirmed hold must echo the event and quantity; it is logged for the list check. A 409
 * must be deserved: tickets only ever go down, so an event that has enough tickets now had
 * enough when the hold was refused.
 */
async function verifyHold(ex: Exchange, db: CheckDb): Promise<string | undefined> {
  if (ex.status >= 500) return undefined; // counted in the error rate
  const eventId = Number(/^\/api\/events\/(\d+)\/holds$/.exec(ex.request.path)?.[1]);
  const quantity = (ex.request.body as { quantity: number }).quantity;
  if (ex.status === 409) {
    const { rows } = await db.query<{ tickets_available: number }>('SELECT tickets_available FROM events WHERE id = $1', [eventId]);
    const left = rows[0]?.tickets_available;
    return left !== undefined && left >= quantity ? `409 for ${quantity} tickets, but event ${eventId} has ${left} left` : undefined;
  }
  if (ex.status !== 201) return `status ${ex.status} for a hold on an existing event`;
  const body = (ex.body ?? {}) as { eventId?: unknown; quantity?: unknown; ticketsAvailable?: unknown };
  if (body.eventId !== eventId || body.quantity !== quantity) {
    return `hold is for event ${String(body.eventId)} x${String(body.quantity)}, asked ${eventId} x${quantity}`;
  }
  if (typeof body.ticketsAvailable !== 'number' || body.ticketsAvailable < 0) {
    return `ticketsAvailable ${String(body.ticketsAvailable)} after a hold`;
  }
  note(confirmedHolds(db), eventId, { quantity, endMs: ex.endMs });
  return undefined;
}

interface ListedEvent {
  id?: unknown;
  title?: unknown;
  startsAt?: unknown;
  venue?: { name?: unknown };
  priceFromCents?: unknown;
  ticketsAvailable?: unknown;
  lineup?: { id?: unknown; name?: unknown }[];
}

/** An event on a city's first page, in the columns no request changes. */
interface PageEvent {
  id: number;
  title: string;
  /** starts_at as the service's JSON writes a Date, and in milliseconds. */
  startsAt: string;
  startsAtMs: number;
  venue: string;
  price_from_cents: number;
}

const FIRST_PAGE = `
  SELECT e.id, e.title, e.starts_at, v.name AS venue, e.price_from_cents
  FROM events e JOIN venues v ON v.id = e.venue_id
  WHERE e.city_id = $1
  ORDER BY e.starts_at, e.id
  LIMIT ${PAGE_SIZE}`;

/** tickets_available of the page's events: primary-key lookups, one read per response. */
const TICKETS_NOW = 'SELECT id, tickets_available FROM events WHERE id = ANY($1::int[])';

/** Each event's lineup as `id:name` of each act in billing order, joined by ', '. */
const LINEUPS = `
  SELECT p.event_id, string_agg(a.id || ':' || a.name, ', ' ORDER BY p.billing) AS lineup
  FROM event_performers p JOIN artists a ON a.id = p.artist_id
  WHERE p.event_id = ANY($1::int[])
  GROUP BY p.event_id`;

/**
 * Every city's first page (which events, in what order, with title, start, venue and price),
 * per run, read at the first list. Exact: holds change only tickets_available, and nothing
 * else writes events or venues, so these are the same at every instant of the run. Tickets
 * and lineups are read when each response arrives.
 */
const firstPagesOf = perRun(
  (db): Promise<Map<string, PageEvent[]>> =>
    Promise.all(
      CITIES.map(async (city) => {
        const { rows } = await db.query<{ id: number; title: string; starts_at: Date; venue: string; price_from_cents: number }>(
          FIRST_PAGE,
          [city],
        );
        return [
          city,
          rows.map(({ starts_at, ...row }) => ({ ...row, startsAt: starts_at.toISOString(), startsAtMs: starts_at.getTime() })),
        ] as const;
      }),
    ).then((cities) => new Map(cities)),
);

function compareEvent(
  got: ListedEvent,
  want: PageEvent,
  lineup: { now: string; recent: LineupEdit[] },
  tickets: { now: number; atMost: number },
): string | undefined {
  if (got.title !== want.title) return `title ${JSON.stringify(got.title)}, expected ${JSON.stringify(want.title)}`;
  if (got.startsAt !== want.startsAt && (typeof got.startsAt !== 'string' || Date.parse(got.startsAt) !== want.startsAtMs)) {
    return `startsAt ${String(got.startsAt)}, expected ${want.startsAt}`;
  }
  if (got.venue?.name !== want.venue) return `venue ${JSON.stringify(got.venue?.name)}, expected ${JSON.stringify(want.venue)}`;
  if (got.priceFromCents !== want.price_from_cents)
    return `priceFromCents ${String(got.priceFromCents)}, expected ${want.price_from_cents}`;
  const listed = Array.isArray(got.lineup) ? got.lineup.map((a) => `${String(a?.id)}:${String(a?.name)}`).join(', ') : String(got.lineup);
  if (listed !== lineup.now && !lineup.recent.some((edit) => edit.before === listed)) {
    return `lineup [${listed}], expected [${lineup.now}]${lineup.recent.length ? ` (or a lineup it had in the ${LINEUP_FRESHNESS_MS / 1000} s before the request)` : ''}`;
  }
  const n = got.ticketsAvailable;
  if (typeof n !== 'number' || n < tickets.now || n > tickets.atMost) {
    const range = tickets.atMost === tickets.now ? `${tickets.now}` : `${tickets.now}–${tickets.atMost}`;
    return `ticketsAvailable ${String(n)}; the database had ${range} while the request was served`;
  }
  return undefined;
}

/**
 * The page must be the city's first 50 events in start order, each with its venue and full
 * lineup in billing order. tickets_available must be a value the database held while the
 * request was served: no lower than now, and no higher than the seed minus every hold
 * confirmed and every box-office sale made before the request was sent. The lineup is the
 * one the database has now, or one it had within LINEUP_FRESHNESS_MS before the request.
 * Tickets and lineups are read from the database as it is when the response arrives.
 */
async function verifyList(ex: Exchange, db: CheckDb): Promise<string | undefined> {
  if (ex.status >= 500) return undefined; // counted in the error rate
  if (ex.status !== 200) return `status ${ex.status} for a known city`;
  const events = (ex.body as { events?: ListedEvent[] } | undefined)?.events;
  if (!Array.isArray(events)) return 'the body has no events array';
  const city = decodeURIComponent(/[?&]city=([^&]*)/.exec(ex.request.path)?.[1] ?? '');
  const page = (await firstPagesOf(db)).get(city) ?? [];
  const ids = page.map((e) => e.id);
  const tickets = await db.query<{ id: number; tickets_available: number }>(TICKETS_NOW, [ids]);
  const acts = await db.query<{ event_id: number; lineup: string }>(LINEUPS, [ids]);
  if (events.length !== page.length) return `${events.length} events listed; ${city} has ${page.length} on its first page`;
  const ticketsNow = new Map(tickets.rows.map((r) => [r.id, r.tickets_available]));
  const lineups = new Map(acts.rows.map((r) => [r.event_id, r.lineup]));
  const holds = confirmedHolds(db);
  const sales = boxOfficeSales(db);
  const edits = lineupEdits(db);
  for (let i = 0; i < page.length; i++) {
    const want = page[i];
    if (events[i]?.id !== want.id)
      return `event #${i + 1} is ${String(events[i]?.id)}, expected ${want.id} (the first ${PAGE_SIZE} by start time)`;
    const heldBefore = (holds.get(want.id) ?? []).reduce((sum, h) => sum + (h.endMs <= ex.startMs ? h.quantity : 0), 0);
    const soldBefore = (sales.get(want.id) ?? []).reduce((sum, s) => sum + (s.atMs <= ex.startMs ? s.quantity : 0), 0);
    const range = {
      now: ticketsNow.get(want.id) ?? initialTicketsAvailable(want.id),
      atMost: initialTicketsAvailable(want.id) - heldBefore - soldBefore,
    };
    const recent = (edits.get(want.id) ?? []).filter((e) => e.atMs > ex.startMs - LINEUP_FRESHNESS_MS);
    const problem = compareEvent(events[i], want, { now: lineups.get(want.id) ?? '', recent }, range);
    if (problem) return `event #${i + 1} (${want.id}): ${problem}`;
  }
  return undefined;
}

export default defineScenario({
  platform: {
    replicas: { count: 2 },
    database: {
      setupSql,
      rttMs: 1,
      writers: [
        { name: 'box office', ratePerSec: 1, write: sellAtBoxOffice },
        { name: 'promoter admin', ratePerSec: 0.5, write: editLineup },
      ],
    },
  },
  load: {
    durationMs: 60_000,
    arrivals: { kind: 'spike', basePerSec: 6, peakPerSec: 380, fromMs: 30_000, toMs: 32_000 },
    mix: [
      {
        route: 'GET /api/events',
        weight: 0.95,
        build: (rng) => ({ method: 'GET', path: `/api/events?city=${CITIES[pickCity(rng)]}` }),
      },
      {
        route: 'POST /api/events/:id/holds',
        weight: 0.05,
        build: (rng) => ({
          method: 'POST',
          path: `/api/events/${holdTarget(rng)}/holds`,
          body: { quantity: 1 + Math.floor(rng.next() * 4) },
        }),
        // 409: not enough tickets left (every 13th event starts nearly sold out); the hold
        // check makes sure each 409 was deserved.
        expectedStatuses: [201, 409],
      },
    ],
    clientTimeoutMs: 5000,
    loadScale: { min: 0.5, max: 2 },
  },
  slos: [
    { metric: 'http_req_duration{route:GET /api/events}', threshold: 'p(99)<100', label: 'GET /api/events p99 under 100 ms' },
    { metric: 'http_req_duration{route:POST /api/events/:id/holds}', threshold: 'p(99)<100', label: 'Ticket holds p99 under 100 ms' },
    { metric: 'http_req_failed', threshold: 'rate<0.01', label: 'Under 1% of requests fail' },
    { metric: 'http_reqs{route:GET /api/events}', threshold: 'rate>15', label: 'Serves over 15 event lists a second' },
    { metric: 'db_queries_per_request{route:GET /api/events}', threshold: 'avg<5', label: 'Under 5 database queries per event list' },
  ],
  checks: [
    { name: 'holds are confirmed or refused as the database says', route: 'POST /api/events/:id/holds', verify: verifyHold },
    { name: 'event lists match the database', route: 'GET /api/events', verify: verifyList },
  ],
});
