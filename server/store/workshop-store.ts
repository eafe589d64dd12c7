/**
 * What the workshop server keeps, and the one interface it keeps it through. Two
 * implementations share the SQL (sql-store.ts): PGlite in a folder on disk, the default, and
 * a real Postgres for an event that outgrows one machine. Every write resolves only once
 * committed, so whatever the server acknowledged survives a restart.
 *
 * Times are milliseconds since the epoch, from the server's clock, never the learner's.
 */

/** One step of a room's track. */
export interface TrackStep {
  scenarioId: string;
  /** The time box the host suggests for this scenario; absent when there is none. */
  minutes?: number;
}

export interface Room {
  code: string;
  name: string;
  track: TrackStep[];
  createdAtMs: number;
  /** When the host closed the room, if they did: it then takes no runs and no new learners. */
  closedAtMs?: number;
}

export interface Learner {
  id: string;
  roomCode: string;
  name: string;
  joinedAtMs: number;
  handRaised: boolean;
}

export interface SloValue {
  label: string;
  /** The measured value; null when the run had no data for it. */
  actual: number | null;
  pass: boolean;
}

export interface FindingRef {
  rule: string;
  title: string;
}

/** What a learner's lab reports after a run. The learner's code is never sent, only its hash. */
export interface RunReport {
  /** Chosen by the lab, so a report sent twice (a retry after a lost answer) is kept once. */
  runId: string;
  scenarioId: string;
  passed: boolean;
  slos: SloValue[];
  findings: FindingRef[];
  /** Why the run could not finish (a compile error, a loop that never yields), if it could not. */
  error?: string;
  codeSha256: string;
  seed: number;
}

export interface StoredRun extends RunReport {
  learnerId: string;
  receivedAtMs: number;
}

export interface Broadcast {
  id: number;
  kind: 'message' | 'hint';
  text: string;
  sentAtMs: number;
}

/** One learner, as the host's dashboard shows them. */
export interface LearnerRow {
  learnerId: string;
  name: string;
  /** The scenario of the latest report, or the track's first before any. */
  scenarioId: string;
  /** When the learner came to this scenario: their last report on another, or when they joined. */
  onScenarioSinceMs: number;
  solved: boolean;
  /** SLOs met and in all, in the latest run; null before any run of this scenario. */
  slosMet: number | null;
  slosTotal: number | null;
  runs: number;
  runsOnScenario: number;
  /** The latest run's error, or else its first finding's title. */
  lastFinding: string | null;
  handRaised: boolean;
  lastRunAtMs: number | null;
}

export interface FindingCount extends FindingRef {
  count: number;
}

export interface ScenarioProgress {
  scenarioId: string;
  /** Learners with at least one passing run. */
  solved: number;
  /** Learners with at least one run. */
  attempted: number;
  runs: number;
  /** The finding seen most in failed runs of this scenario. */
  topFailingFinding: FindingCount | null;
}

export interface Dashboard {
  room: Room;
  learners: LearnerRow[];
  scenarios: ScenarioProgress[];
  /** The finding seen most in failed runs across the track. */
  topFailingFinding: FindingCount | null;
  atMs: number;
}

/** A learner's own view: what they need to carry on from another laptop. */
export interface LearnerProgress {
  learner: Learner;
  scenarios: { scenarioId: string; runs: number; solved: boolean }[];
  /** The scenario the learner is on, as the host's dashboard has it (LearnerRow.scenarioId). */
  scenarioId: string;
  /** When they came to it, as on the host's dashboard (LearnerRow.onScenarioSinceMs): its time box runs from here. */
  onScenarioSinceMs: number;
}

export interface RecordedRun {
  runId: string;
  receivedAtMs: number;
  /** False when this runId had been stored before: the report was a repeat. */
  created: boolean;
  /** Not kept: the room was closed when the report's transaction ran. */
  roomClosed?: true;
}

/** What the store signals to other server processes sharing its database. */
export type RemoteChange = 'progress' | 'broadcast' | 'closed';

export interface WorkshopStore {
  /**
   * Closes the room, once: closing it again keeps the first time, which it returns. Runs whose
   * transaction comes after this one commits are refused (RecordedRun.roomClosed).
   */
  closeRoom(code: string, nowMs: number): Promise<number>;
  /** Adds a room; false when the code is taken (the caller draws another). */
  createRoom(room: Room, hostTokenSha256: string): Promise<boolean>;
  room(code: string): Promise<{ room: Room; hostTokenSha256: string } | null>;
  /**
   * The learner of that name in the room (names compare without case), made if new; the token
   * is added to theirs. Null when the name is new and the room already has `learnersMax`.
   */
  joinRoom(
    code: string,
    name: string,
    learnerTokenSha256: string,
    nowMs: number,
    newLearnerId: string,
    learnersMax: number,
  ): Promise<{ learner: Learner; resumed: boolean } | null>;
  /** The learner holding this token in that room, if any. */
  learnerByToken(code: string, learnerTokenSha256: string): Promise<Learner | null>;
  /**
   * Keeps a run; resolves once the transaction holding it committed (reports that arrive
   * together may share one) and rejects if that transaction failed.
   */
  recordRun(learner: Learner, report: RunReport, nowMs: number): Promise<RecordedRun>;
  setHand(learner: Learner, raised: boolean, nowMs: number): Promise<void>;
  addBroadcast(code: string, kind: Broadcast['kind'], text: string, nowMs: number): Promise<Broadcast>;
  /** The latest `limit` broadcasts, oldest first. */
  broadcasts(code: string, limit: number): Promise<Broadcast[]>;
  /** The learner as stored now (their hand included) and their progress on the track. */
  progress(learner: Learner): Promise<LearnerProgress>;
  dashboard(room: Room, nowMs: number): Promise<Dashboard>;
  /** Every run of the room, oldest first, for the JSON export. */
  runs(code: string): Promise<StoredRun[]>;
  /** Calls `listener` when another server process changed a room (on a shared Postgres). */
  onRemoteChange(listener: (code: string, change: RemoteChange) => void): void;
  close(): Promise<void>;
}
