/**
 * A workshop server for tests: PGlite in a temporary folder (or a given store), the app
 * listening on a free loopback port, and small typed helpers to call the API as the host or
 * a learner and to read a Server-Sent Events stream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { buildWorkshopApp, type WorkshopApp, type WorkshopAppOptions } from '../../server/app.ts';
import { openPgliteDriver } from '../../server/store/pglite-driver.ts';
import type { SqlDriver } from '../../server/store/sql-driver.ts';
import { openSqlStore } from '../../server/store/sql-store.ts';
import type { RunReport, WorkshopStore } from '../../server/store/workshop-store.ts';

export const TRACK = [{ scenarioId: 'blocking-event-loop', minutes: 20 }, { scenarioId: 'n-plus-one' }];
export const SCENARIOS = ['blocking-event-loop', 'n-plus-one', 'pool-exhaustion'];

export function tempDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(joinPath(tmpdir(), 'tailspin-workshop-test-'));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TestServer extends WorkshopApp {
  url: string;
  store: WorkshopStore;
  /** The database under the store, to check what was written. */
  driver: SqlDriver;
}

export async function startServer(driver: SqlDriver, options: Partial<WorkshopAppOptions> = {}): Promise<TestServer> {
  const store = await openSqlStore(driver);
  const server = await buildWorkshopApp({ store, scenarioIds: SCENARIOS, flushDelayMs: 50, ...options });
  const url = await server.app.listen({ port: 0, host: '127.0.0.1' });
  return { ...server, url, store, driver };
}

export async function startPgliteServer(dataDir: string, options: Partial<WorkshopAppOptions> = {}): Promise<TestServer> {
  return startServer(await openPgliteDriver(dataDir), options);
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function call<T = any>(
  base: string,
  method: string,
  path: string,
  init: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const payload = init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
  if (payload !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(base + path, { method, headers, body: payload });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, body: type.includes('json') ? JSON.parse(text) : text, headers: res.headers };
}

export async function createRoom(base: string, track = TRACK, name = 'Friday workshop') {
  const res = await call(base, 'POST', '/api/rooms', { body: { name, track } });
  if (res.status !== 201) throw new Error(`creating a room: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { room: { code: string; name: string }; hostToken: string };
}

export async function join(base: string, code: string, name: string) {
  const res = await call(base, 'POST', `/api/rooms/${code}/learners`, { body: { name } });
  if (res.status !== 201 && res.status !== 200) throw new Error(`joining: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { learnerToken: string; resumed: boolean; learner: { id: string; name: string } };
}

let runCounter = 0;
export function report(overrides: Partial<RunReport> = {}): RunReport {
  return {
    runId: `run-${String(++runCounter).padStart(8, '0')}`,
    scenarioId: 'blocking-event-loop',
    passed: false,
    slos: [
      { label: 'p99 latency', actual: 1250, pass: false },
      { label: 'error rate', actual: 0, pass: true },
    ],
    findings: [{ rule: 'event-loop-blocked', title: 'The event loop was blocked' }],
    codeSha256: 'ab'.repeat(32),
    seed: 1,
    ...overrides,
  };
}

export interface SseEvent {
  event: string;
  data: any;
}

/** Reads a stream of Server-Sent Events; `next` waits for the first event that matches. */
export async function openEvents(base: string, path: string, token: string) {
  const controller = new AbortController();
  const res = await fetch(base + path, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
  if (res.status !== 200) throw new Error(`stream ${path}: ${res.status} ${await res.text()}`);
  const events: SseEvent[] = [];
  const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
  const deliver = (e: SseEvent): void => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.match(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  };
  const ended = (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body!) {
        buffer += decoder.decode(chunk, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data) deliver({ event, data: JSON.parse(data) });
        }
      }
    } catch {
      // Aborted by close().
    }
  })();
  return {
    res,
    events,
    /** Resolves when the server ends the stream (or close() aborts it). */
    ended,
    /**
     * The first event, past or coming, that matches. The guard only turns a missing event into
     * a failure that lists what came instead of a hang; it is no measure of speed.
     */
    next(match: (e: SseEvent) => boolean, guardMs = 60_000): Promise<SseEvent> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const guard = setTimeout(() => {
          const got = events.map((e) => `${e.event} ${JSON.stringify(e.data).slice(0, 300)}`).join('\n');
          reject(new Error(`no matching event on ${path}; got:\n${got}`));
        }, guardMs);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(guard);
            resolve(e);
          },
        });
      });
    },
    close: () => controller.abort(),
  };
}
