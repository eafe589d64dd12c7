/**
 * A scenario's SLOs as lines on the charts that show what they judge: a latency target on its
 * route's latency chart, a failure rate on the errors chart, and so on. An SLO whose measure
 * no chart draws (a recovery time, leaked clients) gets no line: the checklist has it.
 */
import type { SloSpec } from '../../../runner/index.ts';
import { sloTarget } from '../format.ts';

export interface SloLine {
  /** The metric's name without tags: `http_req_duration`. */
  metric: string;
  /** The route the SLO is about, when it names one. */
  route?: string;
  /** The downstream host it is about, when it names one. */
  host?: string;
  /** The target, in the unit the metric is measured in (a failure rate as a fraction). */
  target: number;
  /** The target in words, as the checklist writes it: "p99 under 25 ms". */
  words: string;
  label: string;
}

const THRESHOLD = /^\s*(p\s*\([^)]*\)|[a-z]+)\s*(<=|>=|==|!=|<|>)\s*(\S+)\s*$/;

/** The SLOs with a target a chart can draw (ordered comparisons only). */
export function sloLines(slos: readonly SloSpec[]): SloLine[] {
  const out: SloLine[] = [];
  for (const slo of slos) {
    const m = THRESHOLD.exec(slo.threshold);
    const target = m ? Number(m[3]) : Number.NaN;
    if (!m || !Number.isFinite(target) || m[2] === '==' || m[2] === '!=') continue;
    const open = slo.metric.indexOf('{');
    const metric = (open < 0 ? slo.metric : slo.metric.slice(0, open)).trim();
    const tags = open < 0 ? {} : tagsOf(slo.metric.slice(open + 1, slo.metric.lastIndexOf('}')));
    out.push({ metric, ...tags, target, words: sloTarget(slo.metric, slo.threshold), label: slo.label });
  }
  return out;
}

/** `route:GET /a,host:x` → the tags the charts use; values may hold colons and spaces. */
function tagsOf(inner: string): { route?: string; host?: string } {
  const tags: { route?: string; host?: string } = {};
  for (const pair of inner.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) continue;
    const name = pair.slice(0, colon).trim();
    if (name === 'route' || name === 'host') tags[name] = pair.slice(colon + 1).trim();
  }
  return tags;
}

/** The lines of one metric; with `route`, those about that route and those about every route. */
export function linesFor(lines: readonly SloLine[], metric: string, route?: string): SloLine[] {
  return lines.filter((l) => l.metric === metric && (route === undefined || l.route === undefined || l.route === route));
}
