/**
 * Rooms by code, kept in memory after the first read. A room's name, track and host token
 * never change; the one thing that does is that its host may close it, once, for good. So a
 * closed room is kept as it is, and an open one is read again after `openTtlMs`: with several
 * server processes on one database, another process learns of a close within that time even
 * without the notification that normally tells it at once (app.ts). Whichever process a run
 * reaches, the store itself refuses it once the close has committed (record-runs.ts); the
 * cache only spares the database the runs it can refuse early.
 *
 * Bounded, the oldest dropped first; a missing room is not cached, so a room made by another
 * process is found as soon as it exists.
 */
import type { Room, WorkshopStore } from './store/workshop-store.ts';

type Entry = { room: Room; hostTokenSha256: string };

/** An open room is read again after this long: one query a second per busy room. */
const OPEN_TTL_MS = 1000;

export class RoomCache {
  readonly #rooms = new Map<string, { entry: Entry; readAtMs: number }>();
  /** Reads under way: the requests of a burst that all find the entry stale share one. */
  readonly #reading = new Map<string, Promise<Entry | null>>();

  constructor(
    private readonly store: WorkshopStore,
    private readonly nowMs: () => number = Date.now,
    private readonly maxRooms = 1000,
    private readonly openTtlMs = OPEN_TTL_MS,
  ) {}

  async get(code: string): Promise<Entry | null> {
    const cached = this.#rooms.get(code);
    if (cached && (cached.entry.room.closedAtMs !== undefined || this.nowMs() - cached.readAtMs < this.openTtlMs)) return cached.entry;
    let reading = this.#reading.get(code);
    if (!reading) {
      reading = this.#read(code);
      this.#reading.set(code, reading);
      reading.finally(() => this.#reading.delete(code)).catch(() => {});
    }
    return reading;
  }

  async #read(code: string): Promise<Entry | null> {
    const readAtMs = this.nowMs();
    const found = await this.store.room(code);
    if (found) {
      this.#rooms.delete(code);
      this.#rooms.set(code, { entry: found, readAtMs });
      if (this.#rooms.size > this.maxRooms) this.#rooms.delete(this.#rooms.keys().next().value!);
    }
    return found;
  }

  /** The room changed (it was closed): read it afresh next time. */
  forget(code: string): void {
    this.#rooms.delete(code);
  }
}
