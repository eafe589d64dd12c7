/**
 * Meters the CPU work of code evaluated in the service's compartment (the service and its
 * bundled libraries), so pure computation costs virtual time as it costs real time in Node
 * (DESIGN.md §3). Every function body and every loop body is a region; on each entry to a
 * region (a call, an iteration) the code adds the region's weight, its number of syntax
 * nodes outside nested functions and loops, to a counter: `M.n += 12;`. The event loop turns
 * the counter into CPU milliseconds (cpu-meter.ts), calibrated by bench/calibrate-cpu.ts.
 *
 * The counter object is bound to a name that does not occur in the code at all, in a
 * closure around the module function (evaluate.ts), so the code can neither name it nor
 * reach it through `arguments`. Insertions never contain a newline: line numbers, which the
 * source map and the learner's error positions rely on, stay as they were.
 *
 * Calls to built-ins whose work grows with their input (`sort`, `join`, a regex's `test`,
 * `Array.from`, a spread…) are rewritten so the value that sizes the work passes through the
 * same counter object on its way (builtin-call-sites.ts, runtime/process/builtin-meter.ts).
 * So is a string concatenation, which allocates: `a + b`, `s += c` and each piece a template
 * joins cost `concat` units, counted with the region's weight when the syntax says the
 * result is a string (`'<td>' + x`, a template), or by the meter's `s` when only the run can
 * tell (`s += chunk` becomes `M.s(s += chunk)`). `i + 1` is taken for arithmetic.
 *
 * One rewrite changes no charge: an async function lowered by esbuild,
 * `(a) => __async(this, null, function* () {...})`, would make a new generator function on
 * every call, and V8 builds a prototype and a map for each one it runs (~2 µs, more than the
 * rest of the call). Each such generator is made once per run of the block it is written in
 * and kept in a variable of that block: `(a) => __async(this, [a]||null, (G??=M.i(function* (a) {...})))`
 * (see `cachedAsyncBodies`). The charges are those of the code as written.
 *
 * Simplified: a region's weight counts syntax nodes, not V8's machine instructions, and a
 * branch not taken costs as much as one taken. Code made at run time with `Function` is
 * metered the same way (metered-function.ts); `eval` is refused.
 */
import { parse } from 'acorn';
import {
  builtinCallWraps,
  type Chains,
  concatenation,
  concatenationWrap,
  constructorWraps,
  enterChain,
  type SiteSuffix,
  spreadWrap,
  type Wrap,
} from './builtin-call-sites.ts';
import { STRING_CONCAT_UNITS } from '../runtime/process/builtin-meter.ts';
import { computedCallWraps, destructuringWrap, referenceWraps } from './builtin-references.ts';

/** Code ready to be wrapped: `code` refers to the counter object by `meterName`. */
export interface InstrumentedCode {
  code: string;
  meterName: string;
  /**
   * With profiling (see cpu-profile.ts): each region entry also counts one on
   * `tallyName[regionId]`, a Float64Array of `regions.length` bound beside the counter.
   */
  tallyName?: string;
  regions?: MeteredRegion[];
  /** Pairs of [offset in the code as given, length of the text inserted there], in order: to map a stack's column back. */
  insertions?: number[];
}

/** One region (a function body, a loop body, or the module's top level) of the original code. */
export interface MeteredRegion {
  /** Offsets of the function or loop in the code as given, before instrumentation. */
  start: number;
  end: number;
  /** The function this region's work is part of (a loop's is its enclosing function's). */
  functionStart: number;
  /** That function's name, as a profile shows it: `verifyPassword`, `(anonymous)`. */
  functionName: string;
  /** Where the region's weight sits: pairs of [offset of a node, units], one per source line touched. */
  weights: number[];
}

export interface AstNode {
  type: string;
  start: number;
  end: number;
  [key: string]: unknown;
}

/**
 * Units a region's syntax costs, calibrated by bench/calibrate-cpu.ts: a syntax node is
 * one unit; a call, entering a function, and allocating (an object or array literal, `new`,
 * a closure) cost far more than arithmetic in V8's optimised code, and are weighted so. A
 * function written as an argument is taken for a callback that a built-in calls (`sort`,
 * `map`, `forEach`), which V8 cannot inline as it inlines a direct call, so entering it costs more;
 * its weight is the built-in's work per element too, which is why an iteration whose callback is
 * written in place is not charged by size (builtin-call-sites.ts), and one whose callback is
 * anything else (`xs.map(Math.sqrt)`, a function declared elsewhere) is.
 * A string concatenation allocates a small string (runtime/process/builtin-meter.ts).
 */
export const CPU_UNIT_WEIGHTS = {
  node: 1,
  functionEntry: 20,
  callbackEntry: 300,
  call: 30,
  allocation: 150,
  concat: STRING_CONCAT_UNITS,
};

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression']);
const CALL_TYPES = new Set(['CallExpression', 'NewExpression', 'TaggedTemplateExpression']);
const ALLOCATION_TYPES = new Set(['ObjectExpression', 'ArrayExpression', 'NewExpression', 'FunctionExpression', 'ArrowFunctionExpression']);
const LOOP_TYPES = new Set(['ForStatement', 'ForInStatement', 'ForOfStatement', 'WhileStatement', 'DoWhileStatement']);
/**
 * Keys that hold no child nodes, skipped when walking for speed. Not `value`: a method's,
 * a property's and a class field's value is a node (a literal's is not, and is passed over).
 */
const LEAF_KEYS = new Set(['type', 'start', 'end', 'loc', 'range', 'raw', 'name', 'operator', 'kind', 'regex', 'bigint']);

/** Instrumented sources are kept by text: a library or a re-run service is parsed once. */
const cache = new Map<string, InstrumentedCode>();
const CACHE_ENTRIES_MAX = 32;

/**
 * Adds the metering charges to `js` (a CommonJS module body, as esbuild emits it). With
 * `profile`, each region also counts its entries, so a profile can say where the units went.
 */
export function instrumentCpu(js: string, profile = false): InstrumentedCode {
  const key = profile ? `\u0000profile\u0000${js}` : js;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = instrumentOnce(js, profile);
  if (cache.size >= CACHE_ENTRIES_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, result);
  return result;
}

function instrumentOnce(js: string, profile: boolean): InstrumentedCode {
  const meterName = freshName(js);
  // `meterName` occurs nowhere in `js`, so neither does any name that contains it.
  const tallyName = `${meterName}r`;
  const regions: MeteredRegion[] = [];
  const lineOf = profile ? lineIndex(js) : undefined;
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowReturnOutsideFunction: true,
    allowHashBang: true,
  }) as unknown as AstNode;
  const inserts: Insert[] = [];
  // `depth` is that of the node that makes the insertion: where two meet at one position, the
  // outer one opens first and closes last.
  const insertOpen = (at: number, text: string, depth: number): void => {
    inserts.push({ at, text, closes: false, depth, i: inserts.length });
  };
  const insertClose = (at: number, text: string, depth: number): void => {
    inserts.push({ at, text, closes: true, depth, i: inserts.length });
  };
  const around = (wrap: Wrap, depth: number): void => {
    insertOpen(wrap.node.start, wrap.before, depth);
    insertClose(wrap.node.end, wrap.after, depth);
  };
  const chains: Chains = { links: new Set(), topOf: new Map() };
  const charge = (weight: number, region?: Region): string =>
    profile && region?.id !== undefined ? `${meterName}.n+=${weight};${tallyName}[${region.id}]++;` : `${meterName}.n+=${weight};`;
  // Each region: its node, and the weight counted so far. The program is a region too.
  const w = CPU_UNIT_WEIGHTS;
  const callbacks = new Set<AstNode>();
  const names = new Map<AstNode, string>();
  /**
   * A new region inside `parent`; with profiling, numbered and described for the profile. A
   * loop's work is its function's; an async function's lowered generator is that function.
   */
  const open = (node: AstNode, weight: number, parent: Region | undefined, isFunction: boolean): Region => {
    const own: Region = { weight };
    if (!profile) return own;
    own.id = regions.length;
    own.lines = new Map();
    const outer = parent?.info;
    const inherits = outer && (!isFunction || names.get(node) === ASYNC_BODY);
    own.info = {
      start: node.start,
      end: node.end,
      functionStart: inherits ? outer.functionStart : node.start,
      functionName: inherits ? outer.functionName : parent ? functionName(node, names) : '(top level)',
      weights: [],
    };
    regions.push(own.info);
    if (weight) own.lines.set((lineOf as (at: number) => number)(node.start), [node.start, weight]);
    return own;
  };
  /** With profiling, notes `units` of the region's weight on the line where `node` starts. */
  const note = (region: Region, node: AstNode, units: number): void => {
    if (!region.lines) return;
    const line = (lineOf as (at: number) => number)(node.start);
    const at = region.lines.get(line);
    if (at) at[1] += units;
    else region.lines.set(line, [node.start, units]);
  };
  /**
   * With profiling, a call site charged at run time is a region of its own whose entries are
   * the units charged there (weight 1), on the site's line, in the function around it.
   */
  const siteOf = (node: AstNode, region: Region): string => {
    if (!profile || !region.info) return '';
    const id = regions.length;
    const { functionStart, functionName } = region.info;
    regions.push({ start: node.start, end: node.end, functionStart, functionName, weights: [node.start, 1] });
    return `,${tallyName},${id}`;
  };
  const tagged = new Set<AstNode>();
  /** The scopes around the node being visited, innermost last. */
  const scopes: AstNode[] = [];
  const asyncBodies = new AsyncBodies(js);
  const visit = (node: AstNode, region: Region, depth: number): void => {
    const scoped = SCOPE_TYPES.has(node.type);
    if (scoped) scopes.push(node);
    visitIn(node, region, depth);
    if (scoped) scopes.pop();
  };
  const visitIn = (node: AstNode, region: Region, depth: number): void => {
    const before = region.weight;
    const site: SiteSuffix = (n) => siteOf(n, region);
    region.weight += w.node;
    if (CALL_TYPES.has(node.type)) {
      region.weight += w.call;
      for (const arg of (node.arguments as AstNode[] | undefined) ?? []) if (FUNCTION_TYPES.has(arg.type)) callbacks.add(arg);
      if (node.type === 'CallExpression') {
        for (const wrap of builtinCallWraps(node, meterName, chains, site)) around(wrap, depth);
        for (const wrap of computedCallWraps(node, meterName, chains, site)) around(wrap, depth);
      }
      if (node.type === 'NewExpression') for (const wrap of constructorWraps(node, meterName, site)) around(wrap, depth);
    }
    if (node.type === 'ChainExpression') enterChain(node, chains);
    for (const wrap of referenceWraps(node, meterName)) around(wrap, depth);
    const destructured =
      node.type === 'VariableDeclarator'
        ? destructuringWrap(node.id as AstNode, node.init as AstNode | null, meterName, js)
        : node.type === 'ExpressionStatement' && (node.expression as AstNode).type === 'AssignmentExpression'
          ? destructuringWrap((node.expression as AstNode).left as AstNode, (node.expression as AstNode).right as AstNode, meterName, js)
          : undefined;
    if (destructured) around(destructured, depth);
    if (node.type === 'ArrayExpression' || node.type === 'CallExpression' || node.type === 'NewExpression') {
      const items = (node.type === 'ArrayExpression' ? node.elements : node.arguments) as Array<AstNode | null>;
      for (const item of items) if (item?.type === 'SpreadElement') around(spreadWrap(item, meterName, site), depth);
    }
    if (ALLOCATION_TYPES.has(node.type)) region.weight += w.allocation;
    if ((node.type === 'BinaryExpression' && node.operator === '+') || (node.type === 'AssignmentExpression' && node.operator === '+=')) {
      const made = concatenation(node.left as AstNode, node.right as AstNode);
      if (made === 'string') region.weight += w.concat;
      else if (made === 'unknown') around(concatenationWrap(node, meterName, site), depth);
    }
    // A tagged template's parts go to the tag as they are: no string is built.
    if (node.type === 'TaggedTemplateExpression') tagged.add(node.quasi as AstNode);
    if (node.type === 'TemplateLiteral' && !tagged.has(node)) region.weight += w.concat * templateJoins(node);
    if (profile) {
      note(region, node, region.weight - before);
      nameChildren(node, names);
    }
    asyncBodies.note(node);
    if (FUNCTION_TYPES.has(node.type)) {
      // `scopes` ends with this function itself: the scope it is written in is the one before.
      asyncBodies.offer(node, scopes[scopes.length - 2], depth);
      const own = open(node, callbacks.has(node) ? w.callbackEntry : w.functionEntry, region, true);
      for (const p of node.params as AstNode[]) visit(p, own, depth + 1);
      const body = node.body as AstNode;
      visit(body, own, depth + 1);
      close(own);
      if (body.type === 'BlockStatement') insertOpen(body.start + 1, charge(own.weight, own), depth);
      else {
        const tally = own.id !== undefined ? `${tallyName}[${own.id}]++,` : '';
        insertOpen(body.start, `(${meterName}.n+=${own.weight},${tally}`, depth);
        insertClose(body.end, ')', depth);
      }
      return;
    }
    if (LOOP_TYPES.has(node.type)) {
      const own = open(node, 0, region, false);
      for (const key of ['init', 'left', 'right']) if (node[key]) visit(node[key] as AstNode, region, depth + 1);
      for (const key of ['test', 'update']) if (node[key]) visit(node[key] as AstNode, own, depth + 1);
      const body = node.body as AstNode;
      visit(body, own, depth + 1);
      close(own);
      if (body.type === 'BlockStatement') insertOpen(body.start + 1, charge(own.weight, own), depth);
      else {
        insertOpen(body.start, `{${charge(own.weight, own)}`, depth);
        insertClose(body.end, '}', depth);
      }
      return;
    }
    for (const key in node) {
      if (LEAF_KEYS.has(key)) continue;
      const child = node[key];
      if (Array.isArray(child)) {
        for (const c of child)
          if (c && typeof c === 'object' && typeof (c as AstNode).type === 'string') visit(c as AstNode, region, depth + 1);
      } else if (child && typeof child === 'object' && typeof (child as AstNode).type === 'string')
        visit(child as AstNode, region, depth + 1);
    }
  };
  const close = (region: Region): void => {
    if (region.info && region.lines) for (const [at, units] of region.lines.values()) region.info.weights.push(at, units);
  };
  const top = open(program, 0, undefined, true);
  visit(program, top, 1);
  close(top);
  insertOpen(0, charge(top.weight, top), 0);
  asyncBodies.insert(meterName, insertOpen, insertClose);
  const code = applyInserts(js, inserts);
  if (!profile) return { code, meterName };
  const insertions = inserts.flatMap((x) => [x.at, x.text.length]);
  return { code, meterName, tallyName, regions, insertions: sortedPairs(insertions) };
}

/** Nodes that open a scope of their own: a generator cached in one must be declared in it. */
const SCOPE_TYPES = new Set([
  'Program',
  'BlockStatement',
  'StaticBlock',
  'SwitchStatement',
  'CatchClause',
  'ClassBody',
  ...FUNCTION_TYPES,
  ...LOOP_TYPES,
]);

/** esbuild's helper for lowered async functions, as it names it when nothing else is so named. */
const ASYNC_HELPER = '__async';

interface AsyncBodySite {
  /** The block whose variable keeps the generator. */
  scope: AstNode;
  generator: AstNode;
  args: AstNode;
  /** The async function's parameters, passed to the generator (when it took none of its own). */
  params: string[] | undefined;
  depth: number;
}

/**
 * The generators of esbuild's lowered async functions, made once per run of their block
 * rather than once per call. A site qualifies when the async function's whole body is
 * `return __async(THIS, ARGS, function* (...) {...})` and either
 * - ARGS is `null` and the generator takes no parameters: it reads the function's own, all
 *   plain names (a default or a rest is evaluated by the function, as before), which become
 *   the generator's parameters and are passed to it, and it does not read `arguments`; or
 * - ARGS is `arguments` or an array, and the generator reads none of the function's
 *   parameters (its own are what it reads);
 * and the function is written directly in a block (or the module's top level), so every call
 * of it sees the same variables around it as the generator made first. Anything else is
 * left as esbuild wrote it, as is every site when `__async` names anything but esbuild's helper.
 */
class AsyncBodies {
  private readonly sites: AsyncBodySite[] = [];
  /** Occurrences of the helper's name, and how many of them are the helper and its calls. */
  private mentions = 0;
  private accounted = 0;

  constructor(private readonly js: string) {}

  /** Counts each occurrence of the helper's name, and each that is its definition. */
  note(node: AstNode): void {
    if (node.type === 'Identifier' && node.name === ASYNC_HELPER) this.mentions++;
    if (node.type === 'VariableDeclarator') {
      const id = node.id as AstNode;
      const init = node.init as AstNode | null;
      const params = (init?.params as AstNode[] | undefined)?.map((p) => (p.type === 'Identifier' ? p.name : ''));
      if (
        id.type === 'Identifier' &&
        id.name === ASYNC_HELPER &&
        init?.type === 'ArrowFunctionExpression' &&
        params?.join() === '__this,__arguments,generator'
      )
        this.accounted++;
    }
  }

  /** Records `fn` if it is a lowered async function whose generator can be kept in `scope`. */
  offer(fn: AstNode, scope: AstNode | undefined, depth: number): void {
    const call = loweredCall(fn);
    if (!call) return;
    this.accounted++; // its callee is the helper, whether or not the site qualifies
    if (scope?.type !== 'BlockStatement' && scope?.type !== 'Program') return;
    const [, args, generator] = call.arguments as AstNode[];
    const params = plainParams(fn);
    if (!params) return;
    const text = this.js.slice(generator.start, generator.end);
    const reads = (name: string) => new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`).test(text);
    const ownParams = (generator.params as AstNode[]).length > 0;
    if (args.type === 'Literal' && args.value === null && !ownParams && !reads('arguments')) {
      this.sites.push({ scope, generator, args, params, depth });
    } else if ((args.type === 'ArrayExpression' || (args.type === 'Identifier' && args.name === 'arguments')) && !params.some(reads)) {
      this.sites.push({ scope, generator, args, params: undefined, depth });
    }
  }

  /** Adds the rewrite of every qualifying site, unless `__async` may name something else. */
  insert(
    meterName: string,
    insertOpen: (at: number, text: string, depth: number) => void,
    insertClose: (at: number, text: string, depth: number) => void,
  ): void {
    if (this.mentions !== this.accounted) return;
    this.sites.forEach((site, i) => {
      // `meterName` occurs nowhere in the code, so no name that contains it does.
      const name = `${meterName}g${i}`;
      insertOpen(site.scope.type === 'Program' ? 0 : site.scope.start + 1, `let ${name};`, 0);
      if (site.params?.length) {
        insertOpen(site.args.start, `[${site.params.join(',')}]||`, site.depth);
        insertOpen(this.js.indexOf('(', site.generator.start) + 1, site.params.join(','), site.depth + 1);
      }
      // Through a call: `G ??= f` would name the generator after G in stack traces.
      insertOpen(site.generator.start, `(${name}??=${meterName}.i(`, site.depth);
      insertClose(site.generator.end, '))', site.depth);
    });
  }
}

/** `fn`'s whole body is a call `__async(THIS, ARGS, function* (...) {...})`: that call. */
function loweredCall(fn: AstNode): AstNode | undefined {
  let body = fn.body as AstNode;
  if (body.type === 'BlockStatement') {
    const statements = body.body as AstNode[];
    if (statements.length !== 1 || statements[0].type !== 'ReturnStatement') return undefined;
    body = statements[0].argument as AstNode;
    if (!body) return undefined;
  }
  if (body.type !== 'CallExpression') return undefined;
  const callee = body.callee as AstNode;
  const args = body.arguments as AstNode[];
  if (callee.type !== 'Identifier' || callee.name !== ASYNC_HELPER || args.length !== 3) return undefined;
  const generator = args[2];
  if (generator.type !== 'FunctionExpression' || !generator.generator || generator.async || generator.id) return undefined;
  return body;
}

/** The names of `fn`'s parameters when each is a plain name, with or without a default or a rest. */
function plainParams(fn: AstNode): string[] | undefined {
  const names: string[] = [];
  for (const p of fn.params as AstNode[]) {
    const target = p.type === 'AssignmentPattern' ? (p.left as AstNode) : p.type === 'RestElement' ? (p.argument as AstNode) : p;
    if (target.type !== 'Identifier') return undefined;
    names.push(target.name as string);
  }
  return names;
}

/** A region while it is being weighed; the profiling fields are set only when profiling. */
interface Region {
  weight: number;
  id?: number;
  info?: MeteredRegion;
  /** Compiled line -> [offset of its first node, units]. */
  lines?: Map<number, [number, number]>;
}

/**
 * The concatenations a template literal makes: one fewer than its pieces, each expression and
 * each non-empty text between them (`<td>${x}</td>` joins three pieces: two). Converting an
 * expression's value to a string is not charged.
 */
function templateJoins(template: AstNode): number {
  const texts = (template.quasis as AstNode[]).filter((q) => (q.value as { raw: string }).raw !== '').length;
  return Math.max(0, texts + (template.expressions as AstNode[]).length - 1);
}

/** Line number (0-based) of an offset in `text`, by binary search over line starts. */
function lineIndex(text: string): (at: number) => number {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return (at) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
}

/**
 * Names the anonymous functions a node holds as a profile would: by the variable, property or
 * method they are assigned to. A function with none keeps `(anonymous)`.
 */
function nameChildren(node: AstNode, names: Map<AstNode, string>): void {
  const fn = (n: unknown): n is AstNode => !!n && FUNCTION_TYPES.has((n as AstNode).type);
  const keyName = (key: unknown): string | undefined => {
    const k = key as AstNode | undefined;
    if (!k) return undefined;
    if (k.type === 'Identifier' || k.type === 'PrivateIdentifier') return k.name as string;
    if (k.type === 'Literal') return String(k.value);
    return undefined;
  };
  if (node.type === 'VariableDeclarator' && fn(node.init)) {
    const id = keyName(node.id);
    if (id) names.set(node.init, id);
  } else if ((node.type === 'Property' || node.type === 'MethodDefinition' || node.type === 'PropertyDefinition') && fn(node.value)) {
    const key = keyName(node.key);
    if (key) names.set(node.value, key);
  } else if (node.type === 'AssignmentExpression' && fn(node.right)) {
    const left = node.left as AstNode;
    const key = left.type === 'MemberExpression' ? keyName(left.property) : keyName(left);
    if (key) names.set(node.right, key);
  } else if (CALL_TYPES.has(node.type)) {
    // An async function lowered by esbuild: `(a) => __async(this, null, function* () {...})`.
    // The generator is the function's body, so it takes the function's name.
    const callee = node.callee as AstNode | undefined;
    const args = (node.arguments as AstNode[] | undefined) ?? [];
    if (callee?.type === 'Identifier' && callee.name === '__async' && fn(args[2])) names.set(args[2], ASYNC_BODY);
    // A route handler: `app.post('/api/login', async (req, reply) => ...)` is `POST /api/login`.
    const verb = callee?.type === 'MemberExpression' ? keyName(callee.property) : undefined;
    const path = args[0]?.type === 'Literal' && typeof args[0].value === 'string' ? args[0].value : undefined;
    const handler = args.findLast((a) => fn(a));
    if (verb && HTTP_VERBS.has(verb) && path?.startsWith('/') && handler) names.set(handler, `${verb.toUpperCase()} ${path}`);
  }
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);

/** Marks a generator that is an async function's lowered body. */
const ASYNC_BODY = '\u0000async';

/** The name a profile shows for a function node. */
function functionName(node: AstNode, names: Map<AstNode, string>): string {
  const id = node.id as AstNode | null | undefined;
  if (id?.type === 'Identifier') return id.name as string;
  return names.get(node) ?? '(anonymous)';
}

/** Pairs [offset, length] sorted by offset, lengths at one offset added together. */
function sortedPairs(flat: number[]): number[] {
  const byAt = new Map<number, number>();
  for (let i = 0; i < flat.length; i += 2) byAt.set(flat[i], (byAt.get(flat[i]) ?? 0) + flat[i + 1]);
  return [...byAt.entries()].sort((a, b) => a[0] - b[0]).flat();
}

/** Text to insert at a position; see `instrumentOnce` for the order at one position. */
interface Insert {
  at: number;
  text: string;
  /** Ends a bracket or a wrap: comes before anything that opens at the same position. */
  closes: boolean;
  depth: number;
  /** Order of making, the last tie-break. */
  i: number;
}

/**
 * Applies insertions in position order. At one position, what closes comes first, innermost
 * first; then what opens, outermost first.
 */
function applyInserts(js: string, inserts: Insert[]): string {
  const order = inserts.slice().sort((a, b) => {
    if (a.at !== b.at) return a.at - b.at;
    if (a.closes !== b.closes) return a.closes ? -1 : 1;
    return a.closes ? b.depth - a.depth || b.i - a.i : a.depth - b.depth || a.i - b.i;
  });
  const parts: string[] = [];
  let from = 0;
  for (const ins of order) {
    parts.push(js.slice(from, ins.at), ins.text);
    from = ins.at;
  }
  parts.push(js.slice(from));
  return parts.join('');
}

/** A name for the counter that occurs nowhere in `js`, so no code in it can refer to it. */
function freshName(js: string): string {
  let name = '$cpu';
  for (let i = 0; js.includes(name); i++) name = `$cpu${i}`;
  return name;
}
