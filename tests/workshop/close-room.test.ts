/**
 * Closing a room: only its host may, and for good. A closed room refuses runs, raised hands
 * and new names with one clear message; what it holds stays readable (the dashboard, the
 * exports, a learner's own progress), a run kept before the close is still answered as kept,
 * and live listeners hear of it. The store itself refuses a run once the close has committed,
 * so a second server process whose cache still holds the room open cannot keep one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkshopApp } from '../../server/app.ts';
import { ROOM_CLOSED } from '../../server/routes/learner-routes.ts';
import { openSqlStore } from '../../server/store/sql-store.ts';
import { call, createRoom, join, openEvents, report, SCENARIOS, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

let server: TestServer;
let temp: ReturnType<typeof tempDir>;

beforeAll(async () => {
  temp = tempDir();
  server = await startPgliteServer(temp.dir);
});

afterAll(async () => {
  await server?.close();
  temp?.remove();
});

const close = (code: string, token?: string) => call(server.url, 'POST', `/api/rooms/${code}/close`, { token });

describe('closing a room', () => {
  it("needs the room's host token", async () => {
    const { room } = await createRoom(server.url);
    const other = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');

    expect((await close(room.code)).status).toBe(401);
    expect((await close(room.code, other.hostToken)).status).toBe(401);
    const asLearner = await close(room.code, ada.learnerToken);
    expect(asLearner.status).toBe(403);
    expect(asLearner.body.message).toMatch(/learner token cannot do host actions/);

    // Still open: the refusals changed nothing.
    const run = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
    expect(run.status).toBe(201);
  });

  it('refuses runs, hands and new learners with a clear message, and keeps everything readable', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    const kept = report();
    expect((await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: kept })).status).toBe(201);

    const closed = await close(room.code, hostToken);
    expect(closed.status).toBe(200);
    const closedAtMs = closed.body.room.closedAtMs;
    expect(typeof closedAtMs).toBe('number');
    // Again: the first close's time stands.
    expect((await close(room.code, hostToken)).body.room.closedAtMs).toBe(closedAtMs);

    const late = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
    expect(late.status).toBe(409);
    expect(late.body.message).toBe(ROOM_CLOSED);
    // A retry of a run kept before the close is answered as kept, so its lab does not report it lost.
    const repeat = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: kept });
    expect(repeat.status).toBe(200);
    expect(repeat.body.repeated).toBe(true);

    const hand = await call(server.url, 'PUT', `/api/rooms/${room.code}/hand`, { token: ada.learnerToken, body: { raised: true } });
    expect(hand.status).toBe(409);
    expect(hand.body.message).toBe(ROOM_CLOSED);
    const newcomer = await call(server.url, 'POST', `/api/rooms/${room.code}/learners`, { body: { name: 'Grace' } });
    expect(newcomer.status).toBe(409);
    expect(newcomer.body.message).toBe(ROOM_CLOSED);
    // A learner already in the room can still come back, from another laptop, to read their progress.
    const back = await call(server.url, 'POST', `/api/rooms/${room.code}/learners`, { body: { name: 'ada' } });
    expect(back.status).toBe(200);
    const me = await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token: back.body.learnerToken });
    expect(me.status).toBe(200);
    expect(me.body.room.closedAtMs).toBe(closedAtMs);
    expect(me.body.scenarios[0].runs).toBe(1);

    const dashboard = await call(server.url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.room.closedAtMs).toBe(closedAtMs);
    expect(dashboard.body.learners.map((l: { name: string; runs: number }) => [l.name, l.runs])).toEqual([['Ada', 1]]);
    const exported = await call(server.url, 'GET', `/api/rooms/${room.code}/export.json`, { token: hostToken });
    expect(exported.status).toBe(200);
    expect(exported.body.runs.map((r: { runId: string }) => r.runId)).toEqual([kept.runId]);
    const csv = await call(server.url, 'GET', `/api/rooms/${room.code}/export.csv`, { token: hostToken });
    expect(csv.status).toBe(200);
    expect(csv.body).toContain('Ada');
  });

  it('tells the live streams: learners get a closed event, the host a dashboard of the closed room', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    const learner = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
    const host = await openEvents(server.url, `/api/rooms/${room.code}/dashboard/events`, hostToken);
    try {
      await host.next((e) => e.event === 'dashboard');
      const { body } = await close(room.code, hostToken);
      const event = await learner.next((e) => e.event === 'closed');
      expect(event.data).toEqual({ closedAtMs: body.room.closedAtMs });
      await host.next((e) => e.event === 'dashboard' && e.data.room.closedAtMs === body.room.closedAtMs);
    } finally {
      learner.close();
      host.close();
    }
    // A stream opened after the close hears it at once.
    const later = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
    try {
      await later.next((e) => e.event === 'closed');
    } finally {
      later.close();
    }
  });

  it('is refused by the store on another server process whose cache still has the room open', async () => {
    // A second app on the same database: its own room cache, as another process would have.
    const second = await buildWorkshopApp({ store: await openSqlStore(server.driver), scenarioIds: SCENARIOS });
    const secondUrl = await second.app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { room, hostToken } = await createRoom(server.url);
      const ada = await join(server.url, room.code, 'Ada');
      // The second process reads the room, open, into its cache.
      const first = await call(secondUrl, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
      expect(first.status).toBe(201);

      expect((await close(room.code, hostToken)).status).toBe(200);
      const late = await call(secondUrl, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
      expect(late.status).toBe(409);
      expect(late.body.message).toBe(ROOM_CLOSED);
      const runs = await server.driver.query('select count(*)::int as n from workshop_runs where room_code = $1', [room.code]);
      expect(runs[0].n).toBe(1);
    } finally {
      // Not second.close(): the store's database is the first server's, closed after all tests.
      await second.app.close();
    }
  });
});
