/**
 * A round's report as data: the recorded chain, nothing derived, so the JSON export and the
 * data embedded in the HTML report are the same bytes and `tailspin verify` reads either.
 */
import { chainProblem } from './chain.ts';
import type { RoundRecord } from './events.ts';

export const REPORT_FORMAT = 'tailspin-interview-report';
export const REPORT_VERSION = 1;
/** The HTML report's element that holds the data. */
export const REPORT_DATA_ID = 'tailspin-interview-data';
/** …and the one that holds the view derived from it (report-view.ts). */
export const REPORT_VIEW_ID = 'tailspin-interview-view';
/** Bounds the work of reading a hostile file: a round of an hour is a few megabytes. */
export const REPORT_CHARS_MAX = 64 * 1024 * 1024;
/** The same bound on a file's size, in bytes. */
export const REPORT_CHARS_MAX_BYTES = REPORT_CHARS_MAX * 2;

export interface InterviewReport {
  format: typeof REPORT_FORMAT;
  version: typeof REPORT_VERSION;
  records: RoundRecord[];
}

/** A file that is not a report this version can read; the message says why. */
export class ReportFormatError extends Error {
  override name = 'ReportFormatError';
}

export function makeReport(records: readonly RoundRecord[]): InterviewReport {
  return { format: REPORT_FORMAT, version: REPORT_VERSION, records: [...records] };
}

export function reportJson(report: InterviewReport): string {
  return `${JSON.stringify(report, null, 1)}\n`;
}

/** The report's JSON made safe inside a `<script>` element (no `</script>`, no `<!--`). */
export function embeddableJson(report: InterviewReport): string {
  return JSON.stringify(report)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** The derived view embedded in an HTML report, as its text; null in a JSON export or when absent. */
export function embeddedViewJson(text: string): string | null {
  const open = new RegExp(`<script type="application/json" id="${REPORT_VIEW_ID}">`).exec(text);
  const end = open ? text.indexOf('</script>', open.index + open[0].length) : -1;
  return open && end >= 0 ? text.slice(open.index + open[0].length, end) : null;
}

/** Reads a JSON export or an HTML report; throws ReportFormatError. */
export function parseReport(text: string): InterviewReport {
  if (text.length > REPORT_CHARS_MAX)
    throw new ReportFormatError(`the file is over ${REPORT_CHARS_MAX / 1024 / 1024} MB, too big for a report`);
  const trimmed = text.trimStart();
  let json = trimmed;
  if (!trimmed.startsWith('{')) {
    const open = new RegExp(`<script type="application/json" id="${REPORT_DATA_ID}">`).exec(text);
    const end = open ? text.indexOf('</script>', open.index + open[0].length) : -1;
    if (!open || end < 0) throw new ReportFormatError('the file is neither a JSON report nor an HTML report with embedded data');
    json = text.slice(open.index + open[0].length, end);
  }
  let data: Partial<InterviewReport>;
  try {
    data = JSON.parse(json);
  } catch {
    throw new ReportFormatError('the report data is not valid JSON');
  }
  if (typeof data !== 'object' || data === null || data.format !== REPORT_FORMAT)
    throw new ReportFormatError('the file is not an interview report');
  if (data.version !== REPORT_VERSION)
    throw new ReportFormatError(`the report is version ${String(data.version)}; this version reads ${REPORT_VERSION}`);
  if (!Array.isArray(data.records) || data.records.length < 2) throw new ReportFormatError('the report has no recording');
  return data as InterviewReport;
}

export { chainProblem };
