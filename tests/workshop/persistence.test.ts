/**
 * A restart loses nothing acknowledged: everything answered with 2xx by one server is there
 * for the next one on the same PGlite folder, tokens included, and a learner who joins again
 * by name (from another laptop) continues with their progress.
 */
import { writeFileSync } from 'node:fs';
import { join as joinPath } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import { call, createRoom, join, openEvents, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

const temp = tempDir();
let server: TestServer | undefined;

afterAll(async () => {
  await server?.close();
  temp.remove();
});

describe('a restart of the server on its data folder', () => {
  it('keeps rooms, learners, runs, hands, broadcasts and tokens', async () => {
    server = await startPgliteServer(temp.dir);
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada Lovelace');
    const acknowledged: string[] = [];
    for (const r of [report(), report({ passed: true, findings: [] }), report({ scenarioId: 'n-plus-one' })]) {
      const res = await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: r });
      expect(res.status).toBe(201);
      acknowledged.push(r.runId);
    }
    await call(server.url, 'PUT', `/api/rooms/${room.code}/hand`, { token: ada.learnerToken, body: { raised: true } });
    await call(server.url, 'POST', `/api/rooms/${room.code}/broadcasts`, { token: hostToken, body: { text: 'Lunch at noon' } });

    // Open streams must not hold the server up: closing ends them.
    const host = await openEvents(server.url, `/api/rooms/${room.code}/dashboard/events`, hostToken);
    await host.next((e) => e.event === 'dashboard');
    await server.close();
    await host.ended;

    server = await startPgliteServer(temp.dir);
    const dashboard = await call(server.url, 'GET', `/api/rooms/${room.code}/dashboard`, { token: hostToken });
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.learners).toEqual([
      expect.objectContaining({ name: 'Ada Lovelace', scenarioId: 'n-plus-one', runs: 3, runsOnScenario: 1, handRaised: true }),
    ]);
    expect(dashboard.body.scenarios.map((s: { solved: number }) => s.solved)).toEqual([1, 0]);
    const exported = await call(server.url, 'GET', `/api/rooms/${room.code}/export.json`, { token: hostToken });
    expect(exported.body.runs.map((r: { runId: string }) => r.runId)).toEqual(acknowledged);

    // The old laptop's token still works; a new laptop joins by name, in any case, and continues.
    const me = await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token: ada.learnerToken });
    expect(me.status).toBe(200);
    const again = await join(server.url, room.code.toLowerCase(), '  ada   LOVELACE ');
    expect(again.resumed).toBe(true);
    expect(again.learner).toMatchObject({ id: ada.learner.id, name: 'Ada Lovelace' });
    const progress = await call(server.url, 'GET', `/api/rooms/${room.code}/me`, { token: again.learnerToken });
    expect(progress.body.scenarios).toEqual([
      { scenarioId: 'blocking-event-loop', runs: 2, solved: true },
      { scenarioId: 'n-plus-one', runs: 1, solved: false },
    ]);
    expect(progress.body.broadcasts.map((b: { text: string }) => b.text)).toEqual(['Lunch at noon']);
    expect(progress.body.learner.handRaised).toBe(true);
  });

  it('is refused to a second process while one owns the folder, and a dead owner’s lock is taken over', async () => {
    const other = tempDir();
    try {
      const first = await openPgliteDriver(other.dir);
      await expect(openPgliteDriver(other.dir)).rejects.toThrow(
        `another process (pid ${process.pid}) is using this data folder; stop it, choose another --data, or delete ${joinPath(other.dir, 'serve.pid')} if that pid is not a tailspin serve`,
      );
      await first.close();
      // A crashed owner leaves its lock behind; no process has pid 2^22 + 1 on Linux (the pid limit is 2^22).
      writeFileSync(joinPath(other.dir, 'serve.pid'), `${2 ** 22 + 1}\n`);
      const second = await openPgliteDriver(other.dir);
      await second.close();
    } finally {
      other.remove();
    }
  });
});
