/**
 * Textbook queues built from the platform's own parts: a service whose only route forwards
 * to one downstream, with network and framework costs set to zero, so what the load sees is
 * the downstream's queue. Used by the queueing tests and the benchmark.
 */
import type { ScenarioDefinition } from '../../runner/scenario/types.ts';

export const FORWARDING_SERVICE = `
export default async function routes(app: any) {
  app.get('/work', async () => {
    const res = await fetch('http://queue.internal/work');
    return { status: res.status };
  });
}
`;

export function textbookQueue(opts: {
  servers: number;
  serviceMeanMs: number;
  ratePerSec: number;
  durationMs: number;
}): ScenarioDefinition {
  return {
    id: `m-m-${opts.servers}`,
    platform: {
      requestOverheadMs: 0,
      downstreams: [
        {
          host: 'queue.internal',
          concurrency: opts.servers,
          queueLimit: Infinity,
          serviceTime: { kind: 'exponential', meanMs: opts.serviceMeanMs },
          rttMs: 0,
          connectMs: 0,
        },
      ],
    },
    load: {
      durationMs: opts.durationMs,
      arrivals: { kind: 'constant', ratePerSec: opts.ratePerSec },
      mix: [{ route: 'GET /work', weight: 1, build: () => ({ method: 'GET', path: '/work' }) }],
      clientTimeoutMs: 0,
    },
    slos: [],
  };
}
