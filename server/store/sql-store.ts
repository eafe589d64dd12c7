/**
 * The WorkshopStore in SQL, the same statements on PGlite and on Postgres. Each write is one
 * transaction and resolves once committed; the server acknowledges a request only after that.
 * Run reports, the one write that comes in bursts, are committed in groups (record-runs.ts),
 * each report still resolving only once the transaction that holds it committed.
 */
import { Batcher } from './batcher.ts';
import { queryDashboard } from './dashboard-query.ts';
import { type PendingRun, recordRuns } from './record-runs.ts';
import { CHANGE_CHANNEL, SCHEMA_LOCK, SCHEMA_STATEMENTS } from './schema.ts';
import { num, type SqlDriver } from './sql-driver.ts';
import type {
  Broadcast,
  Dashboard,
  Learner,
  LearnerProgress,
  RecordedRun,
  RemoteChange,
  Room,
  RunReport,
  StoredRun,
  TrackStep,
  WorkshopStore,
} from './workshop-store.ts';

/** How a name is compared: without case, so "ada" on a new laptop continues as "Ada". */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('en-US');
}

export async function openSqlStore(driver: SqlDriver): Promise<WorkshopStore> {
  await driver.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const statement of SCHEMA_STATEMENTS) await tx.query(statement);
  });
  return new SqlWorkshopStore(driver);
}

function learnerFrom(r: Record<string, unknown>): Learner {
  return {
    id: r.id as string,
    roomCode: r.room_code as string,
    name: r.name as string,
    joinedAtMs: num(r.joined_at_ms),
    handRaised: r.hand_raised as boolean,
  };
}

const LEARNER_COLUMNS = 'l.id, l.room_code, l.name, l.joined_at_ms, l.hand_raised';

interface TokenLookup {
  code: string;
  learnerTokenSha256: string;
}

/**
 * Reports (and token lookups) in one batch at most: a burst of a room of 1000 takes a few
 * batches, and one batch's JSON parameter stays under 2 MB (reports are at most 16 KB).
 */
const BATCH_SIZE_MAX = 100;
/** Waiting at most: far above a room's burst, and bounded memory (16 KB a report) beyond it. */
const QUEUED_MAX = 5000;
/**
 * After a batch, the next rests as long as it took, within these bounds (batcher.ts [2]): a
 * fraction of a report's latency budget, and under a burst time for many turns of the event
 * loop to accept connections.
 */
const REST_MS_MIN = 5;
const REST_MS_MAX = 50;

class SqlWorkshopStore implements WorkshopStore {
  /** Group commit: reports that arrive while a transaction is in flight share the next one. */
  readonly #runs = new Batcher<PendingRun, RecordedRun>((runs) => this.db.transaction((tx) => recordRuns(tx, runs)), {
    batchSizeMax: BATCH_SIZE_MAX,
    queuedMax: QUEUED_MAX,
    restMsMin: REST_MS_MIN,
    restMsMax: REST_MS_MAX,
  });
  readonly #lookups = new Batcher<TokenLookup, Learner | null>((lookups) => this.#learnersByToken(lookups), {
    batchSizeMax: BATCH_SIZE_MAX,
    queuedMax: QUEUED_MAX,
    restMsMin: REST_MS_MIN,
    restMsMax: REST_MS_MAX,
  });

  constructor(private readonly db: SqlDriver) {}

  async createRoom(room: Room, hostTokenSha256: string): Promise<boolean> {
    const rows = await this.db.query(
      `insert into workshop_rooms (code, name, track, host_token_sha256, created_at_ms)
       values ($1, $2, $3::jsonb, $4, $5) on conflict (code) do nothing returning code`,
      [room.code, room.name, JSON.stringify(room.track), hostTokenSha256, room.createdAtMs],
    );
    return rows.length === 1;
  }

  async room(code: string): Promise<{ room: Room; hostTokenSha256: string } | null> {
    const [r] = await this.db.query('select * from workshop_rooms where code = $1', [code]);
    if (!r) return null;
    const room: Room = { code: r.code as string, name: r.name as string, track: r.track as TrackStep[], createdAtMs: num(r.created_at_ms) };
    if (r.closed_at_ms !== null && r.closed_at_ms !== undefined) room.closedAtMs = num(r.closed_at_ms);
    return { room, hostTokenSha256: r.host_token_sha256 as string };
  }

  async closeRoom(code: string, nowMs: number): Promise<number> {
    const [row] = await this.db.transaction(async (tx) => {
      const rows = await tx.query(
        'update workshop_rooms set closed_at_ms = coalesce(closed_at_ms, $2) where code = $1 returning closed_at_ms',
        [code, nowMs],
      );
      await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, `closed:${code}`]);
      return rows;
    });
    if (!row) throw new Error(`no room ${code} to close`);
    return num(row.closed_at_ms);
  }

  joinRoom(code: string, name: string, learnerTokenSha256: string, nowMs: number, newLearnerId: string, learnersMax: number) {
    return this.db.transaction(async (tx) => {
      const find = () =>
        tx.query(`select ${LEARNER_COLUMNS} from workshop_learners l where room_code = $1 and name_key = $2`, [code, nameKey(name)]);
      let [row] = await find();
      const resumed = row !== undefined;
      if (!resumed) {
        // Counted before inserting: joins racing on Postgres may pass the bound by a few,
        // which is all it has to guard against (a room that grows without end).
        const [{ n }] = await tx.query('select count(*) as n from workshop_learners where room_code = $1', [code]);
        if (num(n) >= learnersMax) return null;
        // Two laptops joining with one new name at once: the unique key lets one insert, and
        // both then read the same learner.
        await tx.query(
          `insert into workshop_learners (id, room_code, name, name_key, joined_at_ms) values ($1, $2, $3, $4, $5)
           on conflict (room_code, name_key) do nothing`,
          [newLearnerId, code, name, nameKey(name), nowMs],
        );
        [row] = await find();
      }
      const learner = learnerFrom(row);
      await tx.query('insert into workshop_learner_tokens (token_sha256, learner_id, created_at_ms) values ($1, $2, $3)', [
        learnerTokenSha256,
        learner.id,
        nowMs,
      ]);
      return { learner, resumed: resumed || learner.id !== newLearnerId };
    });
  }

  learnerByToken(code: string, learnerTokenSha256: string): Promise<Learner | null> {
    return this.#lookups.add({ code, learnerTokenSha256 });
  }

  /** The learners of a batch of tokens, in one query: a burst of reports is a burst of lookups. */
  async #learnersByToken(lookups: TokenLookup[]): Promise<(Learner | null)[]> {
    const rows = await this.db.query(
      `select t.token_sha256, ${LEARNER_COLUMNS} from workshop_learner_tokens t join workshop_learners l on l.id = t.learner_id
       where t.token_sha256 = any($1::text[])`,
      [lookups.map((l) => l.learnerTokenSha256)],
    );
    const byToken = new Map(rows.map((r) => [r.token_sha256 as string, r]));
    return lookups.map(({ code, learnerTokenSha256 }) => {
      const row = byToken.get(learnerTokenSha256);
      // A token is only ever checked against its own room.
      return row && row.room_code === code ? learnerFrom(row) : null;
    });
  }

  recordRun(learner: Learner, report: RunReport, nowMs: number): Promise<RecordedRun> {
    return this.#runs.add({ learner, report, nowMs });
  }

  async setHand(learner: Learner, raised: boolean, nowMs: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('update workshop_learners set hand_raised = $2, hand_changed_at_ms = $3 where id = $1', [learner.id, raised, nowMs]);
      await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, `progress:${learner.roomCode}`]);
    });
  }

  async addBroadcast(code: string, kind: Broadcast['kind'], text: string, nowMs: number): Promise<Broadcast> {
    const [row] = await this.db.transaction(async (tx) => {
      const rows = await tx.query(
        'insert into workshop_broadcasts (room_code, kind, text, sent_at_ms) values ($1, $2, $3, $4) returning id',
        [code, kind, text, nowMs],
      );
      await tx.query('select pg_notify($1, $2)', [CHANGE_CHANNEL, `broadcast:${code}`]);
      return rows;
    });
    return { id: num(row.id), kind, text, sentAtMs: nowMs };
  }

  async broadcasts(code: string, limit: number): Promise<Broadcast[]> {
    const rows = await this.db.query(
      'select id, kind, text, sent_at_ms from workshop_broadcasts where room_code = $1 order by id desc limit $2',
      [code, limit],
    );
    return rows
      .reverse()
      .map((r) => ({ id: num(r.id), kind: r.kind as Broadcast['kind'], text: r.text as string, sentAtMs: num(r.sent_at_ms) }));
  }

  async progress(learner: Learner): Promise<LearnerProgress> {
    // Read afresh: the learner given may come from a cache, with the hand as it was then.
    const [current] = await this.db.query(`select ${LEARNER_COLUMNS} from workshop_learners l where id = $1`, [learner.id]);
    const rows = await this.db.query(
      'select scenario_id, count(*) as runs, bool_or(passed) as solved from workshop_runs where learner_id = $1 group by scenario_id',
      [learner.id],
    );
    // The same rule as the dashboard's rows (dashboard-query.ts), so learner and host agree.
    const [on] = await this.db.query(
      `with latest as (select scenario_id from workshop_runs where learner_id = $1 order by seq desc limit 1)
       select l.scenario_id, (select max(r.received_at_ms) from workshop_runs r
         where r.learner_id = $1 and r.scenario_id <> l.scenario_id) as left_previous_at_ms
       from latest l`,
      [learner.id],
    );
    const room = await this.room(learner.roomCode);
    const track = room?.room.track ?? [];
    const byScenario = new Map(rows.map((r) => [r.scenario_id as string, r]));
    const scenarios = track.map(({ scenarioId }) => {
      const r = byScenario.get(scenarioId);
      return { scenarioId, runs: r ? num(r.runs) : 0, solved: r ? (r.solved as boolean) : false };
    });
    const joined = learnerFrom(current);
    return {
      learner: joined,
      scenarios,
      scenarioId: on ? (on.scenario_id as string) : (track[0]?.scenarioId ?? ''),
      onScenarioSinceMs: on?.left_previous_at_ms != null ? num(on.left_previous_at_ms) : joined.joinedAtMs,
    };
  }

  dashboard(room: Room, nowMs: number): Promise<Dashboard> {
    return queryDashboard(this.db, room, nowMs);
  }

  async runs(code: string): Promise<StoredRun[]> {
    const rows = await this.db.query('select * from workshop_runs where room_code = $1 order by seq', [code]);
    return rows.map((r) => ({
      learnerId: r.learner_id as string,
      runId: r.run_id as string,
      scenarioId: r.scenario_id as string,
      passed: r.passed as boolean,
      slos: r.slos as StoredRun['slos'],
      findings: r.findings as StoredRun['findings'],
      ...(r.error === null ? {} : { error: r.error as string }),
      codeSha256: r.code_sha256 as string,
      seed: num(r.seed),
      receivedAtMs: num(r.received_at_ms),
    }));
  }

  onRemoteChange(listener: (code: string, change: RemoteChange) => void): void {
    const notified = (payload: string): void => {
      const [change, code] = payload.split(':');
      if ((change === 'progress' || change === 'broadcast' || change === 'closed') && code) listener(code, change);
    };
    this.db.listen(CHANGE_CHANNEL, notified).catch((err: Error) => console.error(`workshop: cannot listen for changes: ${err.message}`));
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
