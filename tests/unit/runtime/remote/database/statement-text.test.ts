import { describe, expect, it } from 'vitest';
import {
  calledNames,
  codeOnly,
  hasSeveralStatements,
  leadingKeyword,
  splitStatements,
} from '../../../../../runner/runtime/remote/database/statement-text.ts';

describe('codeOnly', () => {
  it('blanks comments and literal contents, keeps quoted identifiers', () => {
    expect(codeOnly('SELECT \'random(\' -- now()\n, "Odd""Name" /* a /* nested */ b */ FROM t')).toBe(
      'SELECT \'\'  \n, "Odd""Name"   FROM t',
    );
    expect(codeOnly("SELECT E'it\\'s', 'it''s', $$BEGIN$$, $tag$ x $tag$, $1")).toBe("SELECT E'', '', '', '', $1");
  });
});

describe('leadingKeyword', () => {
  it('skips whitespace and parentheses', () => {
    expect(leadingKeyword('  (select 1) union select 2')).toBe('SELECT');
    expect(leadingKeyword(codeOnly('/* x */ with a as (select 1) select * from a'))).toBe('WITH');
    expect(leadingKeyword('')).toBe('');
  });
});

describe('calledNames', () => {
  it('finds calls, lower-casing unquoted names', () => {
    expect([...calledNames('SELECT NOW(), public.my_fn (1), "MyFn"(2), x IN (1)')]).toEqual(['now', 'my_fn', 'MyFn', 'in']);
  });
});

describe('hasSeveralStatements', () => {
  it('ignores a trailing semicolon', () => {
    expect(hasSeveralStatements('SELECT 1;  ')).toBe(false);
    expect(hasSeveralStatements('SELECT 1; SELECT 2')).toBe(true);
  });
});

describe('splitStatements', () => {
  it('splits at semicolons outside comments, literals, quoted identifiers and dollar quotes', () => {
    expect(splitStatements("BEGIN; UPDATE t SET a = 1 WHERE b = 'x;y'; COMMIT")).toEqual([
      'BEGIN',
      "UPDATE t SET a = 1 WHERE b = 'x;y'",
      'COMMIT',
    ]);
    expect(splitStatements("SELECT \"a;b\" FROM t -- c;d\n; SELECT $f$ ; $f$, E'\\';'")).toEqual([
      'SELECT "a;b" FROM t -- c;d',
      "SELECT $f$ ; $f$, E'\\';'",
    ]);
    expect(splitStatements('CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT f()')).toEqual([
      'CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
      'SELECT f()',
    ]);
  });

  it('leaves out empty statements, as Postgres does', () => {
    expect(splitStatements('SELECT 1;')).toEqual(['SELECT 1']);
    expect(splitStatements(' ; SELECT 1;; /* only a comment */ ; -- and another\n')).toEqual(['SELECT 1']);
    expect(splitStatements('  ')).toEqual([]);
  });
});
