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
import type { ProfiledModule, ThreadProfile } from './cpu-profile.ts';
import { MODULE_HEADER_LINES } from './evaluate.ts';
import { SERVICE_FILE } from './compile.ts';
import { round3 } from '../metrics/collector.ts';

/** Lines and functions kept in the summary. */
export const PROFILE_LINES_MAX = 10;
export const PROFILE_FUNCTIONS_MAX = 10;
const LINE_TEXT_CHARS_MAX = 120;
const SERVICE_MODULE = `${SERVICE_FILE}.js`;

/** Bucket labels, as the report and the lab show them. */
export const PROFILE_BUCKETS = {
  tasks: 'event loop: callbacks (timers, I/O, requests)',
  jobs: 'promise jobs (await, then)',
  helpers: 'compiled async/await helpers',
  unattributed: 'JSON and code made with Function',
  outside: 'platform work not called from the service (request parsing, sockets)',
} as const;

interface CompiledService {
  js: string;
  sourceMap: string;
}

interface LineTally {
  line: number;
  functionName: string;
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
    if (ms > 0) buckets.set(label, (buckets.get(label) ?? 0) + ms);
  };
  const onLine = (offset: number, region: MeteredRegion, ms: number, kind: 'javascriptMs' | 'platformMs'): void => {
    const line = tsLineAt(offset);
    if (line === null) {
      bucket(PROFILE_BUCKETS.helpers, ms);
      return;
    }
    const tally = lines.get(line) ?? { line, functionName: region.functionName, javascriptMs: 0, platformMs: 0 };
    tally[kind] += ms;
    lines.set(line, tally);
    const fn = functions.get(region.functionStart) ?? { name: region.functionName, line: tsLineAt(region.functionStart) ?? line, selfMs: 0 };
    fn.selfMs += ms;
    functions.set(region.functionStart, fn);
  };

  let busyMs = 0;
  for (const thread of threads) {
    const loop = thread.loop;
    busyMs += loop.busyTotalMs;
    bucket(PROFILE_BUCKETS.tasks, loop.tasksRun * loop.taskCostMs);
    bucket(PROFILE_BUCKETS.jobs, loop.jobsRun * loop.jobCostMs);
    let regionsMs = 0;
    for (const module of thread.modules) {
      const library = module.name === SERVICE_MODULE ? undefined : `library ${module.name.replace(/\.js$/, '')}`;
      module.tally.forEach((entries, id) => {
        if (entries === 0) return;
        const region = module.regions[id];
        for (let i = 0; i < region.weights.length; i += 2) {
          const ms = entries * region.weights[i + 1] * loop.cpuMsPerUnit;
          regionsMs += ms;
          if (library) bucket(library, ms);
          else onLine(region.weights[i], region, ms, 'javascriptMs');
        }
      });
    }
    // Metered units no region counted: JSON by size, code made with Function.
    bucket(PROFILE_BUCKETS.unattributed, loop.unitsCharged * loop.cpuMsPerUnit - regionsMs);
    const service = thread.modules.find((m) => m.name === SERVICE_MODULE);
    let sampledMs = 0;
    for (const [site, ms] of thread.callSiteMs) {
      const offset = service ? originalOffset(site, service, lineStarts) : undefined;
      const region = offset === undefined || !service ? undefined : innermostRegion(service.regions, offset);
      if (offset === undefined || !region) continue;
      sampledMs += ms;
      onLine(offset, region, ms, 'platformMs');
    }
    bucket(PROFILE_BUCKETS.outside, thread.chargedMs - sampledMs);
  }

  const profileLines: ProfileLine[] = [...lines.values()]
    .map((t) => ({
      line: t.line,
      text: (sourceLines[t.line - 1] ?? '').trim().slice(0, LINE_TEXT_CHARS_MAX),
      functionName: t.functionName,
      selfMs: round3(t.javascriptMs + t.platformMs),
      javascriptMs: round3(t.javascriptMs),
      platformMs: round3(t.platformMs),
    }))
    .sort((a, b) => b.selfMs - a.selfMs || a.line - b.line)
    .slice(0, PROFILE_LINES_MAX);
  const profileFunctions = [...functions.values()]
    .map((f) => ({ ...f, selfMs: round3(f.selfMs) }))
    .sort((a, b) => b.selfMs - a.selfMs || a.line - b.line || (a.name < b.name ? -1 : 1))
    .slice(0, PROFILE_FUNCTIONS_MAX);
  const platform: ProfileBucket[] = [...buckets.entries()]
    .map(([label, ms]) => ({ label, ms: round3(ms) }))
    .filter((b) => b.ms > 0)
    .sort((a, b) => b.ms - a.ms || (a.label < b.label ? -1 : 1));
  return { version: 1, busyMs: round3(busyMs), lines: profileLines, functions: profileFunctions, platform };
}

/**
 * The offset in the compiled code of a stack position (`line:column` in the evaluated,
 * instrumented code), undoing the module header and the text instrumentation inserted.
 */
function originalOffset(site: string, module: ProfiledModule, lineStarts: number[]): number | undefined {
  const [line, column] = site.split(':').map(Number);
  const line0 = line - 1 - MODULE_HEADER_LINES;
  if (line0 < 0 || line0 >= lineStarts.length) return undefined;
  const inserted = module.insertions;
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
