/**
 * The operations bench/calibrate-cpu.ts times in real Node and in the simulator: the kinds
 * of computation a service does in its own JavaScript (hashing written in plain JS, calls,
 * loops, array pipelines, string building, JSON, sorting with a comparator), and the built-ins
 * charged by the size of their input (runner/runtime/process/builtin-meter.ts), one kind of
 * work per row as far as can be. Each is the body of a CommonJS module whose `module.exports`
 * is the function to time; what it needs is built once, outside the function.
 */

/** One operation: a name for the table and its module source. */
export interface CpuOperation {
  name: string;
  source: string;
}

/** SHA-256 and HMAC-based PBKDF2 written in plain JS, as a learner might paste them. */
const SHA256 = `
const K = new Uint32Array([
  0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,
  0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,
  0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,
  0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,
  0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,
  0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2]);
function sha256(bytes) {
  const h = new Uint32Array([0x6a09e667,0xbb67ae85,0x3c6ef372,0xa54ff53a,0x510e527f,0x9b05688c,0x1f83d9ab,0x5be0cd19]);
  const len = bytes.length;
  const total = ((len + 9 + 63) >> 6) << 6;
  const m = new Uint8Array(total);
  m.set(bytes);
  m[len] = 0x80;
  const bits = len * 8;
  m[total - 4] = bits >>> 24; m[total - 3] = bits >>> 16; m[total - 2] = bits >>> 8; m[total - 1] = bits;
  const w = new Uint32Array(64);
  for (let off = 0; off < total; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = (m[off + 4 * i] << 24) | (m[off + 4 * i + 1] << 16) | (m[off + 4 * i + 2] << 8) | m[off + 4 * i + 3];
    for (let i = 16; i < 64; i++) {
      const a = w[i - 15], b = w[i - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const t1 = (hh + S1 + ((e & f) ^ (~e & g)) + K[i] + w[i]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) { out[4 * i] = h[i] >>> 24; out[4 * i + 1] = h[i] >>> 16; out[4 * i + 2] = h[i] >>> 8; out[4 * i + 3] = h[i]; }
  return out;
}
function hmac(key, data) {
  const k = new Uint8Array(64);
  k.set(key.length > 64 ? sha256(key) : key);
  const inner = new Uint8Array(64 + data.length);
  const outer = new Uint8Array(64 + 32);
  for (let i = 0; i < 64; i++) { inner[i] = k[i] ^ 0x36; outer[i] = k[i] ^ 0x5c; }
  inner.set(data, 64);
  outer.set(sha256(inner), 64);
  return sha256(outer);
}
function pbkdf2(password, salt, iterations) {
  const block = new Uint8Array(salt.length + 4);
  block.set(salt);
  block[salt.length + 3] = 1;
  let u = hmac(password, block);
  const t = u.slice();
  for (let i = 1; i < iterations; i++) {
    u = hmac(password, u);
    for (let j = 0; j < 32; j++) t[j] ^= u[j];
  }
  return t;
}
`;

/** Rows like a product listing, for the JSON and sort operations. */
const ROWS = `
const rows = [];
for (let i = 0; i < 10000; i++) rows.push({ id: i, sku: 'SKU-' + i, name: 'Product number ' + i, price_cents: (i * 7919) % 100000, stock: i % 17 });
`;

/**
 * What the built-ins' rows work on: 100 000 numbers in no order, 1 000 000 small numbers, a
 * 1 MB text. Each row builds only what it uses, so the heap (and the collector's work) stays
 * that of a service, not of all the rows at once.
 */
const NUMS = 'const nums = []; for (let i = 0; i < 100000; i++) nums.push((i * 7919) % 100003);';
const BIG = 'const big = []; for (let i = 0; i < 1000000; i++) big.push(i % 1000);';
const TEXT = "let text = ''; for (let i = 0; text.length < 1000000; i++) text += 'item-' + ((i * 7919) % 100003) + ',';";
const OBJECT = 'const obj = {}; for (let i = 0; i < 100000; i++) obj["k" + i] = i;';
const SMALL_OBJECT = 'const small = {}; for (let i = 0; i < 1000; i++) small["k" + i] = i;';
const ENTRIES = 'const pairs = []; for (let i = 0; i < 100; i++) pairs.push(["k" + i, i]);';
const BYTES = `${TEXT} const bytes = Buffer.from(text);`;
const PARTS = `${TEXT} const parts = []; for (let i = 0; i < 16; i++) parts.push(Buffer.from(text.slice(i * 62500, (i + 1) * 62500)));`;

function builtinOperations(): CpuOperation[] {
  const op = (name: string, setup: string, body: string): CpuOperation => ({
    name,
    source: `${setup}\nmodule.exports = () => ${body};`,
  });
  return [
    op('sort 100 000 numbers, no comparator', NUMS, 'nums.toSorted()[0]'),
    op('sort 100 000 numbers by (a, b) => a - b', NUMS, 'nums.toSorted((a, b) => a - b)[0]'),
    op('sort an Int32Array of 100 000', `${NUMS} const ints = Int32Array.from(nums);`, 'ints.slice().sort()[0]'),
    op('join 100 000 numbers', NUMS, "nums.join(',').length"),
    op('indexOf, missing, in 1 000 000 numbers', BIG, 'big.indexOf(-1)'),
    op('includes, missing, in a 1 MB string', TEXT, "text.includes('item-999999,')"),
    op('slice and concat 1 000 000 numbers', `${BIG} ${NUMS}`, 'big.slice(1).concat(nums).length'),
    op('reverse 1 000 000 numbers in place', BIG, 'big.reverse()[0]'),
    op('split a 1 MB string on commas', TEXT, "text.split(',').length"),
    op('replace every number in a 1 MB string by a regex', TEXT, "text.replace(/\\d+/g, 'n').length"),
    op('regex test over a 1 MB string, no match', TEXT, '/\\d{7}x/.test(text)'),
    op('padEnd to 1 MB, then read', '', "'-'.padEnd(1000000, 'ab').charCodeAt(500000)"),
    op('Array.from a Set of 100 000', `${NUMS} const set = new Set(nums);`, 'Array.from(set).length'),
    op('spread 1 000 000 numbers', BIG, '[...big].length'),
    op('spread a Set of 100 000', `${NUMS} const set = new Set(nums);`, '[...set].length'),
    op('spread a string of 100 000 characters', `${TEXT} const chars = text.slice(0, 100000);`, '[...chars].length'),
    op('Object.keys of 100 000 keys', OBJECT, 'Object.keys(obj).length'),
    op('Object.values of 100 000 keys', OBJECT, 'Object.values(obj).length'),
    op('Object.entries of 100 000 keys', OBJECT, 'Object.entries(obj).length'),
    op(
      'Object.keys of 1 000 keys, 100 times',
      SMALL_OBJECT,
      '{ let s = 0; for (let i = 0; i < 100; i++) s += Object.keys(small).length; return s; }',
    ),
    op('Buffer.from a 1 MB string', TEXT, 'Buffer.from(text).length'),
    op('Buffer toString of 1 MB, base64', BYTES, "bytes.toString('base64').length"),
    op('Buffer.concat of 1 MB in 16 parts', PARTS, 'Buffer.concat(parts).length'),
    op('Uint8Array set and slice of 1 MB', `${BYTES} const u8 = new Uint8Array(bytes.length);`, '(u8.set(bytes), u8.slice().length)'),
    op('structuredClone of 10 000 rows', ROWS, 'structuredClone(rows).length'),
    op('map 100 000 numbers by Math.sqrt', NUMS, 'nums.map(Math.sqrt).length'),
    op('filter 100 000 numbers by Boolean', NUMS, 'nums.filter(Boolean).length'),
    op('every of 1 000 000 numbers by Number.isFinite', BIG, 'big.every(Number.isFinite)'),
    op('flatMap 100 000 numbers', NUMS, 'nums.flatMap((x) => x).length'),
    op('Array.from 100 000 numbers with a map function', NUMS, 'Array.from(nums, (x) => x * 2).length'),
    op('new Set of 100 000 distinct numbers', NUMS, 'new Set(nums).size'),
    op('new Set of 1 000 000 numbers, 1 000 distinct', BIG, 'new Set(big).size'),
    op('new Map of 100 000 entries', `${NUMS} const pairs = nums.map((n) => [n, n]);`, 'new Map(pairs).size'),
    op(
      'Object.fromEntries of 100 entries, 100 times',
      ENTRIES,
      '{ let s = 0; for (let i = 0; i < 100; i++) s += Object.fromEntries(pairs).k1; return s; }',
    ),
    op('new Int32Array of 1 000 000 numbers', BIG, 'new Int32Array(big).length'),
    op('sort 100 000 numbers through Reflect.apply', NUMS, 'Reflect.apply(Array.prototype.sort, nums.slice(), [])[0]'),
  ];
}

export const CPU_OPERATIONS: CpuOperation[] = [
  {
    name: 'pbkdf2-sha256 in plain JS, 1 000 iterations',
    source: `${SHA256}
const pw = new Uint8Array([112, 97, 115, 115, 119, 111, 114, 100]);
const salt = new Uint8Array(16).fill(7);
module.exports = () => pbkdf2(pw, salt, 1000)[0];`,
  },
  {
    name: 'recursive fib(25)',
    source: 'function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }\nmodule.exports = () => fib(25);',
  },
  {
    name: 'for loop summing 1 000 000 numbers',
    source: `const xs = []; for (let i = 0; i < 1000000; i++) xs.push(i % 1000);
module.exports = () => { let s = 0; for (let i = 0; i < xs.length; i++) s += xs[i]; return s; };`,
  },
  {
    name: 'map/filter/reduce over 100 000 objects',
    source: `const xs = []; for (let i = 0; i < 100000; i++) xs.push({ id: i, price: i % 977, qty: i % 13 });
module.exports = () => xs.map((x) => ({ id: x.id, total: x.price * x.qty })).filter((x) => x.total > 500).reduce((s, x) => s + x.total, 0);`,
  },
  {
    name: 'string built char by char, 200 000 chars',
    source: `module.exports = () => { let s = ''; for (let i = 0; i < 200000; i++) s += String.fromCharCode(97 + (i % 26)); return s.length; };`,
  },
  {
    name: 'HTML of 20 000 rows, a template each, +=',
    source: `module.exports = () => { let html = ''; for (let i = 0; i < 20000; i++) html += \`<tr><td>\${i}</td><td>name \${i}</td></tr>\`; return html.length; };`,
  },
  {
    name: 'JSON.stringify of 10 000 rows',
    source: `${ROWS}\nmodule.exports = () => JSON.stringify(rows).length;`,
  },
  {
    name: 'JSON.parse of 10 000 rows',
    source: `${ROWS}\nconst text = JSON.stringify(rows);\nmodule.exports = () => JSON.parse(text).length;`,
  },
  {
    name: 'sort 10 000 rows by a comparator',
    source: `${ROWS}\nmodule.exports = () => rows.slice().sort((a, b) => a.price_cents - b.price_cents || a.id - b.id)[0].id;`,
  },
  ...builtinOperations(),
];
