/**
 * `tailspin serve` warms its store before it listens (server/store/warm-up.ts), and the warm-up
 * only reads: opening a folder leaves every table, and the numbering of runs and broadcasts,
 * as they were.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { openWorkshopStore } from '../../server/store/open-store.ts';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import { call, createRoom, join, report, startPgliteServer, tempDir } from './workshop-server.ts';

const temp = tempDir();

afterAll(() => temp.remove());

const TABLES = ['workshop_rooms', 'workshop_learners', 'workshop_learner_tokens', 'workshop_runs', 'workshop_broadcasts'];

async function contents(dataDir: string): Promise<unknown[]> {
  const db = await openPgliteDriver(dataDir);
  try {
    const counts = [];
    for (const table of TABLES) counts.push(await db.query(`select count(*)::int as n from ${table}`));
    counts.push(await db.query('select last_value, is_called from workshop_runs_seq_seq'));
    counts.push(await db.query('select last_value, is_called from workshop_broadcasts_id_seq'));
    return counts;
  } finally {
    await db.close();
  }
}

describe('the warm-up before listening', () => {
  it('writes nothing, on an empty folder or one with a room', async () => {
    const dir = `${temp.dir}/data`;
    await (await openWorkshopStore({ dataDir: dir })).close();
    const empty = await contents(dir);
    await (await openWorkshopStore({ dataDir: dir })).close();
    expect(await contents(dir)).toEqual(empty);

    const server = await startPgliteServer(dir);
    const { room, hostToken } = await createRoom(server.url);
    const ada = await join(server.url, room.code, 'Ada');
    await call(server.url, 'POST', `/api/rooms/${room.code}/runs`, { token: ada.learnerToken, body: report() });
    await call(server.url, 'POST', `/api/rooms/${room.code}/broadcasts`, { token: hostToken, body: { text: 'Lunch' } });
    await server.close();
    const before = await contents(dir);
    await (await openWorkshopStore({ dataDir: dir })).close();
    expect(await contents(dir)).toEqual(before);
  });
});
