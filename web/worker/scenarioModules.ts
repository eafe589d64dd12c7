/**
 * Every scenario's definition, found by folder with the rule every host uses
 * (runner/scenario/layout.ts): adding `scenarios/<id>/` adds it. Each definition goes through
 * the same loader as in the CLI, which gives it its folder's id and its defaults and rejects an
 * author's mistake (the build has already refused one; in development it stops the worker with
 * the scenario and field named). Imported only by the worker, so scenario and runner code stay
 * off the page's main thread.
 */
import { findScenarioFolders, loadDefinition, SCENARIOS_GLOB_ROOT, type ScenarioDefinition } from '../../runner/scenario/index.ts';
import { runTimeline } from '../../runner/index.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';

const modules = import.meta.glob<unknown>('/scenarios/*/scenario.ts', { eager: true, import: 'default' });
const sources = import.meta.glob<string>('/scenarios/*/scenario.ts', { eager: true, query: '?raw', import: 'default' });
// Only their paths matter here (the page has the texts): lazy, so never fetched.
const otherFiles = import.meta.glob<string>(['/scenarios/*/README.md', '/scenarios/*/starter.ts', '/scenarios/*/solution.ts'], {
  query: '?raw',
  import: 'default',
});

const { folders, problems } = findScenarioFolders([...Object.keys(modules), ...Object.keys(otherFiles)], SCENARIOS_GLOB_ROOT);
for (const problem of problems) console.error(`Not a scenario: ${problem}`);

export const scenarioDefinitions: Map<string, ScenarioDefinition> = new Map(
  folders.map(({ id, files }) => [id, loadDefinition(id, modules[files.definition])]),
);

/** Each scenario.ts as text, for the summary's provenance (its SHA-256, as the CLI records it). */
export const scenarioSources: Map<string, string> = new Map(folders.map(({ id, files }) => [id, sources[files.definition]]));

export function describeScenario(id: string, def: ScenarioDefinition): ScenarioInfo {
  return {
    id,
    slos: def.slos,
    durationMs: def.load.durationMs,
    clientTimeoutMs: def.load.clientTimeoutMs,
    loadScale: def.load.loadScale ?? { min: 1, max: 1 },
    routes: def.load.mix.map((m) => m.route),
    timeline: runTimeline(def.load.arrivals, def.load.durationMs, 1, def.platform.downstreams),
  };
}
