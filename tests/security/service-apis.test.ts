/**
 * Attacks through what issue #12 gave services: the Fastify reply's status, AsyncLocalStorage
 * over the request's own record, and queries of several statements. Each runs a small service
 * end to end and requires that the platform's own numbers (statuses, per-request accounting)
 * come out as the service's visible behaviour says, whatever object the service hands over.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { loadScenarioFolder } from '../../runner/host-node/scenario-folder.ts';
import { Database } from '../../runner/runtime/remote/database/database.ts';
import { openDatabase } from '../../runner/runtime/remote/database/shared-database.ts';
import type { RunSummary } from '../../runner/summary-schema.ts';
import { FIXTURES, runFolder } from '../helpers/run-fixture.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIR = `${FIXTURES}two-routes`;

describe('a reply status is a number the service gave while it ran', () => {
  it('a status object whose valueOf the platform would call later is read once, when set', async () => {
    const code = `
let inService = false;
let calls = 0;
const status = { valueOf() { calls++; if (!inService) throw new Error('valueOf called by the platform'); return 200; } };
export default async function routes(app: any) {
  app.get('/health', async (req: any, reply: any) => {
    inService = true;
    try { reply.statusCode = status; } finally { inService = false; }
    return { ok: true, calls };
  });
  app.post('/work', async (req: any, reply: any) => {
    inService = true;
    try { reply.code(status); } finally { inService = false; }
    return { n: req.body.n };
  });
}
`;
    const s = await runFolder(DIR, code);
    expect(s.errors).toEqual([]);
    expect(s.passed).toBe(true);
  });

  it('a status put on the reply as its own property, or by decorateReply, is not what the client gets', async () => {
    const code = `
let inService = false;
const status = { valueOf() { if (!inService) throw new Error('valueOf called by the platform'); return 200; } };
export default async function routes(app: any) {
  let refused = '';
  try { app.decorateReply('statusCode', { getter: () => status }); } catch (e: any) { refused = e.message; }
  app.get('/health', async (req: any, reply: any) => {
    inService = true;
    try { Object.defineProperty(reply, 'statusCode', { value: status, configurable: true }); } finally { inService = false; }
    return { ok: true, refused };
  });
  app.post('/work', async (req: any) => ({ n: req.body.n }));
}
`;
    const s = await runFolder(DIR, code);
    expect(s.errors).toEqual([]);
    expect(s.passed).toBe(true);
  });

  it("a thrown value's getters run while the service runs, never when the platform reports it", async () => {
    // The request's own work runs with the store the onRequest hook set; the platform's, without.
    const code = `
import { pbkdf2Sync } from 'node:crypto';
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<number>();
const platformTime = () => {
  if (als.getStore() !== 1) { console.log('getter ran in the platform'); pbkdf2Sync('pw', 'salt', 1000, 32, 'sha256'); }
};
class Sneaky extends Error { get message() { platformTime(); return 'sneaky'; } get stack() { platformTime(); return 'Error: sneaky'; } }
const plain = { toJSON() { platformTime(); return { plain: true }; } };
const proxied = new Proxy(new Error('proxied'), { getPrototypeOf(t) { platformTime(); return Reflect.getPrototypeOf(t); } });
export default async function routes(app: any) {
  app.addHook('onRequest', (req: any, reply: any, done: () => void) => als.run(1, done));
  app.get('/health', async () => {
    throw new Sneaky();
  });
  app.post('/work', async (req: any) => {
    throw req.body.n % 2 ? plain : proxied;
  });
  app.addHook('onResponse', async () => {
    throw plain;
  });
}
`;
    const s = await runFolder(DIR, code);
    expect(s.console.filter((line) => line.includes('in the platform'))).toEqual([]);
    expect(s.errors.map((e) => e.message).sort()).toEqual(['Thrown value: {"plain":true}', 'proxied', 'sneaky']);
  });

  it('a reported error still names the line that threw it, past its own class constructor', async () => {
    const code = [
      'class LabError extends Error {',
      '  constructor(m: string) {',
      '    super(m);',
      '  }',
      '}',
      'export default async function routes(app: any) {',
      "  app.get('/health', async () => ({ ok: true }));",
      "  app.post('/work', async () => {",
      "    throw new LabError('lab');",
      '  });',
      '}',
    ].join('\n');
    const s = await runFolder(DIR, code);
    expect(s.errors).toMatchObject([{ message: 'lab', line: 9, route: 'POST /work' }]);
  });

  it('a status that is no HTTP status is refused at reply.code, as Fastify does', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async (req: any, reply: any) => {
    for (const bad of ['abc', 99, 600, NaN]) {
      try { reply.code(bad); return { accepted: String(bad) }; } catch (e: any) { if (!/invalid status code/.test(e.message)) throw e; }
    }
    reply.code('201');
    return { status: reply.statusCode };
  });
  app.post('/work', async (req: any) => ({ n: req.body.n }));
}
`;
    const s = await runFolder(DIR, code);
    expect(s.errors).toEqual([]);
    expect(s.passed).toBe(true);
  });
});

describe('a store set in one request is never seen by another', () => {
  it('enterWith, and run around an await, in requests that overlap', async () => {
    const code = `
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<string>();
let held = (fn: () => unknown) => fn();
export default async function routes(app: any) {
  app.get('/health', async (req: any) => {
    const before = als.getStore();
    if (before !== undefined) throw new Error('saw ' + before);
    als.enterWith(req.id);
    held = AsyncLocalStorage.snapshot();
    await new Promise((r) => setTimeout(r, 3));
    if (als.getStore() !== req.id) throw new Error('lost its store');
    return { ok: true };
  });
  app.post('/work', async (req: any) => {
    if (als.getStore() !== undefined) throw new Error('saw a store');
    // Another request's snapshot gives its store, not its accounting (see the n-plus-one test).
    const seen = held(() => als.getStore());
    return als.run('work', async () => {
      await new Promise((r) => setImmediate(r));
      if (als.getStore() !== 'work') throw new Error('lost its store');
      return { n: req.body.n, seen: typeof seen };
    });
  });
}
`;
    const s = await runFolder(DIR, code);
    expect(s.errors).toEqual([]);
    expect(s.passed).toBe(true);
  });
});

const NPLUS1 = join(ROOT, 'scenarios/n-plus-one');

/** The n-plus-one starter with its lineup queries sent from another async context, made by `wrap`. */
function starterWithLineupIn(prelude: string, call: string): string {
  const starter = readFileSync(join(NPLUS1, 'starter.ts'), 'utf8');
  const renamed = starter.replace('async function lineupFor(', 'async function lineupForHere(');
  expect(renamed).not.toBe(starter);
  return `import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';\n${renamed}
${prelude}
const lineupFor = (eventId: number): Promise<Performer[]> => ${call} as Promise<Performer[]>;
`;
}

describe("a request's queries count on that request, whatever async context sends them", () => {
  it.each([
    ['a snapshot taken outside any request', 'const outside = AsyncLocalStorage.snapshot();', 'outside(() => lineupForHere(eventId))'],
    [
      'an AsyncResource made outside any request',
      "const resource = new AsyncResource('pump');",
      'resource.runInAsyncScope(() => lineupForHere(eventId))',
    ],
    ['a function bound outside any request', 'const bound = AsyncLocalStorage.bind((id: number) => lineupForHere(id));', 'bound(eventId)'],
  ])('%s', async (_name, prelude, call) => {
    const plain = await runFolder(NPLUS1, undefined, 3);
    const moved = await runFolder(NPLUS1, starterWithLineupIn(prelude, call), 3);
    const perRequest = (s: RunSummary) => s.routes.find((r) => r.route === 'GET /api/events')?.dbQueriesPerRequest;
    expect(perRequest(plain)).toBeGreaterThan(40);
    expect(perRequest(moved)).toBe(perRequest(plain));
  });
});

describe('a query of several statements cannot hide one from the count', () => {
  /**
   * Texts a splitter could get wrong: semicolons inside comments, quoted text, dollar quotes
   * and quoted names, and statements a naive split would glue together. Each statement the
   * database runs is one `statementsOf` counted (the client notes one query per statement):
   * a piece that still held two statements would fail as a prepared statement, not run both.
   */
  const TEXTS = [
    'SELECT 1; SELECT 2',
    "SELECT 1 /* ; */; SELECT ';' AS a; SELECT $$;$$ AS b; SELECT $x$ ; $x$ AS c",
    'SELECT 1 -- ; SELECT 2\n; SELECT 3',
    `SELECT 'it''s;' AS a; SELECT E'\\'; SELECT 9; --' AS b; SELECT 1 AS ";"`,
    'SELECT 1 /* nested /* ; */ still ; */; SELECT 2',
    'SELECT 1;SELECT 2;SELECT 3;;  ;SELECT 4',
  ];
  it.each(TEXTS)('%j', async (text) => {
    const folder = await loadScenarioFolder(NPLUS1);
    const db = await openDatabase(folder.definition.platform.database!);
    const statements = Database.statementsOf(text);
    const outcomes = await db.executeSimple(statements);
    expect(
      outcomes.every((o) => o.ok),
      JSON.stringify(outcomes.find((o) => !o.ok)),
    ).toBe(true);
    expect(outcomes.length).toBe(statements.length);
    // What Postgres itself makes of the text on the simple protocol: as many results.
    const pg = await PGlite.create();
    expect((await pg.exec(text)).length).toBe(statements.length);
    await pg.close();
  });
});
