/**
 * `tailspin serve`'s first process: it owns the listening socket and the terminal, and runs
 * the server itself in a child process (serve-worker.ts) through node:cluster, which shares
 * the socket with every child. That is what makes a restart lose no connection:
 *
 * - SIGHUP (`kill -HUP <pid>`) starts a new server process beside the running one, with the
 *   code now on disk. Once it listens, the old one stops accepting, finishes its requests and
 *   closes the store, and the new one opens it. The socket never closes, so no browser is
 *   refused; on a PGlite folder requests wait the few hundred milliseconds of the store
 *   changing hands, on a Postgres not at all.
 * - SIGINT (Ctrl-C) or SIGTERM stops the server process gracefully, then this one exits.
 * - A server process that dies (a crash, an out-of-memory kill) is started again.
 *
 * This process loads neither Fastify nor the database, so it has next to nothing that a
 * restart would need to replace.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import { type PrimaryMessage, SERVE_CONFIG_ENV, type ServeConfig, type WorkerMessage } from './serve-protocol.ts';

const BIN = fileURLToPath(new URL('../bin/tailspin.js', import.meta.url));

/** The server could not start; the message is one line for the host. */
export class ServerStartFailed extends Error {}

type Started = { worker: Worker; address: string };

/** Forks a server process and resolves once it listens; rejects with its reason if it cannot. */
function startWorker(config: ServeConfig): Promise<Started> {
  const worker = cluster.fork({ [SERVE_CONFIG_ENV]: JSON.stringify(config) });
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message.type === 'listening') resolve({ worker, address: message.address });
      if (message.type === 'failed') reject(new ServerStartFailed(message.message));
    };
    worker.on('message', onMessage);
    worker.once('exit', (code, signal) => reject(new ServerStartFailed(`the server process ended before listening (${signal ?? code})`)));
  });
}

const tell = (worker: Worker, message: PrimaryMessage) => worker.send(message);

/** Asks a server process to stop and resolves once it has closed its store (or is gone). */
function stopWorker(worker: Worker): Promise<void> {
  if (worker.isDead()) return Promise.resolve();
  return new Promise((resolve) => {
    worker.on('message', (message: WorkerMessage) => message.type === 'released' && resolve());
    worker.once('exit', () => resolve());
    tell(worker, { type: 'stop' });
  });
}

/** Serves until SIGINT or SIGTERM; `onListening` is told the address once, at the start. */
export async function superviseServer(config: Omit<ServeConfig, 'successor'>, onListening: (address: string) => void): Promise<number> {
  const log = (line: string) => process.stdout.write(`${line}\n`);
  // Each server process accepts on the shared socket itself, rather than through this one.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  cluster.setupPrimary({ exec: BIN, args: ['serve'] });
  let current = await startWorker({ ...config, successor: false });
  onListening(current.address);

  let stopping = false;
  let restarting: Promise<void> | null = null;
  const watch = (started: Started) =>
    started.worker.once('exit', (code, signal) => {
      if (stopping || started !== current || restarting) return;
      log(`The server process ended (${signal ?? code}); starting it again…`);
      startAgain();
    });
  const startAgain = () => {
    restarting = startWorker({ ...config, successor: false }).then(
      (started) => {
        current = started;
        watch(started);
        restarting = null;
        log(`Workshop server on ${started.address} again.`);
      },
      (err: Error) => {
        process.stderr.write(`tailspin: the server cannot start again: ${err.message}\n`);
        process.kill(process.pid, 'SIGTERM');
      },
    );
  };
  const handOver = async () => {
    log('Restarting: a new server process starts beside this one and takes over…');
    let next: Started;
    try {
      next = await startWorker({ ...config, successor: true });
    } catch (err) {
      process.stderr.write(`tailspin: the new server process cannot start (${(err as Error).message}); the running one carries on\n`);
      return;
    }
    const old = current;
    current = next;
    watch(next);
    await stopWorker(old.worker);
    tell(next.worker, { type: 'open-store' });
    log('Restarted: the new server process serves.');
  };
  watch(current);

  return new Promise<number>((done) => {
    const onHup = () => {
      if (stopping || restarting) return;
      restarting = handOver().finally(() => (restarting = null));
    };
    const stop = () => {
      if (stopping) return;
      stopping = true;
      log('Stopping: closing live streams and the database…');
      void (async () => {
        await restarting;
        await Promise.all(Object.values(cluster.workers ?? {}).map((w) => w && stopWorker(w)));
        done(0);
      })();
    };
    process.on('SIGHUP', onHup);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
