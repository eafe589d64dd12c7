/**
 * The WHATWG `Request` (a subset) and the normalisation fetch applies to its arguments,
 * with undici's rules and error messages: only the six standard methods are upper-cased
 * (`patch` stays `patch`, which real servers answer with 405), GET and HEAD cannot carry a
 * body, a relative URL cannot be parsed (there is no base URL in Node).
 */
import type { DownstreamRequest } from '../../../scenario/types.ts';
import type { SimAbortSignal } from '../abort.ts';
import { SimHeaders, type HeadersInitLike } from './headers.ts';
import { bodyText, type BodyLike } from './response.ts';
import { hardenPlatform } from '../../harden-platform.ts';

export interface RequestInitLike {
  /** HTTP method, GET by default. */
  method?: string;
  headers?: HeadersInitLike;
  /** Request body; objects other than the listed kinds are sent as `String(body)`, as undici does. */
  body?: BodyLike | unknown;
  /** Aborting it rejects the fetch with the signal's reason; the server's work goes on. */
  signal?: SimAbortSignal | null;
}

const NORMALISED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);

export class SimRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: SimHeaders;
  readonly signal: SimAbortSignal | null;
  /** The body as text (null when there is none); this model does not stream. */
  readonly bodyText: string | null;

  /** `defaultSignal` gives a Request made by user code its never-aborting signal (WHATWG). */
  constructor(input: string | URL | SimRequest, init: RequestInitLike = {}, defaultSignal?: () => SimAbortSignal) {
    const base = input instanceof SimRequest ? input : undefined;
    this.url = base ? base.url : parseUrl(input as string | URL).href;
    this.method = normaliseMethod(init.method ?? base?.method ?? 'GET');
    this.headers = new SimHeaders(init.headers ?? base?.headers);
    const signal = init.signal !== undefined ? init.signal : (base?.signal ?? null);
    if (signal !== null && typeof (signal as Partial<SimAbortSignal>).addEventListener !== 'function') {
      throw new TypeError("Failed to construct 'Request': member signal is not of type AbortSignal.");
    }
    this.signal = signal ?? defaultSignal?.() ?? null;
    const body = init.body !== undefined ? bodyText(init.body) : (base?.bodyText ?? null);
    if (body !== null && (this.method === 'GET' || this.method === 'HEAD')) {
      throw new TypeError('Request with GET/HEAD method cannot have body.');
    }
    this.bodyText = body;
    if (body !== null && init.body !== undefined && !this.headers.has('content-type')) {
      if (typeof init.body === 'string') this.headers.set('content-type', 'text/plain;charset=UTF-8');
      else if (init.body instanceof URLSearchParams) this.headers.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
    }
  }

  clone(): SimRequest {
    return new SimRequest(this);
  }

  get [Symbol.toStringTag](): string {
    return 'Request';
  }
}
hardenPlatform(SimRequest);

/** Parsed URLs by text: services call the same few URLs over and over, and parsing is costly. */
const parsedUrls = new Map<string, URL>();
const PARSED_URLS_MAX = 1000;

/**
 * `new URL` with undici's wording when it fails (there is no base URL in Node). The result
 * may be shared between calls, so callers must not modify it.
 */
export function parseUrl(input: string | URL): URL {
  const text = String(input);
  const hit = parsedUrls.get(text);
  if (hit) return hit;
  let url: URL;
  try {
    url = new URL(text);
  } catch (cause) {
    throw new TypeError(`Failed to parse URL from ${text}`, { cause });
  }
  if (parsedUrls.size >= PARSED_URLS_MAX) parsedUrls.delete(parsedUrls.keys().next().value as string);
  parsedUrls.set(text, url);
  return url;
}

function normaliseMethod(method: string): string {
  if (method === 'GET' || method === 'POST') return method; // the common case, already valid
  const m = String(method);
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(m)) throw new TypeError(`'${m}' is not a valid HTTP method.`);
  const upper = m.toUpperCase();
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${m}' HTTP method is unsupported.`);
  return NORMALISED_METHODS.has(upper) ? upper : m;
}

/** What the downstream model receives: path, query and headers split out, JSON bodies parsed. */
export function toDownstreamRequest(req: SimRequest, url: URL): DownstreamRequest {
  const query: Record<string, string> = {};
  if (url.search) for (const [k, v] of url.searchParams) if (!(k in query)) query[k] = v;
  let body: unknown;
  if (req.bodyText !== null) {
    // Many callers send JSON.stringify(...) without a content-type; parse whatever parses.
    try {
      body = JSON.parse(req.bodyText);
    } catch {
      body = req.bodyText;
    }
  }
  return { method: req.method, path: url.pathname, query, headers: req.headers.toRecord(), body };
}
