/**
 * Group commit of run reports: the reports of one batch (batcher.ts) are written in one
 * transaction, by one statement, and the batch resolves only once that transaction committed,
 * so "acknowledged means kept" holds for each report exactly as when each had its own
 * transaction. What a burst gains: a transaction's fixed cost outweighs its rows (on PGlite,
 * warm: 0.9 ms for one report, 1.4 ms for ten), so the reports that all come back after a
 * restart cost a few transactions instead of one each.
 */
import { CHANGE_CHANNEL } from './schema.ts';
import { num, type SqlQuery } from './sql-driver.ts';
import type { Learner, RecordedRun, RunReport } from './workshop-store.ts';

export interface PendingRun {
  learner: Learner;
  report: RunReport;
  nowMs: number;
}

const RUN_COLUMNS = 'room_code, learner_id, run_id, scenario_id, passed, slos, findings, error, code_sha256, seed, received_at_ms';

/**
 * One parameter, a JSON array of rows, read as a table: the same on PGlite and node-postgres,
 * and one statement whatever the batch's size. `order by i` keeps the reports' order in `seq`.
 * A report kept before (a retry after a lost answer), or twice in the batch, is skipped by the
 * unique key, as it was when each report had its own insert.
 */
const INSERT_RUNS = `
  insert into workshop_runs (${RUN_COLUMNS})
  select ${RUN_COLUMNS} from jsonb_to_recordset($1::jsonb) as r(i int, room_code text, learner_id text, run_id text,
    scenario_id text, passed boolean, slos jsonb, findings jsonb, error text, code_sha256 text, seed bigint, received_at_ms bigint)
  order by i
  on conflict (learner_id, run_id) do nothing
  returning learner_id, run_id, received_at_ms`;

/**
 * The batch's rooms still open. FOR SHARE orders each batch with a close (an UPDATE of the
 * row): a close waits for the batches already holding the row, and a batch that comes after
 * it reads the room closed, on every server process sharing the database.
 */
const OPEN_ROOMS = 'select code from workshop_rooms where code = any($1::text[]) and closed_at_ms is null for share';

/** The first copies of the runs that were repeats. */
const KEPT_RUNS = `
  select w.learner_id, w.run_id, w.received_at_ms from workshop_runs w
  join jsonb_to_recordset($1::jsonb) as r(learner_id text, run_id text) on w.learner_id = r.learner_id and w.run_id = r.run_id`;

/** A run's identity; a runId never holds a NUL (schemas.ts), so the pair cannot be confused. */
const keyOf = (learnerId: string, runId: string): string => `${learnerId}\0${runId}`;

/**
 * Prepares the database for the first batch without writing: the insert is planned (EXPLAIN
 * does not run it), which reads the table's catalog entries, and the repeat query runs on an
 * empty batch. See warm-up.ts.
 */
export async function warmUpRecordRuns(db: SqlQuery): Promise<void> {
  await db.query(`explain ${INSERT_RUNS}`, ['[]']);
  await db.query(OPEN_ROOMS, [[]]);
  await db.query(KEPT_RUNS, ['[]']);
}

/** Writes the batch in `tx`; one answer per report, in order. */
export async function recordRuns(tx: SqlQuery, runs: PendingRun[]): Promise<RecordedRun[]> {
  const rows = runs.map(({ learner, report, nowMs }, i) => ({
    i,
    room_code: learner.roomCode,
    learner_id: learner.id,
    run_id: report.runId,
    scenario_id: report.scenarioId,
    passed: report.passed,
    slos: report.slos,
    findings: report.findings,
    error: report.error ?? null,
    code_sha256: report.codeSha256,
    seed: report.seed,
    received_at_ms: nowMs,
  }));
  const codes = [...new Set(rows.map((r) => r.room_code))];
  const open = new Set((await tx.query(OPEN_ROOMS, [codes])).map((r) => r.code as string));
  const inserted = new Map<string, number>();
  const toInsert = rows.filter((r) => open.has(r.room_code));
  if (toInsert.length > 0)
    for (const r of await tx.query(INSERT_RUNS, [JSON.stringify(toInsert)]))
      inserted.set(keyOf(r.learner_id as string, r.run_id as string), num(r.received_at_ms));

  const repeats = rows.filter((r) => !inserted.has(keyOf(r.learner_id, r.run_id)));
  const kept = new Map<string, number>();
  if (repeats.length > 0) {
    const ids = repeats.map(({ learner_id, run_id }) => ({ learner_id, run_id }));
    for (const r of await tx.query(KEPT_RUNS, [JSON.stringify(ids)]))
      kept.set(keyOf(r.learner_id as string, r.run_id as string), num(r.received_at_ms));
  }

  // Dashboards of other server processes hear of it once this commits (Postgres holds
  // notifications until then); one signal per room is enough, however many runs it got.
  const changedRooms = new Set(runs.filter((r) => inserted.has(keyOf(r.learner.id, r.report.runId))).map((r) => r.learner.roomCode));
  for (const code of changedRooms) await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, `progress:${code}`]);

  // The first report of a run in the batch is the one that created it; a second copy in the
  // same batch is a repeat, answered like one that came after the commit.
  const answered = new Set<string>();
  return runs.map(({ learner, report }): RecordedRun => {
    const key = keyOf(learner.id, report.runId);
    const created = inserted.has(key) && !answered.has(key);
    answered.add(key);
    const receivedAtMs = inserted.get(key) ?? kept.get(key);
    // A run kept before the close is still a repeat: its lab must learn that it was kept.
    if (receivedAtMs === undefined && !open.has(learner.roomCode))
      return { runId: report.runId, receivedAtMs: 0, created: false, roomClosed: true };
    if (receivedAtMs === undefined) throw new Error(`run ${report.runId} was neither inserted nor found`);
    return { runId: report.runId, receivedAtMs, created };
  });
}
