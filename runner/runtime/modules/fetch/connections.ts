/**
 * undici's keep-alive pool, per origin, reduced to what costs time: whether a request finds
 * an idle connection (no handshake) or must open one (TCP + TLS). A connection is busy from
 * send until its response has been received, or until its request is aborted, when undici
 * destroys the socket rather than reuse it. Idle connections close after undici's default
 * keep-alive timeout, so a service that calls a downstream rarely pays the handshake again.
 */

/** undici's `keepAliveTimeout` default: an idle socket is closed after 4 s. */
export const KEEP_ALIVE_TIMEOUT_MS = 4_000;

/** Idle connections kept per origin; beyond this a released one is closed (memory bound). */
export const IDLE_CONNECTIONS_MAX = 256;

export interface ConnectionStats {
  origin: string;
  /** New connections (each paid the handshake). */
  opened: number;
  /** Requests sent on a kept-alive connection. */
  reused: number;
  busy: number;
  idle: number;
  /** Destroyed because their request was aborted or the connection was refused. */
  destroyed: number;
}

export class ConnectionPool {
  /** When each idle connection became idle, most recent last (reuse takes the freshest). */
  private readonly idleSinceMs: number[] = [];
  private busy = 0;
  private opened = 0;
  private reused = 0;
  private destroyed = 0;

  constructor(readonly origin: string) {}

  /** Takes a connection for a request sent at `nowMs`; true when a kept-alive one was free. */
  acquire(nowMs: number): boolean {
    const idle = this.idleSinceMs;
    // The freshest is last: if it has timed out, every idle connection has.
    if (idle.length && nowMs - idle[idle.length - 1] >= KEEP_ALIVE_TIMEOUT_MS) idle.length = 0;
    this.busy++;
    if (idle.length) {
      idle.pop();
      this.reused++;
      return true;
    }
    this.opened++;
    return false;
  }

  /** The response was fully received at `nowMs`: the connection goes back to the pool. */
  release(nowMs: number): void {
    this.busy--;
    if (this.idleSinceMs.length < IDLE_CONNECTIONS_MAX) this.idleSinceMs.push(nowMs);
  }

  /** The request was aborted or refused: the socket is gone. */
  destroy(): void {
    this.busy--;
    this.destroyed++;
  }

  stats(nowMs: number): ConnectionStats {
    const idle = this.idleSinceMs.filter((t) => nowMs - t < KEEP_ALIVE_TIMEOUT_MS).length;
    return { origin: this.origin, opened: this.opened, reused: this.reused, busy: this.busy, idle, destroyed: this.destroyed };
  }
}
