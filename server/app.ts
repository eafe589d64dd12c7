/**
 * The workshop server: the built lab as static files and the workshop API under /api, on one
 * origin, so the lab calls the API without CORS. Learners' browsers run the simulations; this
 * process only keeps and shows their progress.
 */
import { existsSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError } from './api-error.ts';
import { makeAuth } from './auth.ts';
import type { WorkshopContext } from './context.ts';
import { LearnerCache } from './learner-cache.ts';
import { LiveHub } from './live-hub.ts';
import { RoomCache } from './room-cache.ts';
import { hostRoutes } from './routes/host-routes.ts';
import { learnerRoutes } from './routes/learner-routes.ts';
import { makeRateLimits, type RATE_RULES } from './rate-limits.ts';
import { LIMITS } from './schemas.ts';
import { QueueFull } from './store/batcher.ts';
import type { WorkshopStore } from './store/workshop-store.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the route's body is, for the message when it is too large ("a run report"). */
    what?: string;
  }
}

/**
 * How long a live dashboard gathers changes before one snapshot: still live within a second,
 * and a busy room costs two snapshots a second rather than five. Each is three aggregate
 * queries over every run of the room, measured with 200 learners and 1000 runs at 15-50 ms,
 * and 90-140 ms on a server just started, which is when the reports that met its restart
 * all come at once and wait behind it (PGlite runs one statement at a time).
 */
const FLUSH_DELAY_MS = 500;

export interface WorkshopAppOptions {
  store: WorkshopStore;
  /** The scenarios a room's track may name. */
  scenarioIds: Iterable<string>;
  /** The built lab (vite build's dist/), served at / when it has an index.html. */
  labDir?: string;
  nowMs?: () => number;
  /** How long live dashboards wait to gather changes before sending one update. */
  flushDelayMs?: number;
  heartbeatMs?: number;
  rateRules?: typeof RATE_RULES;
  /**
   * Behind a load balancer or reverse proxy: take the client's address from X-Forwarded-For,
   * so limits per address apply to each learner's network and not to the proxy's.
   */
  trustProxy?: boolean;
}

export interface WorkshopApp {
  app: FastifyInstance;
  /** Ends the live streams, stops the server, closes the store. */
  close(): Promise<void>;
}

export async function buildWorkshopApp(options: WorkshopAppOptions): Promise<WorkshopApp> {
  const { store } = options;
  const nowMs = options.nowMs ?? Date.now;
  const app = Fastify({
    bodyLimit: LIMITS.bodyBytes,
    logger: false,
    trustProxy: options.trustProxy ?? false,
    // The lab sends JSON with real types: a string where a boolean belongs is a bug to name
    // ("body/passed must be boolean"), not a value to guess. The API has no query strings.
    ajv: { customOptions: { coerceTypes: false } },
    // While closing, a request on a connection already open is still served, with the store
    // still open, rather than refused: during a handover (serve-worker.ts) the lab would
    // otherwise wait a retry's backoff for a report the old server could have kept.
    return503OnClosing: false,
  });
  let closing = false;
  // ...and its answer says the connection ends, so the client opens its next one to whichever
  // server listens now instead of racing the close of an idle keep-alive connection.
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  const hub = new LiveHub(store, nowMs, {
    flushDelayMs: options.flushDelayMs ?? FLUSH_DELAY_MS,
    streamsPerRoomMax: 2 * LIMITS.learnersPerRoom,
  });
  const rooms = new RoomCache(store, nowMs);
  const ctx: WorkshopContext = {
    store,
    hub,
    rooms,
    auth: makeAuth(store, rooms, new LearnerCache(store)),
    limits: makeRateLimits(nowMs, options.rateRules),
    nowMs,
    heartbeatMs: options.heartbeatMs ?? 15_000,
    scenarioIds: new Set(options.scenarioIds),
  };
  app.decorateRequest('workshopRoom', null);
  app.decorateRequest('workshopLearner', null);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route for ${request.method} ${request.url.split('?')[0]}` });
  });
  // Another server process on the same Postgres stored a run or a broadcast for a room
  // whose listeners are here, or closed a room.
  store.onRemoteChange((code, change) => {
    if (change === 'closed') rooms.forget(code);
    hub.changed(code, change);
  });
  // Streams never end by themselves: end them first, or closing would wait for every listener.
  app.addHook('preClose', async () => hub.closeAll());
  // After the route's own checks (the token first, then the schema), for every body.
  app.addHook('preHandler', async (request) => {
    const at = nulCharacterAt(request.body, 'body', 0);
    if (at !== undefined) throw new ApiError(400, `${at} contains a NUL character (U+0000), which cannot be stored`);
  });

  learnerRoutes(app, ctx);
  hostRoutes(app, ctx);
  if (options.labDir && existsSync(join(options.labDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: options.labDir, wildcard: false });
  } else {
    app.get('/', { schema: {} }, async (_request, reply) =>
      reply.type('text/plain; charset=utf-8').send('The workshop API is running; the lab is not built here (npm run build).\n'),
    );
  }
  await app.ready();
  return {
    app,
    async close() {
      closing = true;
      await app.close();
      await store.close();
    },
  };
}

/** Nesting deeper than any body the schemas accept: such a body is refused by them first. */
const BODY_DEPTH_MAX = 16;

/**
 * Where `value` holds a string (or a key) with U+0000, as the schema errors name a field
 * (`body/error`, `body/slos/2/label`), or undefined. Postgres keeps neither text nor jsonb
 * with that character: such a report would fail at the database on every retry.
 */
function nulCharacterAt(value: unknown, path: string, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > BODY_DEPTH_MAX) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = `${path}/${key}`;
    if (key.includes('\u0000')) return at;
    const inner = nulCharacterAt(item, at, depth + 1);
    if (inner !== undefined) return inner;
  }
  return undefined;
}

function errorHandler(
  err: FastifyError | ApiError | QueueFull,
  request: import('fastify').FastifyRequest,
  reply: import('fastify').FastifyReply,
) {
  const send = (statusCode: number, message: string) =>
    reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message });
  if (err instanceof ApiError) {
    if (err.retryAfterSec !== undefined) reply.header('retry-after', String(err.retryAfterSec));
    return send(err.statusCode, err.message);
  }
  if (err instanceof QueueFull) {
    reply.header('retry-after', '1');
    return send(503, 'the server has too many requests waiting for its database; try again shortly');
  }
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    const what = request.routeOptions.config.what ?? 'this request body';
    return send(413, `${what} is at most ${request.routeOptions.bodyLimit} bytes`);
  }
  if (err.validation) return send(400, err.message);
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) return send(err.statusCode, err.message);
  console.error(`workshop: ${request.method} ${request.url}: ${err.stack ?? err.message}`);
  return send(500, 'the server failed on this request; the error is in its log');
}
