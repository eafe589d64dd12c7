/**
 * Pays the one-time costs before the learner's first run, through the runner's public entry:
 * the first esbuild build is slow (~0.5 s), and the first run that needs a database creates
 * it (several seconds of initdb in a browser). A tiny run of a tiny service does both.
 */
import type { ScenarioDefinition } from '../../runner/index.ts';

export const WARM_UP_CODE = `export default async function (app: any) {
  app.get('/warm', async () => 'ok');
}
`;

export function warmUpScenario(withDatabase: boolean): ScenarioDefinition {
  return {
    id: 'lab-warm-up',
    platform: withDatabase ? { database: { setupSql: 'select 1;' } } : {},
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
