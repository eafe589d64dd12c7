/**
 * Learners are kept in memory by token after their first request (server/learner-cache.ts).
 * What must not change: a raised hand shows as it is now, not as it was when the learner was
 * cached, and a token is still only good in its own room.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRoom, join, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

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

describe('a learner known by their token', () => {
  it('shows their hand as it is now', async () => {
    const { room } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    const token = ada.learnerToken;
    expect((await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token, body: report() })).status).toBe(201);
    for (const raised of [true, false, true]) {
      await call(server.url, 'PUT', `/api/rooms/${room.code}/hand`, { token, body: { raised } });
      const me = await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token });
      expect(me.body.learner.handRaised).toBe(raised);
    }
  });

  it('is known in their own room only', async () => {
    const [a, b] = [await createRoom(server.url), await createRoom(server.url)];
    const ada = await join(server.url, a.room.code, 'Ada');
    expect((await call(server.url, 'GET', `/api/rooms/${a.room.code}/me`, { token: ada.learnerToken })).status).toBe(200);
    expect((await call(server.url, 'GET', `/api/rooms/${b.room.code}/me`, { token: ada.learnerToken })).status).toBe(401);
  });
});
