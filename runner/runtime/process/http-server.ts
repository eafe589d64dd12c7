/**
 * The service's HTTP layer: a Fastify-shaped app the learner's module registers routes on
 * (`export default async function routes(app) { app.get('/posts', handler) }`), and the
 * dispatch of incoming requests as main-thread tasks. Parsing the request and serialising
 * the reply cost main-thread CPU, as they do in Node. The lifecycle of one request (hooks,
 * error handlers) is fastify-exchange.ts; scopes, plugins and decorators fastify-scope.ts.
 */
import type { LoadRequest } from '../../scenario/types.ts';
import type { Platform } from '../platform.ts';
import { hardenPlatform } from '../harden-platform.ts';
import {
  type ErrorHandler,
  Exchange,
  type Handler,
  type ResolvedRoute,
  SERIALIZE_MS_PER_BYTE,
  type ServerReply,
} from './fastify-exchange.ts';
import { type HookFn, REQUEST_HOOKS, emptyHookLists, isThenable } from './fastify-hooks.ts';
import { type IncomingRequest, type Logger, Reply } from './fastify-reply.ts';
import { FastifyScope, type PluginFn, define } from './fastify-scope.ts';

export { RESPONSE_BYTES_MAX, SERIALIZE_MS_PER_BYTE, type ServerReply } from './fastify-exchange.ts';
export type { IncomingRequest } from './fastify-reply.ts';

/** Default cost to accept, parse and route one request (Fastify: ~20–50 µs per request). */
export const REQUEST_OVERHEAD_MS_DEFAULT = 0.05;

/** Fastify's default: no connectionTimeout, so onTimeout hooks never fire. */
export const CONNECTION_TIMEOUT_MS_DEFAULT = 0;

interface Route {
  key: string;
  method: string;
  url: string;
  segments: string[];
  handler: Handler;
  scope: FastifyScope;
  options: Record<string, unknown>;
  resolved?: ResolvedRoute & { requestDecorators: [string, unknown][]; replyDecorators: [string, unknown][] };
}

export class RouteRegistrationError extends Error {}
hardenPlatform(RouteRegistrationError);

const SILENT_LOG: Logger = Object.freeze({ info() {}, warn() {}, error() {}, debug() {} });

export class HttpServer {
  private readonly routes: Route[] = [];
  /** Routes of literal paths already matched, by method and path (no key string per request). */
  private readonly literalMatches = new Map<string, Map<string, Route>>();
  private literalMatchCount = 0;
  private readonly scopes: FastifyScope[] = [];
  private nextId = 1;
  private started = false;
  private pluginsLoading = 0;
  private whenLoaded: (() => void)[] = [];
  private pluginError: { err: unknown } | undefined = undefined;

  constructor(
    private readonly p: Platform,
    private readonly requestOverheadMs: number,
    /** Fastify's connectionTimeout: a request still unanswered this long after it arrived is hung up (onTimeout). */
    private readonly connectionTimeoutMs = CONNECTION_TIMEOUT_MS_DEFAULT,
  ) {}

  /** The object passed to the service's default export: the root Fastify instance. */
  app(): Record<string, unknown> {
    const host = {
      addRoute: (scope: FastifyScope, method: string, url: string, handler: Handler, options: Record<string, unknown>) =>
        this.add(scope, method, url, handler, options),
      loadPlugin: (scope: FastifyScope, plugin: PluginFn, options: Record<string, unknown>) => this.loadPlugin(scope, plugin, options),
      assertNotStarted: (what: string) => {
        if (this.started) throw new RouteRegistrationError(`${what} cannot be called once the server has started (as in Fastify).`);
      },
      log: SILENT_LOG,
      connectionTimeoutMs: this.connectionTimeoutMs,
    };
    const root = new FastifyScope(host, undefined, '');
    this.scopes.push(root);
    return root.instance;
  }

  /**
   * Runs the service's routes function on a new app and waits, like Fastify's ready(), for the
   * plugins it registers: a promise when anything is still loading, else what it returned.
   */
  boot(register: (app: unknown) => unknown): unknown {
    const result = register(this.app());
    if (!isThenable(result) && this.pluginsLoading === 0) {
      if (this.pluginError) throw this.pluginError.err;
      return result;
    }
    return new this.p.Promise<void>((resolve, reject) => {
      const settle = (): void => {
        if (this.pluginError) reject(this.pluginError.err);
        else if (this.pluginsLoading === 0) resolve();
        else this.whenLoaded.push(settle);
      };
      if (isThenable(result)) result.then(settle, reject);
      else settle();
    });
  }

  routeKeys(): string[] {
    return this.routes.map((r) => r.key);
  }

  hasRoute(key: string): boolean {
    return this.routes.some((r) => r.key === key);
  }

  private loadPlugin(scope: FastifyScope, plugin: PluginFn, options: Record<string, unknown>): PromiseLike<void> {
    if (!this.scopes.includes(scope)) this.scopes.push(scope);
    this.pluginsLoading++;
    let resolve!: () => void;
    let reject!: (err: unknown) => void;
    const promise = new this.p.Promise<void>((ok, ko) => {
      resolve = ok;
      reject = ko;
    });
    promise.then(undefined, () => undefined); // a failure is reported by boot(); awaiting it is optional
    const finish = (err?: unknown): void => {
      if (err !== undefined && err !== null) {
        this.pluginError ??= { err };
        reject(err);
      } else resolve();
      this.pluginsLoading--;
      if (this.pluginsLoading === 0) for (const waiter of this.whenLoaded.splice(0)) waiter();
    };
    let done = false;
    const once = (err?: unknown): void => {
      if (done) return;
      done = true;
      finish(err);
    };
    let result: unknown;
    try {
      result = plugin(scope.instance, options, once);
    } catch (err) {
      once(err);
      throw err;
    }
    // An async plugin settles with its promise; a callback one calls done; a plain function is loaded on return.
    if (isThenable(result))
      result.then(
        () => once(),
        (err) => once(err ?? new Error('A plugin rejected without an error.')),
      );
    else if (plugin.length < 3) once();
    return promise;
  }

  private add(scope: FastifyScope, method: string, url: string, handler: Handler, options: Record<string, unknown>): void {
    if (typeof handler !== 'function') throw new RouteRegistrationError(`The handler for ${method} ${url} is not a function.`);
    if (!url.startsWith('/')) throw new RouteRegistrationError(`Route path must start with '/': got ${String(url)}.`);
    const key = `${method.toUpperCase()} ${url}`;
    if (this.hasRoute(key)) throw new RouteRegistrationError(`Route ${key} is registered twice.`);
    this.routes.push({ key, method: method.toUpperCase(), url, segments: url.split('/'), handler, scope, options });
  }

  /** Gathers a route's hooks, error handlers and decorators along its scopes, root first. */
  private resolve(scope: FastifyScope, handler: Handler, options: Record<string, unknown>): NonNullable<Route['resolved']> {
    const chain = scope.chain();
    const hooks = emptyHookLists();
    for (const s of chain) for (const name of REQUEST_HOOKS) hooks[name].push(...s.hooks[name]);
    for (const name of REQUEST_HOOKS) if (options[name] !== undefined) hooks[name].push(...[options[name] as HookFn | HookFn[]].flat());
    const errorHandlers: ErrorHandler[] = [];
    if (typeof options.errorHandler === 'function') errorHandlers.push(options.errorHandler as ErrorHandler);
    for (const s of [...chain].reverse()) if (s.errorHandler) errorHandlers.push(s.errorHandler);
    return {
      handler,
      instance: scope.instance,
      hooks,
      errorHandlers,
      requestDecorators: chain.flatMap((s) => s.requestDecorators),
      replyDecorators: chain.flatMap((s) => s.replyDecorators),
    };
  }

  /**
   * Handles `req` as a main-thread task that becomes ready at `arriveMs`; `done` is called
   * (outside user code) when the reply is written. `context` identifies the request for
   * attribution of queries and downstream calls.
   */
  handle(req: LoadRequest, arriveMs: number, context: object, done: (reply: ServerReply, atMs: number) => void): void {
    this.started = true;
    this.p.loop.post(arriveMs, () => this.dispatch(req, arriveMs, context, done), context);
  }

  private dispatch(req: LoadRequest, arriveMs: number, context: object, done: (reply: ServerReply, atMs: number) => void): void {
    const loop = this.p.loop;
    loop.charge(this.requestOverheadMs, 'HTTP parsing');
    const q = req.path.indexOf('?');
    const pathname = q < 0 ? req.path : req.path.slice(0, q);
    const search = q < 0 ? '' : req.path.slice(q + 1);
    let match: ReturnType<HttpServer['match']>;
    let matchError: unknown;
    try {
      match = this.match(req.method, pathname);
    } catch (err) {
      matchError = err;
    }
    const route = match?.route ?? this.notFoundRoute(pathname);
    route.resolved ??= this.resolve(route.scope, route.handler, route.options);
    const resolved = route.resolved;
    let body = req.body;
    if (body !== undefined && match) {
      const text = JSON.stringify(body);
      loop.charge(text.length * SERIALIZE_MS_PER_BYTE, 'HTTP parsing');
      body = JSON.parse(text);
    }
    const request: IncomingRequest = {
      method: req.method,
      url: req.path,
      routeOptions: { url: match ? route.url : '', method: route.method, config: route.options.config, schema: route.options.schema },
      params: match?.params ?? {},
      query: search ? Object.fromEntries(new URLSearchParams(search)) : {},
      headers: { ...(req.headers ?? {}) },
      body,
      id: `req-${this.nextId++}`,
      log: SILENT_LOG,
    };
    for (const [name, value] of resolved.requestDecorators) define(request, name, value);
    const reply = new Reply(request);
    for (const [name, value] of resolved.replyDecorators) define(reply, name, value);
    const exchange = new Exchange(resolved, request, reply, loop, done);
    if (this.connectionTimeoutMs > 0) this.armTimeout(exchange, arriveMs + this.connectionTimeoutMs, context);
    if (matchError !== undefined) {
      reply.send(matchError instanceof Error ? matchError : new Error(String(matchError)));
      return;
    }
    exchange.start();
  }

  private armTimeout(exchange: Exchange, atMs: number, context: object): void {
    this.p.kernel.at(atMs, () => {
      if (exchange.pending) this.p.loop.post(atMs, () => exchange.timeout(), context);
    });
  }

  /** The 404 route of the innermost scope whose prefix the path starts with, else the lab's default. */
  private notFoundRoute(pathname: string): Route {
    let best: FastifyScope = this.scopes[0];
    for (const s of this.scopes) {
      if (s.notFound && s.prefix.length >= (best.notFound ? best.prefix.length : -1) && pathname.startsWith(s.prefix)) best = s;
    }
    const key = `404 ${best.prefix}`;
    let route = this.notFoundRoutes.get(key);
    if (!route) {
      const handler = best.notFound?.handler ?? defaultNotFound;
      const options: Record<string, unknown> = { ...best.notFound?.hooks };
      route = { key, method: '*', url: '*', segments: [], handler, scope: best, options };
      this.notFoundRoutes.set(key, route);
    }
    return route;
  }

  private readonly notFoundRoutes = new Map<string, Route>();

  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    // Most traffic hits a few literal paths: remember those (not paths with parameters,
    // whose params object must be fresh per request).
    let byPath = this.literalMatches.get(method);
    const literal = byPath?.get(pathname);
    if (literal) return { route: literal, params: {} };
    const found = this.search(method, pathname);
    if (found && !found.route.url.includes(':') && this.literalMatchCount < 1000) {
      if (!byPath) this.literalMatches.set(method, (byPath = new Map()));
      byPath.set(pathname, found.route);
      this.literalMatchCount++;
    }
    return found;
  }

  private search(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    const parts = pathname.split('/');
    for (const route of this.routes) {
      if (route.method !== method || route.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length && ok; i++) {
        const seg = route.segments[i];
        if (seg.startsWith(':')) params[seg.slice(1)] = decodeSegment(parts[i]);
        else ok = seg === parts[i];
      }
      if (ok) return { route, params };
    }
    return undefined;
  }
}

/** The lab's 404 body, as before hooks existed. */
function defaultNotFound(_req: IncomingRequest, reply: Reply): void {
  reply.code(404).send({ error: 'Not Found' });
}

/** A malformed escape in a path parameter is the client's fault: 400, as Fastify answers. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw Object.assign(new Error(`Malformed path parameter: ${segment}`), { statusCode: 400 });
  }
}
