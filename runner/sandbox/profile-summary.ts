/**
 * Turns what the main threads recorded (cpu-profile.ts) into the summary's CPU profile: the
 * service's lines and functions by the CPU they used themselves, and the platform's own work
 * in buckets, which together make the thread's busy time. Lines are the learner's
 * TypeScript lines, through the compiler's source map; code the compiler added (the helpers
 * that lower async/await) has no line and is a bucket of its own.
 *
 * Everything here is a pure function of the record, and ties are broken by line, so the same
 * code and seed give the same bytes.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping';
import type { CpuProfile, ProfileBucket, ProfileFunction, ProfileLine } from '../summary-schema.ts';
import type { MeteredRegion } from './cpu-instrument.ts';
import type { CallSite, ThreadProfile } from './cpu-profile.ts';
import { MODULE_HEADER_LINES } from './evaluate.ts';
import { SERVICE_FILE } from './compile.ts';
import { round3 } from '../metrics/collector.ts';

/** Lines and functions kept in the summary. */
export const PROFILE_LINES_MAX = 20;
export const PROFILE_FUNCTIONS_MAX = 10;
const LINE_TEXT_CHARS_MAX = 120;
const SERVICE_MODULE = `${SERVICE_FILE}.js`;

/** Bucket labels, as the report and the lab show them; platform work is `(platform: crypto)`. */
export const PROFILE_BUCKETS = {
  tasks: '(platform: event loop callbacks)',
  jobs: '(platform: promise jobs)',
  helpers: '(compiled async/await helpers)',
  madeWithFunction: '(code made with new Function)',
} as const;

/** The bucket of platform work of one kind that no line of the service called. */
export function platformBucket(work: string): string {
  return `(platform: ${work})`;
}

interface CompiledService {
  js: string;
  sourceMap: string;
}

interface LineTally {
  line: number;
  /** The line's CPU by the function it ran in: a one-line callback shares its line with its caller. */
  byFunction: Map<string, number>;
  javascriptMs: number;
  platformMs: number;
}

/** The profile of the service's main threads (one per instance). */
export function summarizeProfile(threads: readonly ThreadProfile[], compiled: CompiledService): CpuProfile {
  const map = new TraceMap(compiled.sourceMap);
  const sourceLines = (map.sourcesContent?.[0] ?? '').split('\n');
  const lineStarts = lineStartsOf(compiled.js);
  const tsLineAt = cached((offset: number): number | null => {
    const line0 = lastAtOrBefore(lineStarts, offset);
    return originalPositionFor(map, { line: line0 + 1, column: offset - lineStarts[line0] }).line;
  });
  const lines = new Map<number, LineTally>();
  const functions = new Map<number, ProfileFunction>();
  const buckets = new Map<string, number>();
  const bucket = (label: string, ms: number): void => {
    buckets.set(label, (buckets.get(label) ?? 0) + ms);
  };
  const onLine = (offset: number, region: MeteredRegion, ms: number, kind: 'javascriptMs' | 'platformMs'): boolean => {
    const line = tsLineAt(offset);
    if (line === null) return false;
    const tally = lines.get(line) ?? { line, byFunction: new Map(), javascriptMs: 0, platformMs: 0 };
    tally[kind] += ms;
    tally.byFunction.set(region.functionName, (tally.byFunction.get(region.functionName) ?? 0) + ms);
    lines.set(line, tally);
    const fn = functions.get(region.functionStart) ?? {
      name: region.functionName,
      line: tsLineAt(region.functionStart) ?? line,
      selfMs: 0,
    };
    fn.selfMs += ms;
    functions.set(region.functionStart, fn);
    return true;
  };

  let busyMs = 0;
  for (const thread of threads) {
    const loop = thread.loop;
    busyMs += loop.busyTotalMs;
    bucket(PROFILE_BUCKETS.tasks, loop.tasksRun * loop.taskCostMs);
    bucket(PROFILE_BUCKETS.jobs, loop.jobsRun * loop.jobCostMs);
    let regionsMs = 0;
    for (const module of thread.modules) {
      const library = module.name === SERVICE_MODULE ? undefined : `(library ${module.name.replace(/\.js$/, '')})`;
      module.tally.forEach((entries, id) => {
        if (entries === 0) return;
        const region = module.regions[id];
        for (let i = 0; i < region.weights.length; i += 2) {
          const ms = entries * region.weights[i + 1] * loop.cpuMsPerUnit;
          regionsMs += ms;
          if (library) bucket(library, ms);
          else if (!onLine(region.weights[i], region, ms, 'javascriptMs')) bucket(PROFILE_BUCKETS.helpers, ms);
        }
      });
    }
    // Metered units no region counted and JSON did not charge: code made with new Function.
    bucket(PROFILE_BUCKETS.madeWithFunction, loop.unitsCharged * loop.cpuMsPerUnit - regionsMs - thread.jsonMs);
    const service = thread.modules.find((m) => m.name === SERVICE_MODULE);
    const calledMs = new Map<string, number>();
    for (const site of thread.callSites) {
      const offset = service ? originalOffset(site, service.insertions, lineStarts) : undefined;
      const region = offset === undefined || !service ? undefined : innermostRegion(service.regions, offset);
      if (offset === undefined || !region || !onLine(offset, region, site.ms, 'platformMs')) continue;
      calledMs.set(site.work, (calledMs.get(site.work) ?? 0) + site.ms);
    }
    for (const [work, ms] of thread.workMs) bucket(platformBucket(work), ms - (calledMs.get(work) ?? 0));
  }

  const profileLines: ProfileLine[] = [...lines.values()]
    .map((t) => ({
      line: t.line,
      text: (sourceLines[t.line - 1] ?? '').trim().slice(0, LINE_TEXT_CHARS_MAX),
      functionName: mostOf(t.byFunction),
      selfMs: round3(t.javascriptMs + t.platformMs),
      javascriptMs: round3(t.javascriptMs),
      platformMs: round3(t.platformMs),
    }))
    .filter((l) => l.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs || a.line - b.line)
    .slice(0, PROFILE_LINES_MAX);
  const profileFunctions = [...functions.values()]
    .map((f) => ({ ...f, selfMs: round3(f.selfMs) }))
    .filter((f) => f.selfMs > 0)
    .sort((a, b) => b.selfMs - a.selfMs || a.line - b.line || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .slice(0, PROFILE_FUNCTIONS_MAX);
  const platform: ProfileBucket[] = [...buckets.entries()]
    .map(([label, ms]) => ({ label, ms: round3(ms) }))
    .filter((b) => b.ms > 0)
    .sort((a, b) => b.ms - a.ms || (a.label < b.label ? -1 : 1));
  return { version: 1, busyMs: round3(busyMs), lines: profileLines, functions: profileFunctions, platform };
}

/** The key with the largest value; the first of equals, so the order of the record decides. */
function mostOf(ms: ReadonlyMap<string, number>): string {
  let best = '';
  let bestMs = Number.NEGATIVE_INFINITY;
  for (const [key, value] of ms) {
    if (value > bestMs) {
      best = key;
      bestMs = value;
    }
  }
  return best;
}

/**
 * The offset in the compiled code of a stack position (`line:column` in the evaluated,
 * instrumented code), undoing the module header and the text instrumentation inserted.
 */
function originalOffset(site: CallSite, inserted: readonly number[], lineStarts: number[]): number | undefined {
  const { line, column } = site;
  const line0 = line - 1 - MODULE_HEADER_LINES;
  if (line0 < 0 || line0 >= lineStarts.length) return undefined;
  const lineStart = lineStarts[line0];
  const lineEnd = line0 + 1 < lineStarts.length ? lineStarts[line0 + 1] - 1 : Number.POSITIVE_INFINITY;
  // Walk the line, counting inserted text before each original character.
  let i = 0;
  while (i < inserted.length && inserted[i] < lineStart) i += 2;
  let col = 0;
  for (let at = lineStart; at <= lineEnd; at++) {
    while (i < inserted.length && inserted[i] === at) {
      col += inserted[i + 1];
      i += 2;
    }
    if (col >= column - 1) return at;
    col++;
  }
  return lineEnd;
}

/** The smallest region holding `offset`: regions are in the order their nodes start. */
function innermostRegion(regions: readonly MeteredRegion[], offset: number): MeteredRegion | undefined {
  let found: MeteredRegion | undefined;
  for (const r of regions) {
    if (r.start > offset) break;
    if (offset < r.end) found = r;
  }
  return found;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** Index of the last element of sorted `xs` at or before `x`. */
function lastAtOrBefore(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (xs[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function cached<T>(fn: (key: number) => T): (key: number) => T {
  const memo = new Map<number, T>();
  return (key) => {
    if (memo.has(key)) return memo.get(key) as T;
    const value = fn(key);
    memo.set(key, value);
    return value;
  };
}
