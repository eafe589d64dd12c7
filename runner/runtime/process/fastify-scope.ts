/**
 * A Fastify encapsulation context and the instance object the service holds for it: hooks,
 * decorators, error and not-found handlers, plugins with prefixes. The root scope's instance
 * is the `app` the routes function gets; `app.register(plugin, { prefix })` makes a child.
 *
 * Encapsulation, simplified: a child instance inherits from its parent's (Object.create, as
 * in Fastify), and a route's hooks, error handlers and request/reply decorators are gathered
 * along its chain of scopes when the server starts, root first. In Fastify a child copies its
 * parent's hooks when the plugin loads, so a hook a parent adds after `await app.register(...)`
 * does not reach the child's routes; here it does. Plugins run as soon as they are registered
 * rather than after the current plugin has finished, which gives the same routes and hooks for
 * code that registers routes and hooks in the usual order. `fastify-plugin`'s skip-override
 * mark makes a plugin share its parent's scope, as in Fastify.
 */
import type { ErrorHandler, Handler } from './fastify-exchange.ts';
import {
  CLOSE_HOOKS,
  type HookFn,
  type HookLists,
  REFUSED_HOOKS,
  REQUEST_HOOKS,
  type RequestHookName,
  emptyHookLists,
} from './fastify-hooks.ts';
import { type Logger, Reply } from './fastify-reply.ts';

export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Route options the lab honours; `schema` is kept on routeOptions but not enforced. */
const ROUTE_OPTIONS = new Set([
  'method',
  'url',
  'path',
  'handler',
  'schema',
  'config',
  'errorHandler',
  'logLevel',
  'exposeHeadRoute',
  ...REQUEST_HOOKS,
]);

/** Fastify instance methods the lab does not have, and what to do instead (each throws when called). */
export const REFUSED_METHODS: Readonly<Record<string, string>> = {
  listen: 'the lab starts the server and sends it the load; export the routes function',
  inject: 'the lab sends the requests; write the route and run the scenario',
  ready: 'the lab waits for the routes function and its plugins itself',
  close: 'a run never closes the server',
  after: 'await app.register(plugin) instead',
  addContentTypeParser: 'request bodies arrive as parsed JSON',
  addSchema: 'schemas are accepted on routes but not enforced in this lab',
  setValidatorCompiler: 'schemas are accepted on routes but not enforced in this lab',
  setSerializerCompiler: 'replies are serialised with JSON.stringify',
  setReplySerializer: 'replies are serialised with JSON.stringify',
  setSchemaErrorFormatter: 'schemas are accepted on routes but not enforced in this lab',
  setGenReqId: 'request ids are given by the lab (req-1, req-2, ...)',
  addHttpMethod: `the lab routes ${HTTP_METHODS.join(', ')}`,
  printRoutes: 'the routes are listed in the run summary',
  printPlugins: 'plugins are not listed in this lab',
};

/** Where the scope hands routes and plugins to the server it belongs to. */
export interface ScopeHost {
  addRoute(scope: FastifyScope, method: string, url: string, handler: Handler, options: Record<string, unknown>): void;
  loadPlugin(scope: FastifyScope, plugin: PluginFn, options: Record<string, unknown>): PromiseLike<void>;
  /** Throws once the server has started: Fastify refuses to change a listening instance. */
  assertNotStarted(what: string): void;
  log: Logger;
  /** Fastify's connectionTimeout; 0 means onTimeout hooks could never run. */
  connectionTimeoutMs: number;
}

export type PluginFn = (instance: object, options: Record<string, unknown>, done?: (err?: unknown) => void) => unknown;

interface NotFound {
  handler: Handler;
  hooks: Partial<Record<RequestHookName, HookFn[]>>;
}

export class FastifyScope {
  readonly hooks: HookLists = emptyHookLists();
  errorHandler: ErrorHandler | undefined = undefined;
  notFound: NotFound | undefined = undefined;
  readonly requestDecorators: [string, unknown][] = [];
  readonly replyDecorators: [string, unknown][] = [];
  readonly instance: Record<string, unknown>;

  constructor(
    private readonly host: ScopeHost,
    readonly parent: FastifyScope | undefined,
    /** The full prefix of this scope's routes ('' at the root). */
    readonly prefix: string,
  ) {
    this.instance = parent ? Object.create(parent.instance) : {};
    this.build();
  }

  /** This scope and its ancestors, root first. */
  chain(): FastifyScope[] {
    const scopes: FastifyScope[] = [];
    for (let s: FastifyScope | undefined = this; s; s = s.parent) scopes.unshift(s);
    return scopes;
  }

  private build(): void {
    const host = this.host;
    const app = this.instance;
    const own = (name: string, fn: (...args: never[]) => unknown): void => {
      Object.defineProperty(app, name, { value: fn, writable: true, enumerable: false, configurable: true });
    };
    const change = (what: string): void => host.assertNotStarted(what);
    own('route', (opts: Record<string, unknown>) => {
      change('app.route');
      for (const m of [opts?.method as string | string[]].flat()) this.route(String(m), (opts.url ?? opts.path) as string, opts);
      return app;
    });
    for (const m of HTTP_METHODS) own(m.toLowerCase(), (url: string, a?: unknown, b?: unknown) => this.shorthand([m], url, a, b));
    own('all', (url: string, a?: unknown, b?: unknown) => this.shorthand(HTTP_METHODS, url, a, b));
    own('addHook', (name: string, fn: HookFn) => {
      change('app.addHook');
      this.addHook(name, fn);
      return app;
    });
    own('register', (plugin: PluginFn, opts?: Record<string, unknown>) => {
      change('app.register');
      const loaded = this.register(plugin, opts ?? {});
      // Fastify's instance is thenable: `await app.register(p)` waits for p to load.
      return Object.create(app, { then: { value: (ok?: () => unknown, ko?: (e: unknown) => unknown) => loaded.then(ok, ko) } });
    });
    own('setErrorHandler', (fn: ErrorHandler) => {
      change('app.setErrorHandler');
      if (typeof fn !== 'function') throw new TypeError('app.setErrorHandler expects a function (error, request, reply).');
      this.errorHandler = fn;
      return app;
    });
    own('setNotFoundHandler', (a: unknown, b?: unknown) => {
      change('app.setNotFoundHandler');
      this.setNotFound(a, b);
      return app;
    });
    own('decorate', (name: string, value: unknown) => {
      change('app.decorate');
      if (name in app) throw new Error(`app.decorate: '${name}' is already present on this instance.`);
      define(app, name, value);
      return app;
    });
    own('decorateRequest', (name: string, value: unknown) => this.decorateObjects('Request', this.requestDecorators, name, value));
    own('decorateReply', (name: string, value: unknown) => this.decorateObjects('Reply', this.replyDecorators, name, value));
    own('hasDecorator', (name: string) => name in app);
    own('hasRequestDecorator', (name: string) => this.chain().some((s) => s.requestDecorators.some(([n]) => n === name)));
    own('hasReplyDecorator', (name: string) => this.chain().some((s) => s.replyDecorators.some(([n]) => n === name)));
    own('withTypeProvider', () => app);
    for (const [name, instead] of Object.entries(REFUSED_METHODS)) {
      own(name, () => {
        throw new Error(`app.${name} is not supported in this lab; ${instead}.`);
      });
    }
    if (!this.parent) Object.defineProperty(app, 'log', { value: host.log, enumerable: false, configurable: true });
    Object.defineProperty(app, 'prefix', { value: this.prefix, enumerable: false, configurable: true });
  }

  private shorthand(methods: readonly string[], url: string, a: unknown, b: unknown): object {
    this.host.assertNotStarted(`app.${methods.length > 1 ? 'all' : methods[0].toLowerCase()}`);
    const opts = (typeof a === 'object' && a !== null ? a : {}) as Record<string, unknown>;
    const handler = typeof a === 'function' ? a : (b ?? opts.handler);
    for (const m of methods) this.route(m, url, { ...opts, handler });
    return this.instance;
  }

  private route(method: string, url: string, opts: Record<string, unknown>): void {
    for (const key of Object.keys(opts ?? {})) {
      if (!ROUTE_OPTIONS.has(key)) throw new Error(`The route option '${key}' (${method} ${url}) is not supported in this lab.`);
    }
    if (typeof url !== 'string') throw new Error(`Route path must be a string: got ${String(url)}.`);
    // Fastify joins the prefix and the path; a plugin's '/' is the prefix itself.
    const full = this.prefix && url === '/' ? this.prefix : this.prefix + url;
    this.host.addRoute(this, method, full, opts.handler as Handler, opts);
  }

  private addHook(name: string, fn: HookFn): void {
    if (name in REFUSED_HOOKS) throw new Error(`The ${name} hook is not supported in this lab: ${REFUSED_HOOKS[name]}.`);
    if (typeof fn !== 'function') throw new TypeError(`app.addHook('${name}', ...) expects a function.`);
    if (CLOSE_HOOKS.includes(name)) return; // a run never closes the server, so these never run
    if (name === 'onTimeout' && this.host.connectionTimeoutMs <= 0) {
      throw new Error(
        "The onTimeout hook would never run: the lab's server keeps Fastify's default connectionTimeout of 0 (no timeout). Bound slow work with AbortSignal.timeout(...) instead.",
      );
    }
    if (!(REQUEST_HOOKS as readonly string[]).includes(name)) throw new Error(`app.addHook: '${name}' is not a Fastify hook.`);
    this.hooks[name as RequestHookName].push(fn);
  }

  private register(plugin: PluginFn, opts: Record<string, unknown>): PromiseLike<void> {
    if (typeof plugin !== 'function') throw new TypeError('app.register expects a plugin function (instance, options).');
    const skipOverride = (plugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] === true;
    const prefix = typeof opts.prefix === 'string' ? opts.prefix.replace(/\/$/, '') : '';
    if (prefix && !prefix.startsWith('/')) throw new Error(`A plugin prefix must start with '/': got ${prefix}.`);
    const scope = skipOverride ? this : new FastifyScope(this.host, this, this.prefix + prefix);
    return this.host.loadPlugin(scope, plugin, opts);
  }

  private setNotFound(a: unknown, b: unknown): void {
    const opts = (typeof a === 'function' ? {} : (a ?? {})) as Record<string, unknown>;
    const handler = (typeof a === 'function' ? a : b) as Handler;
    if (typeof handler !== 'function') throw new TypeError('app.setNotFoundHandler expects a handler (request, reply).');
    const hooks: NotFound['hooks'] = {};
    for (const name of ['preValidation', 'preHandler'] as const) {
      if (opts[name] !== undefined) hooks[name] = [opts[name] as HookFn | HookFn[]].flat();
    }
    this.notFound = { handler, hooks };
  }

  private decorateObjects(kind: 'Request' | 'Reply', list: [string, unknown][], name: string, value: unknown): object {
    this.host.assertNotStarted(`app.decorate${kind}`);
    const builtIn = kind === 'Request' ? REQUEST_MEMBERS.includes(name) : REPLY_MEMBERS.includes(name) || name in Reply.prototype;
    if (builtIn || this.chain().some((s) => (kind === 'Request' ? s.requestDecorators : s.replyDecorators).some(([n]) => n === name))) {
      throw new Error(`app.decorate${kind}: '${name}' is already present.`);
    }
    if (value !== null && typeof value === 'object' && !isAccessors(value)) {
      // Fastify 5 refuses this too (FST_ERR_DEC_REFERENCE_TYPE): one object would be shared by every request.
      throw new TypeError(
        `app.decorate${kind}('${name}', ...) with an object would share it across requests: decorate with null and set it in an onRequest hook, or use { getter }.`,
      );
    }
    list.push([name, value]);
    return this.instance;
  }
}

/** The request's own members, which Fastify refuses to decorate over (FST_ERR_DEC_ALREADY_PRESENT). */
const REQUEST_MEMBERS = ['method', 'url', 'routeOptions', 'params', 'query', 'headers', 'body', 'id', 'log'];
/** The reply's own fields; its methods and `statusCode` are on Reply.prototype. */
const REPLY_MEMBERS = ['sent', 'payload', 'headers', 'request', 'log'];

/** `{ getter, setter }`, Fastify's form of an accessor decorator. */
function isAccessors(value: object): value is { getter?: () => unknown; setter?: (v: unknown) => void } {
  return typeof (value as { getter?: unknown }).getter === 'function';
}

/** Puts a decorator on `target`: a value, or accessors for `{ getter, setter }`. */
export function define(target: object, name: string, value: unknown): void {
  if (value !== null && typeof value === 'object' && isAccessors(value)) {
    Object.defineProperty(target, name, { get: value.getter, set: value.setter, enumerable: true, configurable: true });
  } else {
    Object.defineProperty(target, name, { value, writable: true, enumerable: true, configurable: true });
  }
}
