/**
 * Every scenario's definition, found by folder: adding `scenarios/<id>/scenario.ts` adds it.
 * Imported only by the worker, so scenario and runner code stay off the page's main thread.
 */
import type { ScenarioDefinition } from '../../runner/index.ts';
import type { ScenarioInfo } from '../lab/protocol.ts';

const modules = import.meta.glob<ScenarioDefinition>('/scenarios/*/scenario.ts', { eager: true, import: 'default' });
const sources = import.meta.glob<string>('/scenarios/*/scenario.ts', { eager: true, query: '?raw', import: 'default' });

export const scenarioDefinitions: Map<string, ScenarioDefinition> = new Map(
  Object.entries(modules).map(([path, def]) => [folderId(path), def]),
);

/** Each scenario.ts as text, for the summary's provenance (its SHA-256, as the CLI records it). */
export const scenarioSources: Map<string, string> = new Map(
  Object.entries(sources).map(([path, text]) => [folderId(path), text]),
);

export function folderId(path: string): string {
  const parts = path.split('/');
  return parts[parts.length - 2];
}

export function describeScenario(id: string, def: ScenarioDefinition): ScenarioInfo {
  return {
    id,
    slos: def.slos,
    durationMs: def.load.durationMs,
    clientTimeoutMs: def.load.clientTimeoutMs,
    loadScale: def.load.loadScale ?? { min: 1, max: 1 },
    routes: def.load.mix.map((m) => m.route),
  };
}
