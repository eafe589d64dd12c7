/**
 * The service's HTTP layer: a Fastify-shaped app the learner's module registers routes on
 * (`export default async function routes(app) { app.get('/posts', handler) }`), and the
 * dispatch of incoming requests as main-thread tasks. Parsing the request and serialising
 * the reply cost main-thread CPU, as they do in Node.
 */
import type { LoadRequest } from '../../scenario/types.ts';
import type { Platform } from '../platform.ts';
import type { EventLoop } from './event-loop.ts';
import { hardenPlatform } from '../harden-platform.ts';

/** Serialising JSON: V8's JSON.stringify writes roughly 200 MB/s of typical API payload. */
export const SERIALIZE_MS_PER_BYTE = 0.000005;
/** Largest reply body; beyond it the request fails, so a runaway response can't eat memory. */
export const RESPONSE_BYTES_MAX = 4 * 1024 * 1024;
/** Default cost to accept, parse and route one request (Fastify: ~20–50 µs per request). */
export const REQUEST_OVERHEAD_MS_DEFAULT = 0.05;

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type Handler = (req: IncomingRequest, reply: Reply) => unknown;

interface Route {
  key: string;
  method: string;
  url: string;
  segments: string[];
  handler: Handler;
}

export interface IncomingRequest {
  method: string;
  url: string;
  routeOptions: { url: string };
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  id: string;
}

/** The outcome of one request as the client sees it. */
export interface ServerReply {
  status: number;
  /** The JSON text of the body ('' when empty). */
  json: string;
  /** The exception that made it a 5xx, if any. */
  error?: unknown;
}

let onSend: (reply: Reply, answer: () => void) => void;

/** Fastify's reply as the service holds it; how a later `send` answers is private. */
class Reply {
  statusCode = 200;
  sent = false;
  payload: unknown = undefined;
  headers: Record<string, string> = {};
  /** Called once when `send` is called, if the handler left the reply for later. */
  #onSend: (() => void) | undefined = undefined;
  code(status: number): this {
    this.statusCode = status;
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  header(name: string, value: string): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  send(payload?: unknown): this {
    if (this.sent) return this; // Fastify ignores (and logs) a second send
    this.sent = true;
    this.payload = payload;
    this.#onSend?.();
    return this;
  }

  static {
    onSend = (reply, answer) => {
      reply.#onSend = answer;
    };
  }
}
hardenPlatform(Reply);

export class RouteRegistrationError extends Error {}
hardenPlatform(RouteRegistrationError);

/** One request's way to its answer, written once, whichever way the handler replies. */
class PendingReply {
  private answered = false;

  constructor(
    private readonly reply: Reply,
    private readonly loop: EventLoop,
    private readonly done: (reply: ServerReply, atMs: number) => void,
  ) {}

  /**
   * Fastify's rules: a returned value is the payload; `return reply`, or a plain function
   * returning nothing, waits for `reply.send()`; an async handler resolving to nothing
   * without having sent is an error.
   */
  settle(value: unknown, isAsync: boolean): void {
    const reply = this.reply;
    if (reply.sent) this.answer(serialize(this.loop, reply, reply.payload));
    else if (value !== undefined && value !== reply) this.answer(serialize(this.loop, reply, value));
    else if (isAsync && value === undefined)
      this.fail(new Error('The handler finished without a reply: return a value or call reply.send().'));
    else onSend(reply, () => this.answer(serialize(this.loop, reply, reply.payload)));
  }

  fail(err: unknown): void {
    this.answer(failure(err));
  }

  private answer(r: ServerReply): void {
    if (this.answered) return;
    this.answered = true;
    this.done(r, this.loop.now());
  }
}

/** The reply as JSON text; serialising costs main-thread CPU like JSON.stringify does. */
function serialize(loop: EventLoop, reply: Reply, payload: unknown): ServerReply {
  let json: string;
  try {
    json = payload === undefined ? '' : (JSON.stringify(payload) ?? '');
  } catch (err) {
    return failure(err);
  }
  loop.charge(json.length * SERIALIZE_MS_PER_BYTE);
  if (json.length > RESPONSE_BYTES_MAX) {
    return failure(new Error(`The reply is ${(json.length / 1048576).toFixed(1)} MB; the limit is ${RESPONSE_BYTES_MAX / 1048576} MB.`));
  }
  return { status: reply.statusCode, json };
}

export class HttpServer {
  private readonly routes: Route[] = [];
  private readonly literalMatches = new Map<string, Route>();
  private nextId = 1;

  constructor(
    private readonly p: Platform,
    private readonly requestOverheadMs: number,
  ) {}

  /** The object passed to the service's default export. */
  app(): Record<string, unknown> {
    const app: Record<string, unknown> = {
      route: (opts: { method: string | string[]; url: string; handler: Handler }) => {
        for (const m of [opts.method].flat()) this.add(m, opts.url, opts.handler);
        return app;
      },
      register: () => {
        throw new RouteRegistrationError('app.register (plugins) is not supported in this lab; register routes directly on app.');
      },
      addHook: () => app,
      decorate: () => app,
      log: { info() {}, warn() {}, error() {}, debug() {} },
    };
    for (const m of METHODS) {
      app[m.toLowerCase()] = (url: string, a: unknown, b?: unknown) => {
        this.add(m, url, (typeof a === 'function' ? a : b) as Handler);
        return app;
      };
    }
    return app;
  }

  routeKeys(): string[] {
    return this.routes.map((r) => r.key);
  }

  hasRoute(key: string): boolean {
    return this.routes.some((r) => r.key === key);
  }

  private add(method: string, url: string, handler: Handler): void {
    if (typeof handler !== 'function') throw new RouteRegistrationError(`The handler for ${method} ${url} is not a function.`);
    if (typeof url !== 'string' || !url.startsWith('/'))
      throw new RouteRegistrationError(`Route path must start with '/': got ${String(url)}.`);
    const key = `${method.toUpperCase()} ${url}`;
    if (this.hasRoute(key)) throw new RouteRegistrationError(`Route ${key} is registered twice.`);
    this.routes.push({ key, method: method.toUpperCase(), url, segments: url.split('/'), handler });
  }

  /**
   * Handles `req` as a main-thread task that becomes ready at `arriveMs`; `done` is called
   * (outside user code) when the reply is written. `context` identifies the request for
   * attribution of queries and downstream calls.
   */
  handle(req: LoadRequest, arriveMs: number, context: object, done: (reply: ServerReply, atMs: number) => void): void {
    this.p.loop.post(arriveMs, () => this.dispatch(req, done), context);
  }

  private dispatch(req: LoadRequest, done: (reply: ServerReply, atMs: number) => void): void {
    const loop = this.p.loop;
    loop.charge(this.requestOverheadMs);
    const q = req.path.indexOf('?');
    const pathname = q < 0 ? req.path : req.path.slice(0, q);
    const search = q < 0 ? '' : req.path.slice(q + 1);
    let match: ReturnType<HttpServer['match']>;
    try {
      match = this.match(req.method, pathname);
    } catch (err) {
      done(failure(err), loop.now());
      return;
    }
    if (!match) {
      done({ status: 404, json: JSON.stringify({ error: 'Not Found' }) }, loop.now());
      return;
    }
    let body = req.body;
    if (body !== undefined) {
      const text = JSON.stringify(body);
      loop.charge(text.length * SERIALIZE_MS_PER_BYTE);
      body = JSON.parse(text);
    }
    const request: IncomingRequest = {
      method: req.method,
      url: req.path,
      routeOptions: { url: match.route.url },
      params: match.params,
      query: search ? Object.fromEntries(new URLSearchParams(search)) : {},
      headers: { ...(req.headers ?? {}) },
      body,
      id: `req-${this.nextId++}`,
    };
    const reply = new Reply();
    const exchange = new PendingReply(reply, loop, done);
    let result: unknown;
    try {
      result = match.route.handler(request, reply);
    } catch (err) {
      exchange.fail(err);
      return;
    }
    if (result !== null && typeof result === 'object' && typeof (result as { then?: unknown }).then === 'function') {
      (result as PromiseLike<unknown>).then(
        (v) => exchange.settle(v, true),
        (e) => exchange.fail(e),
      );
    } else {
      exchange.settle(result, false);
    }
  }

  private match(method: string, pathname: string): { route: Route; params: Record<string, string> } | undefined {
    // Most traffic hits a few literal paths: remember those (not paths with parameters,
    // whose params object must be fresh per request).
    const key = `${method} ${pathname}`;
    const literal = this.literalMatches.get(key);
    if (literal) return { route: literal, params: {} };
    const found = this.search(method, pathname);
    if (found && !found.route.url.includes(':') && this.literalMatches.size < 1000) this.literalMatches.set(key, found.route);
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

/** An exception in a handler: its `statusCode` if it carries one (http-errors style), else 500. */
function failure(err: unknown): ServerReply {
  const code = (err as { statusCode?: unknown })?.statusCode;
  const status = typeof code === 'number' && code >= 400 && code < 600 ? code : 500;
  const message = status < 500 && err instanceof Error ? err.message : 'Internal Server Error';
  return { status, json: JSON.stringify({ error: message }), error: status >= 500 ? err : undefined };
}

/** A malformed escape in a path parameter is the client's fault: 400, as Fastify answers. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw Object.assign(new Error(`Malformed path parameter: ${segment}`), { statusCode: 400 });
  }
}
