import { describe, expect, it } from 'vitest';
import { summarizeExplain } from '../../../../../runner/runtime/remote/database/query-plan.ts';
import {
  conjunctKey,
  conjunctsOf,
  disjoint,
  integerArrayParam,
  integerParam,
  rowKeysOf,
} from '../../../../../runner/runtime/remote/database/row-restriction.ts';
import { mayAssignColumn } from '../../../../../runner/runtime/remote/database/statement-text.ts';

describe('conjunctsOf', () => {
  it('finds alias.column = $n at the top level of a conjunction, either way round', () => {
    expect(conjunctsOf('(p.event_id = $1)', 'p')).toEqual([conjunctKey('event_id', 1, false)]);
    expect(conjunctsOf('((p.event_id = $1) AND (p.billing = $2))', 'p')).toEqual([
      conjunctKey('event_id', 1, false),
      conjunctKey('billing', 2, false),
    ]);
    expect(conjunctsOf('(($2 = p.billing) AND (p.x > 3))', 'p')).toEqual([conjunctKey('billing', 2, false)]);
    expect(conjunctsOf('("Odd Alias"."Col" = $3)', 'Odd Alias')).toEqual([conjunctKey('Col', 3, false)]);
  });

  it('finds nothing under OR, a cast, another alias, a constant or an array comparison', () => {
    expect(conjunctsOf('((p.a = $1) OR (p.b = $2))', 'p')).toEqual([]);
    expect(conjunctsOf('(((p.a = $1) OR (p.b = $2)) AND (p.c = 5))', 'p')).toEqual([]);
    expect(conjunctsOf('((p.a)::bigint = $1)', 'p')).toEqual([]);
    expect(conjunctsOf('(q.a = $1)', 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = 7)', 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = (InitPlan 1).col1)', 'p')).toEqual([]);
  });

  it('finds alias.column = ANY ($n), and nothing for ANY of an array column or a constant array', () => {
    expect(conjunctsOf('(p.a = ANY ($1))', 'p')).toEqual([conjunctKey('a', 1, true)]);
    expect(conjunctsOf('((p.a = ANY ($2)) AND (p.b = $1))', 'p')).toEqual([conjunctKey('a', 2, true), conjunctKey('b', 1, false)]);
    expect(conjunctsOf('($1 = ANY (p.tags))', 'p')).toEqual([]);
    expect(conjunctsOf("(p.a = ANY ('{1,2}'::integer[]))", 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = ANY ($1)', 'p')).toEqual([]);
  });

  it('is not fooled by AND or parentheses inside literals', () => {
    expect(conjunctsOf("((p.name = ') AND (p.a = $1) AND (x'::text) AND (p.b = $2))", 'p')).toEqual([conjunctKey('b', 2, false)]);
  });
});

describe('integerParam', () => {
  it('reads what int input reads the same way, and nothing else', () => {
    expect([7, -3, '42', ' +5 ', 9n].map(integerParam)).toEqual([7n, -3n, 42n, 5n, 9n]);
    for (const v of [null, undefined, 1.5, 2 ** 60, '0x1F', '1_000', '', 'abc', true, [1], { v: 1 }]) {
      expect([v, integerParam(v)]).toEqual([v, undefined]);
    }
  });
});

describe('integerArrayParam', () => {
  it('reads a flat array of integers, leaving out nulls, and nothing else', () => {
    expect(integerArrayParam([3, '4', null, 5n])).toEqual([3n, 4n, 5n]);
    expect(integerArrayParam([])).toEqual([]);
    for (const v of [[1, 'x'], [[1, 2]], [1.5], '{1,2}', 7, null]) expect([v, integerArrayParam(v)]).toEqual([v, undefined]);
  });
});

describe('disjoint and rowKeysOf', () => {
  const ints = new Map([['posts', new Set(['user_id', 'id'])]]);

  it('keys only integer columns with integer values', () => {
    const restrictions = [
      { table: 'posts', column: 'user_id', param: 1, any: false },
      { table: 'posts', column: 'title', param: 2, any: false },
      { table: 'posts', column: 'id', param: 3, any: false },
      { table: 'posts', column: 'id', param: 4, any: true },
      { table: 'posts', column: 'id', param: 1, any: true },
    ];
    expect(rowKeysOf(restrictions, [4, 'a', null, [7, 8]], ints)).toEqual([
      { table: 'posts', column: 'user_id', values: [4n] },
      { table: 'posts', column: 'id', values: [7n, 8n] },
    ]);
  });

  it('is true only for the same table and column with another value', () => {
    const key = (column: string, ...values: bigint[]) => ({ table: 'posts', column, values });
    const read = [key('user_id', 4n)];
    expect(disjoint(read, [key('user_id', 5n)])).toBe(true);
    expect(disjoint(read, [key('user_id', 4n)])).toBe(false);
    expect(disjoint(read, [key('id', 5n)])).toBe(false);
    expect(disjoint(read, [{ table: 'users', column: 'user_id', values: [5n] }])).toBe(false);
    expect(disjoint(undefined, [key('user_id', 5n)])).toBe(false);
    expect(disjoint([key('user_id', 1n, 2n, 3n)], [key('user_id', 5n, 6n)])).toBe(true);
    expect(disjoint([key('user_id', 1n, 2n, 3n)], [key('user_id', 6n, 3n)])).toBe(false);
    expect(disjoint([key('user_id')], [key('user_id', 1n)])).toBe(true);
    const many = Array.from({ length: 100 }, (_, i) => BigInt(i));
    expect(disjoint([key('user_id', ...many)], [key('user_id', ...many.map((v) => v + 100n))])).toBe(true);
    expect(disjoint([key('user_id', ...many)], [key('user_id', ...many.map((v) => v + 99n))])).toBe(false);
  });
});

/** A plan document as EXPLAIN (FORMAT JSON) returns it. */
function explained(plan: object): Record<string, unknown>[] {
  return [{ 'QUERY PLAN': [{ Plan: plan }] }];
}

describe('summarizeExplain restrictions', () => {
  const indexScan = (relation: string, alias: string, cond: string) => ({
    'Node Type': 'Index Scan',
    'Relation Name': relation,
    Alias: alias,
    'Total Cost': 8.3,
    'Index Cond': cond,
  });

  it('restricts a table every scan of which has the conjunct', () => {
    const plan = summarizeExplain(
      explained({
        'Node Type': 'Nested Loop',
        'Total Cost': 20,
        Plans: [indexScan('posts', 'p', '(p.user_id = $1)'), indexScan('users', 'u', '(u.id = p.user_id)')],
      }),
    );
    expect(plan.restrictions).toEqual([{ table: 'posts', column: 'user_id', param: 1, any: false }]);
    expect(plan.rootWrite).toBeUndefined();
  });

  it('does not restrict a table one of whose scans lacks it (a self-join, a subquery)', () => {
    const plan = summarizeExplain(
      explained({
        'Node Type': 'Hash Join',
        'Total Cost': 20,
        Plans: [
          indexScan('posts', 'p', '(p.user_id = $1)'),
          { 'Node Type': 'Seq Scan', 'Relation Name': 'posts', Alias: 'q', 'Total Cost': 9, Filter: '(q.likes > 3)' },
        ],
      }),
    );
    expect(plan.restrictions).toEqual([]);
  });

  it('reads Filter and Recheck Cond too, and knows a plain UPDATE or DELETE', () => {
    const plan = summarizeExplain(
      explained({
        'Node Type': 'ModifyTable',
        Operation: 'Delete',
        'Relation Name': 'posts',
        Alias: 'posts',
        'Total Cost': 11,
        Plans: [
          {
            'Node Type': 'Bitmap Heap Scan',
            'Relation Name': 'posts',
            Alias: 'posts',
            'Total Cost': 11,
            'Recheck Cond': '(posts.user_id = $1)',
            Filter: '(posts.id = $2)',
            Plans: [{ 'Node Type': 'Bitmap Index Scan', 'Total Cost': 4, 'Index Cond': '(posts.user_id = $1)' }],
          },
        ],
      }),
    );
    expect(plan.rootWrite).toBe('Delete');
    expect(plan.restrictions).toEqual([
      { table: 'posts', column: 'id', param: 2, any: false },
      { table: 'posts', column: 'user_id', param: 1, any: false },
    ]);
  });

  it('knows no plain write when a CTE writes too, or the write is an INSERT', () => {
    const cte = summarizeExplain(
      explained({
        'Node Type': 'ModifyTable',
        Operation: 'Insert',
        'Relation Name': 'holds',
        'Total Cost': 9,
        Plans: [{ 'Node Type': 'ModifyTable', Operation: 'Update', 'Relation Name': 'events', 'Total Cost': 8 }],
      }),
    );
    expect(cte.rootWrite).toBeUndefined();
    const update = summarizeExplain(
      explained({
        'Node Type': 'ModifyTable',
        Operation: 'Update',
        'Relation Name': 'e',
        'Total Cost': 9,
        Plans: [{ 'Node Type': 'ModifyTable', Operation: 'Update', 'Relation Name': 'f', 'Total Cost': 8 }],
      }),
    );
    expect(update.rootWrite).toBeUndefined();
  });
});

describe('mayAssignColumn', () => {
  it('is false only when the name appears nowhere before the UPDATE’s own WHERE', () => {
    expect(mayAssignColumn('UPDATE posts SET likes = likes + 1 WHERE user_id = $1', 'user_id')).toBe(false);
    expect(mayAssignColumn('update posts set title = (select max(title) from posts where id = 3) where user_id = $1', 'user_id')).toBe(
      false,
    );
    expect(mayAssignColumn("UPDATE posts SET title = 'user_id' WHERE user_id = $1", 'user_id')).toBe(false);
  });

  it('is true when the column is assigned, named in FROM, or the text is no plain UPDATE with a WHERE', () => {
    expect(mayAssignColumn('UPDATE posts SET user_id = $2 WHERE user_id = $1', 'user_id')).toBe(true);
    expect(mayAssignColumn('UPDATE posts SET (likes, "USER_ID") = ($2, $3) WHERE user_id = $1', 'user_id')).toBe(true);
    expect(mayAssignColumn('UPDATE posts SET likes = 1 FROM (SELECT user_id FROM x) s WHERE posts.user_id = $1', 'user_id')).toBe(true);
    expect(mayAssignColumn('UPDATE posts SET likes = 1', 'user_id')).toBe(true);
    expect(mayAssignColumn('WITH x AS (SELECT 1) UPDATE posts SET likes = 1 WHERE user_id = $1', 'user_id')).toBe(true);
    expect(mayAssignColumn('DELETE FROM posts WHERE user_id = $1', 'user_id')).toBe(true);
  });
});
