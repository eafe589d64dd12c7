/**
 * CSV for spreadsheets (RFC 4180): every cell quoted, quotes doubled, CRLF between rows.
 * A cell that starts with = + - @ (or a tab or carriage return) is a formula to Excel, Sheets
 * and LibreOffice, and learners choose their display names and the text of their errors: such
 * a cell gets a leading apostrophe, which spreadsheets show as text and do not evaluate.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvCell = string | number | boolean | null | undefined;

export function csvCell(value: CsvCell): string {
  let text = value === null || value === undefined ? '' : String(value);
  // Numbers are ours, never a formula, and a negative one must stay a number.
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return `"${text.replaceAll('"', '""')}"`;
}

export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
