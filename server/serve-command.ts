/**
 * `tailspin serve`: the workshop server until Ctrl-C. It resolves only when the server has
 * closed: on SIGINT or SIGTERM it ends the live streams, lets requests in flight finish (each
 * report is acknowledged only once committed) and closes the database, so a restart loses
 * nothing acknowledged.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scenarioIds } from '../runner/host-node/scenario-discovery.ts';
import { buildWorkshopApp } from './app.ts';
import { openWorkshopStore, type StoreOptions } from './store/open-store.ts';

/** The built lab, from `npm run build`. */
const LAB_DIR = fileURLToPath(new URL('../dist/', import.meta.url));
const DEFAULT_PORT = 8080;
/** Only this machine by default; a room reaches it with --host 0.0.0.0. */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_DATA_DIR = 'tailspin-workshop';

/** An option of `serve` cannot be used: one plain line for the user. */
export class ServeInputError extends Error {}

export async function serveCommand(args: string[]): Promise<number> {
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

  let store;
  try {
    store = await openWorkshopStore(storeOptions);
  } catch (err) {
    throw new ServeInputError(`cannot open the ${url !== undefined ? 'database' : 'data folder'}: ${(err as Error).message}`);
  }
  const server = await buildWorkshopApp({ store, scenarioIds: scenarioIds(), labDir: LAB_DIR, trustProxy: values['trust-proxy'] });
  const host = values.host ?? DEFAULT_HOST;
  let address: string;
  try {
    address = await server.app.listen({ port, host });
  } catch (err) {
    await server.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new ServeInputError(`port ${port} is in use on ${host}: choose another with --port`);
    throw new ServeInputError(`cannot listen on ${host}:${port}: ${(err as Error).message}`);
  }
  const where = 'databaseUrl' in storeOptions ? `Postgres at ${withoutPassword(storeOptions.databaseUrl)}` : storeOptions.dataDir;
  process.stdout.write(`Workshop server on ${address} (progress kept in ${where}). Ctrl-C stops it.\n`);

  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      process.stdout.write('Stopping: closing live streams and the database…\n');
      server.close().then(done, (err: Error) => {
        process.stderr.write(`tailspin: closing failed: ${err.message}\n`);
        done();
      });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
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
