import { describe, expect, it } from 'vitest';
import { ResultCache, resultKey, type CachedResult } from '../../../../../runner/runtime/remote/database/result-cache.ts';

function entry(tables: string[], rows = 1): CachedResult {
  return { rows: Array.from({ length: rows }, (_, i) => ({ i })), fields: [], rowCount: rows, command: 'SELECT', serviceMs: 0.1, tables };
}

describe('ResultCache', () => {
  it('invalidates by table through its index', () => {
    const cache = new ResultCache({ entriesMax: 10, rowsMax: 1000 });
    cache.set('a', entry(['users']));
    cache.set('b', entry(['users', 'posts']));
    cache.set('c', entry(['tags']));
    cache.invalidate(['posts']);
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
    cache.invalidate(new Set(['users']));
    expect(cache.size).toBe(1);
  });

  it('keeps, on a keyed write, only entries keyed to other values of the same column', () => {
    const cache = new ResultCache({ entriesMax: 10, rowsMax: 1000 });
    const keyed = (column: string, value: bigint) => ({ ...entry(['posts']), rowKeys: [{ table: 'posts', column, values: [value] }] });
    cache.set('user 1', keyed('user_id', 1n));
    cache.set('user 2', keyed('user_id', 2n));
    cache.set('post 2', keyed('id', 2n));
    cache.set('all', entry(['posts']));
    cache.set('tags', entry(['tags']));
    cache.invalidateRows('posts', [{ table: 'posts', column: 'user_id', values: [2n] }]);
    expect(['user 1', 'user 2', 'post 2', 'all', 'tags'].map((k) => Boolean(cache.get(k)))).toEqual([true, false, false, false, true]);
  });

  it('evicts the least recently used entry when full', () => {
    const cache = new ResultCache({ entriesMax: 2, rowsMax: 1000 });
    cache.set('a', entry(['t']));
    cache.set('b', entry(['t']));
    cache.get('a');
    cache.set('c', entry(['t']));
    expect([cache.get('a'), cache.get('b'), cache.get('c')].map(Boolean)).toEqual([true, false, true]);
  });

  it('bounds the rows it holds and skips results bigger than a tenth of that', () => {
    const cache = new ResultCache({ entriesMax: 100, rowsMax: 100 });
    cache.set('big', entry(['t'], 11));
    expect(cache.get('big')).toBeUndefined();
    for (let i = 0; i < 12; i++) cache.set(`k${i}`, entry(['t'], 10));
    expect(cache.size).toBe(10);
    expect(cache.get('k0')).toBeUndefined();
  });
});

describe('resultKey', () => {
  it('separates sql and params, and refuses what JSON cannot hold', () => {
    expect(resultKey('SELECT $1', [1])).not.toBe(resultKey('SELECT $1', ['1']));
    expect(resultKey('SELECT $1', [1n])).toBeUndefined();
  });

  it('keys byte arrays and objects by content, plain values and nested ones alike', () => {
    const bytes = (...b: number[]) => new Uint8Array(b);
    expect(resultKey('SELECT $1', [bytes(1, 2)])).toBe(resultKey('SELECT $1', [bytes(1, 2)]));
    expect(resultKey('SELECT $1', [bytes(1, 2)])).not.toBe(resultKey('SELECT $1', [bytes(1, 3)]));
    expect(resultKey('SELECT $1, $2', ['a', { b: bytes(4) }])).not.toBe(resultKey('SELECT $1, $2', ['a', { b: bytes(5) }]));
    expect(resultKey('SELECT $1, $2', [null, true])).toBe(resultKey('SELECT $1, $2', [null, true]));
    expect(resultKey('SELECT $1, $2', [null, true])).not.toBe(resultKey('SELECT $1, $2', [true, null]));
    expect(resultKey('SELECT $1', [[1, 2]])).not.toBe(resultKey('SELECT $1', [[1, 3]]));
    // JSON writes all three as null; Postgres gets NULL, 'NaN' and 'Infinity'.
    const keys = [null, NaN, Infinity, -Infinity, [NaN], { x: Infinity }].map((v) => resultKey('SELECT $1', [v]));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
