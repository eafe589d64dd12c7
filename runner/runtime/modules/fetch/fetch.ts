/**
 * The global `fetch` of user code, wired to the scenario's downstream services by host name.
 * Nothing here touches the real network.
 *
 * Timing of one call sent at t (the main thread's now after the call's CPU):
 *   t + rtt/2 (+ connectMs on a new connection)  the request enters the service's queue
 *   service answers at s                          (background event; not delayed by user code)
 *   s + rtt/2                                     the response is ready on the main thread;
 *                                                 the promise settles when the thread is free
 * Connections are kept alive per origin as undici does (connections.ts), so connectMs
 * is paid only when no idle connection is free. An abort rejects at once with the signal's
 * reason and destroys the connection; the server keeps working on the request.
 */
import type { DownstreamResponse } from '../../../scenario/types.ts';
import type { AbortApi } from '../abort.ts';
import type { DownstreamService, DownstreamStats } from '../../remote/downstream.ts';
import { isRequestContext, type Platform } from '../../platform.ts';
import type { UnboundedCall } from '../../process/run-counters.ts';
import { ConnectionPool, type ConnectionStats } from './connections.ts';
import { SimHeaders } from './headers.ts';
import { parseUrl, SimRequest, toDownstreamRequest, type RequestInitLike } from './request.ts';
import { createResponseClass, FETCHED, statusText, type SimResponse } from './response.ts';
import { hardenPlatform } from '../../harden-platform.ts';
import { traceOf } from '../../trace-log.ts';

/**
 * Main-thread CPU of one fetch call: undici builds a Request, headers and a dispatcher
 * entry, then parses the response. An estimate: a keep-alive request on loopback takes
 * ≈0.25 ms end to end, of which a few tens of µs are JavaScript on this thread.
 */
export const FETCH_CPU_MS = 0.05;

export interface FetchOptions {
  /** Called on each fetch to a host this scenario does not provide, so the runner can report it. */
  onUnknownHost?: (host: string) => void;
}

/** Attempts vs logical calls to one host: their ratio is that host's retry amplification. */
export interface HostTally {
  host: string;
  /** Every fetch to the host. */
  attempts: number;
  /** The first fetch to the host within each incoming request (each fetch outside one). */
  calls: number;
}

export interface FetchStats {
  /** Per downstream service: arrivals, queue, completions, time integrals. */
  services: DownstreamStats[];
  /** Per downstream service, in the order given: attempts and logical calls. */
  hosts: HostTally[];
  /** Per origin: connections opened vs kept-alive reuse. */
  connections: ConnectionStats[];
  /** Fetches rejected because their signal aborted before the answer came back. */
  aborted: number;
  /** Fetches to hosts this scenario does not provide. */
  unknownHost: number;
}

export interface FetchApi {
  fetch: (input: string | URL | SimRequest, init?: RequestInitLike) => Promise<SimResponse>;
  Response: ReturnType<typeof createResponseClass>;
  Headers: typeof SimHeaders;
  Request: typeof SimRequest;
  stats(): FetchStats;
}

export function createFetch(p: Platform, services: DownstreamService[], abort: AbortApi, options: FetchOptions = {}): FetchApi {
  const byHost = new Map<string, DownstreamService>();
  for (const s of services) {
    const host = s.host.toLowerCase();
    if (byHost.has(host)) throw new Error(`two downstream services share the host ${host}`);
    byHost.set(host, s);
  }
  const knownHosts = [...byHost.keys()].sort();
  const tallies = new Map(services.map((s) => [s.host.toLowerCase(), { host: s.host, attempts: 0, calls: 0 }]));
  const pools = new Map<string, ConnectionPool>();
  const Response = createResponseClass(p.Promise);
  let aborted = 0;
  let unknownHost = 0;

  class Request extends SimRequest {
    constructor(input: string | URL | SimRequest, init?: RequestInitLike) {
      super(input, init, () => new abort.AbortController().signal);
    }
  }
  hardenPlatform(Request);

  /**
   * Hosts whose last fetch from outside any request failed: the next one from outside is a
   * retry. Without this, work moved out of the requests (a queue the handler only wakes)
   * would make every attempt a call of its own, and a retry storm would read as none.
   */
  const failedOutsideRequests = new Set<string>();

  /** attempts/calls is the retry amplification: calls count a host once per incoming request. */
  function countAttempt(host: string): void {
    const tally = tallies.get(host);
    p.counters.downstreamAttempts++;
    if (tally) tally.attempts++;
    const ctx = p.jobs.context;
    let first: boolean;
    if (isRequestContext(ctx)) {
      const hosts = (ctx.calledHosts ??= []);
      first = !hosts.includes(host);
      if (first) hosts.push(host);
    } else {
      // Startup code and background timers belong to no request: each fetch is a call of its
      // own, unless the one before it to this host failed.
      first = !failedOutsideRequests.has(host);
    }
    if (first) {
      p.counters.downstreamCalls++;
      if (tally) tally.calls++;
    } else p.counters.noteRetrySite(host);
  }

  /** A failure found before anything is sent still settles in a later task, as a DNS lookup does. */
  function rejectSoon(err: Error): Promise<SimResponse> {
    return new p.Promise<SimResponse>((_, reject) => p.loop.postNow(() => reject(err)));
  }

  function fetch(input: string | URL | SimRequest, init?: RequestInitLike): Promise<SimResponse> {
    p.loop.charge(FETCH_CPU_MS, 'fetch');
    let req: SimRequest;
    let url: URL;
    try {
      req = new SimRequest(input, init);
      url = parseUrl(req.url);
    } catch (err) {
      return p.Promise.reject(err);
    }
    if (req.signal?.aborted) return p.Promise.reject(req.signal.reason);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return rejectSoon(new TypeError('fetch failed', { cause: new Error('unknown scheme') }));
    }
    const host = url.hostname.toLowerCase();
    countAttempt(host);
    const service = byHost.get(host);
    if (!service) {
      unknownHost++;
      options.onUnknownHost?.(host);
      return rejectSoon(notFound(host, knownHosts));
    }
    // A call nothing can cut short waits as long as the other side takes: the diagnosis
    // wants to know where such calls are made (the service's code is on this stack).
    const unbounded = req.signal ? undefined : p.counters.unboundedCallSent(host, p.loop.now());
    return send(service, req, url, host, unbounded);
  }

  function send(
    service: DownstreamService,
    req: SimRequest,
    url: URL,
    host: string,
    unbounded: UnboundedCall | undefined,
  ): Promise<SimResponse> {
    const ctx = p.jobs.context;
    /** Outside any request, whether this attempt failed decides how the next is counted. */
    const outcome = isRequestContext(ctx)
      ? undefined
      : (failed: boolean): void => void (failed ? failedOutsideRequests.add(host) : failedOutsideRequests.delete(host));
    const signal = req.signal;
    const sentMs = p.loop.now();
    let pool = pools.get(url.origin);
    if (!pool) pools.set(url.origin, (pool = new ConnectionPool(url.origin)));
    const conn = pool;
    const reused = conn.acquire(sentMs);
    const halfRttMs = service.rttMs / 2;
    const span = traceOf(ctx)?.open(
      'fetch',
      `${req.method} ${url.host}${url.pathname}`,
      sentMs,
      reused ? undefined : { newConnection: true },
    );
    return new p.Promise<SimResponse>((resolve, reject) => {
      // Plain member assignments and inline arrows, not named local functions: this runs
      // once per request, and named closures cost extra where tooling keeps their names.
      const pending: { settled: boolean; onAbort?: () => void } = { settled: false };
      if (signal) {
        pending.onAbort = () => {
          if (pending.settled) return;
          pending.settled = true;
          aborted++;
          outcome?.(true);
          conn.destroy();
          if (span !== undefined) {
            span.endMs = p.loop.now();
            const reason = signal.reason as { name?: unknown } | undefined;
            span.attributes = { ...span.attributes, aborted: true, timeout: reason?.name === 'TimeoutError' };
          }
          reject(signal.reason);
        };
        signal.addEventListener('abort', pending.onAbort, { once: true });
      }
      service.submit(
        toDownstreamRequest(req, url),
        sentMs + halfRttMs,
        (reply, atMs, served) => {
          if (span !== undefined && !pending.settled) {
            span.endMs = atMs + halfRttMs;
            const attributes = span.attributes ?? {};
            if ('refused' in reply) attributes.refused = true;
            else attributes.status = reply.status;
            if (served) attributes.downstreamQueueMs = served.startedMs - served.enteredMs;
            span.attributes = attributes;
          }
          p.loop.post(
            atMs + halfRttMs,
            () => {
              // An aborted request's answer still crosses the network, to a destroyed socket.
              if (pending.settled) return;
              pending.settled = true;
              if (unbounded) p.counters.unboundedCallSettled(unbounded, p.loop.now() - sentMs);
              if (signal && pending.onAbort) signal.removeEventListener('abort', pending.onAbort);
              if ('refused' in reply) {
                outcome?.(true);
                conn.destroy();
                reject(refused(url));
                return;
              }
              outcome?.(reply.status >= 500 || reply.status === 429);
              conn.release(p.loop.now());
              resolve(toResponse(reply, url));
            },
            ctx,
          );
        },
        reused ? 0 : service.connectMs,
      );
    });
  }

  function toResponse(reply: DownstreamResponse, url: URL): SimResponse {
    const headers = new SimHeaders(reply.headers);
    let body: string | null = null;
    if (typeof reply.body === 'string') {
      body = reply.body;
      if (!headers.has('content-type')) headers.set('content-type', 'text/plain; charset=utf-8');
    } else if (reply.body !== undefined) {
      body = JSON.stringify(reply.body);
      if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
    }
    headers.set('content-length', String(body === null ? 0 : utf8Length(body)));
    headers.set('connection', 'keep-alive');
    return new Response(body, { status: reply.status, statusText: statusText(reply.status), headers, [FETCHED]: { url: url.href } });
  }

  return {
    fetch,
    Response,
    Headers: SimHeaders,
    Request,
    stats: () => ({
      services: services.map((s) => s.stats(p.kernel.nowMs)),
      hosts: [...tallies.values()].map((t) => ({ ...t })),
      connections: [...pools.values()].map((c) => c.stats(p.kernel.nowMs)),
      aborted,
      unknownHost,
    }),
  };
}

/** undici's wrapper around a DNS failure, with a message that says what this lab offers. */
function notFound(host: string, knownHosts: string[]): TypeError {
  const offer = knownHosts.length
    ? `this lab's network has only: ${knownHosts.join(', ')}`
    : "this lab's network has no downstream services";
  const cause = Object.assign(new Error(`getaddrinfo ENOTFOUND ${host} — ${offer}`), {
    code: 'ENOTFOUND',
    errno: -3008,
    syscall: 'getaddrinfo',
    hostname: host,
  });
  return new TypeError('fetch failed', { cause });
}

/** undici's wrapper around a refused connection (nothing listens during an outage). */
function refused(url: URL): TypeError {
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const cause = Object.assign(new Error(`connect ECONNREFUSED ${url.hostname}:${port}`), {
    code: 'ECONNREFUSED',
    errno: -111,
    syscall: 'connect',
    address: url.hostname,
    port,
  });
  return new TypeError('fetch failed', { cause });
}

/** Byte length of `s` in UTF-8 without allocating (the runner has no Buffer in a Web Worker). */
function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
