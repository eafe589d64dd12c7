/**
 * `npm run bench:workshop`: a workshop under load, on loopback only. `tailspin serve` runs as
 * a child process on a fresh PGlite folder; 200 simulated learners join one room and each
 * reports runs while one host listens to the live dashboard. Halfway through, the server
 * restarts, in one of three ways (--restart):
 *
 * - `handover` (the default, and what a host does): SIGHUP to `tailspin serve`, which starts
 *   a new server process beside the running one and hands it the store; the socket stays open.
 * - `stop-start`: SIGTERM, then `tailspin serve` again on the same folder, as a host without
 *   the handover would (Ctrl-C, then the command again).
 * - `crash` (or --crash): the server process is killed with SIGKILL, and `tailspin serve`
 *   starts it again by itself.
 *
 * Each simulated learner behaves as the lab does, with the lab's own code: its reports go
 * through the lab's outbox (web/workshop/ReportQueue.ts: one report at a time, the same runId
 * on every retry, a jittered backoff after a failure), and it holds the lab's live stream
 * (web/workshop/liveStream.ts), whose reconnection after the restart sends what waits in the
 * outbox at once, as the lab's workshop bar does.
 *
 * Latency is measured for every report from when it was due (the run ended) to its
 * acknowledgement, whichever attempt that was, and every report is in one group: acknowledged
 * by the first server; due before the second server listened and acknowledged after the stop
 * (they "met the restart": their time includes the downtime and the outbox's backoff); due
 * after the second server listened. The downtime is printed apart, from the stop signal to the
 * second server listening.
 *
 * Afterwards it checks that every acknowledged run is on the live dashboard, in the JSON
 * export and in the database itself (read from the folder once the server is gone). It
 * prints figures and the load average, and fails only on a lost run; it asserts no duration.
 *
 *   npm run bench:workshop [-- --learners 200 --runs 10 --rate 50 --streams 200 --restart handover|stop-start|crash
 *                             --database-url postgres://…]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os, { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { openPgliteDriver } from '../server/store/pglite-driver.ts';
import { openPostgresDriver } from '../server/store/postgres-driver.ts';
import { apiCall } from '../web/workshop/api.ts';
import { openLiveStream } from '../web/workshop/liveStream.ts';
import { ReportQueue } from '../web/workshop/ReportQueue.ts';

const { values } = parseArgs({
  options: {
    learners: { type: 'string', default: '200' },
    // 40 s at 50 a second: a handover takes seconds (the new server process starts and warms
    // up beside the old one), and the load must outlast it to show the reports after it.
    runs: { type: 'string', default: '10' },
    rate: { type: 'string', default: '50' },
    streams: { type: 'string' },
    restart: { type: 'string', default: 'handover' },
    'database-url': { type: 'string' },
    crash: { type: 'boolean', default: false },
  },
});
const RESTART = values.crash ? 'crash' : values.restart;
/** A Postgres to use instead of a fresh PGlite folder (it should hold no other workshop). */
const DATABASE_URL = values['database-url'];
if (DATABASE_URL !== undefined && RESTART === 'crash')
  throw new Error('--restart crash finds the server process by its PGlite lock: use it without --database-url');
if (RESTART !== 'handover' && RESTART !== 'stop-start' && RESTART !== 'crash')
  throw new Error(`--restart is handover, stop-start or crash, not "${RESTART}"`);
const LEARNERS = Number(values.learners);
const RUNS_PER_LEARNER = Number(values.runs);
/** Learners whose lab holds a live stream: all of them, as in a real room, unless told. */
const STREAMS = values.streams === undefined ? LEARNERS : Math.min(LEARNERS, Number(values.streams));
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
const TRACK = ['blocking-event-loop', 'n-plus-one', 'pool-exhaustion'];
const BIN = fileURLToPath(new URL('../bin/tailspin.js', import.meta.url));

const deadline = Date.now() + WALL_LIMIT_MS;
const loadAtStart = os.loadavg()[0];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

/** Resolves when the server prints a line with `text` from now on. */
function printed(child: ChildProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (!output.includes(text)) return;
      child.stdout!.off('data', onData);
      resolve();
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`the server exited (${code}) before printing "${text}":\n${output}`)));
  });
}

/** Starts `tailspin serve` and resolves once it says it listens. */
async function startServer(port: number, dataDir: string): Promise<ChildProcess> {
  const store = DATABASE_URL === undefined ? ['--data', dataDir] : ['--database-url', DATABASE_URL];
  const child = spawn(process.execPath, [BIN, 'serve', '--port', String(port), ...store], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`server: ${chunk}`));
  await printed(child, 'Workshop server on');
  return child;
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
  const restart = async (): Promise<void> => {
    if (RESTART === 'handover') {
      const done = printed(server, 'Restarted:');
      server.kill('SIGHUP');
      return done;
    }
    if (RESTART === 'crash') {
      // The process holding the folder is the server process itself, not the supervisor.
      const again = printed(server, 'again.');
      process.kill(Number(readFileSync(join(dataDir, 'serve.pid'), 'utf8')), 'SIGKILL');
      return again;
    }
    await stopServer(server, 'SIGTERM');
    server = await startServer(port, dataDir);
  };
  try {
    return await load(base, () => server, restart, dataDir);
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

/** When a report was due, when it was acknowledged, and what the restart did to it. */
interface ReportTiming {
  scheduledAt: number;
  ackedAt?: number;
  attempts: number;
}

async function load(base: string, currentServer: () => ChildProcess, restart: () => Promise<void>, dataDir: string) {
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

  const timings = new Map<string, ReportTiming>();
  const acknowledged = new Set<string>();
  let failedAttempts = 0;
  let refused: Error | null = null;
  /** Answer times of single attempts that were acknowledged by the restarted server. */
  const attemptMsAfterRestart: number[] = [];
  let restartedAtAck = -1;
  let stopSentAt = Number.POSITIVE_INFINITY;
  let listeningAt = Number.POSITIVE_INFINITY;
  let restarting: Promise<void> | null = null;

  // Each learner is a lab: the lab's own outbox (its retries and their jittered backoff), and,
  // like the lab, a live stream whose reconnection sends what waits in the outbox at once.
  let streamsLive = 0;
  const outboxes = tokens.map((token, learner) => {
    const queue = new ReportQueue({
      send: async (report) => {
        const timing = timings.get(report.runId)!;
        timing.attempts++;
        const sentAt = performance.now();
        try {
          await apiCall('POST', `${base}/api/rooms/${room.code}/runs`, { token, body: report });
        } catch (err) {
          failedAttempts++;
          throw err;
        }
        const now = performance.now();
        if (sentAt >= listeningAt) attemptMsAfterRestart.push(now - sentAt);
        timing.ackedAt = now;
        acknowledged.add(report.runId);
        restartHalfway();
      },
      load: () => [],
      save: () => {},
      schedule: (fn, ms) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      },
      onChange: (state) => {
        if (state.error?.startsWith('The server refused')) refused ??= new Error(`learner ${learner}: ${state.error}`);
      },
    });
    const close =
      learner < STREAMS
        ? openLiveStream({
            path: `${base}/api/rooms/${room.code}/events`,
            token,
            onEvent: () => {},
            onStatus: (status) => {
              if (status !== 'live') return;
              if (!restarting) streamsLive++;
              queue.flush();
            },
          })
        : () => {};
    return { queue, close };
  });

  // The room is there before the load starts, as in a workshop: learners join over minutes.
  while (streamsLive < STREAMS && Date.now() < deadline) await sleep(50);

  const restartHalfway = (): void => {
    if (restarting || acknowledged.size < TOTAL_RUNS / 2) return;
    restartedAtAck = acknowledged.size;
    stopSentAt = performance.now();
    restarting = restart().then(() => {
      listeningAt = performance.now();
    });
  };

  // Open loop: report k is due at k / RATE seconds whether or not earlier ones were answered,
  // and its latency counts from then, so a slow server cannot hide its queue by slowing the
  // senders. Learners take turns: each reports every LEARNERS / RATE seconds.
  const loadStarted = performance.now();
  for (let k = 0; k < TOTAL_RUNS; k++) {
    const scheduledAt = loadStarted + (k / RATE_PER_SEC) * 1000;
    const wait = scheduledAt - performance.now();
    if (wait > 0) await sleep(wait);
    if (refused) throw refused;
    const learner = k % LEARNERS;
    const n = Math.floor(k / LEARNERS);
    const runId = `bench-${learner}-${n}`;
    timings.set(runId, { scheduledAt, attempts: 0 });
    outboxes[learner].queue.add({
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
    });
  }
  while (acknowledged.size < TOTAL_RUNS && !refused && Date.now() < deadline) await sleep(50);
  if (refused) throw refused;
  await restarting;
  const loadMs = performance.now() - loadStarted;
  for (const { queue, close } of outboxes) {
    queue.dispose();
    close();
  }

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
  const db = DATABASE_URL === undefined ? await openPgliteDriver(dataDir) : await openPostgresDriver(DATABASE_URL);
  const stored = new Set(
    (await db.query<{ run_id: string }>('select run_id from workshop_runs where room_code = $1', [room.code])).map((r) => r.run_id),
  );
  await db.close();

  // Every report is in exactly one group, timed from when it was due to its acknowledgement,
  // whichever attempt that was.
  const groups = { before: [] as number[], met: [] as number[], after: [] as number[] };
  /** The reports due after the restart again, by the second since listening they were due in. */
  const afterBySecond: number[][] = [[], [], []];
  let metRetried = 0;
  for (const t of timings.values()) {
    if (t.ackedAt === undefined) continue;
    const ms = t.ackedAt - t.scheduledAt;
    if (t.ackedAt < stopSentAt) groups.before.push(ms);
    else if (t.scheduledAt < listeningAt) {
      groups.met.push(ms);
      if (t.attempts > 1) metRetried++;
    } else {
      groups.after.push(ms);
      afterBySecond[Math.min(2, Math.floor((t.scheduledAt - listeningAt) / 1000))].push(ms);
    }
  }
  const missing = (set: Set<string>) => [...acknowledged].filter((id) => !set.has(id));
  const latency = (list: number[]): string => {
    const sorted = [...list].sort((a, b) => a - b);
    if (sorted.length === 0) return 'none';
    const ms = (p: number) => `${percentile(sorted, p).toFixed(1)} ms`;
    return `p50 ${ms(50)}, p99 ${ms(99)}, max ${ms(100)} (${sorted.length} reports)`;
  };
  const lines = [
    `learners                      ${LEARNERS} (${STREAMS} with a live stream), reporting ${RATE_PER_SEC} runs/s in all (open loop)`,
    `runs acknowledged             ${acknowledged.size} of ${TOTAL_RUNS} in ${(loadMs / 1000).toFixed(1)} s`,
    `report latency, all reports   ${latency([...groups.before, ...groups.met, ...groups.after])}`,
    `report latency, first server  ${latency(groups.before)}`,
    `report latency, after restart ${latency(groups.after)}`,
    `  due in its first second     ${latency(afterBySecond[0])}`,
    `  due in its second second    ${latency(afterBySecond[1])}`,
    `  due later                   ${latency(afterBySecond[2])}`,
    RESTART === 'handover'
      ? `restart (handover, SIGHUP)    after ${restartedAtAck} acknowledged; the socket stayed open; ${((listeningAt - stopSentAt) / 1000).toFixed(1)} s from the signal to the new process serving`
      : `restart (${RESTART})${' '.repeat(Math.max(1, 20 - RESTART.length))}after ${restartedAtAck} acknowledged; down ${((listeningAt - stopSentAt) / 1000).toFixed(1)} s (signal to listening again)`,
    `reports that met the restart  ${latency(groups.met)}; ${metRetried} of them retried`,
    `  one attempt, second server  ${latency(attemptMsAfterRestart)}`,
    `attempts refused or unanswered ${failedAttempts}`,
    `dashboard stream              ${dashboard.events} updates over ${dashboard.connections} connections; shows ${onDashboard} runs`,
    `lost: on the dashboard        ${Math.max(0, acknowledged.size - onDashboard)}`,
    `lost: in the export           ${missing(exported).length}`,
    `lost: in the database         ${missing(stored).length} (${stored.size} rows)`,
    `load average (1 min)          ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end, on ${os.availableParallelism()} cores`,
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
