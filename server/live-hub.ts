/**
 * Who is listening to which room, and what they are sent. Hosts get the whole dashboard: once
 * when they connect, then after each change, at most every `flushDelayMs` (a room where forty
 * runs end in one second costs a handful of dashboard queries, not forty). Learners get the
 * host's broadcasts, and a `closed` event when the host closes the room (at once if it was
 * closed when they connect).
 *
 * A change is signalled with the room's code after it is committed, by this process or, on a
 * shared Postgres, by another (WorkshopStore.onRemoteChange), so a signal may come twice: a
 * flush is idempotent and each learner stream remembers the last broadcast it was sent.
 */
import type { SseStream } from './sse.ts';
import type { Broadcast, Room, WorkshopStore } from './store/workshop-store.ts';

export type Change = 'progress' | 'broadcast' | 'closed';

/** Broadcasts a learner gets when they connect, and the most a change can bring at once. */
export const RECENT_BROADCASTS = 20;

interface LearnerStream {
  stream: SseStream;
  learnerId: string;
  lastBroadcastId: number;
}

interface RoomListeners {
  room: Room;
  hosts: Set<SseStream>;
  learners: Set<LearnerStream>;
  flushTimer: NodeJS.Timeout | null;
  flushing: boolean;
  dirty: boolean;
  /**
   * The room's latest broadcasts as last read, for every learner stream that connects until
   * the next broadcast: a restart brings a whole room's streams back at once, and one query
   * then serves them all instead of one each.
   */
  recent: Promise<Broadcast[]> | null;
}

export interface LiveHubOptions {
  flushDelayMs: number;
  /** Streams one room may hold open, hosts and learners together. */
  streamsPerRoomMax: number;
}

export class LiveHub {
  readonly #rooms = new Map<string, RoomListeners>();

  constructor(
    private readonly store: WorkshopStore,
    private readonly nowMs: () => number,
    private readonly options: LiveHubOptions,
  ) {}

  /** Whether the room can take one more stream. */
  hasRoomFor(code: string): boolean {
    const r = this.#rooms.get(code);
    return !r || r.hosts.size + r.learners.size < this.options.streamsPerRoomMax;
  }

  async addHost(room: Room, stream: SseStream): Promise<void> {
    const r = this.#listeners(room);
    r.hosts.add(stream);
    stream.onClose(() => this.#remove(room.code, () => r.hosts.delete(stream)));
    await this.#first(stream, async () => stream.send('dashboard', await this.store.dashboard(room, this.nowMs())));
  }

  async addLearner(room: Room, learnerId: string, stream: SseStream): Promise<void> {
    const r = this.#listeners(room);
    const entry: LearnerStream = { stream, learnerId, lastBroadcastId: 0 };
    r.learners.add(entry);
    stream.onClose(() => this.#remove(room.code, () => r.learners.delete(entry)));
    await this.#first(stream, async () => {
      this.#sendBroadcasts(entry, await this.#recent(r));
      if (r.room.closedAtMs !== undefined) stream.send('closed', { closedAtMs: r.room.closedAtMs });
    });
  }

  /**
   * Sends what a stream starts with. The response is already under way (status 200 and the
   * headers are out), so a failure cannot become an error answer: the stream is ended, and
   * the client reconnects as it would after any drop.
   */
  async #first(stream: SseStream, send: () => Promise<void>): Promise<void> {
    try {
      await send();
    } catch (err) {
      console.error(`workshop: cannot start a live stream: ${(err as Error).message}`);
      stream.close();
    }
  }

  changed(code: string, change: Change): void {
    const r = this.#rooms.get(code);
    if (!r) return;
    if (change === 'closed') {
      this.#closed(r).catch((err: Error) => console.error(`workshop: cannot read the closed room ${code}: ${err.message}`));
      return;
    }
    if (change === 'broadcast') {
      r.recent = null;
      this.#recent(r).then(
        (list) => {
          for (const entry of r.learners) this.#sendBroadcasts(entry, list);
        },
        (err: Error) => console.error(`workshop: cannot read the broadcasts of ${code}: ${err.message}`),
      );
      return;
    }
    if (r.hosts.size === 0) return;
    r.dirty = true;
    if (!r.flushTimer && !r.flushing) r.flushTimer = setTimeout(() => this.#flush(r), this.options.flushDelayMs);
  }

  /** The room as stored now, closed, for the learners' streams and the hosts' dashboards. */
  async #closed(r: RoomListeners): Promise<void> {
    const found = await this.store.room(r.room.code);
    const closedAtMs = found?.room.closedAtMs;
    if (closedAtMs === undefined || r.room.closedAtMs !== undefined) return;
    r.room = found!.room;
    for (const entry of r.learners) entry.stream.send('closed', { closedAtMs });
    if (r.hosts.size === 0) return;
    r.dirty = true;
    if (!r.flushTimer && !r.flushing) r.flushTimer = setTimeout(() => this.#flush(r), this.options.flushDelayMs);
  }

  /** Ends every stream, so the server can close without waiting for listeners to leave. */
  closeAll(): void {
    for (const r of [...this.#rooms.values()]) {
      if (r.flushTimer) clearTimeout(r.flushTimer);
      for (const s of [...r.hosts]) s.close();
      for (const l of [...r.learners]) l.stream.close();
    }
    this.#rooms.clear();
  }

  async #flush(r: RoomListeners): Promise<void> {
    r.flushTimer = null;
    r.flushing = true;
    r.dirty = false;
    try {
      const dashboard = await this.store.dashboard(r.room, this.nowMs());
      for (const s of r.hosts) s.send('dashboard', dashboard);
    } catch (err) {
      console.error(`workshop: cannot build the dashboard of ${r.room.code}: ${(err as Error).message}`);
    } finally {
      r.flushing = false;
      // A change that came during the query is not in what was sent: send again.
      if (r.dirty && r.hosts.size > 0) r.flushTimer = setTimeout(() => this.#flush(r), this.options.flushDelayMs);
    }
  }

  #recent(r: RoomListeners): Promise<Broadcast[]> {
    if (!r.recent) {
      const read = this.store.broadcasts(r.room.code, RECENT_BROADCASTS);
      r.recent = read;
      // A failed read is not kept: the next stream to connect reads again.
      read.catch(() => {
        if (r.recent === read) r.recent = null;
      });
    }
    return r.recent;
  }

  #sendBroadcasts(entry: LearnerStream, list: { id: number }[]): void {
    for (const b of list) {
      if (b.id <= entry.lastBroadcastId) continue;
      entry.stream.send('broadcast', b, b.id);
      entry.lastBroadcastId = b.id;
    }
  }

  #listeners(room: Room): RoomListeners {
    let r = this.#rooms.get(room.code);
    if (!r) {
      r = { room, hosts: new Set(), learners: new Set(), flushTimer: null, flushing: false, dirty: false, recent: null };
      this.#rooms.set(room.code, r);
    }
    return r;
  }

  #remove(code: string, drop: () => void): void {
    drop();
    const r = this.#rooms.get(code);
    if (r && r.hosts.size === 0 && r.learners.size === 0) {
      if (r.flushTimer) clearTimeout(r.flushTimer);
      this.#rooms.delete(code);
    }
  }
}
