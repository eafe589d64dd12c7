/**
 * Node's `groupArrayElements` (lib/internal/util/inspect.js): lays out more than six short
 * array entries in aligned columns, roughly square and at most 15 wide, numbers padded on
 * the left and everything else on the right, so `console.log` of a 100-number array takes a
 * dozen lines instead of a hundred.
 */

interface GroupCtx {
  breakLength: number;
  indentationLvl: number;
  compact: number;
  maxArrayLength: number;
}

/** Separator width between two entries: a comma and a space. */
const SEPARATOR_SPACE = 2;
/** A character is about 2.5 times as high as it is wide; the grouping aims for a square. */
const APPROX_CHAR_HEIGHTS = 2.5;
const COLUMNS_MAX = 15;

export function groupArrayElements(ctx: GroupCtx, output: string[], value: ArrayLike<unknown> | undefined): string[] {
  if (output.some((s) => s.includes('\n'))) return output;
  let totalLength = 0;
  let maxLength = 0;
  // The "... n more items" entry does not take part in the columns.
  const outputLength = ctx.maxArrayLength < output.length ? output.length - 1 : output.length;
  const dataLen: number[] = [];
  for (let i = 0; i < outputLength; i++) {
    const len = output[i].length;
    dataLen.push(len);
    totalLength += len + SEPARATOR_SPACE;
    if (maxLength < len) maxLength = len;
  }
  const actualMax = maxLength + SEPARATOR_SPACE;
  // Group only if three entries fit side by side and no entry dwarfs the others.
  if (!(actualMax * 3 + ctx.indentationLvl < ctx.breakLength && (totalLength / actualMax > 5 || maxLength <= 6))) {
    return output;
  }
  const averageBias = Math.sqrt(actualMax - totalLength / output.length);
  const biasedMax = Math.max(actualMax - 3 - averageBias, 1);
  const columns = Math.min(
    Math.round(Math.sqrt(APPROX_CHAR_HEIGHTS * biasedMax * outputLength) / biasedMax),
    Math.floor((ctx.breakLength - ctx.indentationLvl) / actualMax),
    ctx.compact * 4,
    COLUMNS_MAX,
  );
  if (columns <= 1) return output;
  const maxLineLength: number[] = [];
  for (let i = 0; i < columns; i++) {
    let lineLength = 0;
    for (let j = i; j < output.length; j += columns) if (dataLen[j] > lineLength) lineLength = dataLen[j];
    maxLineLength.push(lineLength + SEPARATOR_SPACE);
  }
  let padStart = true;
  if (value !== undefined) {
    for (let i = 0; i < output.length; i++) {
      if (typeof value[i] !== 'number' && typeof value[i] !== 'bigint') {
        padStart = false;
        break;
      }
    }
  }
  const rows: string[] = [];
  for (let i = 0; i < outputLength; i += columns) {
    const max = Math.min(i + columns, outputLength);
    let str = '';
    let j = i;
    for (; j < max - 1; j++) {
      const cell = `${output[j]}, `;
      str += padStart ? cell.padStart(maxLineLength[j - i], ' ') : cell.padEnd(maxLineLength[j - i], ' ');
    }
    str += padStart ? output[j].padStart(maxLineLength[j - i] - SEPARATOR_SPACE, ' ') : output[j];
    rows.push(str);
  }
  if (ctx.maxArrayLength < output.length) rows.push(output[outputLength]);
  return rows;
}
