/**
 * `tailspin serve`: the workshop server until Ctrl-C. It resolves only when the server has
 * closed: on SIGINT or SIGTERM it ends the live streams, lets requests in flight finish (each
 * report is acknowledged only once committed) and closes the database, so a restart loses
 * nothing acknowledged. SIGHUP restarts it without closing the socket (serve-supervisor.ts).
 */
import cluster from 'node:cluster';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ServerStartFailed, superviseServer } from './serve-supervisor.ts';
import type { StoreOptions } from './store/open-store.ts';

const DEFAULT_PORT = 8080;
/** Only this machine by default; a room reaches it with --host 0.0.0.0. */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_DATA_DIR = 'tailspin-workshop';

/** An option of `serve` cannot be used: one plain line for the user. */
export class ServeInputError extends Error {}

export async function serveCommand(args: string[]): Promise<number> {
  if (cluster.isWorker) {
    // A server process of the supervisor below: it ends by itself when told to stop.
    await (await import('./serve-worker.ts')).runServeWorker();
    return new Promise<number>(() => {});
  }
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        data: { type: 'string' },
        'database-url': { type: 'string' },
        'trust-proxy': { type: 'boolean' },
      },
    }));
  } catch (err) {
    throw new ServeInputError(`serve: ${(err as Error).message}`);
  }
  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new ServeInputError(`--port must be a whole number from 0 to 65535, got "${values.port}"`);
  const url = values['database-url'];
  if (url !== undefined && values.data !== undefined) throw new ServeInputError('give --data or --database-url, not both');
  if (url !== undefined && !/^postgres(ql)?:\/\//.test(url))
    throw new ServeInputError('--database-url must start with postgres:// or postgresql://');
  const storeOptions: StoreOptions = url !== undefined ? { databaseUrl: url } : { dataDir: resolve(values.data ?? DEFAULT_DATA_DIR) };
  const host = values.host ?? DEFAULT_HOST;
  const where = 'databaseUrl' in storeOptions ? `Postgres at ${withoutPassword(storeOptions.databaseUrl)}` : storeOptions.dataDir;
  try {
    return await superviseServer({ port, host, store: storeOptions, trustProxy: values['trust-proxy'] ?? false }, (address) =>
      process.stdout.write(
        `Workshop server on ${address} (progress kept in ${where}). Ctrl-C stops it; kill -HUP ${process.pid} restarts it without dropping a request.\n`,
      ),
    );
  } catch (err) {
    if (err instanceof ServerStartFailed) throw new ServeInputError(err.message);
    throw err;
  }
}

/** The URL to print: a password in a terminal's scrollback is a leaked password. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'the given URL';
  }
}
