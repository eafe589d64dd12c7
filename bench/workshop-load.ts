/**
 * `npm run bench:workshop`: a workshop under load, on loopback only. `tailspin serve` runs as
 * a child process on a fresh PGlite folder; 200 simulated learners join one room and each
 * reports runs while one host listens to the live dashboard. Halfway through, the server is
 * stopped and started again on the same folder (`--crash` kills it with SIGKILL instead of
 * SIGTERM); learners retry what was not acknowledged, with the same runId, as the lab does.
 *
 * Afterwards it checks that every acknowledged run is on the live dashboard, in the JSON
 * export and in the database itself (read from the folder once the server is gone), and
 * prints the latency of acknowledged reports. It prints figures and fails only on a lost
 * run; it asserts no duration.
 *
 *   npm run bench:workshop [-- --learners 200 --runs 5 --rate 50 --crash]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPgliteDriver } from '../server/store/pglite-driver.ts';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '200' },
    runs: { type: 'string', default: '5' },
    rate: { type: 'string', default: '50' },
    crash: { type: 'boolean', default: false },
  },
});
const LEARNERS = Number(values.learners);
const RUNS_PER_LEARNER = Number(values.runs);
const TOTAL_RUNS = LEARNERS * RUNS_PER_LEARNER;
/**
 * Reports per second from the whole room. A run takes seconds in the lab and a learner reads
 * between runs, so 200 learners send a few per second; 50 is a room where everyone presses Run
 * at once, again and again.
 */
const RATE_PER_SEC = Number(values.rate);
/** Joins in flight at once: a room arriving over a minute, squeezed. */
const JOINS_IN_FLIGHT = 50;
/** The whole bench stops here, whatever happened: it must end by itself. */
const WALL_LIMIT_MS = 10 * 60_000;
/** How long one report is retried before the bench gives up on it. */
const RETRY_LIMIT_MS = 120_000;
const TRACK = ['blocking-event-loop', 'n-plus-one', 'pool-exhaustion'];
const BIN = fileURLToPath(new URL('../bin/tailspin.js', import.meta.url));

const deadline = Date.now() + WALL_LIMIT_MS;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Starts `tailspin serve` and resolves once it says it listens. */
function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Workshop server on')) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`server: ${chunk}`));
    child.on('exit', (code) => reject(new Error(`the server exited (${code}) before listening:\n${output}`)));
  });
}

function stopServer(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill(signal);
  });
}

async function main(): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailspin-workshop-bench-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let server = await startServer(port, dataDir);
  try {
    return await load(
      base,
      () => server,
      async (signal) => {
        await stopServer(server, signal);
        server = await startServer(port, dataDir);
      },
      dataDir,
    );
  } finally {
    if (server.exitCode === null) await stopServer(server, 'SIGTERM');
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function post(base: string, path: string, body: unknown, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** A host's dashboard stream that reconnects after the restart and keeps the latest snapshot. */
function listenToDashboard(base: string, code: string, hostToken: string) {
  const state = { latest: null as any, events: 0, connections: 0, stopped: false, controller: new AbortController() };
  (async () => {
    while (!state.stopped && Date.now() < deadline) {
      try {
        const res = await fetch(`${base}/api/rooms/${code}/dashboard/events`, {
          headers: { authorization: `Bearer ${hostToken}` },
          signal: state.controller.signal,
        });
        state.connections++;
        let buffer = '';
        for await (const chunk of res.body!) {
          buffer += Buffer.from(chunk).toString();
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = /^event: dashboard\ndata: (.*)$/m.exec(block)?.[1];
            if (data) {
              state.latest = JSON.parse(data);
              state.events++;
            }
          }
        }
      } catch {
        // The server went away (the restart) or the bench stopped listening.
      }
      if (!state.stopped) await sleep(200);
    }
  })();
  return state;
}

const dashboardRuns = (dashboard: any): number => dashboard?.learners.reduce((n: number, l: { runs: number }) => n + l.runs, 0) ?? 0;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function load(base: string, currentServer: () => ChildProcess, restart: (signal: NodeJS.Signals) => Promise<void>, dataDir: string) {
  const created = await post(base, '/api/rooms', { name: 'Load test', track: TRACK.map((scenarioId) => ({ scenarioId })) });
  const { room, hostToken } = created.body;
  const dashboard = listenToDashboard(base, room.code, hostToken);

  const tokens: string[] = [];
  for (let i = 0; i < LEARNERS; i += JOINS_IN_FLIGHT) {
    const batch = Array.from({ length: Math.min(JOINS_IN_FLIGHT, LEARNERS - i) }, (_, j) =>
      post(base, `/api/rooms/${room.code}/learners`, { name: `Learner ${i + j + 1}` }),
    );
    for (const res of await Promise.all(batch)) {
      if (res.status !== 201) throw new Error(`join refused: ${res.status} ${JSON.stringify(res.body)}`);
      tokens.push(res.body.learnerToken);
    }
  }

  const acknowledged = new Set<string>();
  /**
   * Per report answered at the first try, from its scheduled send to its acknowledgement: sent
   * to the first server, and to the second (which starts cold, with the retries of everything
   * that met the restart arriving at once).
   */
  const firstTryMs: Record<'first' | 'second', number[]> = { first: [], second: [] };
  /** Reports that met the restart, from their scheduled send to their acknowledgement. */
  const retriedMs: number[] = [];
  let failedAttempts = 0;
  let restartedAtAck = -1;
  let restartMs = 0;
  let restarting: Promise<void> | null = null;

  const report = async (token: string, learner: number, n: number, scheduledAt: number): Promise<void> => {
    const runId = `bench-${learner}-${n}`;
    const body = {
      runId,
      scenarioId: TRACK[n % TRACK.length],
      passed: n % 2 === 1,
      slos: [
        { label: 'p99 latency', actual: 100 + n, pass: n % 2 === 1 },
        { label: 'error rate', actual: 0, pass: true },
      ],
      findings: n % 2 === 1 ? [] : [{ rule: 'event-loop-blocked', title: 'The event loop was blocked' }],
      codeSha256: 'cd'.repeat(32),
      seed: n,
    };
    const giveUpAt = Date.now() + RETRY_LIMIT_MS;
    for (let attempt = 1; Date.now() < giveUpAt && Date.now() < deadline; attempt++) {
      try {
        const res = await post(base, `/api/rooms/${room.code}/runs`, body, token);
        if (res.status === 201 || res.status === 200) {
          if (attempt > 1) retriedMs.push(performance.now() - scheduledAt);
          else firstTryMs[restarting ? 'second' : 'first'].push(performance.now() - scheduledAt);
          acknowledged.add(runId);
          return;
        }
        if (res.status !== 429 && res.status < 500) throw new Error(`report refused: ${res.status} ${JSON.stringify(res.body)}`);
      } catch (err) {
        if ((err as Error).message.startsWith('report refused')) throw err;
      }
      failedAttempts++;
      await sleep(100 + Math.random() * 200);
    }
    throw new Error(`run ${runId} was never acknowledged`);
  };

  const restartHalfway = (): void => {
    if (restarting || acknowledged.size < TOTAL_RUNS / 2) return;
    restartedAtAck = acknowledged.size;
    const started = performance.now();
    restarting = restart(values.crash ? 'SIGKILL' : 'SIGTERM').then(() => {
      restartMs = performance.now() - started;
    });
  };

  // Open loop: report k is due at k / RATE seconds whether or not earlier ones were answered,
  // and its latency counts from then, so a slow server cannot hide its queue by slowing the
  // senders. Learners take turns: each reports every LEARNERS / RATE seconds.
  const loadStarted = performance.now();
  const pending: Promise<void>[] = [];
  for (let k = 0; k < TOTAL_RUNS; k++) {
    const scheduledAt = loadStarted + (k / RATE_PER_SEC) * 1000;
    const wait = scheduledAt - performance.now();
    if (wait > 0) await sleep(wait);
    const learner = k % LEARNERS;
    pending.push(report(tokens[learner], learner, Math.floor(k / LEARNERS), scheduledAt).then(restartHalfway));
  }
  await Promise.all(pending);
  await restarting;
  const loadMs = performance.now() - loadStarted;

  // Every acknowledged run must reach the live dashboard, after the restart too.
  const dashboardWaitUntil = Date.now() + 60_000;
  while (dashboardRuns(dashboard.latest) < acknowledged.size && Date.now() < dashboardWaitUntil) await sleep(100);
  dashboard.stopped = true;
  dashboard.controller.abort();
  const onDashboard = dashboardRuns(dashboard.latest);

  const exportRes = await fetch(`${base}/api/rooms/${room.code}/export.json`, { headers: { authorization: `Bearer ${hostToken}` } });
  const exported = new Set<string>((await exportRes.json()).runs.map((r: { runId: string }) => r.runId));

  // The database itself, read from the folder once the server has let go of it.
  await new Promise<void>((resolve) => {
    currentServer().once('exit', () => resolve());
    currentServer().kill('SIGTERM');
  });
  const db = await openPgliteDriver(dataDir);
  const stored = new Set((await db.query<{ run_id: string }>('select run_id from workshop_runs')).map((r) => r.run_id));
  await db.close();

  const missing = (set: Set<string>) => [...acknowledged].filter((id) => !set.has(id));
  const latency = (list: number[]): string => {
    const sorted = [...list].sort((a, b) => a - b);
    if (sorted.length === 0) return 'none';
    const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
    return `p50 ${ms(50)}, p99 ${ms(99)}, max ${ms(100)} (${sorted.length} reports)`;
  };
  const retried = [...retriedMs].sort((a, b) => a - b);
  const lines = [
    `learners                      ${LEARNERS}, reporting ${RATE_PER_SEC} runs/s in all (open loop)`,
    `runs acknowledged             ${acknowledged.size} of ${TOTAL_RUNS} in ${(loadMs / 1000).toFixed(1)} s`,
    `report latency, first server  ${latency(firstTryMs.first)}`,
    `report latency, after restart ${latency(firstTryMs.second)}`,
    `restart (${values.crash ? 'SIGKILL' : 'SIGTERM'})             after ${restartedAtAck} acknowledged; down ${(restartMs / 1000).toFixed(1)} s`,
    `reports that met the restart  ${retried.length}, acknowledged after a retry within ${retried.length ? (retried.at(-1)! / 1000).toFixed(1) : 0} s; ${failedAttempts} attempts refused`,
    `dashboard stream              ${dashboard.events} updates over ${dashboard.connections} connections; shows ${onDashboard} runs`,
    `lost: on the dashboard        ${Math.max(0, acknowledged.size - onDashboard)}`,
    `lost: in the export           ${missing(exported).length}`,
    `lost: in the database         ${missing(stored).length} (${stored.size} rows)`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  const lost = missing(exported).length + missing(stored).length + Math.max(0, acknowledged.size - onDashboard);
  return lost === 0 && acknowledged.size === TOTAL_RUNS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`bench:workshop: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
