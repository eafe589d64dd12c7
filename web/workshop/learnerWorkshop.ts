/**
 * The room this lab has joined, for the workshop bar and the run reports: the session, the
 * host's broadcasts as they arrive, the raised hand, which track steps are solved, and the
 * outbox of run reports. Nothing starts unless a room was joined: the static lab makes no
 * workshop request, and a failed one shows in the workshop bar only.
 */
import { create } from 'zustand';
import { isRecord, readJson, removeKey, writeJson } from '../storage/local.ts';
import { type Broadcast, type RunReport, workshopApi } from './api.ts';
import { openLiveStream, type StreamStatus } from './liveStream.ts';
import { mergeOutbox, type OutboxState, ReportQueue } from './ReportQueue.ts';
import type { OnScenario } from './timeBox.ts';
import { activeSession, type LearnerSession, saveLearnerSession, setActiveRoom } from './sessions.ts';

/** Broadcasts kept for the bar; the server sends the latest 20 on connect. */
const BROADCASTS_KEPT = 20;

export interface StepProgress {
  runs: number;
  solved: boolean;
}

interface LearnerWorkshopState {
  session: LearnerSession | null;
  live: StreamStatus;
  /** Why the live stream is down, while it is. */
  liveProblem: string | null;
  /** The last request that failed (not the reports: see outbox), in words for the bar. */
  problem: string | null;
  outbox: OutboxState;
  broadcasts: Broadcast[];
  handRaised: boolean;
  progress: Record<string, StepProgress>;
  /** The scenario the server has this learner on and since when (its time box runs from there). */
  onScenario: OnScenario | null;
  /** The server's clock minus this laptop's, as of the last progress read. */
  serverOffsetMs: number;
}

export const useLearnerWorkshop = create<LearnerWorkshopState>()(() => ({
  session: null,
  live: 'connecting',
  liveProblem: null,
  problem: null,
  outbox: { pending: 0, error: null },
  broadcasts: [],
  handRaised: false,
  progress: {},
  onScenario: null,
  serverOffsetMs: 0,
}));

const set = useLearnerWorkshop.setState;
const get = useLearnerWorkshop.getState;

let queue: ReportQueue | null = null;
let closeStream: (() => void) | null = null;

const outboxKey = (code: string) => `workshop:outbox:${code}`;
const isReportList = (v: unknown): v is RunReport[] => Array.isArray(v) && v.every((r) => isRecord(r) && typeof r.runId === 'string');
const flushQueue = () => queue?.flush();

/** Picks up the room joined earlier, if any (a reload, or the next day). */
export function resumeWorkshop(): void {
  const session = activeSession();
  if (session) enterWorkshop(session);
}

/** Joins the lab to a room: from now on its runs on the room's track are reported there. */
export function enterWorkshop(session: LearnerSession): void {
  leave();
  saveLearnerSession(session);
  setActiveRoom(session.code);
  const { code, token } = session;
  set({ session, live: 'connecting', liveProblem: null, problem: null, broadcasts: [], handRaised: false, progress: {}, onScenario: null });
  queue = new ReportQueue({
    send: async (report) => {
      await workshopApi.report(code, token, report);
      const step = get().progress[report.scenarioId] ?? { runs: 0, solved: false };
      set({ progress: { ...get().progress, [report.scenarioId]: { runs: step.runs + 1, solved: step.solved || report.passed } } });
      // On to another scenario: its time box starts where the server says (its last report on
      // the previous one), so ask it rather than guess.
      if (get().onScenario?.scenarioId !== report.scenarioId) void refreshProgress();
    },
    load: () => readJson(outboxKey(code), isReportList) ?? [],
    save: (reports, settled) => {
      const merged = mergeOutbox(readJson(outboxKey(code), isReportList) ?? [], reports, settled);
      if (merged.length === 0) removeKey(outboxKey(code));
      else writeJson(outboxKey(code), merged);
    },
    schedule: (fn, ms) => {
      const timer = setTimeout(fn, ms);
      return () => clearTimeout(timer);
    },
    onChange: (outbox) => set({ outbox }),
  });
  set({ outbox: queue.state });
  // Reports an earlier page could not send go first.
  queue.flush();
  window.addEventListener('online', flushQueue);
  closeStream = openLiveStream({
    path: workshopApi.eventsPath(code),
    token,
    onEvent: (e) => {
      if (e.event === 'closed') {
        const { closedAtMs } = JSON.parse(e.data) as { closedAtMs: number };
        const current = get().session;
        if (current) set({ session: { ...current, room: { ...current.room, closedAtMs } } });
        return;
      }
      if (e.event !== 'broadcast') return;
      const b = JSON.parse(e.data) as Broadcast;
      const others = get().broadcasts.filter((x) => x.id !== b.id);
      set({ broadcasts: [...others, b].sort((x, y) => x.id - y.id).slice(-BROADCASTS_KEPT) });
    },
    onStatus: (live, message) => {
      // A refused token stays refused (the room is gone, or its server's data was reset).
      const why = live === 'refused' ? `The room no longer accepts this browser (${message}). Join it again with your name.` : message;
      set({ live, liveProblem: live === 'live' || live === 'connecting' ? null : (why ?? get().liveProblem) });
      if (live !== 'live') return;
      // Back online: what waited in the outbox can go now, and a failed read can be retried.
      queue?.flush();
      if (get().problem) void refreshProgress();
    },
  });
  void refreshProgress();
}

/** Reads this learner's progress and hand from the server. */
export async function refreshProgress(): Promise<void> {
  const session = get().session;
  if (!session) return;
  try {
    const me = await workshopApi.me(session.code, session.token);
    if (get().session !== session) return;
    const progress: Record<string, StepProgress> = {};
    for (const s of me.scenarios) progress[s.scenarioId] = { runs: s.runs, solved: s.solved };
    set({
      progress,
      handRaised: me.learner.handRaised,
      session: { ...session, room: me.room },
      problem: null,
      onScenario: { scenarioId: me.scenarioId, sinceMs: me.onScenarioSinceMs },
      serverOffsetMs: me.atMs - Date.now(),
    });
  } catch (err) {
    if (get().session === session) set({ problem: (err as Error).message });
  }
}

export async function setHand(raised: boolean): Promise<void> {
  const session = get().session;
  if (!session) return;
  try {
    const answer = await workshopApi.hand(session.code, session.token, raised);
    set({ handRaised: answer.handRaised, problem: null });
  } catch (err) {
    set({ problem: `Your hand could not be ${raised ? 'raised' : 'lowered'}: ${(err as Error).message}` });
  }
}

/** Leaves the room on this browser (the progress stays on the server; joining again continues). */
export function leaveWorkshop(): void {
  leave();
  setActiveRoom(null);
  set({
    session: null,
    broadcasts: [],
    progress: {},
    problem: null,
    liveProblem: null,
    outbox: { pending: 0, error: null },
    onScenario: null,
  });
}

function leave(): void {
  closeStream?.();
  closeStream = null;
  queue?.dispose();
  queue = null;
  window.removeEventListener('online', flushQueue);
}

/** Whether a run of this scenario belongs to the room: only the track's scenarios are reported. */
export function onTrack(scenarioId: string): boolean {
  return get().session?.room.track.some((s) => s.scenarioId === scenarioId) ?? false;
}

/** Queues a report; it never throws, and never waits for the network. A closed room takes none. */
export function sendReport(report: RunReport): void {
  if (get().session?.room.closedAtMs !== undefined) return;
  if (queue && onTrack(report.scenarioId)) queue.add(report);
}
