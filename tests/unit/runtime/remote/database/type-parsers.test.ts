import { describe, expect, it } from 'vitest';
import { PG_TYPE_PARSERS, parseTimestamp } from '../../../../../runner/runtime/remote/database/type-parsers.ts';

describe('parseTimestamp', () => {
  it('reads timestamp without time zone as UTC, whatever the host zone', () => {
    expect((parseTimestamp('2024-01-02 03:04:05') as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect((parseTimestamp('2024-01-02 03:04:05.123456') as Date).toISOString()).toBe('2024-01-02T03:04:05.123Z');
  });

  it('applies timestamptz offsets', () => {
    expect((parseTimestamp('2024-01-02 03:04:05+00') as Date).toISOString()).toBe('2024-01-02T03:04:05.000Z');
    expect((parseTimestamp('2024-01-02 03:04:05.5+05:30') as Date).toISOString()).toBe('2024-01-01T21:34:05.500Z');
    expect((parseTimestamp('2024-01-02 03:04:05-08') as Date).toISOString()).toBe('2024-01-02T11:04:05.000Z');
  });

  it('keeps early years and infinities', () => {
    expect((parseTimestamp('0050-03-01 00:00:00') as Date).getUTCFullYear()).toBe(50);
    expect(parseTimestamp('infinity')).toBe(Infinity);
    expect(parseTimestamp('-infinity')).toBe(-Infinity);
  });
});

describe('PG_TYPE_PARSERS', () => {
  it('gives int8 as a string, like node-postgres', () => {
    expect(PG_TYPE_PARSERS[20]('9007199254740993')).toBe('9007199254740993');
  });
});
