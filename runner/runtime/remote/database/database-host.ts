/**
 * The database server's own resources, shared by every instance of the service that talks
 * to it: its cores, which statements queue for, and Postgres's `max_connections`. Each
 * instance reaches it through its own DbServer (pg/db-server.ts), its side of the network.
 */
import type { DatabaseSpec } from '../../../scenario/types.ts';
import type { Kernel } from '../../../sim/kernel.ts';
import type { QueryOutcome } from './database.ts';
import { Fifo } from '../../../sim/fifo.ts';

/** Cores of the database server. */
export const DB_CORES_DEFAULT = 4;
/** Postgres's default `max_connections`. */
export const MAX_CONNECTIONS_DEFAULT = 100;
/** Statements waiting for a core beyond this fail: a limit on memory, far above any sane load. */
const CORE_QUEUE_MAX = 100_000;

/** A statement at the server: its outcome (known by the time it starts), and who to tell. */
export interface ServerStatement {
  outcome: QueryOutcome | undefined;
  /** Called at the instant the server has finished with it. */
  finished: (outcome: QueryOutcome) => void;
}

export class DatabaseHost {
  readonly cores: number;
  readonly maxConnections: number;
  /** Open connections, from every instance. */
  connections = 0;
  /** The most connections open at once. */
  connectionsPeak = 0;
  /** Connections refused because max_connections was reached. */
  refused = 0;
  private busyCores = 0;
  private readonly coreQueue = new Fifo<ServerStatement>();

  constructor(
    spec: DatabaseSpec,
    private readonly kernel: Kernel,
  ) {
    this.cores = spec.cores ?? DB_CORES_DEFAULT;
    this.maxConnections = spec.maxConnections ?? MAX_CONNECTIONS_DEFAULT;
  }

  /** Takes a connection slot if max_connections allows; false when Postgres would refuse. */
  admit(): boolean {
    if (this.connections >= this.maxConnections) {
      this.refused++;
      return false;
    }
    if (++this.connections > this.connectionsPeak) this.connectionsPeak = this.connections;
    return true;
  }

  release(): void {
    this.connections--;
  }

  /** A statement reaches the server: it takes a free core, or waits for one in order. */
  arrive(q: ServerStatement): void {
    if (this.busyCores < this.cores) this.start(q);
    else if (this.coreQueue.length < CORE_QUEUE_MAX) this.coreQueue.push(q);
    else q.finished({ ok: false, error: { message: 'the database is overloaded', code: '53000' }, serviceMs: 0 });
  }

  private start(q: ServerStatement): void {
    this.busyCores++;
    const outcome = q.outcome as QueryOutcome;
    this.kernel.at(this.kernel.nowMs + outcome.serviceMs, () => {
      this.busyCores--;
      const next = this.coreQueue.shift();
      if (next) this.start(next);
      q.finished(outcome);
    });
  }
}
