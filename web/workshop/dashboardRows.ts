/**
 * The host dashboard's words and numbers, apart from React so they are tested as data: one
 * row per learner (raised hands first, since that is who needs the host now), the time on the
 * current scenario on the server's clock, the SLOs met, and the export files' names.
 */
import type { LearnerRow, TrackStep } from './api.ts';

export interface RowView {
  learnerId: string;
  name: string;
  /** "2 of 3": where the learner is on the track. */
  step: string;
  scenarioId: string;
  /** "3 of 4 met", or "no run yet" on this scenario. */
  slos: string;
  solved: boolean;
  /** Runs on this scenario, and in all. */
  runs: string;
  timeOnScenario: string;
  /** Past its time box, when the host set one. */
  overTime: boolean;
  last: string;
  handRaised: boolean;
}

/** "under a minute", "12 min", "1 h 05 min". */
export function formatDuration(ms: number): string {
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return 'under a minute';
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatSlos(row: Pick<LearnerRow, 'slosMet' | 'slosTotal'>): string {
  if (row.slosMet === null || row.slosTotal === null) return 'no run yet';
  return `${row.slosMet} of ${row.slosTotal} met`;
}

/** `nowMs` is the server's clock (the dashboard's `atMs`, moved on by the time since it came). */
export function rowView(row: LearnerRow, track: TrackStep[], nowMs: number): RowView {
  const index = track.findIndex((s) => s.scenarioId === row.scenarioId);
  const onScenarioMs = nowMs - row.onScenarioSinceMs;
  const boxMinutes = index === -1 ? undefined : track[index].minutes;
  return {
    learnerId: row.learnerId,
    name: row.name,
    step: index === -1 ? '–' : `${index + 1} of ${track.length}`,
    scenarioId: row.scenarioId,
    slos: formatSlos(row),
    solved: row.solved,
    runs: row.runs === row.runsOnScenario ? String(row.runs) : `${row.runsOnScenario} (${row.runs} in all)`,
    timeOnScenario: formatDuration(onScenarioMs),
    overTime: boxMinutes !== undefined && !row.solved && onScenarioMs > boxMinutes * 60_000,
    last: row.lastFinding ?? (row.runs === 0 ? 'no run yet' : row.solved ? 'solved' : '–'),
    handRaised: row.handRaised,
  };
}

/** Raised hands first, each group in the server's order (by when they joined). */
export function dashboardRows(rows: LearnerRow[], track: TrackStep[], nowMs: number): RowView[] {
  const views = rows.map((r) => rowView(r, track, nowMs));
  return [...views.filter((v) => v.handRaised), ...views.filter((v) => !v.handRaised)];
}

/** "workshop-K7QXM2-2026-12-07-1457.csv": the room, then when (UTC), so exports sort and never overwrite each other. */
export function exportFileName(code: string, kind: 'csv' | 'json', atMs: number): string {
  const iso = new Date(atMs).toISOString();
  return `workshop-${code}-${iso.slice(0, 10)}-${iso.slice(11, 13)}${iso.slice(14, 16)}.${kind}`;
}
