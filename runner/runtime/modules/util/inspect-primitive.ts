/**
 * How `util.inspect` writes primitives: strings quoted the way Node picks quotes (single,
 * else double, else backtick), escaped, cut after `maxStringLength` characters, and long
 * multi-line strings split into quoted lines joined by " +"; -0 as "-0"; bigints with "n".
 */

export function formatPrimitive(ctx: { maxStringLength: number; breakLength: number; indentationLvl: number }, value: unknown): string {
  switch (typeof value) {
    case 'string': {
      let s = value;
      let trailer = '';
      if (s.length > ctx.maxStringLength) {
        const remaining = s.length - ctx.maxStringLength;
        s = s.slice(0, ctx.maxStringLength);
        trailer = `... ${remaining} more character${remaining > 1 ? 's' : ''}`;
      }
      // Long multi-line strings are shown one line per quoted piece, joined by " +".
      if (s.length > 16 && s.length > ctx.breakLength - ctx.indentationLvl - 4 && s.includes('\n')) {
        const lines = s.split(/(?<=\n)/);
        return lines.map(quote).join(` +\n${' '.repeat(ctx.indentationLvl + 2)}`) + trailer;
      }
      return quote(s) + trailer;
    }
    case 'number':
      return formatNumber(value);
    case 'bigint':
      return `${value}n`;
    case 'symbol':
      return value.toString();
    default:
      return String(value);
  }
}

export function formatNumber(n: number): string {
  return Object.is(n, -0) ? '-0' : String(n);
}

const ESCAPES: Record<string, string> = { '\n': '\\n', '\t': '\\t', '\r': '\\r', '\b': '\\b', '\f': '\\f', '\\': '\\\\' };

/** Single quotes unless the string has some: then double quotes, then backticks, as Node picks. */
export function quote(s: string): string {
  let q = "'";
  if (s.includes("'")) {
    if (!s.includes('"')) q = '"';
    else if (!s.includes('`') && !s.includes('${')) q = '`';
  }
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    if (ch === q) out += `\\${q}`;
    else if (ESCAPES[ch]) out += ESCAPES[ch];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0').toUpperCase()}`;
    else out += ch;
  }
  return q + out + q;
}
