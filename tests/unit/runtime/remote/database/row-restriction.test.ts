import { describe, expect, it } from 'vitest';
import { summarizeExplain } from '../../../../../runner/runtime/remote/database/query-plan.ts';
import { conjunctsOf, disjoint, integerParam, rowKeysOf } from '../../../../../runner/runtime/remote/database/row-restriction.ts';
import { mayAssignColumn } from '../../../../../runner/runtime/remote/database/statement-text.ts';

describe('conjunctsOf', () => {
  it('finds alias.column = $n at the top level of a conjunction, either way round', () => {
    expect(conjunctsOf('(p.event_id = $1)', 'p')).toEqual(['event_id:1']);
    expect(conjunctsOf('((p.event_id = $1) AND (p.billing = $2))', 'p')).toEqual(['event_id:1', 'billing:2']);
    expect(conjunctsOf('(($2 = p.billing) AND (p.x > 3))', 'p')).toEqual(['billing:2']);
    expect(conjunctsOf('("Odd Alias"."Col" = $3)', 'Odd Alias')).toEqual(['Col:3']);
  });

  it('finds nothing under OR, a cast, another alias, a constant or an array comparison', () => {
    expect(conjunctsOf('((p.a = $1) OR (p.b = $2))', 'p')).toEqual([]);
    expect(conjunctsOf('(((p.a = $1) OR (p.b = $2)) AND (p.c = 5))', 'p')).toEqual([]);
    expect(conjunctsOf('((p.a)::bigint = $1)', 'p')).toEqual([]);
    expect(conjunctsOf('(q.a = $1)', 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = 7)', 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = ANY ($1))', 'p')).toEqual([]);
    expect(conjunctsOf('(p.a = (InitPlan 1).col1)', 'p')).toEqual([]);
  });

  it('is not fooled by AND or parentheses inside literals', () => {
    expect(conjunctsOf("((p.name = ') AND (p.a = $1) AND (x'::text) AND (p.b = $2))", 'p')).toEqual(['b:2']);
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

describe('disjoint and rowKeysOf', () => {
  const ints = new Map([['posts', new Set(['user_id', 'id'])]]);

  it('keys only integer columns with integer values', () => {
    const restrictions = [
      { table: 'posts', column: 'user_id', param: 1 },
      { table: 'posts', column: 'title', param: 2 },
      { table: 'posts', column: 'id', param: 3 },
    ];
    expect(rowKeysOf(restrictions, [4, 'a', null], ints)).toEqual([{ table: 'posts', column: 'user_id', value: 4n }]);
  });

  it('is true only for the same table and column with another value', () => {
    const read = [{ table: 'posts', column: 'user_id', value: 4n }];
    expect(disjoint(read, [{ table: 'posts', column: 'user_id', value: 5n }])).toBe(true);
    expect(disjoint(read, [{ table: 'posts', column: 'user_id', value: 4n }])).toBe(false);
    expect(disjoint(read, [{ table: 'posts', column: 'id', value: 5n }])).toBe(false);
    expect(disjoint(read, [{ table: 'users', column: 'user_id', value: 5n }])).toBe(false);
    expect(disjoint(undefined, [{ table: 'posts', column: 'user_id', value: 5n }])).toBe(false);
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
    expect(plan.restrictions).toEqual([{ table: 'posts', column: 'user_id', param: 1 }]);
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
      { table: 'posts', column: 'id', param: 2 },
      { table: 'posts', column: 'user_id', param: 1 },
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
