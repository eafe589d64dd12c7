/**
 * Loads the learner's compiled service into the world: builds the simulated globals and
 * modules, evaluates the module, and runs its route registration as the first task on the
 * main thread. Anything that stops the service from starting is a BadInput with the
 * learner's line.
 */
import type { CompileResult, Diagnostic } from '../run-types.ts';
import type { ScenarioDefinition } from '../scenario/types.ts';
import type { Platform } from '../runtime/platform.ts';
import type { Database } from '../runtime/remote/database/database.ts';
import type { HttpServer } from '../runtime/process/http-server.ts';
import type { DownstreamService } from '../runtime/remote/downstream.ts';
import type { DatabaseHost } from '../runtime/remote/database/database-host.ts';
import type { ErrorLog } from '../world.ts';
import { describe } from '../world.ts';
import { BadInput } from '../errors.ts';
import type { ConsoleCapture } from '../runtime/modules/console.ts';
import { ModuleLoadError } from './evaluate.ts';
import { ServiceSourceMap } from './source-map.ts';
import { createServiceEnvironment, type ServiceEnvironment } from './environment.ts';
import { createThreadHost } from './service-threads.ts';
import { ThreadPool } from '../runtime/process/thread-pool.ts';
import { type DownstreamTally, sumDownstreamTallies } from '../summary.ts';
import { ThreadProfile } from './cpu-profile.ts';

export interface LoadedService {
  console: ConsoleCapture;
  leakedClients: () => number;
  /** For each leaked client, the stack of the connect() that took it, where known. */
  leakSites: () => Array<Error | undefined>;
  releasesInTransaction: () => number;
  downstreams: () => DownstreamTally[];
  /** Where the main thread's CPU went (its worker threads' is theirs). */
  profile: ThreadProfile;
}

export interface LoadServiceInput {
  p: Platform;
  def: ScenarioDefinition;
  db: Database | undefined;
  server: HttpServer;
  /** The other services on the network, shared by every instance of the service. */
  downstreams: DownstreamService[];
  /** The database server's cores and connection slots, shared by every instance. */
  databaseHost: DatabaseHost | undefined;
  errors: ErrorLog;
  compiled: Extract<CompileResult, { ok: true }>;
  librarySources: Record<string, string>;
}

export async function loadService(input: LoadServiceInput): Promise<LoadedService> {
  const { p, server, errors, compiled } = input;
  const sourceMap = new ServiceSourceMap(compiled.sourceMap);
  errors.sourceMap = sourceMap;
  const profile = new ThreadProfile(p.loop);
  const env = createMainEnvironment(input, profile);
  const fail = (kind: 'load' | 'routes', err: unknown, fallback?: Diagnostic): never => {
    const pos = sourceMap.locate(err);
    const message = describe(err);
    throw new BadInput(kind, [pos ? { message, ...pos } : { ...fallback, message }]);
  };

  let exports: unknown;
  let startupError: unknown;
  let registration: unknown;
  p.loop.runNow(() => {
    try {
      exports = env.realm.evaluateCommonJs(compiled.js, env.require);
    } catch (err) {
      startupError = err;
      return;
    }
    const register = (exports as { default?: unknown })?.default;
    if (typeof register !== 'function') return;
    try {
      const result = server.boot(register as (app: unknown) => unknown); // then the plugins it registers
      if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
        registration = 'pending';
        (result as PromiseLike<unknown>).then(
          () => {
            registration = 'done';
          },
          (err) => {
            registration = 'failed';
            startupError = err;
          },
        );
      }
    } catch (err) {
      startupError = err;
    }
  });
  // Async registration (awaiting a cache connect, say) may take some virtual time.
  while (registration === 'pending' && !startupError) {
    if (p.kernel.hasHostWork) await p.kernel.settleHostWork();
    if (!p.kernel.step()) break;
  }
  if (startupError) {
    if (startupError instanceof ModuleLoadError) {
      const line = findImportLine(input.compiled, startupError.moduleName);
      throw new BadInput('load', [{ message: startupError.message, ...line }]);
    }
    fail('load', startupError);
  }
  if (registration === 'pending') {
    throw new BadInput('routes', [{ message: 'The route registration function never finished (it awaits something that never settles).' }]);
  }
  const register = (exports as { default?: unknown })?.default;
  if (typeof register !== 'function') {
    throw new BadInput('routes', [
      {
        message: 'The service exports no routes: add `export default async function routes(app: FastifyInstance) { app.get(...) }`.',
      },
    ]);
  }
  if (server.routeKeys().length === 0) {
    throw new BadInput('routes', [{ message: 'The route registration function registered no routes (call app.get/app.post/...).' }]);
  }
  // What the instance's threads tally, the main one's and every worker's it started.
  const all = (): ServiceEnvironment[] => [env, ...env.workers];
  return {
    console: env.console,
    leakedClients: () => all().reduce((n, e) => n + e.leakedClients(), 0),
    leakSites: () => all().flatMap((e) => e.leakSites()),
    releasesInTransaction: () => all().reduce((n, e) => n + e.releasesInTransaction(), 0),
    downstreams: () => sumDownstreamTallies(all().map((e) => e.downstreams())),
    profile,
  };
}

/**
 * The environment of the process's main thread, with the libuv pool and worker threads it owns;
 * `workers` are the environments of the threads started so far.
 */
export function createMainEnvironment(
  input: LoadServiceInput,
  profile?: ThreadProfile,
): ServiceEnvironment & { workers: readonly ServiceEnvironment[] } {
  const threadPool = new ThreadPool(input.p, { size: input.def.platform.threadPoolSize });
  const workers: ServiceEnvironment[] = [];
  let env: ServiceEnvironment | undefined;
  const host = createThreadHost(
    input,
    threadPool,
    () => (env as ServiceEnvironment).console,
    (e) => workers.push(e),
  );
  env = createServiceEnvironment(input, { threadPool, host, self: { threadId: 0, workerData: undefined, port: undefined }, profile });
  return { ...env, workers };
}

/** The line of the learner's `import ... from '<name>'`, from the compiled module's source map. */
function findImportLine(compiled: Extract<CompileResult, { ok: true }>, name: string | undefined): { line?: number; column?: number } {
  if (!name) return {};
  const sources = (JSON.parse(compiled.sourceMap) as { sourcesContent?: string[] }).sourcesContent?.[0] ?? '';
  const lines = sources.split('\n');
  const i = lines.findIndex((l) => l.includes(`'${name}'`) || l.includes(`"${name}"`));
  return i >= 0 ? { line: i + 1, column: lines[i].indexOf(name) } : {};
}
