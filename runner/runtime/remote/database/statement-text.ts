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
  scan(sql, (kind, start, end) => {
    out += kind === 'comment' ? ' ' : kind === 'literal' ? "''" : sql.slice(start, end);
  });
  return out;
}

/**
 * The statements of a text sent on the simple query protocol, in order: split at every `;`
 * outside comments, literals and quoted identifiers, each trimmed, empty ones (only
 * whitespace or comments) left out, as Postgres skips them. Not understood: the semicolons
 * inside a `BEGIN ATOMIC … END` function body, which then splits wrongly and fails at the
 * database with a syntax error.
 */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let from = 0;
  let hasCode = false;
  const take = (end: number) => {
    if (hasCode) statements.push(sql.slice(from, end).trim());
    from = end + 1;
    hasCode = false;
  };
  scan(sql, (kind, start, end) => {
    if (kind !== 'code') {
      hasCode ||= kind !== 'comment';
      return;
    }
    for (let i = start; i < end; i++) {
      const c = sql.charCodeAt(i);
      if (c === SEMICOLON) take(i);
      else if (!WHITESPACE.has(c)) hasCode = true;
    }
  });
  take(sql.length);
  return statements;
}

const SEMICOLON = 59;
/** Space, tab, newline, vertical tab, form feed, carriage return. */
const WHITESPACE = new Set([32, 9, 10, 11, 12, 13]);

type SegmentKind = 'code' | 'comment' | 'literal' | 'identifier';

/** Calls `visit` for each consecutive segment of `sql`, in order: code, a comment, a literal or a quoted identifier. */
function scan(sql: string, visit: (kind: SegmentKind, start: number, end: number) => void): void {
  let i = 0;
  let codeFrom = 0;
  const emit = (kind: SegmentKind, start: number, end: number) => {
    if (codeFrom < start) visit('code', codeFrom, start);
    visit(kind, start, end);
    codeFrom = end;
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    const next = sql[i + 1];
    if (c === '-' && next === '-') {
      const end = sql.indexOf('\n', i);
      emit('comment', i, end < 0 ? sql.length : end);
    } else if (c === '/' && next === '*') {
      emit('comment', i, skipBlockComment(sql, i));
    } else if (c === "'") {
      const escapes = /[eE]/.test(sql[i - 1] ?? '') && !/[A-Za-z0-9_]/.test(sql[i - 2] ?? '');
      emit('literal', i, skipQuoted(sql, i, "'", escapes));
    } else if (c === '"') {
      emit('identifier', i, skipQuoted(sql, i, '"', false));
    } else if (c === '$' && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? '')) {
      const tag = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))?.[0];
      if (tag) {
        const end = sql.indexOf(tag, i + tag.length);
        emit('literal', i, end < 0 ? sql.length : end + tag.length);
      } else i++;
    } else i++;
  }
  if (codeFrom < sql.length) visit('code', codeFrom, sql.length);
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

/**
 * Whether an UPDATE may assign `column`: true unless the column's name appears nowhere before
 * the statement's own WHERE (the first one outside parentheses), where its SET list and FROM
 * list are. Errs towards true: a name in a FROM list, a text that is not a plain UPDATE, or
 * one with no WHERE, all count as assigning.
 */
export function mayAssignColumn(sql: string, column: string): boolean {
  const code = codeOnly(sql);
  if (leadingKeyword(code) !== 'UPDATE' || /^\s*\(/.test(code)) return true;
  let depth = 0;
  let whereAt = -1;
  for (const m of code.matchAll(/"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*|[()]/g)) {
    const token = m[0];
    if (token === '(') depth++;
    else if (token === ')') depth--;
    else if (depth === 0 && token.toUpperCase() === 'WHERE') {
      whereAt = m.index;
      break;
    }
  }
  if (whereAt < 0) return true;
  const name = column.toLowerCase();
  for (const m of code.slice(0, whereAt).matchAll(/"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*/g)) {
    const word = m[0].startsWith('"') ? m[0].slice(1, -1).replace(/""/g, '"') : m[0];
    if (word.toLowerCase() === name) return true;
  }
  return false;
}
