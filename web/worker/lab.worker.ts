/**
 * The lab's worker: compiles and simulates user code off the page's main thread. The page
 * terminates it when heartbeats stop (a loop that never yields), so nothing here needs to
 * guard against that.
 */
import * as esbuild from 'esbuild-wasm';
import wasmURL from 'esbuild-wasm/esbuild.wasm?url';
import { BadInput, CompileFailed, createCompiler, LIBRARY_NAMES, runScenario, type Compiler } from '../../runner/index.ts';
import { librarySourcesFor } from './librarySources.ts';
import { describeScenario, scenarioDefinitions } from './scenarioModules.ts';
import { HEARTBEAT_INTERVAL_MS, type HostMessage, type RunRequest, type WorkerMessage } from './protocol.ts';

const post = (m: WorkerMessage) => self.postMessage(m);

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

/** The run in progress; its `stopRequested` flag is polled by the simulator between events. */
let active: { runId: number; stopRequested: boolean } | null = null;
let queue: Promise<void> = Promise.resolve();

self.onmessage = (e: MessageEvent<HostMessage>) => {
  const msg = e.data;
  switch (msg.type) {
    case 'init':
      post({
        type: 'init.done',
        scenarios: [...scenarioDefinitions].map(([id, def]) => describeScenario(id, def)),
      });
      void getCompiler().catch(() => undefined);
      break;
    case 'run':
      // Runs are sequential: a new one waits for the previous to finish stopping.
      queue = queue.then(() => runOne(msg.runId, msg));
      break;
    case 'stop':
      if (active?.runId === msg.runId) active.stopRequested = true;
      break;
  }
};

async function runOne(runId: number, req: RunRequest): Promise<void> {
  const job = { runId, stopRequested: false, userCode: false, lastBeatMs: 0 };
  active = job;
  const beat = () => {
    job.lastBeatMs = performance.now();
    post({ type: 'heartbeat', runId, userCode: job.userCode });
  };
  // The interval covers the async phases (compiler start, database creation); the runner's
  // own heartbeat covers the simulation, and says user code is running.
  const heartbeat = setInterval(beat, HEARTBEAT_INTERVAL_MS);
  try {
    const def = scenarioDefinitions.get(req.scenarioId);
    if (!def) throw new Error(`unknown scenario "${req.scenarioId}"`);
    const compiler = await getCompiler();
    const t0 = performance.now();
    const compiled = await compiler(req.code);
    if (!compiled.ok) {
      post({ type: 'compile.failed', runId, diagnostics: compiled.diagnostics });
      return;
    }
    post({ type: 'compile.done', runId, compileMs: performance.now() - t0 });
    const t1 = performance.now();
    const summary = await runScenario(def, {
      code: req.code,
      seed: req.seed,
      loadScale: req.loadScale,
      compiler,
      librarySources: librarySourcesFor(LIBRARY_NAMES),
      onProgress: (progress) => post({ type: 'run.progress', runId, progress }),
      shouldStop: () => job.stopRequested,
      onHeartbeat: () => {
        job.userCode = true;
        if (performance.now() - job.lastBeatMs >= HEARTBEAT_INTERVAL_MS) beat();
      },
    });
    post({ type: 'run.done', runId, summary, simulateMs: performance.now() - t1 });
  } catch (e) {
    if (e instanceof CompileFailed) {
      post({ type: 'compile.failed', runId, diagnostics: e.diagnostics });
    } else if (e instanceof BadInput) {
      post({ type: 'run.failed', runId, message: badInputMessage(e), diagnostics: e.diagnostics });
    } else {
      post({ type: 'run.failed', runId, message: e instanceof Error ? e.message : String(e) });
    }
  } finally {
    clearInterval(heartbeat);
    if (active === job) active = null;
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
