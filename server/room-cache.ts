/**
 * Rooms by code, kept in memory after the first read: a room never changes once created, so
 * a copy cannot go stale, even with several server processes on one database. Bounded, the
 * oldest dropped first; a missing room is not cached, so a room made by another process is
 * found as soon as it exists.
 */
import type { Room, WorkshopStore } from './store/workshop-store.ts';

type Entry = { room: Room; hostTokenSha256: string };

export class RoomCache {
  readonly #rooms = new Map<string, Entry>();

  constructor(
    private readonly store: WorkshopStore,
    private readonly maxRooms = 1000,
  ) {}

  async get(code: string): Promise<Entry | null> {
    const cached = this.#rooms.get(code);
    if (cached) return cached;
    const found = await this.store.room(code);
    if (found) {
      this.#rooms.set(code, found);
      if (this.#rooms.size > this.maxRooms) this.#rooms.delete(this.#rooms.keys().next().value!);
    }
    return found;
  }
}
