/**
 * The load balancer in front of several instances of the service (platform.replicas). Each
 * request goes to one instance, chosen in turn (round robin, nginx's and ALB's default), as
 * the instance with the fewest requests it has not yet answered (least outstanding requests,
 * as ALB and Envoy's LEAST_REQUEST do; ties go to the next in turn), or at random. An answer
 * the service writes after the client gave up still counts until it is written: the
 * instance is busy with it. The balancer adds no latency of its own (well under a
 * millisecond in the same zone).
 *
 * Queueing: a random split of Poisson arrivals is Poisson, so N instances behind `random`
 * are N independent M/M/1 queues at λ/N when each is M/M/1. Round robin gives each instance
 * every N-th arrival: Erlang-N gaps, more regular, so each is an E_N/M/1 queue and waits
 * less (tests/queueing/replicas.test.ts checks both).
 */
import type { LoadRequest, ReplicaSpec } from '../scenario/types.ts';
import type { ServerReply } from '../runtime/process/http-server.ts';
import type { Prng } from '../sim/prng.ts';

/** What takes a request from the load client: one instance, or a balancer over several. */
export interface RequestHandler {
  handle(req: LoadRequest, arriveMs: number, context: object, done: (reply: ServerReply, atMs: number) => void): void;
}

export type BalancerPolicy = NonNullable<ReplicaSpec['balancer']>;

export class LoadBalancer implements RequestHandler {
  /** Requests each instance has been given, and of those not yet answered. */
  readonly handled: number[];
  readonly outstanding: number[];
  private turn = 0;

  constructor(
    private readonly instances: readonly RequestHandler[],
    private readonly policy: BalancerPolicy,
    private readonly rng: Prng,
  ) {
    if (instances.length < 1) throw new RangeError('a load balancer needs at least one instance');
    this.handled = instances.map(() => 0);
    this.outstanding = instances.map(() => 0);
  }

  handle(req: LoadRequest, arriveMs: number, context: object, done: (reply: ServerReply, atMs: number) => void): void {
    const i = this.pick();
    this.handled[i]++;
    this.outstanding[i]++;
    this.instances[i].handle(req, arriveMs, context, (reply, atMs) => {
      this.outstanding[i]--;
      done(reply, atMs);
    });
  }

  private pick(): number {
    const n = this.instances.length;
    if (this.policy === 'random') return Math.floor(this.rng.next() * n);
    const first = this.turn;
    this.turn = (this.turn + 1) % n;
    if (this.policy === 'round-robin') return first;
    let best = first;
    for (let k = 1; k < n; k++) {
      const i = (first + k) % n;
      if (this.outstanding[i] < this.outstanding[best]) best = i;
    }
    return best;
  }
}
