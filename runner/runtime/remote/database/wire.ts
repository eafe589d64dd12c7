/**
 * The two protocol messages of a prepared statement's execution that PGlite's own code makes
 * slowly, done directly. Measured on blocking-event-loop's 3 750 statements and n-plus-one's
 * 50-row lists, they were a tenth of a run's wall time:
 * - pg-protocol's writer allocates a buffer per message and keeps its state in WeakMaps, so a
 *   Bind cost ~28 µs; `encodeBind` writes it into one array.
 * - PGlite's parser copies every field into an ArrayBuffer of its own before decoding it,
 *   so a 50-row result cost ~0.8 ms; `readResult` decodes the reply once and slices fields
 *   from that text when it is plain ASCII (otherwise each field is decoded from a view).
 *
 * `readResult` reads only the messages such a reply carries (RowDescription, DataRow,
 * CommandComplete, ErrorResponse) into PGlite's result shape. Values are parsed by PGlite's
 * `parseType` with the instance's parsers, and errors are pg-protocol's `DatabaseError`,
 * exactly as `query()` gives them; the tests compare the two on every kind of value and error.
 */
import { messages, types, type Results } from '@electric-sql/pglite';

type Parsers = Parameters<typeof types.parseType>[2];

const ROW_DESCRIPTION = 0x54; // 'T'
const DATA_ROW = 0x44; // 'D'
const COMMAND_COMPLETE = 0x43; // 'C'
const ERROR_RESPONSE = 0x45; // 'E'
const BIND = 0x42; // 'B'
/** Commands whose tag's count is rows changed: PGlite reports it as `affectedRows`. */
const COUNTS_AFFECTED_ROWS = new Set(['INSERT', 'UPDATE', 'DELETE', 'COPY', 'MERGE']);

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Bind: the unnamed portal for `statement`, every parameter and result column as text. */
export function encodeBind(statement: string, values: readonly (string | null)[]): Uint8Array {
  const name = encoder.encode(statement);
  const encoded = values.map((v) => (v === null ? null : encoder.encode(v)));
  // length, portal name (empty), statement name, parameter formats, values, result formats
  let length = 4 + 1 + name.length + 1 + 2 + 2 + 2;
  for (const e of encoded) length += 4 + (e ? e.length : 0);
  const out = new Uint8Array(1 + length);
  const view = new DataView(out.buffer);
  out[0] = BIND;
  view.setInt32(1, length);
  let at = 6; // after the code, the length and the portal name's terminator
  out.set(name, at);
  at += name.length + 1;
  at += 2; // no parameter format codes: all text
  view.setInt16(at, encoded.length);
  at += 2;
  for (const e of encoded) {
    view.setInt32(at, e ? e.length : -1);
    at += 4;
    if (e) {
      out.set(e, at);
      at += e.length;
    }
  }
  return out; // and no result format codes: all text
}

/**
 * The first result set of the reply; throws the first error the backend sent. `described` is
 * the result's columns when the reply carries no RowDescription of its own (an execution of a
 * statement described when it was prepared).
 */
export function readResult(
  bytes: Uint8Array,
  parsers: Parsers,
  described: readonly { name: string; dataTypeID: number }[] = [],
): Results<Record<string, unknown>> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const whole = decoder.decode(bytes);
  // Valid UTF-8 decodes to fewer code units than bytes unless every byte is ASCII; protocol
  // bytes that are not valid UTF-8 become one U+FFFD each, so equal lengths keep offsets.
  const ascii = whole.length === bytes.length;
  const text = (start: number, end: number) => (ascii ? whole.slice(start, end) : decoder.decode(bytes.subarray(start, end)));

  let fields = described.map((f) => ({ name: f.name, dataTypeID: f.dataTypeID }));
  let protoNamed = fields.some((f) => f.name === '__proto__');
  const rows: Record<string, unknown>[] = [];
  let result: Results<Record<string, unknown>> | undefined;
  let error: InstanceType<typeof messages.DatabaseError> | undefined;

  for (let at = 0; at + 5 <= bytes.length; ) {
    const code = bytes[at];
    const length = view.getUint32(at + 1);
    const body = at + 5;
    const end = at + 1 + length;
    if (result || error) {
      // A reply has one result set and its first error matters; the rest is ReadyForQuery.
    } else if (code === ROW_DESCRIPTION) {
      const count = view.getInt16(body);
      fields = new Array(count);
      let p = body + 2;
      for (let i = 0; i < count; i++) {
        const nul = bytes.indexOf(0, p);
        const name = text(p, nul);
        // table OID (4), column number (2), then the type OID; then size, modifier, format.
        fields[i] = { name, dataTypeID: view.getInt32(nul + 7) };
        protoNamed ||= name === '__proto__';
        p = nul + 19;
      }
    } else if (code === DATA_ROW) {
      const count = view.getInt16(body);
      const row: Record<string, unknown> = {};
      let p = body + 2;
      for (let i = 0; i < count; i++) {
        const size = view.getInt32(p);
        p += 4;
        const value = size < 0 ? null : types.parseType(text(p, p + size), fields[i].dataTypeID, parsers);
        if (size > 0) p += size;
        // As Object.fromEntries does: a column named __proto__ is an own property.
        if (protoNamed && fields[i].name === '__proto__')
          Object.defineProperty(row, '__proto__', { value, enumerable: true, writable: true, configurable: true });
        else row[fields[i].name] = value;
      }
      rows.push(row);
    } else if (code === COMMAND_COMPLETE) {
      const parts = text(body, end - 1).split(' ');
      const command = parts[0];
      const rowCount = parseInt(parts[parts.length - 1], 10);
      result = { rows, fields, command, affectedRows: COUNTS_AFFECTED_ROWS.has(command) ? rowCount : 0 };
      if (!Number.isNaN(rowCount)) result.rowCount = rowCount;
    } else if (code === ERROR_RESPONSE) {
      error = databaseError(bytes, body, end, length, text);
    }
    at = end;
  }
  if (error) throw error;
  // No CommandComplete: an empty query string, as PGlite reports it.
  return result ?? { rows: [], fields: [], affectedRows: 0 };
}

/** ErrorResponse fields, as pg-protocol's parser names them. */
const ERROR_FIELDS: Record<string, string> = {
  S: 'severity',
  C: 'code',
  D: 'detail',
  H: 'hint',
  P: 'position',
  p: 'internalPosition',
  q: 'internalQuery',
  W: 'where',
  s: 'schema',
  t: 'table',
  c: 'column',
  d: 'dataType',
  n: 'constraint',
  F: 'file',
  L: 'line',
  R: 'routine',
};

function databaseError(
  bytes: Uint8Array,
  body: number,
  end: number,
  length: number,
  text: (start: number, end: number) => string,
): InstanceType<typeof messages.DatabaseError> {
  const values: Record<string, string> = {};
  for (let p = body; p < end && bytes[p] !== 0; ) {
    const nul = bytes.indexOf(0, p + 1);
    values[String.fromCharCode(bytes[p])] = text(p + 1, nul);
    p = nul + 1;
  }
  const error = new messages.DatabaseError(values.M, length, 'error');
  const fields = error as unknown as Record<string, string | undefined>;
  for (const [key, name] of Object.entries(ERROR_FIELDS)) fields[name] = values[key];
  return error;
}
