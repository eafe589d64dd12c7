/**
 * The lab's worker: compiles and simulates user code off the page's main thread. The page
 * terminates it when heartbeats stop (a loop that never yields), so nothing here needs to
 * guard against that.
 */
import * as esbuild from 'esbuild-wasm';
import wasmURL from 'esbuild-wasm/esbuild.wasm?url';
import {
  BadInput,
  CompileFailed,
  createCompiler,
  LIBRARY_NAMES,
  PLATFORM_TYPES,
  runScenario,
  type Compiler,
} from '../../runner/index.ts';
import { librarySourcesFor } from './librarySources.ts';
import { describeScenario, scenarioDefinitions } from './scenarioModules.ts';
import { HEARTBEAT_INTERVAL_MS, type HostMessage, type RunRequest, type WorkerMessage } from './protocol.ts';
import { hardenRealm } from './hardenRealm.ts';
import { installDatabaseSnapshot } from './databaseSnapshot.ts';
import { databaseWarmUpScenario, WARM_UP_CODE } from './warmUp.ts';

const prefetchDatabaseSnapshot = installDatabaseSnapshot();
const postToPage = hardenRealm();
const post = (m: WorkerMessage) => postToPage(m);

let compilerPromise: Promise<Compiler> | null = null;

/** esbuild may be initialised once per realm; a failed attempt is retried on the next run. */
function getCompiler(): Promise<Compiler> {
  compilerPromise ??= esbuild.initialize({ wasmURL, worker: false }).then(
    () => createCompiler({ transform: (input, options) => esbuild.transform(input, options as esbuild.TransformOptions) }),
    (e: unknown) => {
      compilerPromise = null;
      throw new Error(`the compiler failed to load: ${String(e)}`);
    },
  );
  return compilerPromise;
}

interface Job {
  runId: number;
  /** Polled by the simulator between events. */
  stopRequested: boolean;
  userCode: boolean;
  lastBeatMs: number;
  heartbeat: ReturnType<typeof setInterval>;
}

/** Runs received and not finished, the first one running; the others wait their turn. */
const jobs = new Map<number, Job>();
let queue: Promise<void> = Promise.resolve();

function beat(job: Job): void {
  job.lastBeatMs = performance.now();
  post({ type: 'heartbeat', runId: job.runId, userCode: job.userCode });
}

let compilerWarm: Promise<unknown> | null = null;
let databaseWarm = false;

/**
 * In the background, once each: the first build of the compiler (~0.5 s), and, for a
 * scenario with a database, the database's creation (loading the build's snapshot; seconds
 * of initdb without it). The latter is a tiny simulation, so runs queue behind it; it is only
 * done for a scenario that will need it.
 */
function warmUp(scenarioId: string | undefined): void {
  compilerWarm ??= getCompiler()
    .then((compile) => compile(WARM_UP_CODE))
    .catch(() => undefined);
  const needsDatabase = scenarioId !== undefined && Boolean(scenarioDefinitions.get(scenarioId)?.platform.database);
  if (!needsDatabase || databaseWarm) return;
  databaseWarm = true;
  // Downloads while the compiler loads; the warm-up run below then loads it into Postgres.
  prefetchDatabaseSnapshot().catch(() => undefined);
  queue = queue.then(async () => {
    try {
      await runScenario(databaseWarmUpScenario(), {
        code: WARM_UP_CODE,
        seed: 1,
        compiler: await getCompiler(),
        librarySources: librarySourcesFor(LIBRARY_NAMES),
      });
    } catch (e) {
      // A real run will meet the same problem and report it.
      console.warn('database warm-up failed', e);
    }
  });
}

self.onmessage = (e: MessageEvent<HostMessage>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'init':
      post({
        type: 'init.done',
        scenarios: [...scenarioDefinitions].map(([id, def]) => describeScenario(id, def)),
        platformTypes: PLATFORM_TYPES,
      });
      break;
    case 'warm':
      warmUp(msg.scenarioId);
      break;
    case 'run': {
      const job: Job = { runId: msg.runId, stopRequested: false, userCode: false, lastBeatMs: 0, heartbeat: 0 as never };
      job.heartbeat = setInterval(() => beat(job), HEARTBEAT_INTERVAL_MS);
      jobs.set(msg.runId, job);
      // Compiling needs only the compiler, so its errors come back at once; simulations are
      // sequential and wait for the previous one (or the warm-up), saying they are alive.
      const compiled = compile(job, msg);
      queue = queue.then(() => simulate(job, msg, compiled));
      break;
    }
    case 'stop': {
      const job = jobs.get(msg.runId);
      if (job) job.stopRequested = true;
      break;
    }
  }
};

/** Resolves to the compiler when the code compiles; otherwise reports why and resolves to null. */
async function compile(job: Job, req: RunRequest): Promise<Compiler | null> {
  const { runId } = job;
  try {
    const compiler = await getCompiler();
    const t0 = performance.now();
    const compiled = await compiler(req.code);
    if (!compiled.ok) {
      post({ type: 'compile.failed', runId, diagnostics: compiled.diagnostics });
      return null;
    }
    post({ type: 'compile.done', runId, compileMs: performance.now() - t0 });
    return compiler;
  } catch (e) {
    reportFailure(runId, e);
    return null;
  }
}

async function simulate(job: Job, req: RunRequest, compiled: Promise<Compiler | null>): Promise<void> {
  const { runId } = job;
  try {
    const compiler = await compiled;
    if (!compiler) return;
    if (job.stopRequested) {
      post({ type: 'run.cancelled', runId });
      return;
    }
    const def = scenarioDefinitions.get(req.scenarioId);
    if (!def) throw new Error(`unknown scenario "${req.scenarioId}"`);
    const t0 = performance.now();
    const summary = await runScenario(def, {
      code: req.code,
      seed: req.seed,
      loadScale: req.loadScale,
      compiler,
      librarySources: librarySourcesFor(LIBRARY_NAMES),
      onProgress: (progress) => post({ type: 'run.progress', runId, progress }),
      shouldStop: () => job.stopRequested,
      // The job's interval covers the async phases (waiting, creating the database); this
      // covers the simulation, and says user code is running.
      onHeartbeat: () => {
        // The first call comes just before user code starts: tell the page at once, since
        // that code may never give the thread back.
        const first = !job.userCode;
        job.userCode = true;
        if (first || performance.now() - job.lastBeatMs >= HEARTBEAT_INTERVAL_MS) beat(job);
      },
    });
    post({ type: 'run.done', runId, summary, simulateMs: performance.now() - t0 });
  } catch (e) {
    reportFailure(runId, e);
  } finally {
    clearInterval(job.heartbeat);
    jobs.delete(runId);
  }
}

function reportFailure(runId: number, e: unknown): void {
  if (e instanceof CompileFailed) {
    post({ type: 'compile.failed', runId, diagnostics: e.diagnostics });
  } else if (e instanceof BadInput) {
    post({ type: 'run.failed', runId, message: badInputMessage(e), diagnostics: e.diagnostics });
  } else {
    // Not the learner's fault: a bug in the lab. Keep the stack for whoever debugs it.
    console.error(e);
    post({ type: 'run.failed', runId, message: e instanceof Error ? e.message : String(e) });
  }
}

function badInputMessage(e: BadInput): string {
  switch (e.kind) {
    case 'routes':
      return 'The service does not register every route the load sends.';
    case 'load':
      return 'The service threw while it was being loaded.';
    default:
      return 'The service could not be run.';
  }
}
