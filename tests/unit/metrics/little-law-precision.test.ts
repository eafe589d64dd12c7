import { describe, expect, it } from 'vitest';
import { FIXTURES, littleGap, runFolder } from '../../helpers/run-fixture.ts';

const fastService = `
import type { FastifyInstance } from 'fastify';
export default async function routes(app: FastifyInstance) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ done: true }));
}
`;

describe("the summary reports requests in flight precisely enough for Little's law", () => {
  it('holds within 1% when requests are so fast that under 0.01 are in flight on average', async () => {
    // 30 requests a second answered in well under a millisecond: L = λW is about 0.001, so
    // rounding L to three decimals alone would be off by tens of percent.
    const s = await runFolder(`${FIXTURES}two-routes`, fastService, 1, (d) => ({
      ...d,
      load: { ...d.load, arrivals: { kind: 'constant', ratePerSec: 30 } },
    }));
    expect(s.requests.inFlightMean).toBeLessThan(0.01);
    expect(littleGap(s)).toBeLessThan(0.01);
  });
});
