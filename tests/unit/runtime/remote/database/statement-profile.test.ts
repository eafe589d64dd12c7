import { describe, expect, it } from 'vitest';
import type { CatalogFacts } from '../../../../../runner/runtime/remote/database/catalog-facts.ts';
import { profileStatement } from '../../../../../runner/runtime/remote/database/statement-profile.ts';

const facts: CatalogFacts = {
  volatileFunctions: new Set(['random', 'nextval', 'log_visit']),
  userFunctions: new Set(['log_visit', 'user_score']),
  dependents: new Map(),
  opaqueTables: new Set(),
  sequences: new Set(),
  integerColumns: new Map(),
  userOperators: false,
};

describe('profileStatement', () => {
  it('caches plain reads only', () => {
    expect(profileStatement('SELECT * FROM users WHERE id = $1', facts)).toMatchObject({
      keyword: 'SELECT',
      explainable: true,
      cacheable: true,
    });
    expect(profileStatement('UPDATE users SET name = $1', facts)).toMatchObject({ explainable: true, cacheable: false });
    expect(profileStatement('CREATE INDEX ON users (name)', facts)).toMatchObject({
      explainable: false,
      cacheable: false,
      readOnlyUtility: false,
    });
  });

  it('does not cache volatile, clock-reading or user-function statements', () => {
    for (const sql of [
      'SELECT random()',
      "SELECT nextval('s')",
      'SELECT now()',
      'SELECT CURRENT_DATE',
      'SELECT user_score(1)',
      'SELECT * FROM t TABLESAMPLE SYSTEM (5)',
      // Built-ins that read a table no plan shows: a write would never invalidate them.
      "SELECT table_to_xml('products', true, false, '')",
      "SELECT Query_To_Xml('SELECT * FROM products', true, false, '')",
      "SELECT pg_total_relation_size('orders')",
      "SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'orders' AND pg_stat_get_live_tuples(relid) > 0",
    ]) {
      expect([sql, profileStatement(sql, facts).cacheable]).toEqual([sql, false]);
    }
    expect(profileStatement("SELECT 'random()' AS s", facts).cacheable).toBe(true);
  });

  it('flags user-defined volatile functions as writes no plan shows', () => {
    expect(profileStatement('SELECT log_visit($1)', facts).opaqueWrites).toBe(true);
    expect(profileStatement('SELECT user_score($1)', facts).opaqueWrites).toBe(false);
  });

  it('treats SELECT INTO as a utility write but not INSERT INTO', () => {
    expect(profileStatement('SELECT * INTO copy FROM users', facts)).toMatchObject({ explainable: false, cacheable: false });
    expect(profileStatement('WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x', facts).explainable).toBe(true);
  });

  it('knows SHOW and plain EXPLAIN change nothing', () => {
    expect(profileStatement('SHOW work_mem', facts).readOnlyUtility).toBe(true);
    expect(profileStatement('EXPLAIN SELECT 1', facts).readOnlyUtility).toBe(true);
    expect(profileStatement('EXPLAIN ANALYZE DELETE FROM t', facts).readOnlyUtility).toBe(false);
  });
});
