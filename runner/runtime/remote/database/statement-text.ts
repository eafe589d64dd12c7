/**
 * Just enough lexing of SQL text to classify a statement without a parser: comments and
 * literal contents are blanked so that words inside them (`'random('`, `-- BEGIN`) are never
 * mistaken for code. Errors in this direction only make the classification more cautious.
 */

/**
 * The statement with comments replaced by a space and the contents of string and
 * dollar-quoted literals removed (`'…'` becomes `''`). Quoted identifiers are kept.
 */
export function codeOnly(sql: string): string {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
      out += ' ';
    } else if (c === '/' && next === '*') {
      i = skipBlockComment(sql, i);
      out += ' ';
    } else if (c === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      i = skipQuoted(sql, i, "'", escapes);
      out += "''";
    } else if (c === '"') {
      const end = skipQuoted(sql, i, '"', false);
      out += sql.slice(i, end);
      i = end;
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        i = end < 0 ? sql.length : end + tag.length;
        out += "''";
      } else {
        out += c;
        i++;
      }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

/** Postgres block comments nest. Returns the index after the comment. */
function skipBlockComment(sql: string, start: number): number {
  let depth = 0;
  let i = start;
  while (i < sql.length) {
    if (sql[i] === '/' && sql[i + 1] === '*') {
      depth++;
      i += 2;
    } else if (sql[i] === '*' && sql[i + 1] === '/') {
      depth--;
      i += 2;
      if (depth === 0) return i;
    } else i++;
  }
  return i;
}

/** A doubled quote is an escaped quote; in E'' strings a backslash escapes too. */
function skipQuoted(sql: string, start: number, quote: string, backslashEscapes: boolean): number {
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (backslashEscapes && c === '\\') i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return i;
}

/** The statement's first keyword in upper case (`(SELECT …)` gives SELECT), or ''. */
export function leadingKeyword(code: string): string {
  return /^[\s(]*([A-Za-z]+)/.exec(code)?.[1]?.toUpperCase() ?? '';
}

/**
 * Names written as calls, `name(` (lower-cased unless quoted). Includes some non-functions
 * (`IN (`, `VALUES (`, type modifiers); callers only look names up in a known set.
 */
export function calledNames(code: string): Set<string> {
  const names = new Set<string>();
  for (const m of code.matchAll(/([A-Za-z_][A-Za-z0-9_$]*|"(?:[^"]|"")+")\s*\(/g)) {
    const name = m[1];
    names.add(name.startsWith('"') ? name.slice(1, -1).replace(/""/g, '"') : name.toLowerCase());
  }
  return names;
}

/** More than one statement: a `;` followed by anything but whitespace. */
export function hasSeveralStatements(code: string): boolean {
  return /;\s*\S/.test(code);
}
