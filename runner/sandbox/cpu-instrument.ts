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
 *
 * Simplified: a region's weight counts syntax nodes, not V8's machine instructions, and a
 * branch not taken costs as much as one taken. Code made at run time with `Function` is
 * metered the same way (metered-function.ts); `eval` is refused.
 */
import { parse } from 'acorn';
import { builtinCallWraps, type Chains, enterChain, spreadWrap, type Wrap } from './builtin-call-sites.ts';

/** Code ready to be wrapped: `code` refers to the counter object by `meterName`. */
export interface InstrumentedCode {
  code: string;
  meterName: string;
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
 * `map`, `forEach`), which V8 cannot inline as it inlines a direct call, so entering it costs more.
 */
export const CPU_UNIT_WEIGHTS = { node: 1, functionEntry: 20, callbackEntry: 300, call: 30, allocation: 150 };

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

/** Adds the metering charges to `js` (a CommonJS module body, as esbuild emits it). */
export function instrumentCpu(js: string): InstrumentedCode {
  const hit = cache.get(js);
  if (hit) return hit;
  const result = instrumentOnce(js);
  if (cache.size >= CACHE_ENTRIES_MAX) cache.delete(cache.keys().next().value as string);
  cache.set(js, result);
  return result;
}

function instrumentOnce(js: string): InstrumentedCode {
  const meterName = freshName(js);
  const program = parse(js, {
    ecmaVersion: 'latest',
    sourceType: 'script',
    allowReturnOutsideFunction: true,
    allowHashBang: true,
  }) as unknown as AstNode;
  const inserts: Insert[] = [];
  // `depth` is that of the node that makes the insertion: where two meet at one position, the
  // outer one opens first and closes last.
  const open = (at: number, text: string, depth: number): void => {
    inserts.push({ at, text, closes: false, depth, i: inserts.length });
  };
  const close = (at: number, text: string, depth: number): void => {
    inserts.push({ at, text, closes: true, depth, i: inserts.length });
  };
  const around = (w: Wrap, depth: number): void => {
    open(w.node.start, w.before, depth);
    close(w.node.end, w.after, depth);
  };
  const charge = (weight: number): string => `${meterName}.n+=${weight};`;
  // Each region: its node, and the weight counted so far. The program is a region too.
  const w = CPU_UNIT_WEIGHTS;
  const callbacks = new Set<AstNode>();
  const chains: Chains = { links: new Set(), topOf: new Map() };
  const visit = (node: AstNode, region: { weight: number }, depth: number): void => {
    region.weight += w.node;
    if (CALL_TYPES.has(node.type)) {
      region.weight += w.call;
      for (const arg of (node.arguments as AstNode[] | undefined) ?? []) if (FUNCTION_TYPES.has(arg.type)) callbacks.add(arg);
      if (node.type === 'CallExpression') for (const wrap of builtinCallWraps(node, meterName, chains)) around(wrap, depth);
    }
    if (node.type === 'ChainExpression') enterChain(node, chains);
    if (node.type === 'ArrayExpression' || node.type === 'CallExpression' || node.type === 'NewExpression') {
      const items = (node.type === 'ArrayExpression' ? node.elements : node.arguments) as Array<AstNode | null>;
      for (const item of items) if (item?.type === 'SpreadElement') around(spreadWrap(item, meterName), depth);
    }
    if (ALLOCATION_TYPES.has(node.type)) region.weight += w.allocation;
    if (FUNCTION_TYPES.has(node.type)) {
      const own = { weight: callbacks.has(node) ? w.callbackEntry : w.functionEntry };
      for (const p of node.params as AstNode[]) visit(p, own, depth + 1);
      const body = node.body as AstNode;
      visit(body, own, depth + 1);
      if (body.type === 'BlockStatement') open(body.start + 1, charge(own.weight), depth);
      else {
        open(body.start, `(${meterName}.n+=${own.weight},`, depth);
        close(body.end, ')', depth);
      }
      return;
    }
    if (LOOP_TYPES.has(node.type)) {
      const own = { weight: 0 };
      for (const key of ['init', 'left', 'right']) if (node[key]) visit(node[key] as AstNode, region, depth + 1);
      for (const key of ['test', 'update']) if (node[key]) visit(node[key] as AstNode, own, depth + 1);
      const body = node.body as AstNode;
      visit(body, own, depth + 1);
      if (body.type === 'BlockStatement') open(body.start + 1, charge(own.weight), depth);
      else {
        open(body.start, `{${charge(own.weight)}`, depth);
        close(body.end, '}', depth);
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
  const top = { weight: 0 };
  visit(program, top, 1);
  open(0, charge(top.weight), 0);
  return { code: applyInserts(js, inserts), meterName };
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
