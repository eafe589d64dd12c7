/**
 * Host actions need the room's host token: a learner's token is refused with 403, a missing,
 * malformed or other room's token with 401, and the host token cannot pose as a learner. The
 * database keeps only the tokens' SHA-256.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRoom, join, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

let server: TestServer;
let temp: ReturnType<typeof tempDir>;
let code: string;
let hostToken: string;
let learnerToken: string;
let otherRoomHostToken: string;

beforeAll(async () => {
  temp = tempDir();
  server = await startPgliteServer(temp.dir);
  ({
    room: { code },
    hostToken,
  } = await createRoom(server.url));
  ({ hostToken: otherRoomHostToken } = await createRoom(server.url));
  ({ learnerToken } = await join(server.url, code, 'Ada'));
});

afterAll(async () => {
  await server?.close();
  temp?.remove();
});

const hostActions = (): [string, string, unknown?][] => [
  ['GET', `/api/rooms/${code}/dashboard`],
  ['GET', `/api/rooms/${code}/dashboard/events`],
  ['POST', `/api/rooms/${code}/broadcasts`, { text: 'Take a break' }],
  ['GET', `/api/rooms/${code}/export.csv`],
  ['GET', `/api/rooms/${code}/export.json`],
];

describe('host actions', () => {
  it('refuse a learner token with 403, for every host route', async () => {
    for (const [method, path, body] of hostActions()) {
      const res = await call(server.url, method, path, { token: learnerToken, body });
      expect(res.status, `${method} ${path}`).toBe(403);
      expect(res.body.message).toMatch(/learner token cannot do host actions/);
    }
  });

  it('refuse a missing, malformed, wrong or other room token with 401', async () => {
    const wrongToken = Buffer.alloc(32, 7).toString('base64url');
    for (const [method, path, body] of hostActions()) {
      expect((await call(server.url, method, path, { body })).status, `${method} ${path} without a token`).toBe(401);
      expect((await call(server.url, method, path, { token: wrongToken, body })).status).toBe(401);
      expect((await call(server.url, method, path, { token: otherRoomHostToken, body })).status).toBe(401);
    }
    const malformed = await fetch(`${server.url}/api/rooms/${code}/dashboard`, { headers: { authorization: `Basic ${hostToken}` } });
    expect(malformed.status).toBe(401);
    expect((await malformed.json()).message).toMatch(/must be "Bearer <token>"/);
  });

  it('check the token before the body, so a refused caller learns nothing of the schema', async () => {
    const res = await call(server.url, 'POST', `/api/rooms/${code}/broadcasts`, { token: learnerToken, body: { nonsense: true } });
    expect(res.status).toBe(403);
  });

  it('are allowed with the host token', async () => {
    for (const [method, path, body] of hostActions().filter(([, p]) => !p.endsWith('/events'))) {
      const res = await call(server.url, method, path, { token: hostToken, body });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
    }
  });

  it('answer 404 for a room that does not exist, with the code in the message', async () => {
    const res = await call(server.url, 'GET', '/api/rooms/ZZZZZZ/dashboard', { token: hostToken });
    expect(res.status).toBe(404);
    expect(res.body.message).toBe('no room has the code ZZZZZZ');
  });
});

describe('learner actions', () => {
  it('refuse the host token with 403: the host joins like anyone to report runs', async () => {
    const res = await call(server.url, 'POST', `/api/rooms/${code}/runs`, { token: hostToken, body: report() });
    expect(res.status).toBe(403);
    expect(res.body.message).toMatch(/host token cannot act as a learner/);
    expect((await call(server.url, 'PUT', `/api/rooms/${code}/hand`, { token: hostToken, body: { raised: true } })).status).toBe(403);
  });

  it('refuse a learner token in another room with 401', async () => {
    const other = await createRoom(server.url);
    const res = await call(server.url, 'POST', `/api/rooms/${other.room.code}/runs`, { token: learnerToken, body: report() });
    expect(res.status).toBe(401);
  });
});

describe('what is stored', () => {
  it('is the SHA-256 of each token, never the token', async () => {
    const sha = (t: string) => createHash('sha256').update(t).digest('hex');
    const [room] = await server.driver.query('select host_token_sha256 from workshop_rooms where code = $1', [code]);
    expect(room.host_token_sha256).toBe(sha(hostToken));
    const tokens = await server.driver.query('select token_sha256 from workshop_learner_tokens');
    expect(tokens.map((t) => t.token_sha256)).toContain(sha(learnerToken));
    for (const table of ['workshop_rooms', 'workshop_learners', 'workshop_learner_tokens', 'workshop_runs', 'workshop_broadcasts']) {
      const rows = await server.driver.query(`select * from ${table}`);
      const text = JSON.stringify(rows);
      expect(text).not.toContain(hostToken);
      expect(text).not.toContain(learnerToken);
    }
  });

  it('is never sent back by the exports', async () => {
    const json = await call(server.url, 'GET', `/api/rooms/${code}/export.json`, { token: hostToken });
    const csv = await call(server.url, 'GET', `/api/rooms/${code}/export.csv`, { token: hostToken });
    for (const text of [JSON.stringify(json.body), csv.body as string]) {
      expect(text).not.toContain(hostToken);
      expect(text).not.toContain(learnerToken);
      expect(text).not.toMatch(/token/i);
    }
  });
});
