/**
 * One server process of `tailspin serve`, started by its supervisor (serve-supervisor.ts). It
 * opens the store, builds the app and listens on the socket the supervisor shares with every
 * server process it starts, then serves until told to stop.
 *
 * A successor (a restart) starts while the old process still serves. On a Postgres it opens
 * the store at once: several processes share one database anyway. On a PGlite folder, which
 * one process at a time may hold, it warms PGlite's code in memory first, listens, and opens
 * the folder when the supervisor says the old process has closed it; requests that reach it
 * in between wait for the store (store-when-open.ts) instead of failing.
 */
import { fileURLToPath } from 'node:url';
import { scenarioIds } from '../runner/host-node/scenario-discovery.ts';
import { buildWorkshopApp, type WorkshopApp } from './app.ts';
import { type PrimaryMessage, SERVE_CONFIG_ENV, type ServeConfig, type WorkerMessage } from './serve-protocol.ts';
import { openWorkshopStore } from './store/open-store.ts';
import { warmPgliteModule } from './store/pglite-warm-module.ts';
import { storeWhenOpen } from './store/store-when-open.ts';
import type { WorkshopStore } from './store/workshop-store.ts';

/** The built lab, from `npm run build`. */
const LAB_DIR = fileURLToPath(new URL('../dist/', import.meta.url));

function send(message: WorkerMessage): Promise<void> {
  return new Promise((resolve) => process.send!(message, undefined, {}, () => resolve()));
}

export async function runServeWorker(): Promise<void> {
  const config = JSON.parse(process.env[SERVE_CONFIG_ENV]!) as ServeConfig;
  // Ctrl-C, or a closing terminal's SIGHUP, reaches the whole process group: the supervisor
  // decides what it means, and tells this process.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => {});
  let allowedToOpen!: () => void;
  const mayOpen = new Promise<void>((resolve) => (allowedToOpen = resolve));
  let server: WorkshopApp | null = null;
  let stopping = false;
  process.on('message', (message: PrimaryMessage) => {
    if (message.type === 'open-store') allowedToOpen();
    if (message.type === 'stop' && !stopping) {
      stopping = true;
      void stop(server);
    }
  });

  let store: WorkshopStore;
  try {
    if (config.successor && 'dataDir' in config.store) {
      const wasmModule = await warmPgliteModule();
      const { dataDir } = config.store;
      const opening = mayOpen.then(() => openWorkshopStore({ dataDir }, wasmModule));
      opening.catch((err: Error) => fail(`cannot open the data folder: ${err.message}`));
      store = storeWhenOpen(opening);
    } else {
      store = await openWorkshopStore(config.store);
    }
  } catch (err) {
    return fail(`cannot open the ${'databaseUrl' in config.store ? 'database' : 'data folder'}: ${(err as Error).message}`);
  }
  server = await buildWorkshopApp({ store, scenarioIds: scenarioIds(), labDir: LAB_DIR, trustProxy: config.trustProxy });
  let address: string;
  try {
    address = await server.app.listen({ port: config.port, host: config.host });
  } catch (err) {
    await server.close().catch(() => {});
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') return fail(`port ${config.port} is in use on ${config.host}: choose another with --port`);
    return fail(`cannot listen on ${config.host}:${config.port}: ${(err as Error).message}`);
  }
  await send({ type: 'listening', address });
}

async function stop(server: WorkshopApp | null): Promise<void> {
  try {
    await server?.close();
  } catch (err) {
    process.stderr.write(`tailspin: closing failed: ${(err as Error).message}\n`);
  }
  await send({ type: 'released' });
  process.exit(0);
}

async function fail(message: string): Promise<never> {
  await send({ type: 'failed', message });
  process.exit(2);
}
