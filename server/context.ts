/**
 * What the routes share: the store, the live streams, the rate limits and the clock. Built
 * once in app.ts; tests build it with a clock they move.
 */
import type { Auth } from './auth.ts';
import type { LiveHub } from './live-hub.ts';
import type { RateLimit } from './rate-limits.ts';
import type { RoomCache } from './room-cache.ts';
import type { WorkshopStore } from './store/workshop-store.ts';

export interface WorkshopContext {
  store: WorkshopStore;
  hub: LiveHub;
  auth: Auth;
  /** Rooms as the auth hooks read them; told when this process closes one. */
  rooms: RoomCache;
  limits: Record<'createRoom' | 'join' | 'report' | 'hand' | 'host', RateLimit>;
  nowMs: () => number;
  heartbeatMs: number;
  /** The scenarios a track may name. */
  scenarioIds: ReadonlySet<string>;
}
