/**
 * The live streams: the host's dashboard stream sends a snapshot on connect and a new one
 * after each stored change (a join, a run, a raised hand); learners' streams get the host's
 * broadcasts, and the recent ones again when they reconnect. Each step waits for its event;
 * nothing here measures time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRoom, join, openEvents, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

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

type Row = { name: string; runs: number; handRaised: boolean; slosMet: number | null; lastFinding: string | null; solved: boolean };
const rowOf = (data: { learners: Row[] }, name: string) => data.learners.find((l) => l.name === name);

describe('the host dashboard stream', () => {
  it('sends a snapshot, then an update after each join, run and raised hand', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const host = await openEvents(server.url, `/api/rooms/${room.code}/dashboard/events`, hostToken);
    try {
      expect(host.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      const first = await host.next((e) => e.event === 'dashboard');
      expect(first.data.learners).toEqual([]);
      expect(first.data.room.code).toBe(room.code);

      const ada = await join(server.url, room.code, 'Ada');
      await host.next((e) => e.event === 'dashboard' && rowOf(e.data, 'Ada')?.runs === 0);

      const stored = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
      expect(stored.status).toBe(201);
      const afterRun = await host.next((e) => e.event === 'dashboard' && rowOf(e.data, 'Ada')?.runs === 1);
      expect(rowOf(afterRun.data, 'Ada')).toMatchObject({ slosMet: 1, lastFinding: 'The event loop was blocked', solved: false });
      expect(afterRun.data.scenarios[0]).toMatchObject({ scenarioId: 'blocking-event-loop', attempted: 1, solved: 0 });

      await call(server.url, 'PUT', `/api/rooms/${room.code}/hand`, { token: ada.learnerToken, body: { raised: true } });
      await host.next((e) => e.event === 'dashboard' && rowOf(e.data, 'Ada')?.handRaised === true);

      const passing = report({ passed: true, findings: [], slos: [{ label: 'p99 latency', actual: 90, pass: true }] });
      await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: passing });
      const solved = await host.next((e) => e.event === 'dashboard' && rowOf(e.data, 'Ada')?.solved === true);
      expect(solved.data.scenarios[0]).toMatchObject({ solved: 1, attempted: 1, runs: 2 });
    } finally {
      host.close();
    }
  });

  it('does not let a learner open it', async () => {
    const { room } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    await expect(openEvents(server.url, `/api/rooms/${room.code}/dashboard/events`, ada.learnerToken)).rejects.toThrow(/403/);
  });
});

describe("a learner's stream", () => {
  it('gets each broadcast, and the recent ones again on reconnecting', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    const stream = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
    try {
      const sent = await call(server.url, 'POST', `/api/rooms/${room.code}/broadcasts`, {
        token: hostToken,
        body: { kind: 'hint', text: 'Look at the flame graph' },
      });
      expect(sent.status).toBe(201);
      const got = await stream.next((e) => e.event === 'broadcast');
      expect(got.data).toMatchObject({ kind: 'hint', text: 'Look at the flame graph', id: sent.body.id });
    } finally {
      stream.close();
    }
    await call(server.url, 'POST', `/api/rooms/${room.code}/broadcasts`, { token: hostToken, body: { text: 'Ten minutes left' } });
    const again = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
    try {
      await again.next((e) => e.event === 'broadcast' && e.data.text === 'Ten minutes left');
      expect(again.events.filter((e) => e.event === 'broadcast').map((e) => e.data.text)).toEqual([
        'Look at the flame graph',
        'Ten minutes left',
      ]);
      const me = await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token: ada.learnerToken });
      expect(me.body.broadcasts.map((b: { text: string }) => b.text)).toEqual(['Look at the flame graph', 'Ten minutes left']);
    } finally {
      again.close();
    }
  });

  it('gets the latest broadcasts on connecting while the room has other streams open', async () => {
    // The room's recent broadcasts are read once for the streams that connect (live-hub.ts);
    // each new broadcast must replace what was read, or a stream connecting later misses it.
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    const bob = await join(server.url, room.code, 'Bob');
    const broadcast = (text: string) =>
      call(server.url, 'POST', `/api/rooms/${room.code}/broadcasts`, { token: hostToken, body: { text } });
    const texts = (events: { event: string; data: { text: string } }[]) =>
      events.filter((e) => e.event === 'broadcast').map((e) => e.data.text);
    const bobs = await openEvents(server.url, `/api/rooms/${room.code}/events`, bob.learnerToken);
    try {
      const first = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
      first.close();
      await broadcast('One');
      await bobs.next((e) => e.event === 'broadcast' && e.data.text === 'One');
      const second = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
      await second.next((e) => e.event === 'broadcast' && e.data.text === 'One');
      second.close();
      await broadcast('Two');
      await bobs.next((e) => e.event === 'broadcast' && e.data.text === 'Two');
      const third = await openEvents(server.url, `/api/rooms/${room.code}/events`, ada.learnerToken);
      try {
        await third.next((e) => e.event === 'broadcast' && e.data.text === 'Two');
        expect(texts(third.events)).toEqual(['One', 'Two']);
      } finally {
        third.close();
      }
      expect(texts(bobs.events)).toEqual(['One', 'Two']);
    } finally {
      bobs.close();
    }
  });
});
