/**
 * Plain-text tables for the CLI: ASCII only, columns aligned with spaces, no colour codes,
 * shrunk to a width budget so a report stays readable in a 100-column terminal.
 */

export interface TableColumn {
  header: string;
  /** Numbers read best right-aligned; text left-aligned (the default). */
  align?: 'left' | 'right';
  /** May be narrowed (its cells cut with "...") when the table is wider than the budget. */
  flex?: boolean;
}

export interface TableOptions {
  /** Widest a line may be, indent included. */
  widthMax?: number;
  /** Spaces before every line, so tables sit under their section title. */
  indent?: number;
}

const COLUMN_GAP = '  ';
const FLEX_WIDTH_MIN = 8;

/** Renders header, a dashed rule and the rows; returns lines without trailing newlines. */
export function renderTable(columns: TableColumn[], rows: string[][], options: TableOptions = {}): string[] {
  const widthMax = options.widthMax ?? 100;
  const indent = ' '.repeat(options.indent ?? 2);
  const cells = rows.map((row) => columns.map((_, c) => cleanCell(row[c] ?? '')));
  const widths = columns.map((column, c) => Math.max(column.header.length, ...cells.map((row) => row[c].length)));
  fitWidths(columns, widths, widthMax - indent.length);

  const line = (row: string[]): string =>
    (indent + row.map((cell, c) => pad(truncate(cell, widths[c]), widths[c], columns[c].align)).join(COLUMN_GAP)).trimEnd();
  return [line(columns.map((column) => column.header)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)];
}

/** Narrows the widest flexible column one character at a time until the table fits (or none can shrink). */
function fitWidths(columns: TableColumn[], widths: number[], budget: number): void {
  let total = widths.reduce((sum, width) => sum + width, 0) + COLUMN_GAP.length * (widths.length - 1);
  while (total > budget) {
    let widest = -1;
    for (let c = 0; c < columns.length; c++) {
      const floor = Math.max(FLEX_WIDTH_MIN, columns[c].header.length);
      if (columns[c].flex && widths[c] > floor && (widest < 0 || widths[c] > widths[widest])) widest = c;
    }
    if (widest < 0) return;
    widths[widest]--;
    total--;
  }
}

/** One line, printable ASCII only: learners' error messages may hold newlines or escape codes. */
export function cleanCell(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[\x00-\x1f\x7f]/g, '?')
    .trim();
}

export function truncate(text: string, width: number): string {
  if (text.length <= width) return text;
  return width <= 3 ? text.slice(0, width) : `${text.slice(0, width - 3)}...`;
}

function pad(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  return align === 'right' ? text.padStart(width) : text.padEnd(width);
}
