/**
 * Records where one main thread's CPU goes, for the run's CPU profile (profile-summary.ts turns
 * the record into the summary's `profile`). Two kinds of work are attributed differently:
 *
 * - The service's metered JavaScript: each region (function or loop body) counts its entries
 *   on a Float64Array of its module (cpu-instrument.ts with `profile`), one more increment
 *   beside the counter's. Entries times the region's weight per line is that line's work,
 *   so the hot path keeps no stack and does no lookups.
 * - Platform work (`loop.charge`: pbkdf2Sync's 30 ms, console, a reply's serialisation; and
 *   JSON, metered by size) is attributed to the service line that called it, from a stack
 *   taken at the charge. A stack costs 30 to 70 µs in the sealed realm (its Error constructor
 *   and stack formatting are JavaScript), so charges are sampled deterministically by their
 *   CPU, per kind of work: a stack is taken at the charge that completes a period of the
 *   kind's charges, and its line is credited with the whole periods. The period is 1 ms at first and
 *   grows with the kind's total (a 64th of it), so a kind takes about 64 × ln(total / 64 ms)
 *   stacks: a few hundred in a run of 160 000 fetches, instead of one per fetch, while no
 *   line's share moves by more than a 64th of its kind's. The same code and seed give the
 *   same charges, so the same samples.
 */
import type { EventLoop, PlatformWork } from '../runtime/process/event-loop.ts';
import type { InstrumentedCode, MeteredRegion } from './cpu-instrument.ts';
import { SERVICE_FILE } from './compile.ts';

/** The shortest sampling period of a kind of platform work, virtual ms. */
export const CHARGE_SAMPLE_MS_MIN = 1;
/** A kind's period is at least its total so far over this. */
export const CHARGE_SAMPLES_PER_TOTAL = 64;
/** Distinct call sites kept per thread; further ones count as platform work outside the service. */
const CALL_SITES_MAX = 1000;
const SERVICE_FRAME = new RegExp(`${SERVICE_FILE.replace('.', '\\.')}\\.js:(\\d+):(\\d+)`);

/** One evaluated module's regions and their entry counts. */
export interface ProfiledModule {
  /** The module's source name: `service.ts.js`, or a bundled library's `dataloader.js`. */
  name: string;
  regions: readonly MeteredRegion[];
  /** Pairs [offset, length] of the text instrumentation inserted (cpu-instrument.ts). */
  insertions: readonly number[];
  tally: Float64Array;
}

/** Sampled platform work a service line called: the line's place in the evaluated code, and the work. */
export interface CallSite {
  /** 1-based line and column in the evaluated (instrumented, wrapped) code. */
  line: number;
  column: number;
  work: PlatformWork;
  ms: number;
}

/** One kind of platform work on a thread: all of it, and what its next sample will be credited with. */
interface WorkTally {
  totalMs: number;
  pendingMs: number;
}

export class ThreadProfile {
  readonly modules: ProfiledModule[] = [];
  /** JSON's metered work, ms: part of the thread's metered units, but no region's. */
  jsonMs = 0;
  readonly #sites = new Map<string, CallSite>();
  readonly #work = new Map<PlatformWork, WorkTally>();

  constructor(readonly loop: EventLoop) {
    // Bound, not wrapped: one frame fewer between the charge and the service's caller.
    loop.chargeObserver = this.#charged.bind(this);
  }

  /** Registers a module evaluated with profiling; returns the array its regions count on. */
  addModule(name: string, instrumented: InstrumentedCode): Float64Array {
    const regions = instrumented.regions ?? [];
    const tally = new Float64Array(regions.length);
    this.modules.push({ name, regions, insertions: instrumented.insertions ?? [], tally });
    return tally;
  }

  /** The service's JSON charged `units` on the thread's counter (metered-json.ts). */
  jsonUnits(units: number): void {
    if (!this.loop.running) return;
    const ms = units * this.loop.cpuMsPerUnit;
    this.jsonMs += ms;
    this.#charged(ms, 'JSON');
  }

  /** Platform work by kind, all of it, ms; JSON's included (it is metered units). */
  get workMs(): Iterable<[PlatformWork, number]> {
    return [...this.#work].map(([work, t]): [PlatformWork, number] => [work, t.totalMs]);
  }

  /** Sampled platform work by the service frame that called it, in the order first seen. */
  get callSites(): Iterable<CallSite> {
    return this.#sites.values();
  }

  #charged(ms: number, work: PlatformWork): void {
    let t = this.#work.get(work);
    if (!t) this.#work.set(work, (t = { totalMs: 0, pendingMs: 0 }));
    t.totalMs += ms;
    // A request is parsed before any of the service's code runs: no stack would find a line.
    if (work === 'HTTP parsing') return;
    t.pendingMs += ms;
    const total = t.totalMs / CHARGE_SAMPLES_PER_TOTAL;
    const periodMs = total > CHARGE_SAMPLE_MS_MIN ? total : CHARGE_SAMPLE_MS_MIN;
    if (t.pendingMs < periodMs) return;
    // Whole periods to the charge that completed them: a charge is picked in proportion to
    // its size, so a tiny call after a big one is not handed the big one's time.
    const creditMs = Math.floor(t.pendingMs / periodMs) * periodMs;
    t.pendingMs -= creditMs;
    this.#sample(creditMs, work);
  }

  #sample(ms: number, work: PlatformWork): void {
    // The realm's Error keeps its default depth (sealed: stackTraceLimit cannot be set), which
    // reaches from here through a platform module to its caller; a deeper caller is not found.
    const stack = new Error().stack ?? '';
    const frame = SERVICE_FRAME.exec(stack);
    if (!frame) return; // not called from the service: it stays in its kind's bucket
    const key = `${work}:${frame[1]}:${frame[2]}`;
    const site = this.#sites.get(key);
    if (site) site.ms += ms;
    else if (this.#sites.size < CALL_SITES_MAX) this.#sites.set(key, { line: Number(frame[1]), column: Number(frame[2]), work, ms });
  }
}
