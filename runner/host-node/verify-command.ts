/**
 * `tailspin verify <report.html | report.json> [--link <interview link>] [--scenario <folder>]`: checks an interview
 * report's hash chain, settings and edits, then re-runs every recorded run headless, each in
 * a child process as `tailspin run` does, and compares each summary byte for byte.
 * Exit status: 0 verified, 1 a mismatch (each named on its own line), 2 bad input.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BadInput } from '../errors.ts';
import { ENGINE_VERSION } from '../provenance.ts';
import {
  canonicalJson,
  checkRecording,
  embeddedViewJson,
  decodeInterviewLink,
  INTERVIEW_PREFIX,
  InterviewLinkError,
  parseReport,
  type Rerun,
  REPORT_CHARS_MAX_BYTES,
  ReportFormatError,
  reportView,
  type VerifyRow,
  verifyReport,
  settingsSha256,
} from '../interview/index.ts';
import { renderTable } from '../report/table.ts';
import { runInChildProcess } from './run-in-child.ts';
import { isScenarioId } from '../scenario/layout.ts';
import { loadScenarioFolder, SCENARIOS_DIR } from './scenario-folder.ts';
import { plainLine } from './terminal-text.ts';

/** The report cannot be read or checked: one plain line, exit status 2. */
export class ReportInputError extends Error {}

export async function verifyCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { link: { type: 'string' }, scenario: { type: 'string' } } });
  } catch (err) {
    throw new ReportInputError((err as Error).message);
  }
  if (parsed.positionals.length !== 1) throw new ReportInputError('verify takes exactly one report file (.html or .json)');
  const path = parsed.positionals[0];
  let report;
  const text = readReport(path);
  try {
    report = parseReport(text);
  } catch (err) {
    if (err instanceof ReportFormatError) throw new ReportInputError(`${path}: ${err.message}`);
    throw err;
  }
  const out = (line: string) => process.stdout.write(`${plainLine(line)}\n`);
  const recording = checkRecording(report);
  const checked = [...recording.problems];
  const settings = recording.settings;
  if (settings) {
    out(`Round ${settingsSha256(settings).slice(0, 12)}: ${settings.scenarioId}, ${report.records.length} records.`);
    if (parsed.values.link !== undefined) {
      const linked = linkSettingsSha256(parsed.values.link);
      if (linked !== settingsSha256(settings)) recording.problems.unshift('settings: the report is not of the round this link sets up');
    }
  }
  const first = report.records[0]?.event;
  if (first?.type === 'settings' && first.engine !== ENGINE_VERSION) {
    out(`Note: recorded with ${first.engine}; this is ${ENGINE_VERSION}, so summaries may differ for that reason alone.`);
  }
  let folder = null;
  if (settings) {
    // The report names a bundled scenario; a folder elsewhere is given on purpose, never found
    // by resolving a name from the report against the working directory.
    const bundled = join(SCENARIOS_DIR, settings.scenarioId);
    if (parsed.values.scenario === undefined && (!isScenarioId(settings.scenarioId) || !existsSync(bundled))) {
      throw new ReportInputError(
        `the report is of scenario "${settings.scenarioId}", which this lab does not have; give its folder with --scenario`,
      );
    }
    folder = await loadScenarioFolder(parsed.values.scenario ?? bundled);
    if (folder.id !== settings.scenarioId) {
      throw new ReportInputError(`the report is of scenario "${settings.scenarioId}", not of ${folder.id}`);
    }
    const { min, max } = folder.definition.load?.loadScale ?? { min: 1, max: 1 };
    if (settings.hidden.loadScale < min || settings.hidden.loadScale > max) {
      recording.problems.push(
        `settings: the hidden load scale ×${settings.hidden.loadScale} is outside the scenario's range (×${min} to ×${max})`,
      );
    }
  }
  // An HTML report shows a view derived from its recording: derived again, it must be the same.
  const shown = embeddedViewJson(text);
  if (folder && shown !== null && !recording.problems.some((p) => p.startsWith('hash chain'))) {
    const problem = displayProblem(shown, canonicalJson(reportView(report.records, folder.readme.meta.title)));
    if (problem) recording.problems.push(problem);
  }
  let rows: VerifyRow[] = [];
  let problems = recording.problems;
  // Re-running proves nothing about a recording whose chain or settings do not hold.
  if (folder && !problems.some((p) => p.startsWith('hash chain') || p.startsWith('settings'))) {
    const dir = folder.dir;
    const result = await verifyReport(report, async (req): Promise<Rerun> => {
      try {
        return { summary: await runInChildProcess({ scenario: dir, code: req.code, seed: req.seed, loadScale: req.loadScale }) };
      } catch (err) {
        if (err instanceof BadInput) return { failure: err.message };
        throw err;
      }
    });
    rows = result.rows;
    // verifyReport checks the recording again; what this command found besides is kept.
    const own = recording.problems.filter((p) => !checked.includes(p));
    problems = [...own, ...result.problems];
  }
  if (rows.length) {
    const columns = [
      { header: 'record', align: 'right' as const },
      { header: 'run' },
      { header: 'seed', align: 'right' as const },
      { header: 'load', align: 'right' as const },
      { header: 'code sha256' },
      { header: 'recorded' },
      { header: 're-run' },
      { header: 'bytes' },
    ];
    const table = rows.map((r) => [
      String(r.seq),
      r.purpose,
      String(r.seed),
      `x${r.loadScale}`,
      r.codeSha256.slice(0, 12),
      r.recorded,
      r.rerun,
      r.recorded === 'stopped' ? 'not re-run' : r.ok ? 'identical' : 'DIFFER',
    ]);
    // Table cells are cleaned by renderTable; plainLine would fold the alignment's spaces.
    for (const line of renderTable(columns, table)) process.stdout.write(`${line}\n`);
  }
  if (problems.length) {
    for (const p of problems) out(`MISMATCH ${p}`);
    process.stderr.write(`tailspin: ${plainLine(`not verified: ${problems[0]}`)}\n`);
    return 1;
  }
  const rerun = rows.filter((r) => r.recorded !== 'stopped').length;
  const stopped = rows.length - rerun;
  out(
    `Verified: the hash chain holds, the edits replay to every run's code, and ${rerun} runs re-ran byte-identical` +
      `${stopped ? ` (${stopped} stopped by the candidate, not re-run)` : ''}.`,
  );
  return 0;
}

function displayProblem(shown: string, expected: string): string | null {
  let actual: string;
  try {
    actual = canonicalJson(JSON.parse(shown));
  } catch {
    return 'display: the HTML report’s displayed results are not readable';
  }
  if (actual === expected) return null;
  let i = 0;
  while (i < actual.length && actual[i] === expected[i]) i++;
  return `display: the HTML report’s displayed results were edited: they differ from what its recording gives at character ${i} (${JSON.stringify(actual.slice(Math.max(0, i - 30), i + 20))})`;
}

function linkSettingsSha256(link: string): string {
  const at = link.indexOf(INTERVIEW_PREFIX);
  try {
    return settingsSha256(decodeInterviewLink(at >= 0 ? link.slice(at + INTERVIEW_PREFIX.length) : link));
  } catch (err) {
    if (err instanceof InterviewLinkError) throw new ReportInputError(`--link: ${err.message}`);
    throw err;
  }
}

/** The report's text: a regular file within the size limit, checked through the open descriptor. */
function readReport(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    throw new ReportInputError(`${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : 'cannot read'} ${path}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReportInputError(`${path} is not a regular file`);
    if (st.size > REPORT_CHARS_MAX_BYTES) throw new ReportInputError(`${path} is ${st.size} bytes, too big for a report`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
