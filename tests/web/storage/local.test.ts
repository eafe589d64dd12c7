/**
 * The typed localStorage wrapper: namespaced keys, values that round-trip, and a storage that is
 * corrupt, full or refused never reaching the page as an exception.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { isRecord, readJson, removeKey, writeJson } from '../../../web/storage/local.ts';
import { MemoryStorage } from './memoryStorage.ts';

const isNumberList = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

let storage: MemoryStorage;
beforeEach(() => {
  storage = new MemoryStorage();
  vi.stubGlobal('localStorage', storage);
  return () => vi.unstubAllGlobals();
});

describe('local storage', () => {
  it('round-trips a value under a namespaced, versioned key', () => {
    expect(writeJson('list', [1, 2, 3])).toBe(true);
    expect(storage.getItem('tailspin:v1:list')).toBe('[1,2,3]');
    expect(readJson('list', isNumberList)).toEqual([1, 2, 3]);
    removeKey('list');
    expect(readJson('list', isNumberList)).toBeUndefined();
  });

  it('reads a value that is not JSON as absent', () => {
    storage.setItem('tailspin:v1:list', '[1, 2,');
    expect(readJson('list', isNumberList)).toBeUndefined();
  });

  it('reads a value of the wrong shape as absent', () => {
    storage.setItem('tailspin:v1:list', '{"0": 1}');
    expect(readJson('list', isNumberList)).toBeUndefined();
    storage.setItem('tailspin:v1:list', '[1, "2"]');
    expect(readJson('list', isNumberList)).toBeUndefined();
  });

  it('says false when storage is full, and keeps what it had', () => {
    writeJson('list', [1]);
    storage.quotaChars = 30;
    expect(
      writeJson(
        'list',
        Array.from({ length: 50 }, (_, i) => i),
      ),
    ).toBe(false);
    expect(readJson('list', isNumberList)).toEqual([1]);
  });

  it('forgets quietly when storage is refused to the page', () => {
    storage.unavailable = true;
    expect(writeJson('list', [1])).toBe(false);
    expect(readJson('list', isNumberList)).toBeUndefined();
    expect(() => removeKey('list')).not.toThrow();
    vi.stubGlobal('localStorage', undefined);
    expect(readJson('list', isNumberList)).toBeUndefined();
    expect(writeJson('list', [1])).toBe(false);
  });

  it('takes only plain objects for records', () => {
    expect([{}, { a: 1 }].every(isRecord)).toBe(true);
    expect([null, [], 'x', 1, true, undefined].some(isRecord)).toBe(false);
  });
});
