/**
 * Records where one thread's CPU goes, for the run's CPU profile (profile-summary.ts turns
 * the record into the summary's `profile`). Two kinds of work are attributed differently:
 *
 * - The service's metered JavaScript: each region (function or loop body) counts its entries
 *   on a Float64Array of its module (cpu-instrument.ts with `profile`), one more increment
 *   beside the counter's. Entries times the region's weight per line is that line's work,
 *   so the hot path keeps no stack and does no lookups.
 * - Explicit platform charges (`loop.charge`: pbkdf2Sync's 30 ms, console, a reply's
 *   serialisation) are attributed to the service line that called them, from a stack taken
 *   at the charge. A stack costs about 10 µs, so charges are sampled deterministically by
 *   their CPU: every charge of `CHARGE_SAMPLE_MS` or more is taken whole; smaller ones add up,
 *   and the one that crosses each `CHARGE_SAMPLE_MS` is taken for that much. The same code
 *   and seed give the same charges, so the same samples.
 */
import type { EventLoop } from '../runtime/process/event-loop.ts';
import type { InstrumentedCode, MeteredRegion } from './cpu-instrument.ts';
import { SERVICE_FILE } from './compile.ts';

/** Explicit charges are sampled once per this much of their CPU, virtual ms. */
export const CHARGE_SAMPLE_MS = 1;
/** Frames kept in a sampled stack: enough to get from a platform module back to the service. */
const STACK_FRAMES_MAX = 24;
/** Distinct call sites kept per thread; further ones count as outside the service. */
const CALL_SITES_MAX = 1000;
const SERVICE_FRAME = new RegExp(`${SERVICE_FILE.replace('.', '\\.')}\\.js:(\\d+):(\\d+)`);

/** One evaluated module's regions and their entry counts. */
export interface ProfiledModule {
  /** The module's source name: `service.ts.js`, or a bundled library's `dataloader.js`. */
  name: string;
  regions: MeteredRegion[];
  tally: Float64Array;
}

export class ThreadProfile {
  readonly modules: ProfiledModule[] = [];
  /** Sampled charges by the service frame that made them, `line:column` in the evaluated code (1-based). */
  readonly callSiteMs = new Map<string, number>();
  /** Explicit charges in tasks, all of them, ms. */
  chargedMs = 0;
  /** Sampled charges with no service frame on the stack (a request's parsing, say), ms. */
  outsideMs = 0;
  private pendingMs = 0;

  constructor(readonly loop: EventLoop) {
    loop.chargeObserver = (ms) => this.charged(ms);
  }

  /** Registers a module evaluated with profiling; returns the array its regions count on. */
  addModule(name: string, instrumented: InstrumentedCode): Float64Array {
    const regions = instrumented.regions ?? [];
    const tally = new Float64Array(regions.length);
    this.modules.push({ name, regions, tally });
    return tally;
  }

  private charged(ms: number): void {
    this.chargedMs += ms;
    if (ms >= CHARGE_SAMPLE_MS) {
      this.sample(ms);
      return;
    }
    this.pendingMs += ms;
    if (this.pendingMs < CHARGE_SAMPLE_MS) return;
    this.pendingMs -= CHARGE_SAMPLE_MS;
    this.sample(CHARGE_SAMPLE_MS);
  }

  private sample(ms: number): void {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = STACK_FRAMES_MAX;
    const stack = new Error().stack ?? '';
    Error.stackTraceLimit = limit;
    const frame = SERVICE_FRAME.exec(stack);
    const key = frame ? `${frame[1]}:${frame[2]}` : undefined;
    if (key === undefined || (!this.callSiteMs.has(key) && this.callSiteMs.size >= CALL_SITES_MAX)) {
      this.outsideMs += ms;
      return;
    }
    this.callSiteMs.set(key, (this.callSiteMs.get(key) ?? 0) + ms);
  }
}
