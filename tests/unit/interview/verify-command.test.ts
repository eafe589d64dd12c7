/**
 * `tailspin verify` on a report made the way the lab makes one, then on copies altered one
 * way each: a byte of the code, a summary value, an edit, the settings, the chain. Each
 * alteration is tried as a careless forger would (the chain breaks) and, where the chain alone
 * would not catch it, as one who re-hashes the whole chain after the change.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  embeddableJson,
  encodeInterviewLink,
  type InterviewReport,
  type InterviewSettings,
  makeReport,
  nextRecord,
  REPORT_DATA_ID,
  type RoundEvent,
  type RoundRecord,
  reportJson,
  settingsSha256,
  sha256Hex,
  reportView,
  verifyReport,
} from '../../../runner/interview/index.ts';
import { parseScenarioReadme } from '../../../runner/catalog/readme.ts';
import { reportHtml } from '../../../web/interview/reportHtml.ts';
import { ENGINE_VERSION } from '../../../runner/provenance.ts';
import type { RunSummary } from '../../../runner/summary-schema.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FOLDER = join(ROOT, 'tests/fixtures/two-routes');
const SETTINGS: InterviewSettings = {
  scenarioId: 'two-routes',
  timeLimitMin: 30,
  hintsAllowed: 0,
  reveal: false,
  visibleSeeds: [3],
  hidden: { seeds: [4], loadScale: 1 },
};

const TITLE = parseScenarioReadme(readFileSync(join(FOLDER, 'README.md'), 'utf8')).meta.title;
let dir: string;
let report: InterviewReport;

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'bin/tailspin.js'), ...args], { encoding: 'utf8', cwd: ROOT });
}

function verify(r: InterviewReport | string, extra: string[] = [], name = 'report.json') {
  const file = join(dir, name);
  writeFileSync(file, typeof r === 'string' ? r : reportJson(r));
  return cli(['verify', file, '--scenario', FOLDER, ...extra]);
}

/** A forger's re-hash: every record's hash recomputed after the change. */
function rechain(records: RoundRecord[]): RoundRecord[] {
  const out: RoundRecord[] = [];
  for (const r of records) out.push(nextRecord(out.at(-1), r.atMs, r.event));
  return out;
}

const summaryVerdict = (s: RunSummary) => (s.passed ? 'pass' : 'fail');
const copy = (): InterviewReport => JSON.parse(JSON.stringify(report));
const runAt = (r: InterviewReport) => r.records.findIndex((x) => x.event.type === 'run');
const runEvent = (r: InterviewReport, i = runAt(r)) => r.records[i].event as Extract<RoundEvent, { type: 'run' }>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-verify-'));
  const starter = readFileSync(join(FOLDER, 'starter.ts'), 'utf8');
  const code = `// tuned\n${starter}`;
  const codeFile = join(dir, 'code.ts');
  writeFileSync(codeFile, code);
  const run = cli(['run', FOLDER, '--code', codeFile, '--seed', '3', '--json']);
  expect([0, 1], run.stderr).toContain(run.status);
  const summary = JSON.parse(run.stdout) as RunSummary;
  const events: RoundEvent[] = [
    { type: 'settings', settings: SETTINGS, settingsSha256: settingsSha256(SETTINGS), engine: ENGINE_VERSION },
    { type: 'start', code: starter },
    { type: 'edit', changes: [{ rangeOffset: 0, rangeLength: 0, text: '// tuned\n' }] },
    { type: 'run', purpose: 'visible', code, codeSha256: sha256Hex(code), seed: 3, loadScale: 1, summary },
    { type: 'submit', reason: 'candidate', note: 'tuned it' },
  ];
  const records: RoundRecord[] = [];
  for (const [i, e] of events.entries()) records.push(nextRecord(records.at(-1), 1_000 + i, e));
  report = makeReport(records);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tailspin verify', () => {
  it('verifies the report as made, from JSON and from the HTML report, and prints a table', () => {
    const r = verify(report);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    expect(r.stdout).toMatch(/record\s+run\s+seed/);
    expect(r.stdout).toMatch(/visible\s+3\s+x1\s+\w{12}\s+\w+\s+\w+\s+identical/);
    expect(r.stdout).toMatch(/^Verified: /m);
    const html = `<!doctype html><html><body><script type="application/json" id="${REPORT_DATA_ID}">${embeddableJson(report)}</script></body></html>`;
    expect(verify(html, [], 'report.html').status).toBe(0);
  });

  it('verifies the lab’s HTML report, and refuses one whose displayed results were edited', () => {
    const html = reportHtml(report, reportView(report.records, TITLE));
    const ok = verify(html, [], 'report.html');
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const value = reportView(report.records, TITLE).runs[0].slos[0].value;
    const edited = html.replace(`"value":"${value}"`, '"value":"1.00 ms"');
    expect(edited).not.toBe(html);
    const out = verify(edited, [], 'report.html');
    expect(out.status, out.stdout + out.stderr).toBe(1);
    expect(out.stdout).toMatch(
      /MISMATCH display: the HTML report’s displayed results were edited: they differ from what its recording gives at character \d+/,
    );
  });

  it('checks the report against the interviewer’s link', () => {
    const link = `http://127.0.0.1/${encodeInterviewLink(SETTINGS)}`;
    expect(verify(report, ['--link', link]).status).toBe(0);
    const other = `http://127.0.0.1/${encodeInterviewLink({ ...SETTINGS, timeLimitMin: 60 })}`;
    const r = verify(report, ['--link', other]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('MISMATCH settings: the report is not of the round this link sets up');
  });

  describe('a byte of the code', () => {
    it('breaks the chain', () => {
      const r = copy();
      runEvent(r).code = runEvent(r).code.replace('tuned', 'tuneD');
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/MISMATCH hash chain: record 3 \(visible run, seed 3, load ×1\) was altered/);
      expect(out.stderr).toMatch(/^tailspin: not verified: hash chain/);
    });

    it('re-hashed, no longer matches its SHA-256, the edits or the re-run', () => {
      const r = copy();
      runEvent(r).code = runEvent(r).code.replace('tuned', 'tuneD');
      r.records = rechain(r.records);
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toContain('MISMATCH code: record 3 (visible run, seed 3, load ×1): the code does not match its recorded SHA-256');
      expect(out.stdout).toMatch(/MISMATCH edits: record 3 .*: the recorded edits do not give the code that ran/);
      expect(out.stdout).toMatch(/MISMATCH run: record 3 .*: its summary differs from the recorded one at character \d+/);
    });
  });

  describe('a summary value', () => {
    it('breaks the chain', () => {
      const r = copy();
      runEvent(r).summary!.requests.arrivals += 1;
      expect(verify(r).stdout).toMatch(/MISMATCH hash chain: record 3 .* was altered/);
    });

    it('re-hashed, differs from the re-run’s bytes', () => {
      const r = copy();
      const summary = runEvent(r).summary!;
      summary.slos[0].actual = (summary.slos[0].actual ?? 0) / 10;
      r.records = rechain(r.records);
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/DIFFER/);
      expect(out.stdout).toMatch(
        /MISMATCH run: record 3 \(visible run, seed 3, load ×1\): its summary differs from the recorded one at character \d+/,
      );
    });
  });

  describe('an edit', () => {
    it('breaks the chain', () => {
      const r = copy();
      (r.records[2].event as Extract<RoundEvent, { type: 'edit' }>).changes[0].text = '// Tuned\n';
      expect(verify(r).stdout).toMatch(/MISMATCH hash chain: record 2 \(edit\) was altered/);
    });

    it('re-hashed, no longer gives the code that ran', () => {
      const r = copy();
      (r.records[2].event as Extract<RoundEvent, { type: 'edit' }>).changes[0].text = '// Tuned\n';
      r.records = rechain(r.records);
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/MISMATCH edits: record 3 .*: the recorded edits do not give the code that ran \(character 3:/);
    });
  });

  describe('the settings', () => {
    it('breaks the chain', () => {
      const r = copy();
      (r.records[0].event as Extract<RoundEvent, { type: 'settings' }>).settings.timeLimitMin = 240;
      expect(verify(r).stdout).toMatch(/MISMATCH hash chain: record 0 \(settings\) was altered/);
    });

    it('re-hashed, no longer match their recorded hash', () => {
      const r = copy();
      (r.records[0].event as Extract<RoundEvent, { type: 'settings' }>).settings.timeLimitMin = 240;
      r.records = rechain(r.records);
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toContain('MISMATCH settings: they do not match their recorded hash');
    });
  });

  describe('the chain', () => {
    it('breaks when a record is removed', () => {
      const r = copy();
      r.records.splice(4, 1);
      r.records.push(report.records[4]);
      r.records.splice(2, 1);
      const out = verify(r);
      expect(out.status).toBe(1);
      expect(out.stdout).toMatch(/MISMATCH hash chain: record 2 \(visible run.*\) has sequence number 3, expected 2/);
    });

    it('breaks when a hash is changed', () => {
      const r = copy();
      r.records[4].prevSha256 = '0'.repeat(64);
      expect(verify(r).stdout).toMatch(/MISMATCH hash chain: record 4 \(submit\) does not follow the record before it/);
    });
  });

  it('lists a run the candidate stopped without re-running it (a part of a run cannot be re-run)', async () => {
    const r = copy();
    const run = runEvent(r);
    const stopped: RoundEvent = { ...run, summary: null, failure: 'stopped by the candidate', stopped: true };
    r.records.splice(4, 0, { ...r.records[3], event: stopped });
    r.records = rechain(r.records.map((x, i) => ({ ...x, seq: i })));
    const asked: number[] = [];
    const result = await verifyReport(r, async (req) => {
      asked.push(req.seed);
      return { summary: run.summary! };
    });
    expect(result.problems).toEqual([]);
    expect(asked).toEqual([3]);
    expect(result.rows.map((x) => [x.seq, x.recorded, x.rerun, x.ok])).toEqual([
      [3, summaryVerdict(run.summary!), summaryVerdict(run.summary!), true],
      [4, 'stopped', '-', true],
    ]);
  });

  it('names a run on a seed the round does not give the candidate, and hints past the allowance', async () => {
    const r = copy();
    runEvent(r).seed = 4;
    r.records.splice(2, 0, { ...r.records[2], event: { type: 'hint', index: 0 } });
    r.records = rechain(r.records.map((x, i) => ({ ...x, seq: i })));
    const result = await verifyReport(r, async () => ({ summary: runEvent(report).summary! }));
    expect(result.problems).toContain(
      'round: record 4 (visible run, seed 4, load ×1): the round does not run its visible checks with seed 4 at load ×1',
    );
    expect(result.problems).toContain('round: 1 hint was opened; the round allows 0');
  });

  it.each([
    ['a missing file', null, /no such file/],
    ['a file that is not a report', 'hello', /neither a JSON report nor an HTML report/],
    ['broken JSON', '{"format":', /not valid JSON/],
    ['another kind of JSON', '{"format":"x"}', /not an interview report/],
    ['a later version', '{"format":"tailspin-interview-report","version":2,"records":[]}', /version 2; this version reads 1/],
  ])('exits 2 with one plain line on %s', (_what, text, message) => {
    const out = text === null ? cli(['verify', join(dir, 'missing.json')]) : verify(text, [], 'bad.txt');
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
