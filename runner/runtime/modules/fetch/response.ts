/**
 * The WHATWG `Response` for simulated fetch. Bodies arrive whole (a downstream answer is
 * small and the network model has no streaming), so `text()`/`json()` settle on the job
 * queue, a few microtasks later as with undici, never on a later macrotask. The body can be
 * read once, as in Node; `clone()` first to read it twice.
 */
import { SimHeaders, type HeadersInitLike } from './headers.ts';
import { hardenPlatform } from '../../harden-platform.ts';

export type BodyLike = string | URLSearchParams | Uint8Array | ArrayBuffer | null | undefined;

export interface ResponseInitLike {
  /** HTTP status, 200 by default; 200-599 for user-made responses. */
  status?: number;
  /** Reason phrase; fetched responses carry the standard one for their status. */
  statusText?: string;
  headers?: HeadersInitLike;
}

/** How fetch marks the responses it builds (url, type) without a public constructor option. */
export const FETCHED = Symbol('fetched');

interface FetchedInit extends ResponseInitLike {
  [FETCHED]?: { url: string; type?: 'basic' | 'error' };
}

export type SimResponse = InstanceType<ReturnType<typeof createResponseClass>>;

export function createResponseClass(P: PromiseConstructor) {
  class Response {
    readonly status: number;
    readonly statusText: string;
    readonly headers: SimHeaders;
    readonly url: string;
    readonly type: 'basic' | 'default' | 'error';
    readonly redirected = false;
    #body: string | null;
    #used = false;

    constructor(body?: BodyLike, init: FetchedInit = {}) {
      const fetched = init[FETCHED];
      const status = init.status ?? 200;
      if (!fetched && !(Number.isInteger(status) && status >= 200 && status <= 599)) {
        throw new RangeError('init["status"] must be in the range of 200 to 599, inclusive.');
      }
      this.status = status;
      this.statusText = init.statusText ?? '';
      // fetch hands over headers it built for this response alone: no need to copy them.
      this.headers = fetched && init.headers instanceof SimHeaders ? init.headers : new SimHeaders(init.headers);
      this.url = fetched?.url ?? '';
      this.type = fetched ? (fetched.type ?? 'basic') : 'default';
      this.#body = bodyText(body);
      if (this.#body !== null && !this.headers.has('content-type')) {
        this.headers.set(
          'content-type',
          body instanceof URLSearchParams ? 'application/x-www-form-urlencoded;charset=UTF-8' : 'text/plain;charset=UTF-8',
        );
      }
    }

    get ok(): boolean {
      return this.status >= 200 && this.status <= 299;
    }

    get bodyUsed(): boolean {
      return this.#used;
    }

    text(): Promise<string> {
      const used = this.#take();
      return used ?? P.resolve(this.#body ?? '');
    }

    json(): Promise<unknown> {
      const used = this.#take();
      if (used) return used;
      try {
        return P.resolve(JSON.parse(this.#body ?? ''));
      } catch (err) {
        // JSON.parse throws a SyntaxError, which is what undici rejects with too.
        return P.reject(err);
      }
    }

    arrayBuffer(): Promise<ArrayBuffer> {
      const used = this.#take();
      return used ?? P.resolve(new TextEncoder().encode(this.#body ?? '').buffer as ArrayBuffer);
    }

    clone(): Response {
      if (this.#used) throw new TypeError('Response.clone: Body has already been consumed.');
      const copy = new Response(this.#body, {
        status: this.status,
        statusText: this.statusText,
        headers: this.headers,
        ...(this.type === 'basic' ? { [FETCHED]: { url: this.url } } : {}),
      });
      return copy;
    }

    /** Marks the body read; a rejected promise when it already was. */
    #take(): Promise<never> | undefined {
      if (this.#used) return P.reject(new TypeError('Body is unusable: Body has already been read'));
      this.#used = true;
      return undefined;
    }

    get [Symbol.toStringTag](): string {
      return 'Response';
    }

    static json(data: unknown, init: ResponseInitLike = {}): Response {
      const headers = new SimHeaders(init.headers);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json');
      return new Response(JSON.stringify(data), { ...init, headers });
    }

    static error(): Response {
      return new Response(null, { status: 0, [FETCHED]: { url: '', type: 'error' } });
    }
  }
  return hardenPlatform(Response);
}

/** The body as text, the one representation this model keeps. */
export function bodyText(body: unknown): string | null {
  if (body === null || body === undefined) return null;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  if (body instanceof ArrayBuffer) return new TextDecoder().decode(new Uint8Array(body));
  // Like undici: any other object is sent as its string form, "[object Object]" included.
  return String(body);
}

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  301: 'Moved Permanently',
  302: 'Found',
  304: 'Not Modified',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase a Node server sends for `status`. */
export function statusText(status: number): string {
  return STATUS_TEXT[status] ?? '';
}
