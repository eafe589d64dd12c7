/**
 * Group commit of run reports (server/store/batcher.ts, record-runs.ts): reports that arrive
 * together share one transaction, each is acknowledged only once the transaction holding it
 * committed, a run sent twice is kept once, and a group whose commit fails acknowledges none
 * of its own reports while the others are still written. On PGlite and on a real Postgres
 * (skipped, saying why, where none is installed). Nothing here measures time.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import { openPostgresDriver } from '../../server/store/postgres-driver.ts';
import type { SqlDriver } from '../../server/store/sql-driver.ts';
import { openSqlStore } from '../../server/store/sql-store.ts';
import type { Learner, WorkshopStore } from '../../server/store/workshop-store.ts';
import { startTestPostgres, type TestPostgres } from './debian-postgres.ts';
import { type ObservedDriver, observeDriver } from './observed-driver.ts';
import { call, createRoom, join, report, startServer, type TestServer, tempDir } from './workshop-server.ts';

const temp = tempDir();
const postgres: TestPostgres | null = await startTestPostgres();
const closing: (() => Promise<void>)[] = [];

afterAll(async () => {
  for (const close of closing) await close();
  postgres?.stop();
  temp.remove();
});

let folders = 0;
const openPglite = () => openPgliteDriver(`${temp.dir}/db-${++folders}`);

async function openStore(real: SqlDriver): Promise<{ store: WorkshopStore; observed: ObservedDriver; learners: Learner[] }> {
  const observed = observeDriver(real);
  const store = await openSqlStore(observed.driver);
  closing.push(() => store.close());
  const code = `R${String(folders).padStart(5, '2')}`;
  await store.createRoom({ code, name: 'Load', track: [{ scenarioId: 'blocking-event-loop' }], createdAtMs: 0 }, 'ab'.repeat(32));
  const learners: Learner[] = [];
  for (let i = 0; i < 30; i++)
    learners.push((await store.joinRoom(code, `Learner ${i}`, `token-${i}`, 0, `learner-${folders}-${i}`, 100))!.learner);
  return { store, observed, learners };
}

const storedRunIds = async (driver: SqlDriver) =>
  (await driver.query<{ run_id: string }>('select run_id from workshop_runs order by seq')).map((r) => r.run_id);

describe('the store, given reports together', () => {
  it('writes them in one transaction and acknowledges none before it committed', async () => {
    const real = await openPglite();
    const { store, observed, learners } = await openStore(real);
    const held = observed.holdCommits();
    const before = observed.transactions;
    let settled = 0;
    const reports = learners.map((l) => store.recordRun(l, report(), 1000).finally(() => settled++));

    await held.reachedCommit;
    // Every turn of the event loop the answers could have needed has passed: none came.
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(0);
    held.release();
    expect((await Promise.all(reports)).every((r) => r.created)).toBe(true);
    expect(observed.transactions - before).toBe(1);
    expect(await storedRunIds(real)).toHaveLength(learners.length);
  });

  it('keeps a run once when it comes twice in one group, or again after it was kept', async () => {
    const real = await openPglite();
    const { store, observed, learners } = await openStore(real);
    const [ada] = learners;
    const earlier = report();
    await store.recordRun(ada, earlier, 1);
    const twice = report();
    const before = observed.transactions;
    const [first, second, again] = await Promise.all([
      store.recordRun(ada, twice, 2),
      store.recordRun(ada, twice, 3),
      store.recordRun(ada, earlier, 4),
    ]);
    expect(observed.transactions - before).toBe(1);
    expect(first).toEqual({ runId: twice.runId, receivedAtMs: 2, created: true });
    expect(second).toEqual({ runId: twice.runId, receivedAtMs: 2, created: false });
    expect(again).toEqual({ runId: earlier.runId, receivedAtMs: 1, created: false });
    expect(await storedRunIds(real)).toEqual([earlier.runId, twice.runId]);
  });

  it('fails only the report whose group cannot commit: the others of its group are written', async () => {
    const real = await openPglite();
    const { store, observed, learners } = await openStore(real);
    const poisoned = report({ runId: 'poisoned-run' });
    observed.failCommitsMentioning(poisoned.runId);
    const reports = learners.map((l, i) => (i === 7 ? poisoned : report()));
    const results = await Promise.allSettled(learners.map((l, i) => store.recordRun(l, reports[i], 1000)));

    expect(results.map((r) => r.status)).toEqual(reports.map((r) => (r === poisoned ? 'rejected' : 'fulfilled')));
    expect(await storedRunIds(real)).toEqual(reports.filter((r) => r !== poisoned).map((r) => r.runId));
  });
});

/** Many learners at once through the API: each report answered, each run stored once. */
async function burst(server: TestServer, other: TestServer = server) {
  const { room, hostToken } = await createRoom(server.url);
  const learners = await Promise.all(Array.from({ length: 40 }, (_, i) => join(server.url, room.code, `Learner ${i}`)));
  const reports = learners.flatMap((l) => [report(), report(), report()].map((body) => ({ token: l.learnerToken, body })));
  // Each learner's first report is sent twice, once to each server process when there are
  // two: the lab resending after a lost answer.
  const sends = [...reports, ...reports.filter((_, i) => i % 3 === 0)].map(({ token, body }, i) =>
    call(i < reports.length ? server.url : other.url, 'POST', `/api/rooms/${room.code}/runs`, { token, body }),
  );
  const answers = await Promise.all(sends);
  return { room, hostToken, reports, answers };
}

describe('a burst of reports from a room', () => {
  it('is acknowledged report by report, each run stored once (PGlite)', async () => {
    const server = await startServer(await openPglite());
    closing.push(() => server.close());
    const { reports, answers } = await burst(server);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(40).fill(200), ...Array(120).fill(201)]);
    for (const { body } of reports) {
      const forRun = answers.filter((a) => a.body.runId === body.runId);
      expect(forRun.map((a) => a.body.repeated).sort()).toEqual(forRun.length === 2 ? [false, true] : [false]);
      expect(new Set(forRun.map((a) => a.body.receivedAtMs)).size).toBe(1);
    }
    expect((await storedRunIds(server.driver)).sort()).toEqual(reports.map((r) => r.body.runId).sort());
  });

  it('answers 5xx to the report whose group cannot commit, which is then not kept, and 2xx to the others', async () => {
    const observed = observeDriver(await openPglite());
    const server = await startServer(observed.driver);
    closing.push(() => server.close());
    const { room } = await createRoom(server.url);
    const learners = await Promise.all(Array.from({ length: 20 }, (_, i) => join(server.url, room.code, `Learner ${i}`)));
    const poisoned = report({ runId: 'poisoned-run' });
    observed.failCommitsMentioning(poisoned.runId);
    const bodies = learners.map((_, i) => (i === 3 ? poisoned : report()));
    const answers = await Promise.all(
      learners.map((l, i) => call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: l.learnerToken, body: bodies[i] })),
    );

    expect(answers.map((a) => a.status)).toEqual(bodies.map((b) => (b === poisoned ? 500 : 201)));
    expect(await storedRunIds(server.driver)).not.toContain(poisoned.runId);
    // Not acknowledged, so the lab sends it again; once the database takes it, it is kept.
    observed.failCommitsMentioning(null);
    const again = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: learners[3].learnerToken, body: poisoned });
    expect(again.status).toBe(201);
  });
});

describe.skipIf(!postgres)('a burst of reports on Postgres (skipped where none is installed)', () => {
  it('through two server processes: each report acknowledged, each run stored once, a failed group answered 5xx', async () => {
    const start = async () => {
      const observed = observeDriver(await openPostgresDriver(postgres!.url));
      const server = await startServer(observed.driver);
      closing.push(() => server.close());
      return { observed, server };
    };
    const [one, two] = [await start(), await start()];
    const { room, reports, answers } = await burst(one.server, two.server);
    expect(answers.map((a) => a.status).sort()).toEqual([...Array(40).fill(200), ...Array(120).fill(201)]);
    const stored = (await storedRunIds(one.server.driver)).filter((id) => reports.some((r) => r.body.runId === id));
    expect(stored.sort()).toEqual(reports.map((r) => r.body.runId).sort());

    const poisoned = report({ runId: 'poisoned-run-on-postgres' });
    one.observed.failCommitsMentioning(poisoned.runId);
    const ada = await join(one.server.url, room.code, 'Ada');
    const grace = await join(one.server.url, room.code, 'Grace');
    const fine = report();
    const [bad, good] = await Promise.all([
      call(one.server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: poisoned }),
      call(one.server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: grace.learnerToken, body: fine }),
    ]);
    expect([bad.status, good.status]).toEqual([500, 201]);
    expect(await storedRunIds(one.server.driver)).toContain(fine.runId);
    expect(await storedRunIds(one.server.driver)).not.toContain(poisoned.runId);
  });
});
