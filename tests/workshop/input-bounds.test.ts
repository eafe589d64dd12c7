/**
 * Every size is bounded and bad input gets a message that names the field and the rule:
 * names, tracks, run reports and broadcasts; too many requests are refused with 429 and the
 * seconds to wait. A report sent twice is kept once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS } from '../../server/schemas.ts';
import { call, createRoom, join, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

let server: TestServer;
let temp: ReturnType<typeof tempDir>;
let code: string;
let hostToken: string;
let learnerToken: string;
/** The server's clock: the rate limits refill only when a test moves it. */
let nowMs = 1_800_000_000_000;

beforeAll(async () => {
  temp = tempDir();
  server = await startPgliteServer(temp.dir, {
    nowMs: () => nowMs,
    rateRules: {
      createRoom: { burst: 100, perSecond: 1 },
      join: { burst: 100, perSecond: 1 },
      report: { burst: 3, perSecond: 1 },
      hand: { burst: 100, perSecond: 1 },
      host: { burst: 100, perSecond: 1 },
    },
  });
  ({
    room: { code },
    hostToken,
  } = await createRoom(server.url));
  ({ learnerToken } = await join(server.url, code, 'Ada'));
});

afterAll(async () => {
  await server?.close();
  temp?.remove();
});

const post = (path: string, body: unknown, token?: string) => call(server.url, 'POST', path, { body, token });

describe('creating a room', () => {
  it('bounds the name to 60 characters', async () => {
    expect((await post('/api/rooms', { name: 'x'.repeat(60), track: [{ scenarioId: 'n-plus-one' }] })).status).toBe(201);
    const res = await post('/api/rooms', { name: 'x'.repeat(61), track: [{ scenarioId: 'n-plus-one' }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('body/name must NOT have more than 60 characters');
  });

  it('refuses a name of spaces or with control characters', async () => {
    expect((await post('/api/rooms', { name: '   ', track: [{ scenarioId: 'n-plus-one' }] })).body.message).toBe(
      'body/name must have a visible character',
    );
    const res = await post('/api/rooms', { name: 'a\u0007b', track: [{ scenarioId: 'n-plus-one' }] });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(/^body\/name must match pattern/);
  });

  it('bounds the track to 20 scenarios and refuses an empty one', async () => {
    const track = Array.from({ length: LIMITS.trackSteps + 1 }, () => ({ scenarioId: 'n-plus-one' }));
    const res = await post('/api/rooms', { name: 'Big', track });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('body/track must NOT have more than 20 items');
    expect((await post('/api/rooms', { name: 'Empty', track: [] })).body.message).toBe('body/track must NOT have fewer than 1 items');
  });

  it('names an unknown or repeated scenario and a time box out of range', async () => {
    const unknown = await post('/api/rooms', { name: 'R', track: [{ scenarioId: 'n-plus-one' }, { scenarioId: 'no-such-thing' }] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toBe('body/track/1/scenarioId: there is no scenario "no-such-thing"');
    const twice = await post('/api/rooms', { name: 'R', track: [{ scenarioId: 'n-plus-one' }, { scenarioId: 'n-plus-one' }] });
    expect(twice.body.message).toBe('body/track/1/scenarioId: "n-plus-one" is already on the track');
    const minutes = await post('/api/rooms', { name: 'R', track: [{ scenarioId: 'n-plus-one', minutes: 0 }] });
    expect(minutes.status).toBe(400);
    expect(minutes.body.message).toBe('body/track/0/minutes must be >= 1');
  });

  it('answers 413 with the limit for a body over 4 KB, and 400 for a body that is not JSON', async () => {
    const big = await post('/api/rooms', { name: 'R', track: [{ scenarioId: 'n-plus-one' }], pad: 'x'.repeat(5000) });
    expect(big.status).toBe(413);
    expect(big.body.message).toBe(`this request body is at most ${LIMITS.bodyBytes} bytes`);
    const broken = await call(server.url, 'POST', '/api/rooms', { rawBody: '{"name": ' });
    expect(broken.status).toBe(400);
  });
});

describe('joining', () => {
  it('bounds the display name and explains a wrong code', async () => {
    const long = await post(`/api/rooms/${code}/learners`, { name: 'y'.repeat(61) });
    expect(long.status).toBe(400);
    expect(long.body.message).toBe('body/name must NOT have more than 60 characters');
    const badCode = await post('/api/rooms/O0O0O0/learners', { name: 'Ada' });
    expect(badCode.status).toBe(400);
    expect(badCode.body.message).toBe('params/code: a join code is 6 characters of A-Z and 2-9, without I, L, O, 0 or 1');
    const noRoom = await post('/api/rooms/ZZZZZZ/learners', { name: 'Ada' });
    expect(noRoom.status).toBe(404);
    expect(noRoom.body.message).toBe('no room has the code ZZZZZZ');
  });
});

describe('a run report', () => {
  const send = (body: unknown) => post(`/api/rooms/${code}/runs`, body, learnerToken);

  it('is at most 16 KB, with a message that says what was too large', async () => {
    const res = await send({ ...report(), error: 'e'.repeat(LIMITS.reportBytes) });
    expect(res.status).toBe(413);
    expect(res.body.message).toBe(`a run report is at most ${LIMITS.reportBytes} bytes`);
  });

  it('bounds its SLOs, findings, error text and fields', async () => {
    nowMs += 60_000;
    const slos = Array.from({ length: LIMITS.slosPerRun + 1 }, (_, i) => ({ label: `slo ${i}`, actual: i, pass: true }));
    expect((await send({ ...report(), slos })).body.message).toBe('body/slos must NOT have more than 20 items');
    const findings = Array.from({ length: LIMITS.findingsPerRun + 1 }, () => ({ rule: 'n-plus-one', title: 'N+1' }));
    expect((await send({ ...report(), findings })).body.message).toBe('body/findings must NOT have more than 10 items');
    nowMs += 60_000;
    expect((await send({ ...report(), error: 'e'.repeat(LIMITS.errorChars + 1) })).body.message).toBe(
      'body/error must NOT have more than 1000 characters',
    );
    expect((await send({ ...report(), codeSha256: 'not-a-hash' })).body.message).toMatch(/^body\/codeSha256 must match pattern/);
    nowMs += 60_000;
    const { seed: _seed, ...noSeed } = report();
    expect((await send(noSeed)).body.message).toBe("body must have required property 'seed'");
    expect((await send({ ...report(), seed: -1 })).body.message).toBe('body/seed must be >= 0');
    expect((await send({ ...report(), passed: 'true' })).body.message).toBe('body/passed must be boolean');
  });

  it('refuses a NUL character anywhere, naming where: Postgres cannot keep one', async () => {
    nowMs += 60_000;
    const error = await send({ ...report(), error: 'bad\u0000byte' });
    expect(error.status).toBe(400);
    expect(error.body.message).toBe('body/error contains a NUL character (U+0000), which cannot be stored');
    // A field with a pattern of its own refuses it there first; either way the field is named.
    const slos = [{ label: 'p99\u0000', actual: 1, pass: true }];
    const label = await send({ ...report(), slos });
    expect([label.status, label.body.message.split(' ')[0]]).toEqual([400, 'body/slos/0/label']);
    // Nothing was kept, and the learner's next report goes through.
    expect((await send(report())).status).toBe(201);
  });

  it('names a scenario that is not on the track', async () => {
    nowMs += 60_000;
    const res = await send(report({ scenarioId: 'pool-exhaustion' }));
    expect(res.status).toBe(400);
    expect(res.body.message).toBe("body/scenarioId: pool-exhaustion is not on this room's track");
  });

  it('drops fields it does not know: the code itself is never kept', async () => {
    nowMs += 60_000;
    const r = report();
    expect((await send({ ...r, code: 'export default {}' })).status).toBe(201);
    const rows = await server.driver.query('select * from workshop_runs where run_id = $1', [r.runId]);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('export default');
  });

  it('sent twice with one runId is kept once', async () => {
    nowMs += 60_000;
    const r = report();
    const first = await send(r);
    const again = await send(r);
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.body).toEqual({ ...first.body, repeated: true });
    expect(await server.driver.query('select seq from workshop_runs where run_id = $1', [r.runId])).toHaveLength(1);
  });

  it('is rate limited per learner, with the seconds to wait', async () => {
    nowMs += 60_000;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await send(report())).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    const refused = await send(report());
    expect(refused.body.message).toBe('too many requests for reporting runs: try again in 1 s');
    expect(refused.headers.get('retry-after')).toBe('1');
    // Another learner has a bucket of their own.
    const other = await join(server.url, code, 'Grace');
    expect((await post(`/api/rooms/${code}/runs`, report(), other.learnerToken)).status).toBe(201);
    nowMs += 1000;
    expect((await send(report())).status).toBe(201);
  });
});

describe('a broadcast', () => {
  it('is at most 1000 characters and not blank', async () => {
    const path = `/api/rooms/${code}/broadcasts`;
    expect((await post(path, { text: 'z'.repeat(1001) }, hostToken)).body.message).toBe(
      'body/text must NOT have more than 1000 characters',
    );
    expect((await post(path, { text: ' \n ' }, hostToken)).body.message).toBe('body/text must have a visible character');
    expect((await post(path, { text: 'Hint', kind: 'shout' }, hostToken)).body.message).toBe(
      'body/kind must be equal to one of the allowed values',
    );
  });
});

describe('limits per address', () => {
  it('count each client behind a trusted proxy apart, and the proxy as one otherwise', async () => {
    const rules = {
      createRoom: { burst: 1, perSecond: 0.001 },
      join: { burst: 100, perSecond: 1 },
      report: { burst: 100, perSecond: 1 },
      hand: { burst: 100, perSecond: 1 },
      host: { burst: 100, perSecond: 1 },
    };
    const body = JSON.stringify({ name: 'R', track: [{ scenarioId: 'n-plus-one' }] });
    const create = (url: string, forwardedFor: string) =>
      fetch(`${url}/api/rooms`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body });
    for (const trustProxy of [true, false]) {
      const dir = tempDir();
      const proxied = await startPgliteServer(dir.dir, { rateRules: rules, trustProxy });
      try {
        expect((await create(proxied.url, '203.0.113.1')).status).toBe(201);
        expect((await create(proxied.url, '203.0.113.2')).status).toBe(trustProxy ? 201 : 429);
        expect((await create(proxied.url, '203.0.113.1')).status).toBe(429);
      } finally {
        await proxied.close();
        dir.remove();
      }
    }
  });
});
