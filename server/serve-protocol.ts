/**
 * What `tailspin serve`'s supervisor (serve-supervisor.ts) and its server processes
 * (serve-worker.ts) tell each other over the cluster channel.
 */
import type { StoreOptions } from './store/open-store.ts';

/** What a server process is to run, passed in its environment as JSON. */
export interface ServeConfig {
  port: number;
  host: string;
  store: StoreOptions;
  trustProxy: boolean;
  /** It takes over from a running server: it may open a PGlite folder only when told. */
  successor: boolean;
}

export const SERVE_CONFIG_ENV = 'TAILSPIN_SERVE_CONFIG';

export type WorkerMessage =
  /** It accepts connections (a successor may still be waiting to open its store). */
  | { type: 'listening'; address: string }
  /** It could not start; the message is for the host, as one line. */
  | { type: 'failed'; message: string }
  /** It has stopped accepting, finished its requests and closed its store. */
  | { type: 'released' };

export type PrimaryMessage =
  /** Stop accepting, finish what is in flight, close the store, exit. */
  | { type: 'stop' }
  /** The old server has let go of the store: open it now. */
  | { type: 'open-store' };
