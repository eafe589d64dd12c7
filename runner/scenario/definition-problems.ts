/**
 * The mistakes a scenario author can make that the runner would otherwise turn into a failed
 * run: an SLO on a metric, tag or route that is never measured reads "no data" and fails the
 * learner; a check on a route the load never sends checks nothing and fails too; two mix
 * entries for one route make its expected statuses depend on their order. Each is found here,
 * before any run, by reading the definition only: nothing is built, queried or called (a lazy
 * setup SQL stays lazy, and the lab loads every scenario).
 */
import { metricKeyProblem } from '../metrics/vocabulary.ts';
import { metricKey, parseMetricKey, parseThreshold } from '../slo/threshold.ts';
import type { ScenarioProblem } from './scenario-error.ts';

/** A route key as the service registers it: an upper-case method, a space, a path. */
const ROUTE_KEY = /^[A-Z]+ \/\S*$/;

type Problems = ScenarioProblem[];
type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isPositive = (v: unknown): v is number => isNonNegative(v) && v > 0;

/** Every mistake in `spec` (what scenario.ts exports, without its id), in field order. */
export function definitionProblems(spec: unknown): Problems {
  const problems: Problems = [];
  const add = (field: string, message: string): void => void problems.push({ field, message });
  if (!isObject(spec)) {
    add('default export', 'scenario.ts must `export default defineScenario({ platform, load, slos })`');
    return problems;
  }
  if ('id' in spec) add('id', "the id is the scenario folder's name; remove this field");
  const hosts = isObject(spec.platform) ? platformProblems(spec.platform, add) : [];
  if (!isObject(spec.platform)) add('platform', 'missing (use {} for a service with no database or downstreams)');
  const routes = isObject(spec.load) ? loadProblems(spec.load, add) : (add('load', 'missing'), []);
  sloProblems(spec.slos, routes, hosts, add);
  checkProblems(spec.checks, routes, add);
  namedListProblems('audits', spec.audits, add);
  if (spec.drainMs !== undefined && !isNonNegative(spec.drainMs)) add('drainMs', 'must be a number of milliseconds >= 0');
  return problems;
}

type Add = (field: string, message: string) => void;

/** Problems of `platform`; returns the hosts of its downstream services. */
function platformProblems(platform: Fields, add: Add): string[] {
  const downstreams = platform.downstreams;
  if (downstreams === undefined) return [];
  if (!Array.isArray(downstreams)) return (add('platform.downstreams', 'must be a list'), []);
  const hosts: string[] = [];
  downstreams.forEach((d: unknown, i) => {
    const host = isObject(d) ? d.host : undefined;
    if (typeof host !== 'string' || host === '') add(`platform.downstreams[${i}].host`, 'must be a host name, e.g. payments.internal');
    else if (hosts.includes(host)) add(`platform.downstreams[${i}].host`, `${host} is declared twice`);
    else hosts.push(host);
  });
  return hosts;
}

/** Problems of `load`; returns the routes its mix sends (the ones that are well formed). */
function loadProblems(load: Fields, add: Add): string[] {
  if (!isPositive(load.durationMs)) add('load.durationMs', 'must be a number of milliseconds > 0');
  if (!isNonNegative(load.clientTimeoutMs)) add('load.clientTimeoutMs', 'must be a number of milliseconds >= 0 (0: never)');
  if (load.loadScale !== undefined) {
    const scale = isObject(load.loadScale) ? load.loadScale : {};
    if (!isPositive(scale.min) || !isPositive(scale.max) || scale.min > scale.max) {
      add('load.loadScale', 'must be { min, max } with 0 < min <= max');
    }
  }
  if (!Array.isArray(load.mix) || load.mix.length === 0) {
    add('load.mix', 'must list at least one request');
    return [];
  }
  const routes: string[] = [];
  for (const [i, entry] of (load.mix as unknown[]).entries()) {
    const field = `load.mix[${i}]`;
    if (!isObject(entry)) {
      add(field, 'must be { route, weight, build }');
      continue;
    }
    const route = entry.route;
    if (typeof route !== 'string' || !ROUTE_KEY.test(route)) {
      add(`${field}.route`, `${JSON.stringify(route)} is not a route key like "GET /api/products/:id"`);
    } else if (routes.includes(route)) {
      add(`${field}.route`, `${route} has two entries; give one entry a build that varies its requests`);
    } else {
      routes.push(route);
    }
    if (!isPositive(entry.weight)) add(`${field}.weight`, 'must be a number > 0');
    if (typeof entry.build !== 'function') add(`${field}.build`, 'must be a function (rng, seq) => request');
    const statuses = entry.expectedStatuses;
    const isStatus = (s: unknown): boolean => Number.isInteger(s) && (s as number) >= 100 && (s as number) <= 599;
    if (statuses !== undefined && !(Array.isArray(statuses) && statuses.length > 0 && statuses.every(isStatus))) {
      add(`${field}.expectedStatuses`, 'must be a non-empty list of HTTP statuses (100-599)');
    }
  }
  return routes;
}

function sloProblems(slos: unknown, routes: readonly string[], hosts: readonly string[], add: Add): void {
  if (!Array.isArray(slos) || slos.length === 0) return add('slos', 'must list at least one SLO');
  const labels = new Set<unknown>();
  const rules = new Set<string>();
  for (const [i, slo] of (slos as unknown[]).entries()) {
    const field = `slos[${i}]`;
    if (!isObject(slo)) {
      add(field, 'must be { metric, threshold, label }');
      continue;
    }
    const { metric, threshold, label } = slo;
    if (typeof label !== 'string' || label.trim() === '') add(`${field}.label`, 'must be the wording the checklist shows');
    else if (labels.has(label)) add(`${field}.label`, `"${label}" is the label of an earlier SLO too`);
    labels.add(label);
    if (typeof threshold !== 'string') {
      add(`${field}.threshold`, 'must be an expression like p(99)<150');
      continue;
    }
    const parsed = parseThreshold(threshold);
    if (!parsed.ok) {
      add(`${field}.threshold`, parsed.message);
      continue;
    }
    if (typeof metric !== 'string') {
      add(`${field}.metric`, 'must be a metric key like http_req_duration{route:GET /posts}');
      continue;
    }
    let problem: string | undefined;
    try {
      problem = metricKeyProblem(metric, parsed.aggregation, routes, hosts);
    } catch (err) {
      problem = (err as Error).message;
    }
    if (problem) {
      add(`${field}.metric`, problem);
      continue;
    }
    const { name, tags } = parseMetricKey(metric);
    const rule = `${metricKey(name, tags)} ${parsed.aggregation}${parsed.op}${parsed.target}`;
    if (rules.has(rule)) add(field, `${metric} ${threshold} repeats an earlier SLO`);
    rules.add(rule);
  }
}

function checkProblems(checks: unknown, routes: readonly string[], add: Add): void {
  namedListProblems('checks', checks, add);
  if (!Array.isArray(checks)) return;
  checks.forEach((check: unknown, i) => {
    const route = isObject(check) ? check.route : undefined;
    // A check on a route the load never sends checks no response, and a check that saw none fails.
    if (typeof route !== 'string' || !routes.includes(route)) {
      add(`checks[${i}].route`, `${JSON.stringify(route)} is not a route of load.mix (${routes.join(', ') || 'none'})`);
    }
  });
}

/** `checks` and `audits`: optional lists of `{ name, verify }` whose names tell them apart. */
function namedListProblems(list: 'checks' | 'audits', items: unknown, add: Add): void {
  if (items === undefined) return;
  if (!Array.isArray(items)) return add(list, 'must be a list');
  const names = new Set<unknown>();
  items.forEach((item: unknown, i) => {
    const name = isObject(item) ? item.name : undefined;
    if (typeof name !== 'string' || name.trim() === '') add(`${list}[${i}].name`, 'must say what is checked');
    else if (names.has(name)) add(`${list}[${i}].name`, `"${name}" is the name of an earlier one too`);
    names.add(name);
    if (!isObject(item) || typeof item.verify !== 'function') add(`${list}[${i}].verify`, 'must be a function');
  });
}
