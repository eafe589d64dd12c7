/**
 * Which finished requests keep their trace. A request's latency is known only when it ends,
 * so each is offered then, and the sampler keeps, per route: the slowest few (a bounded
 * heap), a seeded reservoir of each failure kind and one of ordinary requests. A request
 * evicted from every place it held is dropped at once (its recording stops). The choice
 * depends only on the order of finishes and the seed, so the same run keeps the same traces.
 */
import type { Prng } from '../sim/prng.ts';
import type { TraceSampledAs } from '../summary-schema.ts';
import type { Outcome } from './collector.ts';

/** How many traces a run keeps: per route by reason, and in all. */
export const TRACE_LIMITS = {
  slowestPerRoute: 3,
  errorsPerRoute: 2,
  timeoutsPerRoute: 2,
  ordinaryPerRoute: 2,
  perRun: 30,
};

export interface TraceCandidate<T> {
  route: string;
  seq: number;
  latencyMs: number;
  outcome: Outcome;
  payload: T;
}

export interface KeptTrace<T> {
  candidate: TraceCandidate<T>;
  sampledAs: TraceSampledAs[];
}

interface Held<T> {
  candidate: TraceCandidate<T>;
  /** The places holding it: the slowest heap and its outcome's reservoir. */
  refs: number;
}

interface Reservoir<T> {
  items: Held<T>[];
  seen: number;
  rng: Prng;
}

interface RouteSample<T> {
  /** Slowest first; ties keep the earlier request. */
  slowest: Held<T>[];
  byOutcome: Record<Outcome, Reservoir<T>>;
}

const SAMPLED_AS: Record<Outcome, TraceSampledAs> = { ok: 'sample', error: 'error', timeout: 'timeout' };

export class TraceSampler<T> {
  private readonly routes = new Map<string, RouteSample<T>>();

  constructor(
    private readonly rng: Prng,
    /** Called for a request offered and not kept, or evicted later. */
    private readonly onDrop: (c: TraceCandidate<T>) => void,
    private readonly limits = TRACE_LIMITS,
  ) {}

  offer(c: TraceCandidate<T>): void {
    const r = this.routeSample(c.route);
    const held: Held<T> = { candidate: c, refs: 0 };
    this.offerSlowest(r.slowest, held);
    this.offerReservoir(r.byOutcome[c.outcome], held, this.capacity(c.outcome));
    if (held.refs === 0) this.onDrop(c);
  }

  /**
   * The traces kept, in the order of `routeOrder` and within a route slowest first. When
   * the routes together hold more than the run's limit, each gets an equal share, filled with
   * its slowest first, then errors, timeouts and the ordinary sample; the rest are dropped.
   */
  kept(routeOrder: readonly string[]): KeptTrace<T>[] {
    const routes = [...routeOrder.filter((r) => this.routes.has(r)), ...[...this.routes.keys()].filter((r) => !routeOrder.includes(r))];
    const share = routes.length ? Math.floor(this.limits.perRun / routes.length) : 0;
    const out: KeptTrace<T>[] = [];
    for (const route of routes) {
      const r = this.routes.get(route) as RouteSample<T>;
      const reasons = new Map<Held<T>, TraceSampledAs[]>();
      const note = (h: Held<T>, why: TraceSampledAs): void => {
        const list = reasons.get(h);
        if (list) list.push(why);
        else reasons.set(h, [why]);
      };
      for (const h of r.slowest) note(h, 'slowest');
      for (const outcome of ['error', 'timeout', 'ok'] as const) {
        for (const h of [...r.byOutcome[outcome].items].sort(bySeq)) note(h, SAMPLED_AS[outcome]);
      }
      const chosen = [...reasons.keys()].slice(0, share);
      for (const h of [...reasons.keys()].slice(share)) this.onDrop(h.candidate);
      chosen.sort((a, b) => b.candidate.latencyMs - a.candidate.latencyMs || a.candidate.seq - b.candidate.seq);
      for (const h of chosen) out.push({ candidate: h.candidate, sampledAs: reasons.get(h) as TraceSampledAs[] });
    }
    return out;
  }

  private capacity(outcome: Outcome): number {
    if (outcome === 'error') return this.limits.errorsPerRoute;
    if (outcome === 'timeout') return this.limits.timeoutsPerRoute;
    return this.limits.ordinaryPerRoute;
  }

  private routeSample(route: string): RouteSample<T> {
    let r = this.routes.get(route);
    if (!r) {
      const reservoir = (kind: string): Reservoir<T> => ({ items: [], seen: 0, rng: this.rng.fork(`${route}/${kind}`) });
      r = { slowest: [], byOutcome: { ok: reservoir('ok'), error: reservoir('error'), timeout: reservoir('timeout') } };
      this.routes.set(route, r);
    }
    return r;
  }

  private offerSlowest(heap: Held<T>[], held: Held<T>): void {
    const k = this.limits.slowestPerRoute;
    if (k <= 0) return;
    const latency = held.candidate.latencyMs;
    if (heap.length >= k && !(latency > heap[heap.length - 1].candidate.latencyMs)) return;
    // k is small: an insertion into a sorted array beats a heap here.
    let i = heap.length;
    while (i > 0 && heap[i - 1].candidate.latencyMs < latency) i--;
    heap.splice(i, 0, held);
    held.refs++;
    if (heap.length > k) this.release(heap.pop() as Held<T>);
  }

  /** Algorithm R: the i-th of a kind replaces a random slot with probability k / (i + 1). */
  private offerReservoir(res: Reservoir<T>, held: Held<T>, k: number): void {
    const i = res.seen++;
    if (k <= 0) return;
    if (res.items.length < k) {
      res.items.push(held);
      held.refs++;
      return;
    }
    const j = Math.floor(res.rng.next() * (i + 1));
    if (j >= k) return;
    const old = res.items[j];
    res.items[j] = held;
    held.refs++;
    this.release(old);
  }

  private release(h: Held<T>): void {
    if (--h.refs === 0) this.onDrop(h.candidate);
  }
}

function bySeq<T>(a: Held<T>, b: Held<T>): number {
  return a.candidate.seq - b.candidate.seq;
}
