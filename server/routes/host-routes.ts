/**
 * What the host calls, each with the room's host token: create the room (which gives the
 * token, once), read the dashboard or stream it live, broadcast to the learners, close the
 * room, and export the results (a closed room's dashboard and exports stay readable).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { WorkshopContext } from '../context.ts';
import { resultsCsv, resultsJson } from '../export.ts';
import { broadcastSchema, createRoomSchema, dashboardSchema, hostReadSchema } from '../schemas.ts';
import { SseStream } from '../sse.ts';
import type { Broadcast, Room, TrackStep } from '../store/workshop-store.ts';
import { newJoinCode, newToken, tokenHash } from '../tokens.ts';
import { cleanName } from './names.ts';

/** Draws before giving up: with 31^6 codes, a clash is rare and ten in a row means a bug. */
const JOIN_CODE_DRAWS = 10;

export function hostRoutes(app: FastifyInstance, ctx: WorkshopContext): void {
  const { store, auth, hub, limits } = ctx;
  const hostRoom = (request: FastifyRequest): Room => {
    const room = request.workshopRoom!;
    limits.host.check(room.code, "the room's host");
    return room;
  };

  app.post<{ Body: { name: string; track: TrackStep[] } }>('/api/rooms', { schema: createRoomSchema }, async (request, reply) => {
    limits.createRoom.check(request.ip, 'creating rooms');
    const name = cleanName(request.body.name, 'name');
    const track = request.body.track;
    const seen = new Set<string>();
    track.forEach(({ scenarioId }, i) => {
      if (!ctx.scenarioIds.has(scenarioId)) throw new ApiError(400, `body/track/${i}/scenarioId: there is no scenario "${scenarioId}"`);
      if (seen.has(scenarioId)) throw new ApiError(400, `body/track/${i}/scenarioId: "${scenarioId}" is already on the track`);
      seen.add(scenarioId);
    });
    const hostToken = newToken();
    for (let i = 0; i < JOIN_CODE_DRAWS; i++) {
      const room: Room = { code: newJoinCode(), name, track, createdAtMs: ctx.nowMs() };
      if (await store.createRoom(room, tokenHash(hostToken))) return reply.code(201).send({ room, hostToken });
    }
    throw new Error(`no free join code after ${JOIN_CODE_DRAWS} draws`);
  });

  app.get('/api/rooms/:code/dashboard', { schema: dashboardSchema, preValidation: auth.host }, async (request) =>
    store.dashboard(hostRoom(request), ctx.nowMs()),
  );

  app.get('/api/rooms/:code/dashboard/events', { schema: hostReadSchema, preValidation: auth.host }, async (request, reply) => {
    const room = hostRoom(request);
    if (!hub.hasRoomFor(room.code)) throw new ApiError(503, 'this room has too many open streams; try again shortly', 10);
    await hub.addHost(room, new SseStream(reply, ctx.heartbeatMs));
  });

  app.post<{ Body: { kind: Broadcast['kind']; text: string } }>(
    '/api/rooms/:code/broadcasts',
    { schema: broadcastSchema, preValidation: auth.host },
    async (request, reply) => {
      const room = hostRoom(request);
      const text = request.body.text.trim();
      if (text === '') throw new ApiError(400, 'body/text must have a visible character');
      const broadcast = await store.addBroadcast(room.code, request.body.kind, text, ctx.nowMs());
      hub.changed(room.code, 'broadcast');
      return reply.code(201).send(broadcast);
    },
  );

  // Closing is for good and idempotent: a second close answers with the first one's time.
  app.post('/api/rooms/:code/close', { schema: hostReadSchema, preValidation: auth.host }, async (request) => {
    const room = hostRoom(request);
    const closedAtMs = await store.closeRoom(room.code, ctx.nowMs());
    ctx.rooms.forget(room.code);
    hub.changed(room.code, 'closed');
    return { room: { ...room, closedAtMs } };
  });

  app.get('/api/rooms/:code/export.csv', { schema: hostReadSchema, preValidation: auth.host }, async (request, reply) => {
    const room = hostRoom(request);
    const [dashboard, runs] = [await store.dashboard(room, ctx.nowMs()), await store.runs(room.code)];
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="workshop-${room.code}.csv"`)
      .send(resultsCsv(dashboard, runs));
  });

  app.get('/api/rooms/:code/export.json', { schema: hostReadSchema, preValidation: auth.host }, async (request, reply) => {
    const room = hostRoom(request);
    const [dashboard, runs] = [await store.dashboard(room, ctx.nowMs()), await store.runs(room.code)];
    return reply.header('content-disposition', `attachment; filename="workshop-${room.code}.json"`).send(resultsJson(dashboard, runs));
  });
}
