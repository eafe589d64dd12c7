/**
 * What the host's dashboard says, on a clock the test moves: the current scenario (the
 * latest reported, or the track's first), since when, SLOs met in the latest run, the last
 * finding or error, and the room-wide counts with the most common finding of failed runs.
 * Also: the built lab is served beside the API.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createRoom, join, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

let server: TestServer;
let temp: ReturnType<typeof tempDir>;
let nowMs = 1_700_000_000_000;
const MINUTE = 60_000;

beforeAll(async () => {
  temp = tempDir();
  const labDir = joinPath(temp.dir, 'lab');
  mkdirSync(labDir);
  writeFileSync(joinPath(labDir, 'index.html'), '<!doctype html><title>Tailspin</title>');
  server = await startPgliteServer(joinPath(temp.dir, 'data'), { nowMs: () => nowMs, labDir });
});

afterAll(async () => {
  await server?.close();
  temp?.remove();
});

describe('the dashboard', () => {
  it('follows each learner from the track’s first scenario through their reports', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const joinedAt = nowMs;
    const ada = await join(server.url, room.code, 'Ada');
    const dashboard = async () => (await call(server.url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken })).body;
    const send = (body: object) => call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body });

    expect((await dashboard()).learners[0]).toEqual({
      learnerId: ada.learner.id,
      name: 'Ada',
      scenarioId: 'blocking-event-loop',
      onScenarioSinceMs: joinedAt,
      solved: false,
      slosMet: null,
      slosTotal: null,
      runs: 0,
      runsOnScenario: 0,
      lastFinding: null,
      handRaised: false,
      lastRunAtMs: null,
    });

    nowMs += 10 * MINUTE;
    await send(report());
    nowMs += 5 * MINUTE;
    const solvedAt = nowMs;
    await send(report({ passed: true, findings: [], slos: [{ label: 'p99 latency', actual: 80, pass: true }] }));
    nowMs += 3 * MINUTE;
    await send(report({ scenarioId: 'n-plus-one', error: 'service.ts:12:3 Expected ";"', slos: [] }));
    nowMs += 2 * MINUTE;
    const row = (await dashboard()).learners[0];
    expect(row).toMatchObject({
      scenarioId: 'n-plus-one',
      // Since the last report on the scenario before: when Ada moved on.
      onScenarioSinceMs: solvedAt,
      solved: false,
      slosMet: 0,
      slosTotal: 0,
      runs: 3,
      runsOnScenario: 1,
      lastFinding: 'service.ts:12:3 Expected ";"',
      lastRunAtMs: solvedAt + 3 * MINUTE,
    });
  });

  it('counts the room: solved and attempted by learner, the most common finding of failed runs', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const [a, b, c] = [
      await join(server.url, room.code, 'A'),
      await join(server.url, room.code, 'B'),
      await join(server.url, room.code, 'C'),
    ];
    const send = (token: string, body: object) => call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token, body });
    const blocked = { rule: 'event-loop-blocked', title: 'The event loop was blocked' };
    const nPlusOne = { rule: 'n-plus-one', title: 'One query per row' };
    await send(a.learnerToken, report({ findings: [blocked] }));
    await send(a.learnerToken, report({ passed: true, findings: [] }));
    await send(a.learnerToken, report({ passed: true, findings: [] }));
    await send(b.learnerToken, report({ findings: [blocked] }));
    await send(b.learnerToken, report({ scenarioId: 'n-plus-one', findings: [nPlusOne] }));
    await send(c.learnerToken, report({ scenarioId: 'n-plus-one', findings: [nPlusOne] }));
    await send(c.learnerToken, report({ scenarioId: 'n-plus-one', findings: [nPlusOne] }));
    // A passing run's findings do not count as failing ones.
    await send(c.learnerToken, report({ scenarioId: 'n-plus-one', passed: true, findings: [blocked] }));

    const body = (await call(server.url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken })).body;
    expect(body.scenarios).toEqual([
      { scenarioId: 'blocking-event-loop', solved: 1, attempted: 2, runs: 4, topFailingFinding: { ...blocked, count: 2 } },
      { scenarioId: 'n-plus-one', solved: 1, attempted: 2, runs: 4, topFailingFinding: { ...nPlusOne, count: 3 } },
    ]);
    expect(body.topFailingFinding).toEqual({ ...nPlusOne, count: 3 });
  });
});

describe('the lab beside the API', () => {
  it('is served from the built folder, and unknown API paths answer JSON 404', async () => {
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await page.text()).toContain('<title>Tailspin</title>');
    const missing = await call(server.url, 'GET', '/api/nothing-here');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('no route for GET /api/nothing-here');
  });
});

describe('the learner’s own view of the time box', () => {
  it('names the scenario they are on and since when, as the host’s dashboard does, on the server’s clock', async () => {
    const { room, hostToken } = await createRoom(server.url);
    const joinedAt = nowMs;
    const ada = await join(server.url, room.code, 'Ada');
    const me = async () => (await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token: ada.learnerToken })).body;
    const row = async () =>
      (await call(server.url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken })).body.learners[0] as {
        scenarioId: string;
        onScenarioSinceMs: number;
      };
    const send = (scenarioId: string) =>
      call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report({ scenarioId }) });

    nowMs += 3 * MINUTE;
    expect(await me()).toMatchObject({ scenarioId: 'blocking-event-loop', onScenarioSinceMs: joinedAt, atMs: nowMs });

    // Their last report on the first scenario is when they left it (the dashboard's rule).
    const leftFirstAt = nowMs;
    await send('blocking-event-loop');
    nowMs += 5 * MINUTE;
    await send('n-plus-one');
    nowMs += 7 * MINUTE;
    await send('n-plus-one');
    const mine = await me();
    expect(mine).toMatchObject({ scenarioId: 'n-plus-one', onScenarioSinceMs: leftFirstAt, atMs: nowMs });
    const { scenarioId, onScenarioSinceMs } = await row();
    expect({ scenarioId, onScenarioSinceMs }).toEqual({ scenarioId: mine.scenarioId, onScenarioSinceMs: mine.onScenarioSinceMs });
  });
});
