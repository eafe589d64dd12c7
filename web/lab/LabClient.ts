/**
 * Owns the lab worker: starts it, runs one job at a time, drops messages of stale runs, and
 * replaces the worker when it goes silent mid-run, dies, or says it can no longer be trusted
 * (out of memory, built-ins changed).
 *
 * Why silence has one outcome: a worker goes silent in a loop that never yields, or inside one
 * built-in call working through a huge amount of memory (`new Array(1e9).fill(0)`), or while
 * its collector pauses over a heap that only grows. From the page these look the same. Whether
 * a terminated worker is still inside the built-in call a few seconds later depends on how far
 * the call got on this machine, so telling them apart that way gave the same code different
 * verdicts from run to run. The page reports every silence alike (`onHung`), and the message
 * names both causes.
 *
 * What no page can survive: a service that keeps allocating on every event until the worker's
 * heap is full. A dedicated worker shares its page's renderer process, and when a worker's V8
 * heap runs out (about 4 GB), Chromium ends the whole process, page included; no error event
 * comes first, and workers have no API that reports their heap size. Either the collector's
 * pauses silence the worker first, and the watchdog stops it as above, or the page dies; for
 * that case the page marks a run in flight (see storage/runInFlight.ts) so that the next load
 * can say what happened. The learner's code is saved on every edit.
 */
import type { Diagnostic, RunProgress, RunSummary, TypeFile } from '../../runner/index.ts';
import {
  type FailureReason,
  HEARTBEAT_TIMEOUT_MS,
  MEMORY_MESSAGE,
  type WorkerMilestone,
  SETUP_TIMEOUT_MS,
  type HostMessage,
  type RunMessage,
  type RunRequest,
  type ScenarioInfo,
  type WorkerMessage,
  HUNG_AFTER_MS_MAX,
} from './protocol.ts';
import { measureThreadSlowdown } from './threadSlowdown.ts';
import { RunRecording } from './runRecording.ts';

/** How often the page checks that a running worker is alive. */
const WATCHDOG_TICK_MS = 250;

export interface RunHandlers {
  onCompiled(compileMs: number): void;
  onCompileFailed(diagnostics: Diagnostic[]): void;
  onProgress(progress: RunProgress): void;
  onDone(summary: RunSummary, simulateMs: number): void;
  /** Stopped before the simulation began. */
  onCancelled(): void;
  /** With a `reason`, the lab stopped the run (see FailureReason) and replaced the worker. */
  onFailed(message: string, diagnostics?: Diagnostic[], reason?: FailureReason): void;
  /**
   * The worker stopped answering and was replaced; the run is lost. The cause may be a loop that
   * never yields or work on a huge amount of memory: the page cannot tell which (see above).
   */
  onHung(): void;
}

/** What the worker reports once it has started. */
export interface LabInfo {
  scenarios: ScenarioInfo[];
  platformTypes: TypeFile[];
}

export interface RunHandle {
  readonly runId: number;
  stop(): void;
}

interface ActiveRun {
  runId: number;
  handlers: RunHandlers;
  lastHeardAt: number;
  /** The worker said user code is running: silence now means the service is stuck. */
  userCode: boolean;
  /** The silence (by when it began) the machine's slowdown was last measured for. */
  slowdownAskedAt: number;
  /** How long that silence may last, given the machine's slowdown. */
  allowedMs: number;
}

export class LabClient {
  private worker: Worker | null = null;
  private initPromise: Promise<LabInfo> | null = null;
  private resolveInit: ((info: LabInfo) => void) | null = null;
  private rejectInit: ((e: Error) => void) | null = null;
  private active: ActiveRun | null = null;
  private nextRunId = 1;
  private watchdog: ReturnType<typeof setInterval> | null = null;
  private disposed = false;
  /** What the last `warm()` asked for, repeated to a replacement worker; undefined: nothing yet. */
  private warmRequest: { scenarioId?: string } | undefined;
  /** The worker has finished warming up. */
  private warmed = false;
  /** Who waits for the lab to be idle; `warm`: also for the warm-up to have finished. */
  private idleWaiters: { resolve: () => void; warm: boolean }[] = [];
  /** The run started ahead of any request (see runAhead), until a run adopts it or replaces it. */
  private ahead: { request: RunRequest; recording: RunRecording; handle: RunHandle } | null = null;
  /** Told of the worker's start-up milestones (for the speed measurements). */
  onMilestone: ((name: WorkerMilestone, epochMs: number) => void) | null = null;

  /**
   * @param measureSlowdown how many times slower than alone a thread runs on this machine now
   *   (injected so tests decide how busy the machine is).
   */
  constructor(
    private readonly createWorker: () => Worker,
    private readonly heartbeatTimeoutMs = HEARTBEAT_TIMEOUT_MS,
    private readonly measureSlowdown: () => number = measureThreadSlowdown,
  ) {}

  /** Starts the worker once; a failed start is retried by the next call. */
  init(): Promise<LabInfo> {
    if (this.disposed) return Promise.reject(new Error('the lab client was disposed'));
    if (this.initPromise) return this.initPromise;
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (e) {
      // Refused by the browser (a policy, no workers): a failed start like any other.
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    this.worker = worker;
    worker.onmessage = (e: MessageEvent<WorkerMessage>) => this.onMessage(worker, e.data);
    worker.onerror = (e) => {
      // Handled here: the page's own console need not report the worker's error again.
      e.preventDefault();
      this.onWorkerCrash(worker, e.message);
    };
    worker.onmessageerror = () => this.onWorkerCrash(worker, 'a message from the lab worker could not be read');
    this.initPromise = new Promise<LabInfo>((resolve, reject) => {
      this.resolveInit = resolve;
      this.rejectInit = reject;
    });
    this.initPromise.catch(() => {
      this.initPromise = null;
    });
    this.send({ type: 'init' });
    if (this.warmRequest) this.send({ type: 'warm', ...this.warmRequest });
    return this.initPromise;
  }

  /**
   * Asks the worker to pay its one-time costs (compiler start, and the database when the
   * scenario has one) now; a replacement worker is warmed straight away.
   */
  warm(scenarioId?: string): void {
    this.warmRequest = { scenarioId };
    // A worker started now is sent the request with its `init`; a running one is sent it here.
    if (this.initPromise) this.send({ type: 'warm', scenarioId });
    else this.init().catch(() => undefined);
  }

  /** Asks the worker to start downloading what this scenario's warm-up will need. */
  prefetch(scenarioId: string): void {
    this.init().catch(() => undefined);
    this.send({ type: 'prefetch', scenarioId });
  }

  /**
   * Resolves once the worker has finished warming up and no run is going on: the moment other
   * CPU-heavy work on the page (the editor's TypeScript service) no longer delays a run.
   */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push({ resolve, warm: true });
      this.wakeIdleWaiters();
    });
  }

  /** Resolves once no run is going on, whether or not the worker has warmed up. */
  whenNoRun(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push({ resolve, warm: false });
      this.wakeIdleWaiters();
    });
  }

  private wakeIdleWaiters(): void {
    if (this.active) return;
    const waking = this.idleWaiters.filter((w) => this.warmed || !w.warm);
    this.idleWaiters = this.idleWaiters.filter((w) => !waking.includes(w));
    for (const w of waking) w.resolve();
  }

  /**
   * Starts a run nobody has asked for yet (the scenario's starter, as the page loads), when no
   * other run is going on: a `run()` of exactly this request adopts it, however far it has got,
   * and sees all of it; any other `run()` stops it. The one-time costs (the database's creation,
   * the first simulation's slower start) are paid while the learner reads, not after the click.
   * `onDone` is told of its summary, adopted or not.
   */
  runAhead(request: RunRequest, onDone?: (summary: RunSummary) => void): void {
    const previous = this.ahead;
    if (this.disposed || (previous?.recording.adoptable && sameRequest(previous.request, request))) return;
    // A run someone asked for is never displaced; a previous run ahead is (run() stops it).
    if (this.active && this.active.runId !== previous?.handle.runId) return;
    const recording = new RunRecording();
    const handle = this.run(request, {
      ...recording.handlers,
      onDone: (summary, simulateMs) => {
        onDone?.(summary);
        recording.handlers.onDone(summary, simulateMs);
      },
    });
    this.ahead = { request, recording, handle };
  }

  /**
   * The page that wanted the run ahead has gone: a run ahead still going is stopped (and can
   * no longer be adopted); one that has finished is kept, for a page that asks for it again.
   */
  cancelAhead(): void {
    const ahead = this.ahead;
    if (!ahead || this.active?.runId !== ahead.handle.runId) return;
    ahead.recording.discard();
    ahead.handle.stop();
  }

  /**
   * Starts a run; the previous one, if any, is stopped and its messages ignored from now on,
   * unless it is a run ahead of this very request, which this call adopts instead.
   */
  run(request: RunRequest, handlers: RunHandlers): RunHandle {
    const ahead = this.ahead;
    this.ahead = null;
    if (ahead?.recording.adoptable && sameRequest(ahead.request, request)) {
      ahead.recording.adopt(handlers);
      return ahead.handle;
    }
    if (this.active) this.stop();
    const runId = this.nextRunId++;
    const active: ActiveRun = { runId, handlers, lastHeardAt: performance.now(), userCode: false, slowdownAskedAt: -1, allowedMs: 0 };
    this.active = active;
    this.init().then(
      () => {
        if (this.active !== active) return;
        active.lastHeardAt = performance.now();
        this.send({ type: 'run', runId, ...request });
        this.startWatchdog();
      },
      (e: Error) => this.finish(active, (h) => h.onFailed(e.message)),
    );
    return { runId, stop: () => this.stopRun(runId) };
  }

  /** Asks the active run to stop; it still reports `run.done` with status `aborted`. */
  stop(): void {
    if (this.active) this.stopRun(this.active.runId);
  }

  /** Ends the worker for good; a start still pending fails, and no handler is called again. */
  dispose(): void {
    this.disposed = true;
    this.active = null;
    this.ahead = null;
    this.stopWatchdog();
    this.rejectInit?.(new Error('the lab client was disposed'));
    this.replaceWorker();
  }

  private stopRun(runId: number): void {
    if (this.active?.runId === runId) this.send({ type: 'stop', runId });
  }

  private send(msg: HostMessage): void {
    this.worker?.postMessage(msg);
  }

  private onMessage(worker: Worker, msg: WorkerMessage): void {
    if (worker !== this.worker) return;
    if (msg.type === 'init.done') return this.resolveInit?.({ scenarios: msg.scenarios, platformTypes: msg.platformTypes });
    if (msg.type === 'init.failed') return this.onWorkerCrash(worker, msg.message);
    if (msg.type === 'milestone') return this.onMilestone?.(msg.name, msg.epochMs);
    if (msg.type === 'warm.done') {
      this.warmed = true;
      return this.wakeIdleWaiters();
    }
    const active = this.active;
    if (!active || msg.runId !== active.runId) return; // a stale run's message
    active.lastHeardAt = performance.now();
    this.dispatch(active, msg);
  }

  private dispatch(active: ActiveRun, msg: RunMessage): void {
    const h = active.handlers;
    switch (msg.type) {
      case 'heartbeat':
        active.userCode ||= msg.userCode;
        return;
      case 'compile.done':
        return h.onCompiled(msg.compileMs);
      case 'compile.failed':
        return this.finish(active, (x) => x.onCompileFailed(msg.diagnostics));
      case 'run.progress':
        return h.onProgress(msg.progress);
      case 'run.done':
        return this.finish(active, (x) => x.onDone(msg.summary, msg.simulateMs));
      case 'run.cancelled':
        return this.finish(active, (x) => x.onCancelled());
      case 'run.failed':
        if (msg.reason) {
          // The worker cannot be trusted with another run: a fresh one takes over.
          this.replaceWorker();
          this.init().catch(() => undefined);
        }
        return this.finish(active, (x) => x.onFailed(msg.message, msg.diagnostics, msg.reason));
    }
  }

  private finish(active: ActiveRun, report: (h: RunHandlers) => void): void {
    if (this.active !== active) return;
    this.active = null;
    this.stopWatchdog();
    report(active.handlers);
    this.wakeIdleWaiters();
  }

  /**
   * Every tick: a worker silent for longer than its limit is asked about before it is ended.
   * The question is put to the machine, which the page can measure, rather than to the worker,
   * which cannot answer while it works: how much slower does a thread run here now? A silence
   * that long a slowdown explains is given that much longer (up to HUNG_AFTER_MS_MAX); the
   * machine is asked again when the longer limit passes too, and any word from the worker
   * meanwhile ends the question.
   */
  private startWatchdog(): void {
    this.stopWatchdog();
    let lastTick = performance.now();
    this.watchdog = setInterval(() => {
      const active = this.active;
      const now = performance.now();
      // When this page itself was too busy to run the check on time, the worker's messages
      // may be waiting behind it: judge the worker only on time the page was listening.
      if (active && now - lastTick > WATCHDOG_TICK_MS * 4) active.lastHeardAt = Math.max(active.lastHeardAt, now);
      lastTick = now;
      if (!active) return;
      const silentMs = performance.now() - active.lastHeardAt;
      const baseMs = active.userCode ? this.heartbeatTimeoutMs : SETUP_TIMEOUT_MS;
      if (silentMs <= baseMs) return;
      const allowance = () => Math.min(HUNG_AFTER_MS_MAX, baseMs * Math.max(1, this.measureSlowdown()));
      if (active.slowdownAskedAt !== active.lastHeardAt) {
        // A new silence: ask the machine.
        active.slowdownAskedAt = active.lastHeardAt;
        active.allowedMs = allowance();
      } else if (silentMs > active.allowedMs && active.allowedMs < HUNG_AFTER_MS_MAX) {
        // Its allowance has run out: ask again, in case the machine has become busier.
        active.allowedMs = Math.max(active.allowedMs, allowance());
      }
      if (silentMs <= active.allowedMs) return;
      this.stopWatchdog();
      this.replaceWorker();
      // Warm the replacement now so the next run starts as fast as the first.
      this.init().catch(() => undefined);
      this.finish(active, (h) => h.onHung());
    }, WATCHDOG_TICK_MS);
  }

  private stopWatchdog(): void {
    if (this.watchdog !== null) clearInterval(this.watchdog);
    this.watchdog = null;
  }

  /**
   * The worker reported an error it did not handle, or died saying why. A worker that ran out
   * of memory says so (in engines that end only the worker); anything else is a lab bug.
   */
  private onWorkerCrash(worker: Worker, detail: string): void {
    if (worker !== this.worker) return;
    const memory = /memory/i.test(detail);
    const message = memory
      ? MEMORY_MESSAGE
      : `The simulator stopped unexpectedly${detail ? ` (${detail})` : ''}. Your code is kept; run again to start a fresh one.`;
    this.rejectInit?.(new Error(detail || 'the lab worker failed to start'));
    this.replaceWorker();
    const active = this.active;
    if (active) {
      this.finish(active, (h) => h.onFailed(message, undefined, memory ? 'memory' : 'crash'));
      this.init().catch(() => undefined);
    }
  }

  /** Kills the worker; the next `init()` (done by the next run) starts a fresh one. */
  private replaceWorker(): void {
    this.worker?.terminate();
    this.worker = null;
    this.warmed = false;
    this.initPromise = null;
    this.resolveInit = null;
    this.rejectInit = null;
  }
}

/** Same scenario, code, seed and load scale: the same simulation, to the byte. */
function sameRequest(a: RunRequest, b: RunRequest): boolean {
  return a.scenarioId === b.scenarioId && a.code === b.code && a.seed === b.seed && a.loadScale === b.loadScale;
}
