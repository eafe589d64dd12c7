/**
 * The --database-url path: the same API on a real Postgres wire connection through
 * node-postgres, against PGlite served by its socket server (a Postgres speaking the
 * protocol on a loopback port, started here). Two server processes' worth of apps share the
 * database, as they would behind a load balancer.
 */
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkshopApp, type WorkshopApp } from '../../server/app.ts';
import { openWorkshopStore } from '../../server/store/open-store.ts';
import { call, createRoom, join, report, SCENARIOS } from './workshop-server.ts';

let db: PGlite;
let socketServer: PGLiteSocketServer;
let databaseUrl: string;
const apps: WorkshopApp[] = [];

async function startApp(): Promise<string> {
  const store = await openWorkshopStore({ databaseUrl });
  const app = await buildWorkshopApp({ store, scenarioIds: SCENARIOS, flushDelayMs: 50 });
  apps.push(app);
  return app.app.listen({ port: 0, host: '127.0.0.1' });
}

beforeAll(async () => {
  db = await PGlite.create();
  socketServer = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 30 });
  await socketServer.start();
  databaseUrl = `postgres://postgres@${socketServer.getServerConn()}/postgres`;
});

afterAll(async () => {
  for (const app of apps) await app.close();
  await socketServer?.stop();
  await db?.close();
});

describe('tailspin serve --database-url', () => {
  it('runs the whole flow on Postgres: room, join, reports, hand, dashboard, export', async () => {
    const url = await startApp();
    const { room, hostToken } = await createRoom(url);
    const ada = await join(url, room.code, 'Ada');
    const grace = await join(url, room.code, 'Grace');
    const reports = [report(), report({ passed: true, findings: [] })];
    for (const r of reports)
      expect((await call(url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: r })).status).toBe(201);
    expect((await call(url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: reports[0] })).status).toBe(200);
    await call(url, 'POST', `/api/rooms/${room.code}/runs`, { token: grace.learnerToken, body: report() });
    await call(url, 'PUT', `/api/rooms/${room.code}/hand`, { token: grace.learnerToken, body: { raised: true } });

    const dashboard = await call(url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken });
    expect(dashboard.status).toBe(200);
    expect(
      dashboard.body.learners.map((l: { name: string; runs: number; solved: boolean; handRaised: boolean }) => [
        l.name,
        l.runs,
        l.solved,
        l.handRaised,
      ]),
    ).toEqual([
      ['Ada', 2, true, false],
      ['Grace', 1, false, true],
    ]);
    expect(dashboard.body.scenarios[0]).toMatchObject({ solved: 1, attempted: 2, runs: 3 });
    expect(dashboard.body.topFailingFinding).toMatchObject({ rule: 'event-loop-blocked', count: 2 });
    expect((await call(url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: ada.learnerToken })).status).toBe(403);

    // What was acknowledged is in the database, read over a connection of its own.
    const rows = await db.query<{ run_id: string }>('select run_id from workshop_runs where room_code = $1 order by seq', [room.code]);
    expect(rows.rows.map((r) => r.run_id)).toEqual([...reports.map((r) => r.runId), expect.any(String)]);
  });

  it('lets a second server process on the same database serve the same room', async () => {
    const first = await startApp();
    const second = await startApp();
    const { room, hostToken } = await createRoom(first);
    const ada = await join(second, room.code, 'Ada');
    expect((await call(first, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() })).status).toBe(201);
    const again = await join(first, room.code, 'ADA');
    expect(again).toMatchObject({ resumed: true, learner: { id: ada.learner.id } });
    const dashboard = await call(second, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken });
    expect(dashboard.body.learners).toEqual([expect.objectContaining({ name: 'Ada', runs: 1 })]);
  });
});
