/**
 * Which calls to built-ins are charged by size (runtime/process/builtin-meter.ts), and how the
 * instrumentation (cpu-instrument.ts) rewrites them. A call is recognised by its method's
 * name alone, whatever the receiver turns out to be at run time; the meter then charges only
 * what the kind charges for (an array's `sort`, not a user class's `sort`), so a method of
 * the service's own with one of these names costs a look at its receiver's type and nothing
 * more. Each rewrite passes one value through the meter and gets it back unchanged (`K` is
 * the kind's number):
 * - the receiver, before the call: `rows.sort(f)` → `M.r(rows,K).sort(f)`, so `this`, the
 *   order of evaluation and an optional call `rows?.sort()` stay as they were;
 * - the result, after the call, when only the result tells the size (`Object.keys(o)`,
 *   `'-'.repeat(n)`, `Array.from(set)`): `M.r(Object.keys(o),K)`;
 * - for `re.test(s)`, `bytes.set(src)` and `Object.fromEntries(pairs)`, the receiver says
 *   whether to charge and the argument how much: `M.p(re,K).test(M.a(s,K))`;
 * - an iteration (`map`, `forEach`, `every`…) by its receiver, unless its callback is a
 *   function written in place, whose entries are metered with a weight that carries the
 *   iteration's cost per element: `xs.map(Math.sqrt)` → `M.r(xs,K).map(Math.sqrt)`;
 * - a constructor that consumes an array, by its argument and the Set or Map it builds:
 *   `new Set(xs)` → `M.r(new Set(M.c(Set,xs,K)),K2)`;
 * - the receiver of `.call(`, `.apply(`, `.construct(`, whose callee only the run knows:
 *   `M.v(Math.max,1).apply(null, xs)` (runtime/process/builtin-indirect-calls.ts);
 * - a spread's operand: `[...M.r(rows,K)]`.
 * With a CPU profile, each charging wrap also passes its call site (`M.r(rows,K,T,7)`, see
 * `SiteSuffix`), so the units land on the line that made the call.
 *
 * A built-in reached any other way (kept in a variable, bound, handed on, called by a computed
 * name, a constructor by another name or through `super(xs)`) is charged through its stand-in
 * (builtin-references.ts); a method of `super` charged by its receiver charges `this`
 * (`super.sort()`).
 *
 * Not charged here: a receiver or result inside an optional chain that short-circuits before
 * the call (`a?.rows.sort()`), whose rewrite would change the chain.
 */
import { type BuiltinKind, builtinKindIndex, RECEIVER_METHODS } from '../runtime/process/builtin-meter.ts';
import { VIA_APPLY, VIA_CALL, VIA_CONSTRUCT } from '../runtime/process/builtin-indirect-calls.ts';
import type { AstNode } from './cpu-instrument.ts';

type Site =
  /**
   * The receiver's size; `withArguments` instead when the call has arguments (a comparator).
   * With `unlessWrittenAt`, not charged when that argument is a function written in place: its
   * entry weight carries the per-element cost (cpu-instrument.ts `callbackEntry`).
   */
  | { at: 'receiver'; kind: BuiltinKind; withArguments?: BuiltinKind; unlessWrittenAt?: number }
  /** The result's size; `withArguments` instead when the call has more than one argument (a map function). */
  | { at: 'result'; kind: BuiltinKind; withArguments?: BuiltinKind }
  | { at: 'argument'; kind: BuiltinKind }
  /** The callee of a `.call(`/`.apply(`/`.construct(`, known at run time (builtin-indirect-calls.ts). */
  | { at: 'via'; which: number };

const SITES = new Map<string, Site>();
const add = (names: string[], site: Site): void => {
  for (const name of names) SITES.set(name, site);
};
for (const [name, method] of RECEIVER_METHODS) {
  const { kind, withArguments, unlessWritten } = method;
  SITES.set(name, { at: 'receiver', kind, withArguments, unlessWrittenAt: unlessWritten ? 0 : undefined });
}
add(['test', 'exec'], { at: 'argument', kind: 'regex' });
add(['set'], { at: 'argument', kind: 'copyInto' });
add(['slice'], { at: 'result', kind: 'slice' });
add(['concat'], { at: 'result', kind: 'copy' });
add(['from'], { at: 'result', kind: 'build', withArguments: 'buildBy' });
add(['fromEntries'], { at: 'argument', kind: 'fromEntries' });
add(['call'], { at: 'via', which: VIA_CALL });
add(['apply'], { at: 'via', which: VIA_APPLY });
add(['construct'], { at: 'via', which: VIA_CONSTRUCT });
add(['keys'], { at: 'result', kind: 'keys' });
add(['values'], { at: 'result', kind: 'values' });
add(['entries'], { at: 'result', kind: 'entries' });
add(['repeat', 'padStart', 'padEnd'], { at: 'result', kind: 'pad' });

const SPREAD = builtinKindIndex('spread');

/** A function written in place as an argument: the instrumentation meters its entries itself. */
const WRITTEN_FUNCTIONS = new Set(['FunctionExpression', 'ArrowFunctionExpression']);

/**
 * Constructors that consume an iterable or an array, by name: the kind charged by their first
 * argument, and by the Set or Map they build. The meter's `c` checks that the callee is the
 * real constructor, so a class of the service's own named `Set` is not charged.
 */
const CONSTRUCTORS = new Map<string, { argument: BuiltinKind; result?: BuiltinKind }>([
  ['Set', { argument: 'collect', result: 'insert' }],
  ['WeakSet', { argument: 'collect' }],
  ['Map', { argument: 'collectEntries', result: 'insert' }],
  ['WeakMap', { argument: 'collectEntries' }],
]);
for (const bits of ['Int8', 'Uint8', 'Uint8Clamped', 'Int16', 'Uint16', 'Int32', 'Uint32', 'Float32', 'Float64', 'BigInt64', 'BigUint64'])
  CONSTRUCTORS.set(`${bits}Array`, { argument: 'typedCopy' });

/** Text to put around a node: `before` at its start, `after` at its end. */
export interface Wrap {
  node: AstNode;
  before: string;
  after: string;
}

/** The optional chains being walked: the nodes of each chain's spine, and each chain's top call. */
export interface Chains {
  /** Member and call nodes that are links of an optional chain. */
  links: Set<AstNode>;
  /** The ChainExpression around a call that is a chain's last link. */
  topOf: Map<AstNode, AstNode>;
}

/** Records the links of `chain` (a ChainExpression) before its nodes are visited. */
export function enterChain(chain: AstNode, chains: Chains): void {
  let node = chain.expression as AstNode;
  chains.topOf.set(node, chain);
  while (node.type === 'MemberExpression' || node.type === 'CallExpression') {
    chains.links.add(node);
    node = (node.type === 'MemberExpression' ? node.object : node.callee) as AstNode;
  }
}

/**
 * The extra arguments that name a charging wrap's call site for a CPU profile (`,T,7`: the
 * module's tally and the site's region in it), or `''` without a profile. Called only for a
 * wrap that is made, with the node the wrap charges for.
 */
export type SiteSuffix = (node: AstNode) => string;

/** The wraps that meter `call` (a CallExpression), if it calls one of the charged methods. */
export function builtinCallWraps(call: AstNode, meter: string, chains: Chains, siteOf: SiteSuffix): Wrap[] {
  const callee = call.callee as AstNode;
  if (callee.type !== 'MemberExpression') return [];
  let site = SITES.get(methodName(callee) ?? '');
  const receiver = callee.object as AstNode;
  if (!site) return [];
  const args = call.arguments as AstNode[];
  if (receiver.type === 'Super') return superCallWraps(call, site, args, meter, chains, siteOf);
  // A receiver that an optional link before the call may short-circuit cannot be wrapped.
  const receiverFree = !(chains.links.has(call) && hasOptionalLink(receiver));
  if (site.at === 'via') return receiverFree ? [wrap(receiver, `${meter}.v(`, `,${site.which}${siteOf(call)})`)] : [];
  if (site.at === 'receiver') {
    if (!receiverFree) return [];
    const written = site.unlessWrittenAt !== undefined && WRITTEN_FUNCTIONS.has(args[site.unlessWrittenAt]?.type);
    if (written) return [];
    const kind = args.length > 0 && site.withArguments ? site.withArguments : site.kind;
    return [wrap(receiver, `${meter}.r(`, `,${builtinKindIndex(kind)}${siteOf(call)})`)];
  }
  if (site.at === 'result' && args.length > 1 && site.withArguments) site = { at: 'result', kind: site.withArguments };
  const k = builtinKindIndex(site.kind);
  if (site.at === 'argument') {
    const first = args[0];
    if (!receiverFree || !first || first.type === 'SpreadElement') return [];
    return [wrap(receiver, `${meter}.p(`, `,${k})`), wrap(first, `${meter}.a(`, `,${k}${siteOf(call)})`)];
  }
  // The result: of the whole chain when the call ends one, never of a link inside one.
  const top = chains.topOf.get(call);
  if (!top && chains.links.has(call)) return [];
  return [wrap(top ?? call, `${meter}.r(`, `,${k}${siteOf(call)})`)];
}

/**
 * A method charged by its receiver and called on `super` (`super.sort()` in a subclass of
 * Array): `super` cannot be wrapped, so its receiver, `this`, is charged before the call:
 * `(M.r(this,K), super.sort())`.
 */
function superCallWraps(call: AstNode, site: Site, args: AstNode[], meter: string, chains: Chains, siteOf: SiteSuffix): Wrap[] {
  if (site.at !== 'receiver' || chains.links.has(call)) return [];
  if (site.unlessWrittenAt !== undefined && WRITTEN_FUNCTIONS.has(args[site.unlessWrittenAt]?.type)) return [];
  const kind = args.length > 0 && site.withArguments ? site.withArguments : site.kind;
  return [{ node: call, before: `(${meter}.r(this,${builtinKindIndex(kind)}${siteOf(call)}),`, after: ')' }];
}

/**
 * The wraps that meter `node` (a NewExpression) when it calls one of the constructors above by
 * its name with an argument: `new Set(xs)` → `M.r(new Set(M.c(Set,xs,K)),K2)`. The name is read
 * again for `c` after the callee was evaluated, which has no effect, and the callee keeps its
 * text, so a failed construction's message names it as before.
 */
export function constructorWraps(node: AstNode, meter: string, siteOf: SiteSuffix): Wrap[] {
  const callee = node.callee as AstNode;
  const first = (node.arguments as AstNode[])[0];
  const charged = callee.type === 'Identifier' ? CONSTRUCTORS.get(callee.name as string) : undefined;
  if (!charged || !first || first.type === 'SpreadElement') return [];
  const k = builtinKindIndex(charged.argument);
  const at = siteOf(node);
  const wraps = [wrap(first, `${meter}.c(${callee.name as string},`, `,${k}${at})`)];
  if (charged.result) wraps.push(wrap(node, `${meter}.r(`, `,${builtinKindIndex(charged.result)}${at})`));
  return wraps;
}

/** The wrap that meters a spread element (`...x` in an array or a call's arguments). */
export function spreadWrap(spread: AstNode, meter: string, site: SiteSuffix): Wrap {
  return wrap(spread.argument as AstNode, `${meter}.r(`, `,${SPREAD}${site(spread)})`);
}

/**
 * What `a + b` (or `a += b`, whose operands are `left` and `right`) costs as a string
 * concatenation: `'string'` when an operand is a string literal or a template, so the result
 * is a string and the charge can be counted with the region's weight; `'number'` when an
 * operand is a number literal or a numeric unary (`i + 1`, `x + -y`), taken for arithmetic and
 * not charged, though `s + 1` does make a string; otherwise `'unknown'`, and the value is
 * passed through the meter's `s`, which charges it if it is a string.
 */
export function concatenation(left: AstNode, right: AstNode): 'string' | 'number' | 'unknown' {
  if (isStringSyntax(left) || isStringSyntax(right)) return 'string';
  if (isNumberSyntax(left) || isNumberSyntax(right)) return 'number';
  return 'unknown';
}

/** The wrap that charges a concatenation whose result's type only the run can tell. */
export function concatenationWrap(node: AstNode, meter: string, site: SiteSuffix): Wrap {
  return wrap(node, `${meter}.s(`, `${site(node)})`);
}

function isStringSyntax(node: AstNode): boolean {
  return (node.type === 'Literal' && typeof node.value === 'string') || node.type === 'TemplateLiteral';
}

function isNumberSyntax(node: AstNode): boolean {
  if (node.type === 'Literal') return typeof node.value === 'number' || typeof node.bigint === 'string';
  return node.type === 'UnaryExpression' && (node.operator === '-' || node.operator === '+' || node.operator === '~');
}

function wrap(node: AstNode, before: string, after: string): Wrap {
  // A sequence `(a, b)` would become two arguments: it keeps its parentheses.
  return node.type === 'SequenceExpression' ? { node, before: `${before}(`, after: `)${after}` } : { node, before, after };
}

function methodName(member: AstNode): string | undefined {
  const property = member.property as AstNode;
  if (!member.computed) return property.type === 'Identifier' ? (property.name as string) : undefined;
  return property.type === 'Literal' && typeof property.value === 'string' ? property.value : undefined;
}

/** Whether an optional link (`?.`) in `node`'s chain may short-circuit before it is evaluated. */
export function hasOptionalLink(node: AstNode): boolean {
  for (let n = node; n.type === 'MemberExpression' || n.type === 'CallExpression'; ) {
    if (n.optional) return true;
    n = (n.type === 'MemberExpression' ? n.object : n.callee) as AstNode;
  }
  return false;
}
