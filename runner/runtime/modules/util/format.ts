/**
 * `util.format` and `util.formatWithOptions`, which `console.log` uses: printf-style
 * placeholders (%s %d %i %f %j %o %O %c %%) in a first string argument, then every remaining
 * argument separated by spaces, strings as they are and everything else through `inspect`.
 */
import { inspect, type InspectOptions } from './inspect.ts';
import { formatNumber } from './inspect-primitive.ts';

export function format(...args: unknown[]): string {
  return formatWithOptions({}, ...args);
}

export function formatWithOptions(options: InspectOptions, ...args: unknown[]): string {
  const first = args[0];
  let out = '';
  let a = 0;
  if (typeof first === 'string') {
    a = 1;
    if (args.length === 1) return first;
    let lastPos = 0;
    for (let i = 0; i < first.length - 1; i++) {
      if (first.charCodeAt(i) !== 37) continue; // '%'
      const c = first[i + 1];
      if (c === '%') {
        out += first.slice(lastPos, i) + '%';
        lastPos = i + 2;
        i++;
        continue;
      }
      if (a >= args.length) continue;
      const piece = placeholder(c, args[a], options);
      if (piece === undefined) continue;
      out += first.slice(lastPos, i) + piece;
      lastPos = i + 2;
      i++;
      a++;
    }
    out += first.slice(lastPos);
  }
  for (; a < args.length; a++) {
    const v = args[a];
    if (out !== '' || a > 0) out += ' ';
    out += typeof v === 'string' ? v : inspect(v, options);
  }
  return out;
}

/** The text for one placeholder, or undefined when `%c` is not a placeholder Node knows. */
function placeholder(c: string, v: unknown, options: InspectOptions): string | undefined {
  switch (c) {
    case 's':
      if (typeof v === 'number') return formatNumber(v);
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return String(v);
      if (v !== null && typeof v === 'object' && hasBuiltInToString(v)) return inspect(v, { ...options, depth: 0 });
      return String(v);
    case 'd':
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return 'NaN';
      return formatNumber(Number(v));
    case 'i':
      if (typeof v === 'bigint') return `${v}n`;
      if (typeof v === 'symbol') return 'NaN';
      // biome-ignore lint/correctness/useParseIntRadix: no radix, as in Node: '0x10' formats as 16
      return formatNumber(parseInt(String(v)));
    case 'f':
      return typeof v === 'symbol' ? 'NaN' : formatNumber(parseFloat(String(v)));
    case 'j':
      return json(v);
    case 'o':
      return inspect(v, { ...options, depth: 4 });
    case 'O':
      return inspect(v, options);
    case 'c':
      return ''; // CSS for browser consoles: consumed, prints nothing
    default:
      return undefined;
  }
}

/** Classes whose toString is JavaScript's own: such objects print through `inspect` under %s. */
const BUILT_IN = new Set([
  'Object',
  'Array',
  'Error',
  'Date',
  'RegExp',
  'Function',
  'Number',
  'String',
  'Boolean',
  'Symbol',
  'BigInt',
  'Map',
  'Set',
  'Promise',
]);

/**
 * Node's hasBuiltInToString: an object uses `inspect` under %s unless it (or a class in its
 * prototype chain that is not a JavaScript built-in) defines toString.
 */
function hasBuiltInToString(v: object): boolean {
  if (typeof (v as { toString?: unknown }).toString !== 'function') return true;
  if (Object.hasOwn(v, 'toString')) return false;
  let owner: object | null = v;
  do owner = Object.getPrototypeOf(owner) as object | null;
  while (owner && !Object.hasOwn(owner, 'toString'));
  const ctor = owner ? Object.getOwnPropertyDescriptor(owner, 'constructor')?.value : undefined;
  return typeof ctor === 'function' && BUILT_IN.has(ctor.name);
}

function json(v: unknown): string {
  try {
    const s = JSON.stringify(v);
    return s === undefined ? 'undefined' : s;
  } catch (err) {
    if (err instanceof TypeError && /circular/i.test(err.message)) return '[Circular]';
    throw err;
  }
}
