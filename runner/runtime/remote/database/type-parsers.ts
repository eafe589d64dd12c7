/**
 * How column values become JavaScript values. PGlite's defaults differ from node-postgres's
 * in ways user code notices, and two of them depend on the host:
 * - int8 (`count(*)`, bigserial): node-postgres gives a string; PGlite gives a number, or a
 *   BigInt beyond 2^53, which JSON.stringify throws on. We give the string, like production.
 * - timestamp without time zone: PGlite uses `new Date('2024-01-02 03:04:05')`, which the
 *   JavaScript engine reads in the host's time zone, so results would differ between
 *   laptops. We read it as UTC (node-postgres reads it in the server process's zone, and
 *   servers usually run in UTC). timestamptz is parsed exactly, without the engine's lenient
 *   date parser. Array types follow their element's parser (PGlite looks it up by OID).
 */
import type { ParserOptions } from '@electric-sql/pglite';

const INT8 = 20;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** `2024-01-02 03:04:05.123456+05:30`, the offset absent for timestamp without time zone. */
const TIMESTAMP_TEXT = /^(\d{4,})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?(?:([+-])(\d\d)(?::(\d\d))?(?::(\d\d))?)?$/;

export const PG_TYPE_PARSERS: ParserOptions = {
  [INT8]: (text: string) => text,
  [TIMESTAMP]: parseTimestamp,
  [TIMESTAMPTZ]: parseTimestamp,
};

/** A Date for the instant the text names, reading a missing offset as UTC. */
export function parseTimestamp(text: string): Date | number {
  if (text === 'infinity') return Infinity;
  if (text === '-infinity') return -Infinity;
  const m = TIMESTAMP_TEXT.exec(text);
  if (!m) return new Date(text); // BC dates and other rarities: the engine's best effort
  const [, year, month, day, hour, minute, second, fraction = '', sign, offH = '0', offM = '0', offS = '0'] = m;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(Number(year), Number(month) - 1, Number(day));
  date.setUTCHours(Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0').slice(0, 3)));
  const offsetMs = sign ? (sign === '-' ? -1 : 1) * ((Number(offH) * 60 + Number(offM)) * 60 + Number(offS)) * 1000 : 0;
  return new Date(date.getTime() - offsetMs);
}
