/**
 * `tailspin serve` restarted as the README says, with SIGHUP: a new server process takes over
 * the socket and the PGlite folder while reports keep coming. No report is refused or left
 * unanswered at any point (the socket never closes; requests that meet the store changing
 * hands wait for it), every one is kept, and the server still stops cleanly on SIGTERM.
 * Each request opens its own connection, as after a restart; nothing here measures time.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import { report, tempDir } from './workshop-server.ts';

const BIN = fileURLToPath(new URL('../../bin/tailspin.js', import.meta.url));
const temp = tempDir();
const LEARNERS = 20;
/** Between reports: 40 a second in all at most, 2 per learner. */
const PAUSE_MS = 25;

afterAll(() => temp.remove());

/** One request on a new connection; a failure to connect or to answer is status 0. */
function post(url: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  return new Promise((resolve) => {
    const req = request(
      url + path,
      {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
        res.on('error', () => resolve({ status: 0, body: null }));
      },
    );
    req.on('error', () => resolve({ status: 0, body: null }));
    req.end(JSON.stringify(body));
  });
}

function printed(child: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk;
      const m = pattern.exec(output);
      if (!m) return;
      child.stdout!.off('data', onData);
      resolve(m);
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`serve exited (${code}) before printing ${pattern}: ${output}`)));
  });
}

describe('tailspin serve, restarted with SIGHUP', () => {
  it('keeps answering and keeping reports while a new process takes over', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', temp.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const [, url] = await printed(child, /Workshop server on (http:\/\/127\.0\.0\.1:\d+)/);

    const created = await post(url, '/api/rooms', { name: 'Handover', track: [{ scenarioId: 'blocking-event-loop' }] });
    const code = created.body.room.code;
    // Learners take turns, each within its rate limit (2 reports a second, bursts of 30).
    const tokens: string[] = [];
    for (let i = 0; i < LEARNERS; i++)
      tokens.push((await post(url, `/api/rooms/${code}/learners`, { name: `Learner ${i}` })).body.learnerToken);

    const restarted = printed(child, /Restarted: /);
    let done = false;
    restarted.then(() => (done = true));
    child.kill('SIGHUP');
    const statuses: number[] = [];
    const runIds: string[] = [];
    // Reports one after another until the new process serves, and a few more from it.
    for (let after = 0; after < 5; ) {
      const run = report();
      runIds.push(run.runId);
      statuses.push((await post(url, `/api/rooms/${code}/runs`, run, tokens[runIds.length % LEARNERS])).status);
      if (done) after++;
      await new Promise((r) => setTimeout(r, PAUSE_MS));
    }
    expect(statuses.filter((s) => s !== 201)).toEqual([]);

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).toBe('');
    const db = await openPgliteDriver(temp.dir);
    try {
      const rows = await db.query<{ run_id: string }>('select run_id from workshop_runs order by seq');
      expect(rows.map((r) => r.run_id)).toEqual(runIds);
    } finally {
      await db.close();
    }
  });
});
