/**
 * The one protocol between the page and the lab worker. Every message is a discriminated union
 * member with a `type`; messages about a run carry its `runId`, and the page drops any whose
 * `runId` is not the run it is waiting for (a stopped or superseded run can still be talking).
 */
import type { Diagnostic, RunProgress, RunSummary, RunTimeline, SloSpec, TypeFile } from '../../runner/index.ts';

/** What the page needs to know about a scenario that only its `scenario.ts` says. */
export interface ScenarioInfo {
  id: string;
  slos: SloSpec[];
  durationMs: number;
  clientTimeoutMs: number;
  /** Bounds of the load-scale control; `{ min: 1, max: 1 }` when the scenario allows none. */
  loadScale: { min: number; max: number };
  routes: string[];
  /** Load phases (at load scale 1) and downstream fault windows, for the charts to mark while a run fills in. */
  timeline?: RunTimeline;
}

export interface RunRequest {
  scenarioId: string;
  code: string;
  seed: number;
  loadScale: number;
}

// --- page -> worker --------------------------------------------------------------------------

export type HostMessage =
  /** Say which scenarios there are: answered by `init.done`, or `init.failed`. */
  | { type: 'init' }
  /**
   * Pay one-time costs now (the page says when: after the editor loads): the compiler's
   * first build, and the database's creation when this scenario has one.
   */
  | { type: 'warm'; scenarioId?: string }
  /**
   * Start the downloads this scenario will need (at page load, before the editor loads); the
   * warm-up's heavier work waits for the editor. (Naming the snapshot needs the setup SQL's
   * digest, which one scenario derives on first use.)
   */
  | { type: 'prefetch'; scenarioId: string }
  | ({ type: 'run'; runId: number } & RunRequest)
  | { type: 'stop'; runId: number };

// --- worker -> page --------------------------------------------------------------------------

export type WorkerMessage =
  /**
   * The scenarios, and the platform's declaration files for the editor: they come from the
   * worker so the page never loads the simulator's code.
   */
  | { type: 'init.done'; scenarios: ScenarioInfo[]; platformTypes: TypeFile[] }
  | { type: 'init.failed'; message: string }
  /** The warm-up asked for has finished (whether or not it succeeded): the worker is ready. */
  | { type: 'warm.done' }
  /** A start-up milestone, for the speed measurements: when, in ms since the Unix epoch. */
  | { type: 'milestone'; name: WorkerMilestone; epochMs: number }
  /**
   * Sent a few times a second while a run is active; silence means the thread is stuck.
   * `userCode` is true once the learner's code is running (before that: compiling, opening
   * the database), when the page's watchdog switches to its short timeout.
   */
  | { type: 'heartbeat'; runId: number; userCode: boolean }
  | { type: 'compile.done'; runId: number; compileMs: number }
  | { type: 'compile.failed'; runId: number; diagnostics: Diagnostic[] }
  | { type: 'run.progress'; runId: number; progress: RunProgress }
  | { type: 'run.done'; runId: number; summary: RunSummary; simulateMs: number }
  /** Stopped while it waited for its turn: nothing ran, so there are no numbers. */
  | { type: 'run.cancelled'; runId: number }
  /**
   * The run could not happen: bad input (a route the service lacks, a load-time throw) or a lab
   * bug. With a `reason`, the worker cannot be trusted with another run and the page replaces it.
   */
  | { type: 'run.failed'; runId: number; message: string; diagnostics?: Diagnostic[]; reason?: FailureReason };

/**
 * Why a run was stopped by the lab rather than failing on its own: `memory`, the service ran
 * out of memory (an allocation failed, or the worker said it had no memory left); `realm`,
 * the service changed the realm's built-ins, so nothing measured in it can be trusted; `crash`,
 * the worker died.
 */
export type FailureReason = 'memory' | 'realm' | 'crash';

/** Shown when a run was stopped for memory. */
export const MEMORY_MESSAGE =
  'The service used more memory than the lab allows and was stopped. Look for one huge allocation ' +
  '(an array or buffer sized by a very large number) or data kept on every request (a module-level ' +
  'array or cache that only grows). Your code is kept; the next run starts in a fresh simulator.';

/**
 * The worker's start-up milestones, each reported once (its first occurrence): the worker's
 * script created and evaluated; PGlite's engine (wasm compiled, file bundle fetched) and the
 * scenario's snapshot (downloaded, inflated) in hand; the database ready; the compiler warm;
 * and the first run's phases (received, compiled, user code starting once the database is
 * open, result posted). The speed measurements print where the first result's time went.
 */
export type WorkerMilestone =
  | 'workerCreatedMs'
  | 'workerStartedMs'
  | 'engineReadyMs'
  | 'snapshotReadyMs'
  | 'databaseReadyMs'
  | 'compilerWarmMs'
  | 'runReceivedMs'
  | 'runCompiledMs'
  | 'userCodeStartMs'
  | 'runDoneMs';

export type RunMessage = Extract<WorkerMessage, { runId: number }>;

/**
 * How long a worker running user code may stay silent, on a machine where it has a core to
 * itself, before the page declares it stuck: the CLI's watchdog too. On a busy machine the page
 * allows this times how much slower a thread runs there (see LabClient, threadSlowdown.ts).
 */
export const HEARTBEAT_TIMEOUT_MS = 5000;
/**
 * The longest silence allowed however busy the machine: a learner waits at most this long
 * to hear that a loop never yields. At load 16 on two cores a thread runs about 8 times
 * slower, which this covers.
 */
export const HUNG_AFTER_MS_MAX = 60_000;
/**
 * The same before user code runs: starting the compiler and creating the database are long
 * wasm calls that still let heartbeats through (measured gaps under 0.5 s), so this only
 * guards against a worker that died silently.
 */
export const SETUP_TIMEOUT_MS = 20_000;
/** How often the worker says it is alive while a run is active. */
export const HEARTBEAT_INTERVAL_MS = 250;
