/**
 * `tailspin serve` as a user starts it: it says where it listens, serves the API, and on
 * SIGTERM closes and exits 0 (the CLI exits when `main` returns, so serve must return only
 * once the server has closed). Bad options end with status 2 and one plain line.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { call, tempDir } from './workshop-server.ts';

const BIN = fileURLToPath(new URL('../../bin/tailspin.js', import.meta.url));
const temp = tempDir();

afterAll(() => temp.remove());

describe('tailspin serve', () => {
  it('serves until SIGTERM, then closes and exits 0', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--data', temp.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const m = /Workshop server on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
        if (m) resolve(m[1]);
      });
      exited.then(() => reject(new Error(`serve exited before listening: ${stdout}${stderr}`)));
    });
    const res = await call(url, 'POST', '/api/rooms', { body: { name: 'CLI', track: [{ scenarioId: 'n-plus-one' }] } });
    expect(res.status).toBe(201);
    expect(res.body.room.code).toMatch(/^[A-HJ-KM-NP-Z2-9]{6}$/);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('Stopping: closing live streams and the database');
    expect(stderr).toBe('');
  });

  it.each([
    [['--port', 'eighty'], 'tailspin: --port must be a whole number from 0 to 65535, got "eighty"'],
    [['--data', 'x', '--database-url', 'postgres://db/x'], 'tailspin: give --data or --database-url, not both'],
    [['--database-url', 'mysql://db/x'], 'tailspin: --database-url must start with postgres:// or postgresql://'],
    [['--colour'], "tailspin: serve: Unknown option '--colour'"],
  ])('refuses %j with status 2 and one line', (args, message) => {
    const r = spawnSync(process.execPath, [BIN, 'serve', ...args], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(message);
  });
});
