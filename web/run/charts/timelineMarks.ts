/**
 * What the scenario scripts over time, as marks on every chart: a load phase above the base
 * rate (a spike, a step up) and a downstream's fault window are shaded bands, so a latency
 * rise can be read against what caused it. A fault that lasts the whole run shades nothing
 * and is said in words instead.
 */
import type { FaultPeriod, LoadPhase, RunTimeline } from '../../../runner/index.ts';
import { pct } from '../format.ts';

export interface ChartMark {
  /** `after`: the load has ended; requests still in flight finish (or time out) without new ones. */
  kind: 'load' | 'fault' | 'after';
  fromSec: number;
  toSec: number;
  /** Short, drawn at the band's top left: "load 380/s", "pricing.internal 3× slower". */
  label: string;
}

export interface TimelineMarks {
  marks: ChartMark[];
  /** The whole timeline in words, for the text under the charts. */
  sentences: string[];
}

/** The timeline with its arrival rates at `scale` (the page knows the scenario's at scale 1). */
export function scaleTimeline(t: RunTimeline, scale: number): RunTimeline {
  if (scale === 1) return t;
  return { ...t, load: t.load.map((p) => ({ ...p, ratePerSecFrom: p.ratePerSecFrom * scale, ratePerSecTo: p.ratePerSecTo * scale })) };
}

/**
 * The marks of a run of `durationMs` whose series reaches `seriesEndSec`: past the planned
 * duration, no request arrives, so its rates fall for a reason the band names.
 */
export function marksOf(timeline: RunTimeline | undefined, durationMs: number, seriesEndSec = 0): TimelineMarks {
  const after: ChartMark[] =
    seriesEndSec > durationMs / 1000 ? [{ kind: 'after', fromSec: durationMs / 1000, toSec: seriesEndSec, label: 'load ended' }] : [];
  if (!timeline) return { marks: after, sentences: [] };
  const marks: ChartMark[] = [];
  const sentences: string[] = [];
  const load = timeline.load;
  if (load.length > 0) {
    const base = load[0];
    for (const p of load.slice(1)) {
      if (p.ratePerSecFrom > base.ratePerSecTo || p.ratePerSecTo > base.ratePerSecTo)
        marks.push({ kind: 'load', fromSec: p.fromMs / 1000, toSec: p.toMs / 1000, label: `load ${rateOf(p)}` });
    }
    sentences.push(`Load: ${load.map((p, i) => (i === 0 ? rateOf(p) : `${rateOf(p)} from ${sec(p.fromMs)}`)).join(', then ')}.`);
  }
  for (const f of timeline.faults) {
    const whole = f.fromMs <= 0 && f.toMs >= durationMs;
    if (!whole) marks.push({ kind: 'fault', fromSec: f.fromMs / 1000, toSec: Math.min(f.toMs, durationMs) / 1000, label: faultLabel(f) });
    sentences.push(`Fault: ${faultLabel(f)} ${whole ? 'for the whole run' : `from ${sec(f.fromMs)} to ${sec(f.toMs)}`}.`);
  }
  return { marks: marks.concat(after), sentences };
}

function rateOf(p: LoadPhase): string {
  const r = (v: number) => `${+v.toFixed(1)}/s`;
  return p.ratePerSecFrom === p.ratePerSecTo ? r(p.ratePerSecFrom) : `${r(p.ratePerSecFrom)} rising to ${r(p.ratePerSecTo)}`;
}

function faultLabel(f: FaultPeriod): string {
  if (f.kind === 'slowdown') return `${f.host} ${f.factor ?? ''}× slower`;
  if (f.kind === 'errors') return `${f.host} fails ${pct(f.rate ?? 0)}${f.status ? ` (${f.status})` : ''}`;
  return `${f.host} down`;
}

const sec = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;
