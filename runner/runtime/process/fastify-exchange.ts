/**
 * One request's way through Fastify's lifecycle: onRequest, preValidation and preHandler
 * hooks, the handler, preSerialization, serialisation, onSend, the write, then onResponse.
 * An error anywhere before the write runs the onError hooks once, then the innermost error
 * handler; an error handler that throws passes the error on to the next one out, and the
 * lab's default answers last (fastify/lib/reply.js and error-handler.js, same order).
 */
import type { EventLoop } from './event-loop.ts';
import { type HookFn, type HookLists, type RequestHookName, isThenable, runHooks } from './fastify-hooks.ts';
import { type IncomingRequest, type Reply, replyControl } from './fastify-reply.ts';

/** Serialising JSON: V8's JSON.stringify writes roughly 200 MB/s of typical API payload. */
export const SERIALIZE_MS_PER_BYTE = 0.000005;
/** Largest reply body; beyond it the request fails, so a runaway response can't eat memory. */
export const RESPONSE_BYTES_MAX = 4 * 1024 * 1024;

/** The outcome of one request as the client sees it. */
export interface ServerReply {
  status: number;
  /** The JSON text of the body ('' when empty). */
  json: string;
  /** The exception that made it a 5xx, if any. */
  error?: unknown;
}

export type Handler = (req: IncomingRequest, reply: Reply) => unknown;
export type ErrorHandler = (error: unknown, req: IncomingRequest, reply: Reply) => unknown;

/** A route with everything its scopes give it, resolved once the server has started. */
export interface ResolvedRoute {
  handler: Handler;
  /** The Fastify instance the route was registered on: `this` in handlers and hooks. */
  instance: object;
  hooks: HookLists;
  /** The route's own error handler first, then its scope's, then each enclosing scope's. */
  errorHandlers: ErrorHandler[];
}

export class Exchange {
  private answered = false;
  private hungUp = false;
  private onErrorDone = false;
  private nextErrorHandler = 0;
  private sendingDefault = false;
  /** The first exception of this request, reported with a 5xx whoever answered it. */
  private error: unknown = undefined;

  constructor(
    private readonly route: ResolvedRoute,
    private readonly request: IncomingRequest,
    private readonly reply: Reply,
    private readonly loop: EventLoop,
    private readonly done: (reply: ServerReply, atMs: number) => void,
  ) {
    replyControl.bind(reply, (payload) => this.onSend(payload));
  }

  /** Runs the request from its onRequest hooks. */
  start(): void {
    const hooks = this.route.hooks;
    // Most routes have no request hooks: no closures for the phases then.
    if (hooks.onRequest.length === 0 && hooks.preValidation.length === 0 && hooks.preHandler.length === 0) return this.invoke();
    this.phase('onRequest', () => this.phase('preValidation', () => this.phase('preHandler', () => this.invoke())));
  }

  /** Whether the reply is still to be written and the connection is open. */
  get pending(): boolean {
    return !this.answered && !this.hungUp;
  }

  /** Fastify's onTimeout: the connection is hung up; nothing written later reaches the client. */
  timeout(): void {
    if (this.answered || this.hungUp) return;
    this.hungUp = true;
    this.hooks('onTimeout', undefined, () => undefined);
  }

  private phase(name: RequestHookName, then: () => void): void {
    if (this.route.hooks[name].length === 0) return then();
    this.hooks(name, undefined, (err) => {
      if (err !== undefined) this.fail(err);
      else if (!this.reply.sent) then(); // a hook that sent the reply has answered
    });
  }

  private hooks(name: RequestHookName, value: unknown, end: (err: unknown, value: unknown) => void): void {
    const reply = this.reply;
    const stop = name === 'onRequest' || name === 'preValidation' || name === 'preHandler' ? () => reply.sent : () => false;
    runHooks(name, this.route.hooks[name] as HookFn[], this.route.instance, this.request, reply, value, stop, end);
  }

  /**
   * Fastify's rules: a returned value is the payload; `return reply`, or a plain function
   * returning nothing, waits for `reply.send()`; an async handler resolving to nothing
   * without having sent is an error.
   */
  private invoke(): void {
    let result: unknown;
    try {
      result = this.route.handler.call(this.route.instance, this.request, this.reply);
    } catch (err) {
      return this.fail(err);
    }
    if (isThenable(result)) {
      result.then(
        (v) => this.settle(v, true),
        (e) => this.fail(e),
      );
    } else this.settle(result, false);
  }

  private settle(value: unknown, isAsync: boolean): void {
    const reply = this.reply;
    if (reply.sent) return;
    if (value !== undefined && value !== reply) reply.send(value);
    else if (isAsync && value === undefined)
      this.fail(new Error('The handler finished without a reply: return a value or call reply.send().'));
  }

  /** `reply.send(payload)` was called, by a hook, the handler or an error handler. */
  private onSend(payload: unknown): void {
    if (this.answered) return;
    if (payload instanceof Error) return this.fail(payload);
    if (this.route.hooks.preSerialization.length === 0 || !isSerializable(payload)) return this.serialize(payload);
    this.hooks('preSerialization', payload, (err, replaced) => (err !== undefined ? this.fail(err) : this.serialize(replaced)));
  }

  /** The reply as JSON text; serialising costs main-thread CPU like JSON.stringify does. */
  private serialize(payload: unknown): void {
    let json: string;
    try {
      json = payload === undefined ? '' : (JSON.stringify(payload) ?? '');
    } catch (err) {
      return this.fail(err);
    }
    this.loop.charge(json.length * SERIALIZE_MS_PER_BYTE, 'reply serialisation');
    if (json.length > RESPONSE_BYTES_MAX) {
      const mb = (json.length / 1048576).toFixed(1);
      return this.fail(new Error(`The reply is ${mb} MB; the limit is ${RESPONSE_BYTES_MAX / 1048576} MB.`));
    }
    this.sendText(json);
  }

  private sendText(json: string): void {
    if (this.route.hooks.onSend.length === 0) return this.write(json);
    this.hooks('onSend', json, (err, payload) => {
      if (err !== undefined) return this.fail(err);
      if (payload === null || payload === undefined) return this.write('');
      if (typeof payload !== 'string') return this.fail(new TypeError('An onSend hook must give a string payload (or null).'));
      this.write(payload);
    });
  }

  /** An exception or `reply.send(error)`: the onError hooks once, then the next error handler out. */
  private fail(err: unknown): void {
    if (this.answered) return;
    if (this.error === undefined) this.error = err;
    replyControl.reset(this.reply);
    if (!this.onErrorDone && this.route.hooks.onError.length > 0) {
      this.onErrorDone = true;
      // Errors of onError hooks themselves are only logged by Fastify.
      this.hooks('onError', err, () => this.handleError(err));
      return;
    }
    this.onErrorDone = true;
    this.handleError(err);
  }

  private handleError(err: unknown): void {
    const reply = this.reply;
    if (replyControl.status(reply) < 400) replyControl.setStatus(reply, statusOf(err) ?? 500);
    const handler = this.route.errorHandlers[this.nextErrorHandler++];
    if (!handler) return this.defaultError(err);
    let result: unknown;
    try {
      result = handler.call(this.route.instance, err, this.request, reply);
    } catch (thrown) {
      return this.fail(thrown);
    }
    if (isThenable(result)) {
      result.then(
        (v) => this.settle(v, true),
        (e) => this.fail(e),
      );
    } else this.settle(result, false);
  }

  /**
   * The lab's default error handler: the error's `statusCode` (http-errors style) or the
   * reply's 4xx/5xx, and a body that names a client error and hides a server one. Fastify's
   * default body also carries `statusCode` and the message of a 5xx; the lab keeps its
   * shorter body.
   */
  private defaultError(err: unknown): void {
    const reply = this.reply;
    const current = replyControl.status(reply);
    const status = current >= 400 && current < 600 ? current : 500;
    replyControl.setStatus(reply, status);
    const message = status < 500 && err instanceof Error ? err.message : 'Internal Server Error';
    const json = JSON.stringify({ error: message });
    if (this.sendingDefault) return this.write(json); // an onSend hook failed on this very reply: no loop
    this.sendingDefault = true;
    reply.sent = true;
    this.sendText(json);
  }

  private write(json: string): void {
    if (this.answered) return;
    this.answered = true;
    const status = replyControl.status(this.reply);
    const answer: ServerReply =
      status >= 500 && this.error !== undefined ? { status, json, error: detached(this.error) } : { status, json };
    if (!this.hungUp) this.done(answer, this.loop.now());
    // Simplified: Fastify skips onResponse when the client hung up before the write (the
    // response emits neither 'finish' nor 'error'). The lab's clients give up without telling
    // the server, so here onResponse runs after every written reply.
    if (this.hungUp || this.route.hooks.onResponse.length === 0) return;
    this.hooks('onResponse', undefined, (err) => {
      // Fastify only logs an onResponse error; the lab reports it with the request's errors
      // when the hook fails before the client has read the reply.
      if (err !== undefined && answer.error === undefined) answer.error = detached(err);
    });
  }
}

/**
 * The thrown value as the error log will read it, read now, while the service's code runs.
 * The log reads it when the client gets the reply, outside any request: a getter, `toJSON` or
 * Proxy trap of the service's would run there unaccounted (a pbkdf2Sync in it, free). An
 * Error becomes a copy of its name, message and stack over a chain that only names its
 * classes (what source-map.ts `locate` reads); anything else, the text world.ts `describe`
 * would make of it.
 */
function detached(err: unknown): unknown {
  try {
    if (!(err instanceof Error)) {
      if (typeof err === 'string') return err;
      try {
        return String(JSON.stringify(err));
      } catch {
        return String(err);
      }
    }
    const names: string[] = [];
    for (let proto = Object.getPrototypeOf(err), depth = 0; proto && depth < 10; proto = Object.getPrototypeOf(proto), depth++) {
      const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value as { name?: unknown } | undefined;
      if (typeof ctor?.name === 'string' && ctor.name) names.push(ctor.name);
    }
    let chain: object = Error.prototype;
    for (const name of names.reverse()) chain = Object.create(chain, { constructor: { value: Object.freeze({ name }) } });
    const text = (v: unknown) => (typeof v === 'string' ? v : String(v));
    return Object.create(chain, {
      name: { value: text(err.name) },
      message: { value: text(err.message) },
      stack: { value: typeof err.stack === 'string' ? err.stack : undefined },
    });
  } catch {
    return 'a thrown value that could not be read';
  }
}

/** An error's own status, http-errors style (`statusCode`, or `status`), when it is 4xx/5xx. */
export function statusOf(err: unknown): number | undefined {
  const e = err as { statusCode?: unknown; status?: unknown } | null | undefined;
  const code = typeof e?.statusCode === 'number' ? e.statusCode : e?.status;
  return typeof code === 'number' && code >= 400 && code < 600 ? code : undefined;
}

/** preSerialization runs only for payloads Fastify would serialise: not strings, not null. */
function isSerializable(payload: unknown): boolean {
  return payload !== null && typeof payload === 'object';
}
