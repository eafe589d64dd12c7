/**
 * Copies of result rows, so that user code which enriches or mutates the rows it got
 * (`post.author = …`, a common step in N+1 code) cannot change the cached answer. Freezing
 * instead would make that legitimate code throw. A hand-written copy is used because rows
 * only hold primitives, Dates, byte arrays and parsed JSON, and it measured several times
 * faster than structuredClone on typical results.
 */

export function copyRows(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const out = new Array<Record<string, unknown>>(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = copyObject(rows[i]);
  return out;
}

function copyObject(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key in o) {
    // JSON.parse makes "__proto__" an own key; plain assignment would set the prototype.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copyValue(o[key]), enumerable: true, writable: true, configurable: true });
    else out[key] = copyValue(o[key]);
  }
  return out;
}

function copyValue(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(copyValue);
  if (v instanceof Date) return new Date(v.getTime());
  if (v instanceof Uint8Array) return v.slice();
  return copyObject(v as Record<string, unknown>);
}
