/**
 * The ways to a size-charged built-in that no call site names (builtin-call-sites.ts): a
 * built-in kept as a value and called later, whatever calls it (`const { keys } = Object`,
 * `const sort = Array.prototype.sort; sort.call(xs)`, `Array.prototype.join.bind(xs)`,
 * `xs.map(Object.keys)`), a constructor reached by another name (`const S = Set`,
 * `class S extends Set`), and a method called by a computed name (`xs[name]()`).
 *
 * A value that leaves an expression where the service may keep it (assigned, passed, returned,
 * put in an array or an object, extended, bound) is passed through the meter's `f`, which
 * hands back a size-charged built-in's stand-in (runtime/process/builtin-stand-ins.ts): its
 * calls charge what the direct call would, however it is reached. Only values that can be such
 * a built-in are passed: a property read by one of the built-ins' names (`xs.sort`,
 * `Object.keys`) or by a computed name (`o[k]`), and a global constructor's name (`Set`).
 * Nothing is passed where the value is only compared, read from, or called at once, so
 * `x.constructor === Map` and `rows[i].id` stay as they were. An object pattern that names one
 * of the built-ins (`const { keys, values } = Object`) destructures a view of its value
 * whose properties are read through `f`.
 *
 * A method called by a computed name is charged as the call site of that name would be, when
 * it is one charged by its receiver (`sort`, `join`, `map`…): `xs[m](f)` → `M.k`/`M.o` around
 * the receiver and the name, which the meter converts to a property key once, as the call would.
 *
 * Not covered: an object pattern in a function's parameters, a `for…of` head or a `catch`, and
 * one nested in another pattern; a tagged template whose tag is such a built-in; a
 * descriptor's `value` destructured (`const { value } = Object.getOwnPropertyDescriptor(…)`);
 * a method called by a computed name whose charge is by its result or argument (`Object[k](o)`,
 * `re[k](s)`), or in an optional chain after its receiver (`a?.xs[k]()`).
 */
import { CHARGED_NAMES } from '../runtime/process/builtin-indirect-calls.ts';
import { COMPUTED_WITH_ARGUMENTS, COMPUTED_WRITTEN_CALLBACK } from '../runtime/process/builtin-meter.ts';
import { type Chains, hasOptionalLink, type SiteSuffix, type Wrap } from './builtin-call-sites.ts';
import type { AstNode } from './cpu-instrument.ts';

/** Methods that hand their receiver on: a built-in bound, or given back by `valueOf`. */
const PASSING_ON = new Set(['bind', 'valueOf']);
/** The global constructors among the size-charged built-ins. */
const CONSTRUCTOR_NAMES = new Set([...CHARGED_NAMES].filter((name) => /^[A-Z]/.test(name)));

/** The wraps that pass `node`'s children through `f` where they may be kept (see above). */
export function referenceWraps(node: AstNode, meter: string): Wrap[] {
  const wraps: Wrap[] = [];
  for (const child of keptChildren(node)) if (child && mayBeBuiltin(child)) wraps.push(through(child, meter));
  // `new globalThis.Set(xs)` → `new (M.f(globalThis.Set))(xs)`; `new Set(xs)` is a call site (builtin-call-sites.ts).
  const callee = node.callee as AstNode | undefined;
  if (node.type === 'NewExpression' && callee?.type !== 'Identifier' && mayBeBuiltin(callee as AstNode))
    wraps.push({ node: callee as AstNode, before: `(${meter}.f(`, after: '))' });
  // `{ Set }` keeps `Set` under its own name: `{ Set: M.f(Set) }`.
  if (node.type === 'ObjectExpression')
    for (const p of node.properties as AstNode[]) {
      const value = p.value as AstNode | undefined;
      if (p.type === 'Property' && p.shorthand && value?.type === 'Identifier' && CONSTRUCTOR_NAMES.has(value.name as string))
        wraps.push({ node: value, before: '', after: `:${meter}.f(${value.name as string})` });
    }
  return wraps;
}

/** The children of `node` whose value the service may keep. */
function keptChildren(node: AstNode): Array<AstNode | null | undefined> {
  switch (node.type) {
    case 'VariableDeclarator':
      return (node.id as AstNode).type === 'Identifier' ? [node.init as AstNode] : [];
    case 'AssignmentExpression': {
      const left = node.left as AstNode;
      return left.type === 'Identifier' || left.type === 'MemberExpression' ? [node.right as AstNode] : [];
    }
    case 'CallExpression':
    case 'NewExpression': {
      const kept = (node.arguments as AstNode[]).filter((a) => a.type !== 'SpreadElement');
      const callee = node.callee as AstNode;
      // `Reflect.get(Object, 'keys')(o)`: called at once, with no `this` to keep.
      if (node.type === 'CallExpression' && callee.type === 'CallExpression' && readsProperty(callee)) kept.push(callee);
      if (node.type === 'CallExpression' && callee.type === 'MemberExpression' && !callee.computed) {
        const name = (callee.property as AstNode).name as string;
        if (PASSING_ON.has(name)) kept.push(callee.object as AstNode);
      }
      return kept;
    }
    case 'ArrayExpression':
      return (node.elements as Array<AstNode | null>).filter((e) => e?.type !== 'SpreadElement');
    case 'ObjectExpression':
      return (node.properties as AstNode[])
        .filter((p) => p.type === 'Property' && p.kind === 'init' && !p.shorthand && !p.method)
        .map((p) => p.value as AstNode);
    case 'PropertyDefinition':
      return [node.value as AstNode];
    case 'ReturnStatement':
    case 'ThrowStatement':
    case 'YieldExpression':
    case 'AwaitExpression':
      return [node.argument as AstNode];
    case 'ArrowFunctionExpression':
      return node.expression ? [node.body as AstNode] : [];
    case 'ConditionalExpression':
      return [node.consequent as AstNode, node.alternate as AstNode];
    case 'LogicalExpression':
      return [node.left as AstNode, node.right as AstNode];
    case 'SequenceExpression': {
      const expressions = node.expressions as AstNode[];
      return [expressions[expressions.length - 1]];
    }
    case 'ClassDeclaration':
    case 'ClassExpression':
      return [node.superClass as AstNode];
    case 'AssignmentPattern':
      return [node.right as AstNode];
    default:
      return [];
  }
}

/**
 * Whether `node`'s value can be a size-charged built-in: read by one of their names or a
 * computed one, or a property descriptor's `value`; or a global constructor's name.
 */
function mayBeBuiltin(node: AstNode): boolean {
  if (node.type === 'Identifier') return CONSTRUCTOR_NAMES.has(node.name as string);
  if (node.type === 'CallExpression') return readsProperty(node);
  if (node.type === 'ChainExpression') return mayBeBuiltin(node.expression as AstNode);
  if (node.type !== 'MemberExpression') return false;
  const property = node.property as AstNode;
  if (!node.computed) return property.type === 'Identifier' && (CHARGED_NAMES.has(property.name as string) || property.name === 'value');
  return property.type !== 'Literal' || (typeof property.value === 'string' && CHARGED_NAMES.has(property.value));
}

/** `Reflect.get(o, k)`, and any other call of a method named `get`: it may read a built-in as `o[k]` does. */
function readsProperty(call: AstNode): boolean {
  const callee = call.callee as AstNode;
  return callee.type === 'MemberExpression' && !callee.computed && (callee.property as AstNode).name === 'get';
}

/**
 * The wraps of a call by a computed method name, `o[k](…)` → `M.o(o)[M.k(k,F)](…)`: the
 * receiver and the name pass through the meter, which charges a method charged by its receiver.
 * In an optional chain only where nothing before the receiver may short-circuit it
 * (`xs[k]?.()`, `xs?.[k]()`: a name left unread leaves its receiver unused on the meter's
 * stack, which the next computed call does not see); not on `super`.
 */
export function computedCallWraps(call: AstNode, meter: string, chains: Chains, site: SiteSuffix): Wrap[] {
  const callee = call.callee as AstNode;
  if (callee.type !== 'MemberExpression' || !callee.computed) return [];
  const property = callee.property as AstNode;
  const object = callee.object as AstNode;
  if (property.type === 'Literal' || object.type === 'Super' || (chains.links.has(call) && hasOptionalLink(object))) return [];
  const args = call.arguments as AstNode[];
  const written = args[0]?.type === 'FunctionExpression' || args[0]?.type === 'ArrowFunctionExpression';
  const flags = (args.length > 0 ? COMPUTED_WITH_ARGUMENTS : 0) | (written ? COMPUTED_WRITTEN_CALLBACK : 0);
  return [
    { node: object, before: `${meter}.o(`, after: ')' },
    { node: property, before: `${meter}.k(`, after: `,${flags}${site(call)})` },
  ];
}

/**
 * The wrap of the value an object pattern destructures, when the pattern names a built-in or a
 * computed property: `const { keys } = Object` → `const { keys } = M.d(Object,"keys","Object")`.
 * `pattern` is a declarator's id or a statement's assignment target, `value` what it takes.
 */
export function destructuringWrap(pattern: AstNode, value: AstNode | null | undefined, meter: string, js: string): Wrap | undefined {
  if (pattern.type !== 'ObjectPattern' || !value) return undefined;
  const properties = pattern.properties as AstNode[];
  const names = properties.map((p) => (p.type === 'Property' ? keyName(p) : undefined));
  const named = properties.some((p, i) => p.type === 'Property' && (p.computed || CHARGED_NAMES.has(names[i] ?? '')));
  if (!named) return undefined;
  const first = names[0] ?? '';
  return { node: value, before: `${meter}.d(`, after: `,${JSON.stringify(first)},${JSON.stringify(sourceText(value, js))})` };
}

function keyName(property: AstNode): string | undefined {
  const key = property.key as AstNode;
  if (property.computed) return key.type === 'Literal' && typeof key.value === 'string' ? key.value : undefined;
  return key.type === 'Identifier' ? (key.name as string) : key.type === 'Literal' ? String(key.value) : undefined;
}

/** How the engine names a value in a destructuring error: `obj`, `a.b`, `f(...)`. */
function sourceText(node: AstNode, js: string): string {
  const plain = (n: AstNode): boolean =>
    n.type === 'Identifier' || n.type === 'ThisExpression' || (n.type === 'MemberExpression' && !n.computed && plain(n.object as AstNode));
  if (plain(node)) return js.slice(node.start, node.end);
  if (node.type === 'CallExpression' && plain(node.callee as AstNode)) {
    const callee = node.callee as AstNode;
    return `${js.slice(callee.start, callee.end)}(...)`;
  }
  if (node.type === 'Literal' && node.value === null) return 'null';
  return '(intermediate value)';
}

function through(node: AstNode, meter: string): Wrap {
  return node.type === 'SequenceExpression' ? { node, before: `${meter}.f((`, after: '))' } : { node, before: `${meter}.f(`, after: ')' };
}
