/**
 * Fastify's reply as the service holds it, and the request object handed beside it. What a
 * `send` sets in motion (hooks, serialisation, the write) is the exchange's business, kept in a
 * private field so that nothing reachable from the reply leads to the server.
 */
import { hardenPlatform } from '../harden-platform.ts';

/** The request as handlers and hooks see it (Fastify's FastifyRequest subset). */
export interface IncomingRequest {
  method: string;
  url: string;
  routeOptions: { url: string; method: string; config: unknown; schema: unknown };
  params: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
  id: string;
  log: Logger;
}

export interface Logger {
  info(...a: unknown[]): void;
  warn(...a: unknown[]): void;
  error(...a: unknown[]): void;
  debug(...a: unknown[]): void;
}

/**
 * How the exchange learns of a send, clears the reply for an error handler, and reads the
 * status the service set through `code()` or `statusCode` (as Fastify reads its raw response's,
 * not whatever own `statusCode` a service defines on the reply object).
 */
export const replyControl: {
  bind(reply: Reply, onSend: (payload: unknown) => void): void;
  reset(reply: Reply): void;
  status(reply: Reply): number;
  setStatus(reply: Reply, status: number): void;
} = { bind: () => undefined, reset: () => undefined, status: () => 500, setStatus: () => undefined };

/** A Fastify reply member the lab does not have: it throws when called, naming what to use. */
function refused(name: string, instead: string): never {
  throw new Error(`reply.${name} is not supported in this lab; ${instead}.`);
}

export class Reply {
  #statusCode = 200;
  sent = false;
  payload: unknown = undefined;
  headers: Record<string, string> = {};
  readonly request: IncomingRequest;
  log: Logger;
  #onSend: ((payload: unknown) => void) | undefined = undefined;

  constructor(request: IncomingRequest) {
    this.request = request;
    this.log = request.log;
  }

  /**
   * The status as Fastify keeps it: a number from 100 to 599, read once when set. The
   * platform reads it long after the service's code has run (the client's verdict), so it
   * must never be an object whose `valueOf` would run service code there.
   */
  get statusCode(): number {
    return this.#statusCode;
  }
  set statusCode(status: number) {
    this.code(status);
  }

  /** Fastify's FST_ERR_BAD_STATUS_CODE for anything but 100–599. Simplified: a fraction is dropped, as Node's writeHead does. */
  code(status: number): this {
    const value = Number(status);
    if (Number.isNaN(value) || value < 100 || value > 599) {
      throw new Error(`Called reply with an invalid status code: ${typeof status === 'object' ? 'object' : String(status)}`);
    }
    this.#statusCode = Math.trunc(value);
    return this;
  }
  status(status: number): this {
    return this.code(status);
  }
  header(name: string, value: unknown): this {
    this.headers[name.toLowerCase()] = String(value);
    return this;
  }
  getHeader(name: string): string | undefined {
    return this.headers[name.toLowerCase()];
  }
  getHeaders(): Record<string, string> {
    return { ...this.headers };
  }
  hasHeader(name: string): boolean {
    return name.toLowerCase() in this.headers;
  }
  removeHeader(name: string): this {
    delete this.headers[name.toLowerCase()];
    return this;
  }
  type(contentType: string): this {
    return this.header('content-type', contentType);
  }
  /** Sends the payload through onSend to the client; an Error goes to the error handler. */
  send(payload?: unknown): this {
    if (this.sent) return this; // Fastify ignores (and logs) a second send
    this.sent = true;
    this.payload = payload;
    this.#onSend?.(payload);
    return this;
  }
  hijack(): never {
    return refused('hijack', 'reply through reply.send() or a return value');
  }
  redirect(): never {
    return refused('redirect', 'set reply.code(302) and a location header, then send');
  }
  callNotFound(): never {
    return refused('callNotFound', 'answer reply.code(404).send(...)');
  }
  get raw(): never {
    return refused('raw', 'the lab has no Node response stream: use reply.header() and reply.send()');
  }

  static {
    replyControl.bind = (reply, onSend) => {
      reply.#onSend = onSend;
    };
    replyControl.status = (reply) => reply.#statusCode;
    replyControl.setStatus = (reply, status) => {
      reply.#statusCode = status;
    };
    replyControl.reset = (reply) => {
      reply.sent = false;
      reply.payload = undefined;
    };
  }
}
hardenPlatform(Reply);
