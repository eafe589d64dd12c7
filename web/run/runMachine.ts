/**
 * The run lifecycle: compile, simulate, then simulate the starter for the same seed (unless it
 * is cached) so the page can compare. The machine declares; `setup()` implements.
 */
import { assign, sendTo, setup } from 'xstate';
import type { Diagnostic, RunProgress, RunSummary, SeriesBucket } from '../../runner/index.ts';
import type { LabClient } from '../lab/LabClient.ts';
import type { FailureReason, RunRequest } from '../lab/protocol.ts';
import { baselineKey, getBaseline, putBaseline } from './baselineCache.ts';
import { workerRun } from './workerRunActor.ts';

export interface RunMachineInput {
  client: LabClient;
  starter: string;
  /** Called once per completed (not stopped) run of the learner's code. */
  onRunFinished?: (summary: RunSummary, request: RunRequest) => void;
}

export interface RunContext extends RunMachineInput {
  request: RunRequest | null;
  buckets: SeriesBucket[];
  virtualMs: number;
  durationMs: number;
  summary: RunSummary | null;
  baseline: RunSummary | null;
  baselineBuckets: SeriesBucket[];
  diagnostics: Diagnostic[];
  /** Plain words for a failed, stuck or stopped run. */
  message: string | null;
  /** Set when the lab stopped the run (out of memory, built-ins changed, the worker died). */
  failureReason: FailureReason | null;
  baselineMessage: string | null;
  compileMs: number | null;
  simulateMs: number | null;
}

export type RunEvent =
  | { type: 'run.start'; request: RunRequest }
  | { type: 'run.stop' }
  | { type: 'compile.done'; compileMs: number }
  | { type: 'compile.failed'; diagnostics: Diagnostic[] }
  | { type: 'run.progress'; progress: RunProgress }
  | { type: 'run.done'; summary: RunSummary; simulateMs: number }
  | { type: 'run.cancelled' }
  | { type: 'run.failed'; message: string; diagnostics?: Diagnostic[]; reason?: FailureReason }
  | { type: 'run.hung' };

/**
 * Shown when the worker stopped answering. The page cannot tell a loop from a built-in call on a
 * huge amount of memory (see LabClient), so the message names both, neither before the other.
 */
export const HUNG_MESSAGE =
  'Your code stopped answering for several seconds, so the run was stopped. Two causes look the same ' +
  'from outside, so check for both: a loop that never yields (such as while (true) {}, or a regular expression ' +
  'that backtracks catastrophically, like /^(a+)+$/ on a long input that almost matches), or work on a huge ' +
  'amount of memory (an array or buffer sized by a very large number, such as new Array(1e9).fill(0), or data ' +
  'kept on every request in an array or cache that only grows). Your code is kept; the next run starts in a fresh simulator.';

function keyOf(ctx: RunContext): string {
  const r = ctx.request!;
  return baselineKey(r.scenarioId, r.seed, r.loadScale, ctx.starter);
}

export const runMachine = setup({
  types: {
    context: {} as RunContext,
    events: {} as RunEvent,
    input: {} as RunMachineInput,
  },
  actors: { workerRun },
  actions: {
    startRun: assign(({ event }) => {
      const request = (event as Extract<RunEvent, { type: 'run.start' }>).request;
      return {
        request,
        buckets: [],
        baselineBuckets: [],
        virtualMs: 0,
        durationMs: 0,
        summary: null,
        baseline: null,
        diagnostics: [],
        message: null,
        failureReason: null,
        baselineMessage: null,
        compileMs: null,
        simulateMs: null,
      };
    }),
    noteCompiled: assign({ compileMs: ({ event }) => (event as Extract<RunEvent, { type: 'compile.done' }>).compileMs }),
    noteCompileFailed: assign({
      diagnostics: ({ event }) => (event as Extract<RunEvent, { type: 'compile.failed' }>).diagnostics,
    }),
    appendProgress: assign(({ context, event }) => {
      const p = (event as Extract<RunEvent, { type: 'run.progress' }>).progress;
      return { buckets: context.buckets.concat(p.buckets), virtualMs: p.virtualMs, durationMs: p.durationMs };
    }),
    appendBaselineProgress: assign(({ context, event }) => {
      const p = (event as Extract<RunEvent, { type: 'run.progress' }>).progress;
      return { baselineBuckets: context.baselineBuckets.concat(p.buckets) };
    }),
    storeSummary: assign(({ event }) => {
      const e = event as Extract<RunEvent, { type: 'run.done' }>;
      return { summary: e.summary, simulateMs: e.simulateMs, buckets: e.summary.series };
    }),
    reportFinished: ({ context }) => {
      if (context.summary && context.request) context.onRunFinished?.(context.summary, context.request);
    },
    useCachedBaseline: assign(({ context }) => {
      const baseline = getBaseline(keyOf(context)) ?? null;
      return { baseline, baselineBuckets: baseline?.series ?? [] };
    }),
    useOwnRunAsBaseline: assign(({ context }) => {
      putBaseline(keyOf(context), context.summary!);
      return { baseline: context.summary, baselineBuckets: context.summary!.series };
    }),
    storeBaseline: assign(({ context, event }) => {
      const summary = (event as Extract<RunEvent, { type: 'run.done' }>).summary;
      putBaseline(keyOf(context), summary);
      return { baseline: summary, baselineBuckets: summary.series };
    }),
    noteBaselineProblem: assign({
      baselineMessage: ({ event }) =>
        event.type === 'run.failed' ? `The starter could not be run for comparison: ${event.message}` : 'The comparison run was stopped.',
      baselineBuckets: [],
    }),
    noteFailure: assign(({ event }) => {
      const e = event as Extract<RunEvent, { type: 'run.failed' }>;
      return { message: e.message, diagnostics: e.diagnostics ?? [], failureReason: e.reason ?? null };
    }),
    noteHung: assign({ message: HUNG_MESSAGE }),
    noteStopped: assign(({ event }) => {
      const e = event as Extract<RunEvent, { type: 'run.done' }>;
      return { summary: e.summary, buckets: e.summary.series, message: 'Run stopped. The numbers cover the part that ran.' };
    }),
    // The worker had not begun simulating (it was creating the database, or finishing a run).
    noteCancelled: assign({
      message: 'Run stopped while the simulator was getting ready: no traffic was simulated, so there are no numbers.',
    }),
    forwardStop: sendTo('worker', { type: 'stop' }),
  },
  guards: {
    wasStopped: ({ event }) => (event as Extract<RunEvent, { type: 'run.done' }>).summary.status === 'aborted',
    baselineCached: ({ context }) => getBaseline(keyOf(context)) !== undefined,
    ranStarter: ({ context }) => context.request?.code === context.starter,
  },
}).createMachine({
  id: 'run',
  context: ({ input }) => ({
    ...input,
    request: null,
    buckets: [],
    virtualMs: 0,
    durationMs: 0,
    summary: null,
    baseline: null,
    baselineBuckets: [],
    diagnostics: [],
    message: null,
    failureReason: null,
    baselineMessage: null,
    compileMs: null,
    simulateMs: null,
  }),
  initial: 'idle',
  on: {
    'run.start': { target: '.running', actions: 'startRun' },
  },
  states: {
    idle: {},
    running: {
      invoke: {
        id: 'worker',
        src: 'workerRun',
        input: ({ context }) => ({ client: context.client, request: context.request! }),
      },
      initial: 'compiling',
      states: {
        compiling: {
          on: { 'compile.done': { target: 'simulating', actions: 'noteCompiled' } },
        },
        simulating: {
          on: { 'run.progress': { actions: 'appendProgress' } },
        },
      },
      on: {
        'run.start': {},
        'run.stop': { actions: 'forwardStop' },
        'compile.failed': { target: 'compileFailed', actions: 'noteCompileFailed' },
        'run.done': [
          { guard: 'wasStopped', target: 'stopped', actions: 'noteStopped' },
          { guard: 'ranStarter', target: 'done', actions: ['storeSummary', 'useOwnRunAsBaseline', 'reportFinished'] },
          { guard: 'baselineCached', target: 'done', actions: ['storeSummary', 'useCachedBaseline', 'reportFinished'] },
          { target: 'comparing', actions: ['storeSummary', 'reportFinished'] },
        ],
        'run.cancelled': { target: 'stopped', actions: 'noteCancelled' },
        'run.failed': { target: 'failed', actions: 'noteFailure' },
        'run.hung': { target: 'hung', actions: 'noteHung' },
      },
    },
    /** The learner's run is done and shown; the starter runs for the overlay. */
    comparing: {
      invoke: {
        id: 'worker',
        src: 'workerRun',
        input: ({ context }) => ({ client: context.client, request: { ...context.request!, code: context.starter } }),
      },
      on: {
        'run.stop': { actions: 'forwardStop' },
        'run.progress': { actions: 'appendBaselineProgress' },
        'run.done': [
          { guard: 'wasStopped', target: 'done', actions: 'noteBaselineProblem' },
          { target: 'done', actions: 'storeBaseline' },
        ],
        'run.cancelled': { target: 'done', actions: 'noteBaselineProblem' },
        'run.failed': { target: 'done', actions: 'noteBaselineProblem' },
        'run.hung': { target: 'done', actions: 'noteBaselineProblem' },
        'compile.failed': { target: 'done', actions: 'noteBaselineProblem' },
      },
    },
    done: {},
    compileFailed: {},
    failed: {},
    hung: {},
    stopped: {},
  },
});

export type RunState = 'idle' | 'compiling' | 'simulating' | 'comparing' | 'done' | 'compileFailed' | 'failed' | 'hung' | 'stopped';
