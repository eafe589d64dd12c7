/**
 * What a learner's lab calls: join with a name, read its own progress, report runs, raise a
 * hand, and listen for the host's broadcasts. The lab sends each run's verdict, SLO values,
 * findings and the SHA-256 of the code, never the code itself.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ApiError } from '../api-error.ts';
import type { WorkshopContext } from '../context.ts';
import { RECENT_BROADCASTS } from '../live-hub.ts';
import { handSchema, joinSchema, LIMITS, meSchema, reportSchema } from '../schemas.ts';
import { SseStream } from '../sse.ts';
import type { Room, RunReport } from '../store/workshop-store.ts';
import { newToken, tokenHash } from '../tokens.ts';
import { cleanName } from './names.ts';

/** Why a closed room refuses a learner's write (409: the request is fine, the room is not). */
export const ROOM_CLOSED = 'the host has closed this room: it takes no more runs, hands or learners (the lab itself still works)';

const refuseIfClosed = (room: Room): void => {
  if (room.closedAtMs !== undefined) throw new ApiError(409, ROOM_CLOSED);
};

export function learnerRoutes(app: FastifyInstance, ctx: WorkshopContext): void {
  const { store, auth, hub, limits } = ctx;

  app.post<{ Body: { name: string } }>(
    '/api/rooms/:code/learners',
    { schema: joinSchema, preValidation: auth.room },
    async (request, reply) => {
      limits.join.check(request.ip, 'joining');
      const room = request.workshopRoom!;
      const name = cleanName(request.body.name, 'name');
      const token = newToken();
      // A closed room takes no new name, but a learner may still come back to read their progress.
      const learnersMax = room.closedAtMs === undefined ? LIMITS.learnersPerRoom : 0;
      const joined = await store.joinRoom(room.code, name, tokenHash(token), ctx.nowMs(), randomUUID(), learnersMax);
      if (!joined && room.closedAtMs !== undefined) throw new ApiError(409, ROOM_CLOSED);
      // Only a new name counts against the room's size; a returning learner always gets in.
      if (!joined) throw new ApiError(409, `this room is full: it has ${LIMITS.learnersPerRoom} learners`);
      const { learner, resumed } = joined;
      if (!resumed) hub.changed(room.code, 'progress');
      return reply.code(resumed ? 200 : 201).send({ learnerToken: token, resumed, learner, room });
    },
  );

  app.get('/api/rooms/:code/me', { schema: meSchema, preValidation: auth.learner }, async (request) => {
    const progress = await store.progress(request.workshopLearner!);
    const broadcasts = await store.broadcasts(request.workshopRoom!.code, RECENT_BROADCASTS);
    // The server's clock, so the lab counts a time box down from the same clock that started it.
    return { room: request.workshopRoom, ...progress, broadcasts, atMs: ctx.nowMs() };
  });

  app.post<{ Body: RunReport }>(
    '/api/rooms/:code/runs',
    { schema: reportSchema, preValidation: auth.learner, bodyLimit: LIMITS.reportBytes, config: { what: 'a run report' } },
    async (request, reply) => {
      const room = request.workshopRoom!;
      const learner = request.workshopLearner!;
      limits.report.check(learner.id, 'reporting runs');
      const report = request.body;
      if (!room.track.some((s) => s.scenarioId === report.scenarioId))
        throw new ApiError(400, `body/scenarioId: ${report.scenarioId} is not on this room's track`);
      // Acknowledged only once committed: a restart after this answer loses nothing.
      const recorded = await store.recordRun(learner, report, ctx.nowMs());
      // The store decides, not the cached room: a close by another server process counts at
      // once, and a retry of a run kept before the close is still answered as kept.
      if (recorded.roomClosed) {
        ctx.rooms.forget(room.code);
        throw new ApiError(409, ROOM_CLOSED);
      }
      if (recorded.created) hub.changed(room.code, 'progress');
      return reply
        .code(recorded.created ? 201 : 200)
        .send({ runId: recorded.runId, receivedAtMs: recorded.receivedAtMs, repeated: !recorded.created });
    },
  );

  app.put<{ Body: { raised: boolean } }>('/api/rooms/:code/hand', { schema: handSchema, preValidation: auth.learner }, async (request) => {
    const learner = request.workshopLearner!;
    refuseIfClosed(request.workshopRoom!);
    limits.hand.check(learner.id, 'raising or lowering a hand');
    await store.setHand(learner, request.body.raised, ctx.nowMs());
    hub.changed(learner.roomCode, 'progress');
    return { handRaised: request.body.raised };
  });

  app.get('/api/rooms/:code/events', { schema: { params: joinSchema.params }, preValidation: auth.learner }, async (request, reply) => {
    const room = request.workshopRoom!;
    if (!hub.hasRoomFor(room.code)) throw new ApiError(503, 'this room has too many open streams; try again shortly', 10);
    await hub.addLearner(room, request.workshopLearner!.id, new SseStream(reply, ctx.heartbeatMs));
  });
}
