/**
 * Starter runs, kept per scenario + seed + load scale (+ the starter's text, so an edited
 * starter is never compared against a stale baseline). Simulations are deterministic, so a
 * cached baseline is exactly what a new run would give.
 */
import type { RunSummary } from '../../runner/index.ts';

const ENTRIES_MAX = 32;
const cache = new Map<string, RunSummary>();

export function baselineKey(scenarioId: string, seed: number, loadScale: number, starter: string): string {
  return `${scenarioId}|${seed}|${loadScale}|${hashText(starter)}`;
}

export function getBaseline(key: string): RunSummary | undefined {
  return cache.get(key);
}

export function putBaseline(key: string, summary: RunSummary): void {
  cache.delete(key);
  cache.set(key, summary);
  if (cache.size > ENTRIES_MAX) cache.delete(cache.keys().next().value as string);
}

/** FNV-1a, enough to tell texts apart in a cache key. */
export function hashText(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36) + ':' + s.length;
}
