/**
 * Several server processes on one real Postgres, as behind a load balancer: a run reported to
 * one reaches a dashboard streamed by another, and a broadcast sent through one reaches a
 * learner listening on another (LISTEN/NOTIFY, sent once the change is committed). Skipped,
 * saying why, on a machine without Postgres installed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorkshopApp, type WorkshopApp } from '../../server/app.ts';
import { openWorkshopStore } from '../../server/store/open-store.ts';
import { startTestPostgres, type TestPostgres } from './debian-postgres.ts';
import { call, createRoom, join, openEvents, report, SCENARIOS } from './workshop-server.ts';

const postgres: TestPostgres | null = await startTestPostgres();
const apps: WorkshopApp[] = [];

async function startApp(): Promise<string> {
  const store = await openWorkshopStore({ databaseUrl: postgres!.url });
  const app = await buildWorkshopApp({ store, scenarioIds: SCENARIOS, flushDelayMs: 50 });
  apps.push(app);
  return app.app.listen({ port: 0, host: '127.0.0.1' });
}

let first: string;
let second: string;

beforeAll(async () => {
  if (!postgres) return;
  // Started together, as a deployment would: the schema is created once, under a lock.
  [first, second] = await Promise.all([startApp(), startApp()]);
});

afterAll(async () => {
  for (const app of apps) await app.close();
  postgres?.stop();
});

describe.skipIf(!postgres)('server processes sharing a Postgres (skipped where none is installed)', () => {
  it('push a run reported to one to the dashboard streamed by the other', async () => {
    const { room, hostToken } = await createRoom(first);
    const ada = await join(first, room.code, 'Ada');
    const host = await openEvents(second, `/api/rooms/${room.code}/dashboard/events`, hostToken);
    try {
      await host.next((e) => e.event === 'dashboard' && e.data.learners.length === 1);
      expect((await call(first, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() })).status).toBe(201);
      await host.next((e) => e.event === 'dashboard' && e.data.learners[0].runs === 1);
      await call(first, 'PUT', `/api/rooms/${room.code}/hand`, { token: ada.learnerToken, body: { raised: true } });
      await host.next((e) => e.event === 'dashboard' && e.data.learners[0].handRaised === true);
    } finally {
      host.close();
    }
  });

  it('pass a broadcast sent through one to a learner listening on the other', async () => {
    const { room, hostToken } = await createRoom(first);
    const ada = await join(second, room.code, 'Ada');
    const stream = await openEvents(second, `/api/rooms/${room.code}/events`, ada.learnerToken);
    try {
      const sent = await call(first, 'POST', `/api/rooms/${room.code}/broadcasts`, {
        token: hostToken,
        body: { text: 'Check the pool size' },
      });
      expect(sent.status).toBe(201);
      const got = await stream.next((e) => e.event === 'broadcast');
      expect(got.data).toMatchObject({ text: 'Check the pool size', kind: 'message' });
    } finally {
      stream.close();
    }
  });
});
