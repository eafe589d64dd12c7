/**
 * A tiny service and scenario for paying one-time costs before the learner's first run,
 * through the runner's public entry: compiling it warms the compiler, and running it with a
 * database creates the database the runner then reuses.
 */
import type { ScenarioDefinition } from '../../runner/index.ts';

export const WARM_UP_CODE = `export default async function (app: any) {
  app.get('/warm', async () => 'ok');
}
`;

/** A fifth of a second of traffic to one route, with an (almost) empty database. */
export function databaseWarmUpScenario(): ScenarioDefinition {
  return {
    id: 'lab-warm-up',
    platform: { database: { setupSql: 'select 1;' } },
    load: {
      durationMs: 200,
      arrivals: { kind: 'constant', ratePerSec: 10 },
      process: 'uniform',
      mix: [{ route: 'GET /warm', weight: 1, build: () => ({ method: 'GET', path: '/warm' }) }],
      clientTimeoutMs: 1000,
    },
    slos: [],
    drainMs: 100,
  };
}
