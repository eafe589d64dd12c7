/**
 * A remote service the code under test calls over HTTP: `concurrency` identical servers in
 * front of one FIFO queue, service times drawn from the scenario's distribution, scripted
 * fault windows. It lives entirely in background kernel events: the outside world does not
 * wait for a busy main thread. Textbook M/M/1 and M/M/c queues are built from it, so its
 * statistics must agree with queueing theory (tests/unit/downstream).
 *
 * Work of a request whose client gave up still occupies its server until it is done, as on
 * a real server: that is what makes a retry storm metastable.
 *
 * Faults: a slowdown multiplies the service time of requests that start service inside its
 * window; an errors window decides, when service starts, whether the answer (sent after the
 * normal service time) is its status; an outage refuses every connection that arrives inside
 * its window, at once, while requests accepted before it still finish (the listener is down,
 * the work in hand drains).
 *
 * Ground truth: the ledger lists each piece of work `respond` did, so checks can tell a real
 * charge or quote from an invented one. With `idempotency`, a key seen before is answered
 * from the key store, at once and with no work, like Stripe: the first answer again, 409
 * while the first is still in hand, 400 if the body differs; a request the gateway itself
 * failed (fault windows, a full queue) stores nothing, so it can be retried.
 */
import type { DownstreamRequest, DownstreamResponse, DownstreamSpec, FaultWindow, LedgerEntry } from '../../scenario/types.ts';
import type { Kernel } from '../../sim/kernel.ts';
import type { Prng } from '../../sim/prng.ts';
import { sample } from '../../sim/distributions.ts';
import { Fifo } from '../../sim/fifo.ts';

/** What the client side of the connection sees: an HTTP answer, or a refused connection. */
export type DownstreamReply = DownstreamResponse | { refused: true };

/** When a served request entered the queue and reached a server (absent for rejections). */
export interface ServedTiming {
  enteredMs: number;
  startedMs: number;
}

export type ReplyFn = (reply: DownstreamReply, atMs: number, served?: ServedTiming) => void;

/** A queue limit beyond this (Infinity included) is clamped, so memory stays bounded. */
export const DOWNSTREAM_QUEUE_MAX = 1_000_000;

/** Round trip when the spec names none: a LAN hop through a proxy (bare LAN ≈ 0.5 ms). */
export const DOWNSTREAM_RTT_MS_DEFAULT = 1;

/** Handshake when the spec names none: TCP + TLS, ≈ 2.5 ms of TLS on loopback plus the SYN. */
export const DOWNSTREAM_CONNECT_MS_DEFAULT = 3;

/** Status of a fault window of kind `errors` that names none: what an overloaded proxy says. */
export const FAULT_STATUS_DEFAULT = 503;

export interface DownstreamStats {
  host: string;
  concurrency: number;
  /** Requests (or connection attempts) that reached the host, refused ones included. */
  received: number;
  /** Connections refused during an outage window. */
  refused: number;
  /** Answered 503 at once: every server busy and the queue full. */
  rejected: number;
  /** Answered from the idempotency key store, with no work done. */
  replayed: number;
  /** Taken into service or into the queue. */
  accepted: number;
  /** Of accepted, those that found every server busy and waited (Erlang C's P(wait)). */
  waited: number;
  /** Service finished (fault-injected error answers included). */
  completed: number;
  /** Of completed, answers replaced by an `errors` window's status. */
  faultErrors: number;
  inService: number;
  queued: number;
  /** Sum over completed requests of their time in system (queue + service). */
  timeInSystemTotalMs: number;
  /** Virtual time observed, from construction to the snapshot. */
  elapsedMs: number;
  /** Integral of busy servers over time; divided by concurrency * elapsed, the utilisation. */
  busyServerAreaMs: number;
  /** Integral of requests in system (queued + in service) over time: L * elapsed. */
  inSystemAreaMs: number;
  /** Integral of the queue length over time: Lq * elapsed. */
  queuedAreaMs: number;
  /** Time-average fraction of servers busy. */
  utilisation: number;
  /** Time-average number in system, L of Little's law (L = lambda * W). */
  inSystemMean: number;
  /** Mean time in system of completed requests, W of Little's law. */
  timeInSystemMeanMs: number;
}

interface Waiting {
  req: DownstreamRequest;
  enteredMs: number;
  onReply: ReplyFn;
  startedMs: number;
  /** The idempotency key it holds, if any. */
  keyName: string | undefined;
}

/** What the key store knows of one idempotency key. */
interface StoredKey {
  /** The request body that first used it, as JSON. */
  bodyJson: string;
  /** Its answer, once there is one. */
  reply: DownstreamResponse | undefined;
  /** When the key is forgotten (set when answered). */
  expiresMs: number;
}

export class DownstreamService {
  readonly host: string;
  /** Network round trip from the service under test; each way is half. */
  readonly rttMs: number;
  /** Extra cost of a request on a new connection (TCP + TLS handshake). */
  readonly connectMs: number;
  private readonly queueLimit: number;
  private readonly faults: readonly FaultWindow[];
  private readonly serviceRng: Prng;
  private readonly faultRng: Prng;
  private readonly respondRng: Prng;
  private readonly queue = new Fifo<Waiting>();
  private readonly observedFromMs: number;
  private readonly ledger: LedgerEntry[] = [];
  private readonly keys = new Map<string, StoredKey>();
  private lastMs: number;
  private tally = {
    received: 0,
    refused: 0,
    rejected: 0,
    replayed: 0,
    accepted: 0,
    waited: 0,
    completed: 0,
    faultErrors: 0,
    inService: 0,
    timeInSystemTotalMs: 0,
    busyServerAreaMs: 0,
    inSystemAreaMs: 0,
    queuedAreaMs: 0,
  };

  constructor(
    readonly spec: DownstreamSpec,
    private readonly kernel: Kernel,
    rng: Prng,
  ) {
    const { host, concurrency, queueLimit } = spec;
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      throw new RangeError(`downstream ${host}: concurrency must be a whole number >= 1, got ${concurrency}`);
    }
    if (!(queueLimit >= 0) || (Number.isFinite(queueLimit) && !Number.isInteger(queueLimit))) {
      throw new RangeError(`downstream ${host}: queueLimit must be a whole number >= 0, got ${queueLimit}`);
    }
    this.host = host;
    this.queueLimit = Math.min(queueLimit, DOWNSTREAM_QUEUE_MAX);
    this.rttMs = spec.rttMs ?? DOWNSTREAM_RTT_MS_DEFAULT;
    this.connectMs = spec.connectMs ?? DOWNSTREAM_CONNECT_MS_DEFAULT;
    if (!(this.rttMs >= 0) || !(this.connectMs >= 0)) {
      throw new RangeError(`downstream ${host}: rttMs and connectMs must be >= 0`);
    }
    if (spec.idempotency && !(spec.idempotency.header && (spec.idempotency.ttlMs ?? 1) > 0)) {
      throw new RangeError(`downstream ${host}: idempotency needs a header name and a ttlMs > 0`);
    }
    this.faults = spec.faults ?? [];
    for (const f of this.faults) {
      if (!(f.fromMs <= f.toMs)) throw new RangeError(`downstream ${host}: ${f.kind} window ends before it starts`);
      if (f.kind === 'slowdown' && !(f.factor > 0)) throw new RangeError(`downstream ${host}: slowdown factor must be > 0`);
      if (f.kind === 'errors' && !(f.rate >= 0 && f.rate <= 1)) throw new RangeError(`downstream ${host}: error rate must be in [0, 1]`);
    }
    // One stream per purpose, so a fault window's coin flips never shift the service times
    // and a scenario's `respond` can draw as much as it likes.
    const own = rng.fork(`downstream/${host}`);
    this.serviceRng = own.fork('service');
    this.faultRng = own.fork('faults');
    this.respondRng = own.fork('respond');
    this.observedFromMs = kernel.nowMs;
    this.lastMs = kernel.nowMs;
  }

  /**
   * A request reaches the host at `arriveAtMs` (the first packet; on a new connection the
   * handshake then takes `handshakeMs` before the request enters the queue). `onReply` is
   * called from a background event at the instant the host answers; the trip back is the
   * caller's business.
   */
  submit(req: DownstreamRequest, arriveAtMs: number, onReply: ReplyFn, handshakeMs = 0): void {
    this.kernel.at(arriveAtMs, () => {
      this.tally.received++;
      if (this.activeFault('outage', arriveAtMs)) {
        // Nothing listens: the SYN is answered with a reset, at once.
        this.tally.refused++;
        onReply({ refused: true }, arriveAtMs);
        return;
      }
      if (handshakeMs > 0) this.kernel.at(arriveAtMs + handshakeMs, () => this.enter(req, onReply));
      else this.enter(req, onReply);
    });
  }

  /** The work done so far, in the order it was done (see LedgerEntry). */
  work(): readonly LedgerEntry[] {
    return this.ledger;
  }

  get inService(): number {
    return this.tally.inService;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** A snapshot of the counters and time integrals up to `nowMs` (default: the kernel's now). */
  stats(nowMs = this.kernel.nowMs): DownstreamStats {
    nowMs = Math.max(nowMs, this.lastMs);
    this.advance(nowMs);
    const s = this.tally;
    const elapsedMs = nowMs - this.observedFromMs;
    const c = this.spec.concurrency;
    return {
      host: this.host,
      concurrency: c,
      ...s,
      queued: this.queued,
      elapsedMs,
      utilisation: elapsedMs > 0 ? s.busyServerAreaMs / (c * elapsedMs) : 0,
      inSystemMean: elapsedMs > 0 ? s.inSystemAreaMs / elapsedMs : 0,
      timeInSystemMeanMs: s.completed > 0 ? s.timeInSystemTotalMs / s.completed : 0,
    };
  }

  private enter(req: DownstreamRequest, onReply: ReplyFn): void {
    const now = this.kernel.nowMs;
    this.advance(now);
    const keyName = this.spec.idempotency ? req.headers[this.spec.idempotency.header.toLowerCase()] : undefined;
    if (keyName !== undefined) {
      const seen = this.storedKey(keyName, now);
      if (seen) {
        onReply(this.replay(seen, req), now);
        return;
      }
    }
    if (this.tally.inService >= this.spec.concurrency && this.queued >= this.queueLimit) {
      this.tally.rejected++;
      onReply({ status: 503, body: { error: 'Service Unavailable', reason: 'queue full' } }, now);
      return;
    }
    if (keyName !== undefined) this.keys.set(keyName, { bodyJson: JSON.stringify(req.body) ?? '', reply: undefined, expiresMs: Infinity });
    this.tally.accepted++;
    const w: Waiting = { req, enteredMs: now, onReply, startedMs: now, keyName };
    if (this.tally.inService < this.spec.concurrency) {
      this.start(w);
      return;
    }
    this.tally.waited++;
    this.queue.push(w);
  }

  /** A live entry for `keyName`, forgetting it if it has expired. */
  private storedKey(keyName: string, now: number): StoredKey | undefined {
    const seen = this.keys.get(keyName);
    if (seen && seen.expiresMs <= now) {
      this.keys.delete(keyName);
      return undefined;
    }
    return seen;
  }

  /** The key store's answer to a request whose key it has seen: no work is done. */
  private replay(seen: StoredKey, req: DownstreamRequest): DownstreamResponse {
    this.tally.replayed++;
    if (seen.bodyJson !== (JSON.stringify(req.body) ?? '')) {
      return {
        status: 400,
        body: {
          error: {
            type: 'idempotency_error',
            message: 'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          },
        },
      };
    }
    if (!seen.reply) {
      return {
        status: 409,
        body: {
          error: {
            type: 'idempotency_error',
            code: 'idempotency_key_in_use',
            message: 'There is currently another in-progress request using this Idempotent Key.',
          },
        },
      };
    }
    return { ...seen.reply, headers: { ...seen.reply.headers, 'idempotent-replayed': 'true' } };
  }

  private start(w: Waiting): void {
    const startMs = this.kernel.nowMs;
    w.startedMs = startMs;
    this.tally.inService++;
    let serviceMs = sample(this.spec.serviceTime, this.serviceRng);
    for (const f of this.faults) {
      if (f.kind === 'slowdown' && f.fromMs <= startMs && startMs < f.toMs) serviceMs *= f.factor;
    }
    const errors = this.activeFault('errors', startMs);
    const failed = errors !== undefined && this.faultRng.next() < errors.rate;
    const failStatus = errors?.status ?? FAULT_STATUS_DEFAULT;
    this.kernel.at(startMs + Math.max(0, serviceMs), () => this.finish(w, failed, failStatus));
  }

  private finish(w: Waiting, failed: boolean, failStatus: number): void {
    const now = this.kernel.nowMs;
    this.advance(now);
    this.tally.inService--;
    this.tally.completed++;
    this.tally.timeInSystemTotalMs += now - w.enteredMs;
    const next = this.queue.shift();
    if (next) this.start(next);
    let reply: DownstreamResponse;
    if (failed) {
      this.tally.faultErrors++;
      reply = { status: failStatus, body: { error: 'injected fault' } };
      // The gateway failed, not the work: the key is free for a retry.
      if (w.keyName !== undefined) this.keys.delete(w.keyName);
    } else {
      reply = this.spec.respond?.(w.req, this.respondRng, now) ?? { status: 200, body: { ok: true } };
      this.ledger.push({ req: w.req, status: reply.status, body: reply.body, atMs: now });
      const key = w.keyName === undefined ? undefined : this.keys.get(w.keyName);
      if (key) {
        key.reply = reply;
        key.expiresMs = now + (this.spec.idempotency?.ttlMs ?? Infinity);
      }
    }
    w.onReply(reply, now, { enteredMs: w.enteredMs, startedMs: w.startedMs });
  }

  /** Folds the time since the last change into the integrals. */
  private advance(nowMs: number): void {
    const dt = nowMs - this.lastMs;
    if (dt <= 0) return;
    const s = this.tally;
    const q = this.queued;
    s.busyServerAreaMs += s.inService * dt;
    s.inSystemAreaMs += (s.inService + q) * dt;
    s.queuedAreaMs += q * dt;
    this.lastMs = nowMs;
  }

  private activeFault<K extends FaultWindow['kind']>(kind: K, atMs: number): Extract<FaultWindow, { kind: K }> | undefined {
    for (const f of this.faults) {
      if (f.kind === kind && f.fromMs <= atMs && atMs < f.toMs) return f as Extract<FaultWindow, { kind: K }>;
    }
    return undefined;
  }
}
