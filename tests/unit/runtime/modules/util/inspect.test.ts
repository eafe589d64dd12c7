import * as nodeUtil from 'node:util';
import { describe, expect, it } from 'vitest';
import { Buffer } from '../../../../../runner/runtime/modules/buffer/buffer.ts';
import { format, inspect } from '../../../../../runner/runtime/modules/util/util.ts';
import { makePlatform } from '../../../../helpers/test-platform.ts';

class Foo {
  x = 1;
  y = 'two';
}
const circular: Record<string, unknown> = { name: 'c' };
circular.self = circular;
circular.list = [circular];
const nullProto = Object.assign(Object.create(null) as object, { a: 1 });

/** Values whose inspect output is plain data layout, where we match Node exactly. */
const SAME_AS_NODE: unknown[] = [
  1,
  -0,
  1.5,
  NaN,
  10n,
  'str',
  "it's",
  'say "hi" it\'s',
  'a\nb',
  true,
  null,
  undefined,
  Symbol('s'),
  {},
  [],
  { a: 1, b: 'x' },
  { a: { b: { c: { d: 1 } } } },
  [1, [2, [3, [4, [5]]]]],
  Array.from({ length: 101 }, (_, i) => i),
  Array.from({ length: 26 }, (_, i) => i),
  Array.from({ length: 30 }, (_, i) => `item${i}`),
  Array.from({ length: 120 }, (_, i) => (i % 7 === 0 ? -i : i * 3)),
  // biome-ignore lint/suspicious/noSparseArray: holes are the case under test
  [1, , , 4],
  Object.assign([1, 2], { extra: true }),
  new Array(5),
  new Map<string, unknown>([
    ['a', 1],
    ['b', { c: 2 }],
  ]),
  new Set<unknown>([1, 'two', [3]]),
  new Map(),
  new Set(),
  new Foo(),
  nullProto,
  circular,
  { 'key-with-dash': 1, valid_id: 2, 3: 'num', [Symbol('sym')]: 4 },
  new Date(0),
  /re+/gi,
  new Uint8Array([1, 2, 3]),
  new Float64Array(3),
  new ArrayBuffer(3),
  { long: 'x'.repeat(100) },
  { s: `${'x'.repeat(50)}\n${'y'.repeat(50)}` },
  [
    { id: 1, name: 'alice', roles: ['admin', 'user'] },
    { id: 2, name: 'bob', roles: [] },
  ],
  { users: Array.from({ length: 8 }, (_, i) => ({ id: i, email: `user${i}@example.com` })) },
  { nested: { arr: [1, 2, 3], map: new Map([[1, { deep: { deeper: 1 } }]]) } },
  {
    get g() {
      return 1;
    },
    set s(_v: number) {},
    get gs() {
      return 1;
    },
    set gs(_v: number) {},
  },
  new WeakMap(),
  Object(1),
  Object('str'),
  function named() {},
  () => {},
  Foo,
  Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key${i}`, i])),
  { [Symbol.for('nodejs.util.inspect.custom')]: () => 'CUSTOM!' },
];

describe('util.inspect', () => {
  it('lays out data exactly as Node does', () => {
    for (const v of SAME_AS_NODE) expect(inspect(v)).toBe(nodeUtil.inspect(v));
  });

  it('follows the depth, array, string and sort options as Node does', () => {
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    for (const [v, o] of [
      [deep, { depth: null }],
      [deep, { depth: 0 }],
      [{ z: 1, a: 2, m: { y: 1, b: 2 } }, { sorted: true }],
      [Array.from({ length: 10 }, (_, i) => i), { maxArrayLength: 3 }],
      ['x'.repeat(50), { maxStringLength: 10 }],
    ] as const) {
      expect(inspect(v, o)).toBe(nodeUtil.inspect(v, o));
    }
  });

  it('has the familiar shapes', () => {
    expect(inspect({ a: { b: { c: { d: 1 } } } })).toBe('{ a: { b: { c: [Object] } } }');
    expect(inspect(Array.from({ length: 101 }, () => 0)).endsWith('... 1 more item\n]')).toBe(true);
    expect(inspect('top')).toBe("'top'");
    expect(inspect({ s: 'nested' })).toBe("{ s: 'nested' }");
    expect(inspect(circular)).toBe("<ref *1> { name: 'c', self: [Circular *1], list: [ [Circular *1] ] }");
    expect(inspect(Buffer.from('abc'))).toBe('<Buffer 61 62 63>');
    expect(inspect(Buffer.alloc(51))).toMatch(/ 00 \.\.\. 1 more byte>$/);
    expect(inspect(new Map([['k', 1]]))).toBe("Map(1) { 'k' => 1 }");
  });

  it('prints errors with their name, code, properties and cause, but no host-dependent stack', () => {
    const coded = Object.assign(new TypeError('bad'), { code: 'ERR_X' });
    expect(inspect(new Error('boom'))).toBe('Error: boom');
    expect(inspect(coded)).toBe("TypeError [ERR_X]: bad { code: 'ERR_X' }");
    expect(inspect({ err: new Error('boom') })).toBe('{ err: Error: boom }');
    expect(inspect(new Error('outer', { cause: coded }))).toBe("Error: outer { [cause]: TypeError [ERR_X]: bad { code: 'ERR_X' } }");
    expect(inspect(new Error('with stack'), { stack: true })).toMatch(/^Error: with stack\n {4}at /);
  });

  it("shows the simulator's promises by state", () => {
    const p = makePlatform();
    expect(inspect(p.Promise.resolve({ ok: true }))).toBe('Promise { { ok: true } }');
    expect(inspect(new p.Promise(() => {}))).toBe('Promise { <pending> }');
    const rejected = p.Promise.reject(new Error('nope'));
    rejected.catch(() => {});
    expect(inspect(rejected)).toBe('Promise { <rejected> Error: nope }');
  });

  it('stays bounded on very wide objects', () => {
    const wide = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    const out = inspect(wide);
    expect(out).toMatch(/\.\.\. 4000 more properties\n}$/);
    expect(out.length).toBeLessThan(20_000);
  });
});

describe('util.format', () => {
  it('handles every placeholder as Node does', () => {
    const cases: unknown[][] = [
      ['%s %d %i %f %j %%', 'a', '42.5', '42.5', '1.5', { a: [1] }],
      ['%s', { a: { b: { c: 1 } } }],
      ['%s', [1, [2, [3]]]],
      ['%o', { a: 1 }],
      ['%O', { a: { b: { c: { d: { e: 1 } } } } }],
      ['a', 'b', 1, { c: 2 }],
      [1, 2],
      ['%s'],
      ['%d', -0],
      ['%s', -0],
      ['%s', 5n],
      ['%c styled', 'color: red'],
      ['100%', 5],
      ['%x %s', 'y'],
      [{ a: 1 }, 'str'],
      ['%s', new Foo()],
      ['%s', null, undefined],
      ['%j', circular],
      ['%i', '0x10'],
      ['%d', '0x10'],
      ['%s', Symbol('q')],
      [],
      ['', 1],
      ['%s', new Date(0)],
      ['%s %s', 'only one'],
    ];
    for (const args of cases) expect(format(...args)).toBe(nodeUtil.format(...(args as [unknown])));
  });

  it('uses a class toString under %s', () => {
    class Money {
      toString(): string {
        return '€5';
      }
    }
    expect(format('cost: %s', new Money())).toBe('cost: €5');
  });
});
