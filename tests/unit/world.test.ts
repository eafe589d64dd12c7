/**
 * platform.replicas through the whole runner: each instance is its own process (module state,
 * pool), all of them share the database's max_connections, the summary reports each one,
 * and a fleet of one is exactly a single-instance run.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../runner/run.ts';
import { nodeHost } from '../../runner/host-node/node-host.ts';
import type { Exchange, PlatformSpec, ScenarioDefinition } from '../../runner/scenario/types.ts';

function scenario(
  platform: PlatformSpec,
  route: string,
  ratePerSec: number,
  checks: ScenarioDefinition['checks'] = [],
): ScenarioDefinition {
  const [method, path] = route.split(' ');
  return {
    id: 'replicas',
    platform,
    load: {
      durationMs: 5000,
      arrivals: { kind: 'constant', ratePerSec },
      process: 'uniform',
      mix: [{ route, weight: 1, build: () => ({ method, path }) }],
      clientTimeoutMs: 5000,
    },
    slos: [],
    checks,
  };
}

const run = (def: ScenarioDefinition, code: string) => runScenario(def, { ...nodeHost(), code, seed: 3 });

/** Counts its own requests in module state. */
const COUNTER = `
let served = 0;
console.log('instance up');
export default async function routes(app: any) {
  app.get('/count', async () => ({ served: ++served }));
}
`;

/** Holds a pooled client for 400 ms per request: at 400/s that wants ~160 connections. */
const HOLDER = `
import { Pool } from 'pg';
const pool = new Pool({ max: 40 });
export default async function routes(app: any) {
  app.get('/hold', async () => {
    const client = await pool.connect();
    try {
      await client.query('SELECT 1');
      await new Promise((resolve) => setTimeout(resolve, 400));
      return { ok: true };
    } finally {
      client.release();
    }
  });
}
`;

describe('replicas', () => {
  it('each instance keeps its own module state; the balancer spreads the requests', async () => {
    const counts: number[] = [];
    const seen = {
      name: 'records',
      route: 'GET /count',
      verify: (ex: Exchange) => void counts.push((ex.body as { served: number }).served),
    };
    const s = await run(scenario({ replicas: { count: 3 } }, 'GET /count', 60, [seen]), COUNTER);
    const shares = s.replicas!.map((r) => r.requests);
    expect(s.replicas!.map((r) => r.replica)).toEqual([1, 2, 3]);
    expect(shares.reduce((a, b) => a + b, 0)).toBe(s.requests.arrivals);
    expect(Math.max(...shares) - Math.min(...shares)).toBeLessThanOrEqual(1);
    // One process would count to ~300; each of three counts only its own ~100.
    expect(Math.max(...counts)).toBe(Math.max(...shares));
    expect(s.console.filter((l) => l.includes('instance up'))).toEqual([
      '[0.000s] [replica 1] instance up',
      '[0.000s] [replica 2] instance up',
      '[0.000s] [replica 3] instance up',
    ]);
  });

  it('every instance opens its own pool against one max_connections', async () => {
    const platform = (count: number): PlatformSpec => ({
      database: { setupSql: 'CREATE TABLE t (x int);', maxConnections: 100 },
      replicas: { count },
    });
    // One pool of 40 never opens more than 40 connections (its callers queue for them).
    const one = await run(scenario(platform(1), 'GET /hold', 400), HOLDER);
    expect(one.errors.map((e) => e.message)).not.toContain('error: sorry, too many clients already');
    // Four pools of 40 would open 160; Postgres refuses every one past 100.
    const four = await run(scenario(platform(4), 'GET /hold', 400), HOLDER);
    expect(four.databaseConnections).toMatchObject({ maxConnections: 100, peak: 100 });
    expect(four.databaseConnections!.refused).toBeGreaterThan(0);
    expect(four.requests.errors).toBeGreaterThan(0);
    expect(four.errors.map((e) => e.message)).toContain('error: sorry, too many clients already');
    expect(four.replicas?.every((r) => r.poolInUseMax > 0 && r.poolInUseMax <= 40)).toBe(true);
  });

  it('a fleet of one is a single-instance run, byte for byte', async () => {
    const def = scenario({}, 'GET /count', 60);
    const single = await run(def, COUNTER);
    const fleet = await run({ ...def, platform: { replicas: { count: 1, balancer: 'least-outstanding' } } }, COUNTER);
    expect(fleet.replicas).toBeUndefined();
    expect(JSON.stringify(fleet)).toBe(JSON.stringify(single));
  });

  it('refuses a replica count or balancer it cannot run', async () => {
    await expect(run(scenario({ replicas: { count: 0 } }, 'GET /count', 10), COUNTER)).rejects.toThrow(
      /replicas.count must be a whole number from 1/,
    );
    await expect(run(scenario({ replicas: { count: 2, balancer: 'sticky' as 'random' } }, 'GET /count', 10), COUNTER)).rejects.toThrow(
      /balancer must be one of/,
    );
  });
});
