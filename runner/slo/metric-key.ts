/**
 * Metric keys, k6 style: a metric name with optional tags, `http_req_duration{route:GET /posts/:id}`.
 * SLOs name the series they apply to this way, and the runner keys its series the same way.
 */

export interface MetricKey {
  name: string;
  tags: Record<string, string>;
}

/**
 * Splits `name{tag:value,tag:value}`. Values may hold spaces, colons and slashes (each pair
 * splits on its first ':'), but not commas. Throws on a malformed key: keys come from
 * scenario files and the runner, never from the learner.
 */
export function parseMetricKey(key: string): MetricKey {
  const text = key.trim();
  const open = text.indexOf('{');
  const name = (open < 0 ? text : text.slice(0, open)).trim();
  if (name === '') throw new Error(`metric key "${key}": missing metric name`);
  const tags: Record<string, string> = {};
  if (open < 0) return { name, tags };
  if (!text.endsWith('}')) throw new Error(`metric key "${key}": tags must end with "}"`);

  const inner = text.slice(open + 1, -1).trim();
  if (inner === '') return { name, tags };
  for (const pair of inner.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new Error(`metric key "${key}": tag "${pair.trim()}" has no ":" between name and value`);
    const tagName = pair.slice(0, colon).trim();
    if (tagName === '') throw new Error(`metric key "${key}": tag "${pair.trim()}" has an empty name`);
    if (Object.hasOwn(tags, tagName)) throw new Error(`metric key "${key}": tag "${tagName}" appears twice`);
    tags[tagName] = pair.slice(colon + 1).trim();
  }
  return { name, tags };
}

/**
 * Formats a metric key canonically, tags sorted by name (code-unit order, not the locale's),
 * so that the same series has one key however its tags were written.
 */
export function metricKey(name: string, tags: Record<string, string> = {}): string {
  if (name === '' || /[{},]/.test(name)) throw new Error(`metric name "${name}" must be non-empty, without { } or ,`);
  const names = Object.keys(tags).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  if (names.length === 0) return name;
  const pairs = names.map((tagName) => {
    const value = tags[tagName];
    // These would not survive parseMetricKey, so refuse to write them rather than mis-key a series.
    if (tagName === '' || /[:,{}]/.test(tagName)) throw new Error(`tag name "${tagName}" must be non-empty, without : , { or }`);
    if (value.includes(',')) throw new Error(`tag ${tagName} value "${value}" must not contain ","`);
    return `${tagName}:${value}`;
  });
  return `${name}{${pairs.join(',')}}`;
}
