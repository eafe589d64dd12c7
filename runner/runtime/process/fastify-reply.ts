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

/** How the exchange learns of a send, and clears the reply for an error handler. */
export const replyControl: {
  bind(reply: Reply, onSend: (payload: unknown) => void): void;
  reset(reply: Reply): void;
} = { bind: () => undefined, reset: () => undefined };

/** A Fastify reply member the lab does not have: it throws when called, naming what to use. */
function refused(name: string, instead: string): never {
  throw new Error(`reply.${name} is not supported in this lab; ${instead}.`);
}

export class Reply {
  statusCode = 200;
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

  code(status: number): this {
    this.statusCode = status;
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
    replyControl.reset = (reply) => {
      reply.sent = false;
      reply.payload = undefined;
    };
  }
}
hardenPlatform(Reply);
