/**
 * Who a request speaks for. Host and learner actions both carry `Authorization: Bearer
 * <token>`; the room comes from the URL, so a token is only ever checked against its own room.
 * The hooks run before the body is validated, so a caller without the right token learns
 * nothing about what the route accepts.
 *
 * A wrong token is 401. A valid token of the wrong kind (a learner's on a host action, the
 * host's on a learner action) is 403: the caller is known, and not allowed.
 */
import type { FastifyRequest } from 'fastify';
import { ApiError } from './api-error.ts';
import type { LearnerCache } from './learner-cache.ts';
import type { RoomCache } from './room-cache.ts';
import type { Learner, Room, WorkshopStore } from './store/workshop-store.ts';
import { JOIN_CODE_LENGTH, JOIN_CODE_PATTERN, normalizeJoinCode, tokenHash, tokenMatches } from './tokens.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The room of the URL, once the hook for the route has checked the token. */
    workshopRoom: Room | null;
    /** The learner whose token the request carries, on learner routes. */
    workshopLearner: Learner | null;
  }
}

/** Tokens are 43 characters of base64url; anything far from that is not worth hashing. */
const JOIN_CODE_RE = new RegExp(JOIN_CODE_PATTERN);

const BEARER = /^Bearer ([A-Za-z0-9_-]{16,128})$/;

function bearer(request: FastifyRequest, who: string): string {
  const header = request.headers.authorization;
  if (header === undefined) throw new ApiError(401, `this needs the ${who}: send "Authorization: Bearer <token>"`);
  const m = BEARER.exec(header);
  if (!m) throw new ApiError(401, 'the Authorization header must be "Bearer <token>"');
  return m[1];
}

export function roomCodeOf(request: FastifyRequest): string {
  return normalizeJoinCode((request.params as { code: string }).code);
}

export function makeAuth(store: WorkshopStore, rooms: RoomCache, learners: LearnerCache) {
  async function roomOf(request: FastifyRequest) {
    const code = roomCodeOf(request);
    // Checked here as well as by the schema: these hooks run before validation.
    if (!JOIN_CODE_RE.test(code))
      throw new ApiError(400, `params/code: a join code is ${JOIN_CODE_LENGTH} characters of A-Z and 2-9, without I, L, O, 0 or 1`);
    const found = await rooms.get(code);
    if (!found) throw new ApiError(404, `no room has the code ${code}`);
    return found;
  }

  return {
    /** The room exists; no token needed (joining). */
    async room(request: FastifyRequest): Promise<void> {
      request.workshopRoom = (await roomOf(request)).room;
    },

    async host(request: FastifyRequest): Promise<void> {
      const { room, hostTokenSha256 } = await roomOf(request);
      const token = bearer(request, "room's host token");
      if (!tokenMatches(token, hostTokenSha256)) {
        if (await store.learnerByToken(room.code, tokenHash(token)))
          throw new ApiError(403, "a learner token cannot do host actions: they need the room's host token");
        throw new ApiError(401, 'this token is not the host token of this room');
      }
      request.workshopRoom = room;
    },

    async learner(request: FastifyRequest): Promise<void> {
      const { room, hostTokenSha256 } = await roomOf(request);
      const token = bearer(request, 'learner token that joining the room gave');
      const learner = await learners.get(room.code, tokenHash(token));
      if (!learner) {
        if (tokenMatches(token, hostTokenSha256))
          throw new ApiError(403, 'the host token cannot act as a learner: join the room with a name to report runs');
        throw new ApiError(401, 'this token is not a learner token of this room: join the room again with your name');
      }
      request.workshopRoom = room;
      request.workshopLearner = learner;
    },
  };
}

export type Auth = ReturnType<typeof makeAuth>;
