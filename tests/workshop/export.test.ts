/**
 * The host's exports: CSV quoted for spreadsheets, with cells that a spreadsheet would run as
 * a formula made plain text, one row per learner and track step; JSON with every run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../server/csv.ts';
import { call, createRoom, join, report, startPgliteServer, type TestServer, tempDir } from './workshop-server.ts';

describe('csvCell', () => {
  it('quotes every cell and doubles quotes; commas and newlines stay inside the cell', () => {
    expect(csvCell('plain')).toBe('"plain"');
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell(null)).toBe('""');
    expect(csvCell(true)).toBe('"true"');
  });

  it('makes text that starts like a formula plain text, and leaves numbers alone', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}SUM(A1)`)).toBe(`"'${start}SUM(A1)"`);
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell(-3)).toBe('"-3"');
    expect(csvCell('a=b')).toBe('"a=b"');
  });

  it('ends every row with CRLF', () => {
    expect(toCsv(['a', 'b'], [[1, 'x']])).toBe('"a","b"\r\n"1","x"\r\n');
  });
});

describe('the exports of a room', () => {
  let server: TestServer;
  let temp: ReturnType<typeof tempDir>;
  let code: string;
  let hostToken: string;
  let nowMs = Date.UTC(2026, 5, 1, 9, 0, 0);

  beforeAll(async () => {
    temp = tempDir();
    server = await startPgliteServer(temp.dir, { nowMs: () => nowMs });
    ({
      room: { code },
      hostToken,
    } = await createRoom(server.url));
    const mallory = await join(server.url, code, '=HYPERLINK("http://evil","win")');
    nowMs += 1000;
    const bob = await join(server.url, code, 'Bob, "the" builder');
    nowMs += 60_000;
    const failing = report({ error: '@SUM(1) is not a function', findings: [] });
    await call(server.url, 'POST', `/api/rooms/${code}/runs`, { token: mallory.learnerToken, body: failing });
    nowMs += 60_000;
    await call(server.url, 'POST', `/api/rooms/${code}/runs`, { token: bob.learnerToken, body: report() });
    nowMs += 60_000;
    const passing = report({ passed: true, findings: [], slos: [{ label: 'p99 latency', actual: 80, pass: true }] });
    await call(server.url, 'POST', `/api/rooms/${code}/runs`, { token: bob.learnerToken, body: passing });
    await call(server.url, 'PUT', `/api/rooms/${code}/hand`, { token: bob.learnerToken, body: { raised: true } });
  });

  afterAll(async () => {
    await server?.close();
    temp?.remove();
  });

  it('CSV: one row per learner and step, formulas neutralized, quotes kept', async () => {
    const res = await call(server.url, 'GET', `/api/rooms/${code}/export.csv`, { token: hostToken });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="workshop-${code}.csv"`);
    expect((res.body as string).split('\r\n')).toEqual([
      '"learner","step","scenario","solved","runs","slos_met","slos_total","first_solved_at","last_run_at","last_finding","hand_raised"',
      `"'=HYPERLINK(""http://evil"",""win"")","1","blocking-event-loop","false","1","1","2","","2026-06-01T09:01:01.000Z","'@SUM(1) is not a function","false"`,
      `"'=HYPERLINK(""http://evil"",""win"")","2","n-plus-one","false","0","","","","","","false"`,
      '"Bob, ""the"" builder","1","blocking-event-loop","true","2","1","1","2026-06-01T09:03:01.000Z","2026-06-01T09:03:01.000Z","","true"',
      '"Bob, ""the"" builder","2","n-plus-one","false","0","","","","","","true"',
      '',
    ]);
  });

  it('JSON: the dashboard and every run, with the learner named', async () => {
    const res = await call(server.url, 'GET', `/api/rooms/${code}/export.json`, { token: hostToken });
    expect(res.status).toBe(200);
    expect(res.body.format).toBe('tailspin-workshop-export/1');
    expect(res.body.learners.map((l: { name: string }) => l.name)).toEqual(['=HYPERLINK("http://evil","win")', 'Bob, "the" builder']);
    expect(res.body.runs.map((r: { learner: string; passed: boolean }) => [r.learner, r.passed])).toEqual([
      ['=HYPERLINK("http://evil","win")', false],
      ['Bob, "the" builder', false],
      ['Bob, "the" builder', true],
    ]);
    expect(res.body.scenarios[0]).toMatchObject({ scenarioId: 'blocking-event-loop', solved: 1, attempted: 2, runs: 3 });
    expect(res.body.topFailingFinding).toEqual({ rule: 'event-loop-blocked', title: 'The event loop was blocked', count: 1 });
  });
});
