/**
 * The lab's worker: compiles and simulates user code off the page's main thread. The page
 * terminates it when heartbeats stop (a loop that never yields, or one built-in call on a huge
 * amount of memory), so nothing here needs to guard against that. The service runs in the
 * runner's sealed compartment; this worker keeps nothing the service can reach from one run to
 * the next, and checks after every run that the realm's built-ins are as it found them (see
 * realmIntegrity.ts).
 */
import type * as Esbuild from 'esbuild-wasm';
import wasmURL from 'esbuild-wasm/esbuild.wasm?url';
import { precompiled } from 'virtual:precompiled-services';
import {
  BadInput,
  CompileFailed,
  createCompiler,
  LIBRARY_NAMES,
  PLATFORM_TYPES,
  prepareDatabase,
  runScenario,
  type CompileResult,
  type Compiler,
} from '../../runner/index.ts';
import { librarySourcesFor } from './librarySources.ts';
import { describeScenario, scenarioDefinitions, scenarioSources } from './scenarioModules.ts';
import {
  HEARTBEAT_INTERVAL_MS,
  MEMORY_MESSAGE,
  type HostMessage,
  type RunRequest,
  type WorkerMessage,
  type WorkerMilestone,
} from '../lab/protocol.ts';
import { hardenRealm } from './hardenRealm.ts';
import { freezeData, watchRealm } from './realmIntegrity.ts';
import { installDatabaseSnapshots } from './databaseSnapshot.ts';
import { WARM_UP_CODE } from './warmUp.ts';

// Before anything else: what the realm's built-ins are before any service has run.
const realmChanges = watchRealm();
// What every run of a scenario is judged by, kept for the worker's life: frozen.
for (const def of scenarioDefinitions.values()) freezeData(def);
const startDatabaseDownloads = installDatabaseSnapshots((name) => milestone(name));
const realm = hardenRealm();
// A policy violation here is a console error the page's tests can see (a worker's own
// violations reach no console of the page's).
self.addEventListener('securitypolicyviolation', (e) =>
  console.error(`Content-Security-Policy violation in the lab worker: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'}`),
);
const post = (m: WorkerMessage) => realm.post(m);
/** Reports a start-up milestone; the page keeps the first of each (see protocol.ts). */
function milestone(name: WorkerMilestone, epochMs = performance.timeOrigin + performance.now()): void {
  post({ type: 'milestone', name, epochMs });
}
// The worker's clock starts when the page created it.
milestone('workerCreatedMs', performance.timeOrigin);
milestone('workerStartedMs');

/**
 * esbuild may be initialised once per realm. It runs in a worker of its own, so its builds
 * never hold up a simulation here, and it starts only when first needed: for a text that was
 * not compiled at build time, or once the lab is idle after warming up (see `warmUp`). A
 * failed start is retried by the next compile, in this thread.
 */
let esbuildStart: Promise<typeof Esbuild> | null = null;
let esbuildFailed = false;

function startEsbuild(): Promise<typeof Esbuild> {
  // Its JavaScript is a chunk of its own too, so the worker starts without parsing it.
  esbuildStart ??= import('esbuild-wasm')
    .then(async (esbuild) => {
      await (esbuildFailed
        ? esbuild.initialize({ wasmURL, worker: false })
        : realm.withWorkerConstructor(() => esbuild.initialize({ wasmURL, worker: true })));
      return esbuild;
    })
    .catch((e: unknown) => {
      esbuildStart = null;
      esbuildFailed = true;
      throw new Error(`the compiler failed to load: ${String(e)}`);
    });
  return esbuildStart;
}

const esbuildCompiler: Compiler = createCompiler({
  transform: async (input, options) => (await startEsbuild()).transform(input, options as Esbuild.TransformOptions),
});

/** Per scenario, what the build compiled (its starter and solution), by exact source text. */
const precompiledByScenario = new Map<string, Promise<Map<string, CompileResult>>>();

function precompiledFor(scenarioId: string): Promise<Map<string, CompileResult>> {
  let loading = precompiledByScenario.get(scenarioId);
  if (!loading) {
    // An own key only: a route like #/s/constructor names no scenario.
    const load = Object.hasOwn(precompiled, scenarioId) ? precompiled[scenarioId] : async () => [];
    loading = load().then(
      (entries) => new Map(entries.map((e) => [e.source, freezeData(e.result)])),
      () => {
        precompiledByScenario.delete(scenarioId); // tried again next time; esbuild meanwhile
        return new Map<string, CompileResult>();
      },
    );
    precompiledByScenario.set(scenarioId, loading);
  }
  return loading;
}

function compilerFor(scenarioId: string): Compiler {
  return async (code) => (await precompiledFor(scenarioId)).get(code) ?? freezeData(await esbuildCompiler(code));
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

/** Starts the downloads a scenario's warm-up needs (each file once). */
function prefetch(scenarioId: string): void {
  void precompiledFor(scenarioId);
  const database = scenarioDefinitions.get(scenarioId)?.platform.database;
  if (database) startDatabaseDownloads(database);
}

/** How long the lab must have had nothing to do before the compiler starts. */
const COMPILER_WARM_UP_IDLE_MS = 1000;

/** Resolves once no run has been waiting or running for `ms`. */
function idleFor(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const tail = queue;
      void tail.then(() =>
        setTimeout(() => {
          if (queue === tail && jobs.size === 0) resolve();
          else check();
        }, ms),
      );
    };
    check();
  });
}

/**
 * In the background, once each. For a scenario with a database: its downloads, its creation
 * from the build's snapshot, and its reset to the scenario's setup; the database goes first
 * in the queue, so a run waits for it. The build's compilation of the scenario's starter and
 * solution. Then, once the lab is idle, the compiler's start and first build (~1 s of CPU,
 * which would otherwise compete with the database, the editor and the first run).
 */
function warmUp(scenarioId: string | undefined): void {
  const database = scenarioId === undefined ? undefined : scenarioDefinitions.get(scenarioId)?.platform.database;
  if (scenarioId !== undefined) prefetch(scenarioId);
  if (database && !databaseWarm) {
    databaseWarm = true;
    queue = queue.then(() =>
      prepareDatabase(database).then(
        () => milestone('databaseReadyMs'),
        (e: unknown) => {
          // A real run will meet the same problem and report it.
          console.warn('database warm-up failed', e);
        },
      ),
    );
  }
  compilerWarm ??= idleFor(COMPILER_WARM_UP_IDLE_MS)
    .then(() => esbuildCompiler(WARM_UP_CODE))
    .then(() => milestone('compilerWarmMs'))
    .catch(() => undefined);
  // Said once both are done; a run queued meanwhile goes first, which is what the page waits for.
  const done = queue.then(() => compilerWarm);
  void done.then(() => post({ type: 'warm.done' }));
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
    case 'prefetch':
      prefetch(msg.scenarioId);
      break;
    case 'warm':
      warmUp(msg.scenarioId);
      break;
    case 'run': {
      if (realmTampered) {
        post({ type: 'run.failed', runId: msg.runId, message: REALM_MESSAGE, reason: 'realm' });
        break;
      }
      milestone('runReceivedMs');
      const job: Job = { runId: msg.runId, stopRequested: false, userCode: false, lastBeatMs: 0, heartbeat: 0 as never };
      job.heartbeat = setInterval(() => beat(job), HEARTBEAT_INTERVAL_MS);
      jobs.set(msg.runId, job);
      // Compiling needs only the compiler, so its errors come back at once; simulations are
      // sequential and wait for the previous one (or the warm-up), saying they are alive.
      const compiled = compile(job, msg);
      queue = queue.then(() => simulate(job, msg, compiled));
      // The run opens the database itself: a warm-up asked for later has nothing left to do.
      if (scenarioDefinitions.get(msg.scenarioId)?.platform.database) databaseWarm = true;
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
    const compiler = compilerFor(req.scenarioId);
    const t0 = performance.now();
    const compiled = await compiler(req.code);
    if (!compiled.ok) {
      post({ type: 'compile.failed', runId, diagnostics: compiled.diagnostics });
      return null;
    }
    post({ type: 'compile.done', runId, compileMs: performance.now() - t0 });
    milestone('runCompiledMs');
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
      scenarioSource: scenarioSources.get(req.scenarioId),
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
        if (first) {
          // The database (when the scenario has one) is open and reset by now.
          if (def.platform.database) milestone('databaseReadyMs');
          milestone('userCodeStartMs');
        }
        if (first || performance.now() - job.lastBeatMs >= HEARTBEAT_INTERVAL_MS) beat(job);
      },
    });
    if (checkRealm(runId)) {
      post({ type: 'run.done', runId, summary, simulateMs: performance.now() - t0 });
      milestone('runDoneMs');
    }
  } catch (e) {
    if (checkRealm(runId)) reportFailure(runId, e);
  } finally {
    clearInterval(job.heartbeat);
    jobs.delete(runId);
  }
}

/** Set once a service changed the realm's built-ins: this worker runs nothing more. */
let realmTampered = false;

const REALM_MESSAGE =
  "The service changed JavaScript's built-in objects, which the lab measures with, so this run " +
  'does not count. Your code is kept; the next run starts in a fresh simulator.';

/**
 * After a run: true when the realm is as the worker found it. Otherwise the run is reported as
 * void (its numbers may be forged) and false returned; the page replaces this worker.
 */
function checkRealm(runId: number): boolean {
  const changed = realmChanges();
  if (changed.length === 0) return true;
  realmTampered = true;
  console.error('the service changed built-ins:', changed.join(', '));
  post({ type: 'run.failed', runId, message: `${REALM_MESSAGE} Changed: ${changed.slice(0, 5).join(', ')}.`, reason: 'realm' });
  return false;
}

/**
 * The errors V8 throws when an allocation cannot be made (`new Float64Array(5e8)`, an array or
 * string past its maximum length), and the words other engines use.
 */
const OUT_OF_MEMORY =
  /Array buffer allocation failed|Invalid (typed )?array length|Invalid string length|out of memory|could not allocate memory/i;

function reportFailure(runId: number, e: unknown): void {
  if (e instanceof CompileFailed) {
    post({ type: 'compile.failed', runId, diagnostics: e.diagnostics });
  } else if (OUT_OF_MEMORY.test(e instanceof Error ? e.message : String(e))) {
    // The diagnostics say where: the service's line, when the allocation was in its code.
    post({
      type: 'run.failed',
      runId,
      message: MEMORY_MESSAGE,
      diagnostics: e instanceof BadInput ? e.diagnostics : undefined,
      reason: 'memory',
    });
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
