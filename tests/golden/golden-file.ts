/**
 * The text of a golden file: JSON, with each object whose values are all plain (an SLO, a
 * check, the request counts) on one line, so that a model change reads in a diff as one line
 * per number moved, with the SLO it belongs to beside it.
 */
import { GOLDEN_SEED, type GoldenRun } from './golden-run.ts';

/** `runs` in the order the files are listed: starter.ts, solution.ts, then fixes/ by name. */
export function formatGoldenFile(scenarioId: string, runs: [file: string, run: GoldenRun][]): string {
  return `${compactJson({ scenario: scenarioId, seed: GOLDEN_SEED, runs: Object.fromEntries(runs) }, '')}\n`;
}

function compactJson(value: unknown, indent: string): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + compactJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value);
  if (entries.every(([, v]) => v === null || typeof v !== 'object')) {
    return `{ ${entries.map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} }`;
  }
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${compactJson(v, inner)}`).join(',\n')}\n${indent}}`;
}
