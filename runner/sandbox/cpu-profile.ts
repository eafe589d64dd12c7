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
 *   taken at the charge. A stack costs 20 to 40 µs in the sealed realm (its Error constructor
 *   and stack formatting are JavaScript), so charges are sampled deterministically by their
 *   CPU, per kind of work: every charge of `CHARGE_SAMPLE_MS` or more is taken whole; smaller
 *   ones add up, and the one that crosses each `CHARGE_SAMPLE_MS` is taken for that much. The
 *   same code and seed give the same charges, so the same samples.
 */
import type { EventLoop, PlatformWork } from '../runtime/process/event-loop.ts';
import type { InstrumentedCode, MeteredRegion } from './cpu-instrument.ts';
import { SERVICE_FILE } from './compile.ts';

/**
 * Platform charges are sampled once per this much of their CPU, virtual ms: a line whose calls
 * used less may show none of it (its work stays in its kind's bucket). At 1 ms, a run of
 * 160 000 fetches took 8 000 stacks and 10% longer; at 5 ms, well under 2%.
 */
export const CHARGE_SAMPLE_MS = 5;
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

export class ThreadProfile {
  readonly modules: ProfiledModule[] = [];
  /** Platform work by kind, all of it, ms; JSON's included (it is metered units, see below). */
  readonly workMs = new Map<PlatformWork, number>();
  /** JSON's metered work, ms: part of the thread's metered units, but no region's. */
  jsonMs = 0;
  readonly #sites = new Map<string, CallSite>();
  readonly #pendingMs = new Map<PlatformWork, number>();

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

  /** Sampled platform work by the service frame that called it, in the order first seen. */
  get callSites(): Iterable<CallSite> {
    return this.#sites.values();
  }

  #charged(ms: number, work: PlatformWork): void {
    this.workMs.set(work, (this.workMs.get(work) ?? 0) + ms);
    // A request is parsed before any of the service's code runs: no stack would find a line.
    if (work === 'HTTP parsing') return;
    if (ms >= CHARGE_SAMPLE_MS) {
      this.#sample(ms, work);
      return;
    }
    const pending = (this.#pendingMs.get(work) ?? 0) + ms;
    if (pending < CHARGE_SAMPLE_MS) {
      this.#pendingMs.set(work, pending);
      return;
    }
    this.#pendingMs.set(work, pending - CHARGE_SAMPLE_MS);
    this.#sample(CHARGE_SAMPLE_MS, work);
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
