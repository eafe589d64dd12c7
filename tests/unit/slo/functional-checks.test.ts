import { describe, expect, it } from 'vitest';
import { FunctionalChecks } from '../../../runner/slo/functional-checks.ts';
import { Kernel } from '../../../runner/sim/kernel.ts';
import type { LogicalRequest } from '../../../runner/load/load-client.ts';
import { DownstreamService } from '../../../runner/runtime/remote/downstream.ts';
import { createPrng } from '../../../runner/sim/prng.ts';
import type { Audit, Exchange, FunctionalCheck, ScenarioDefinition } from '../../../runner/scenario/types.ts';

const ROUTE = 'POST /api/checkout';

/** Only what FunctionalChecks reads of a scenario. */
function scenario(checks: FunctionalCheck[], audits: Audit[] = []): ScenarioDefinition {
  return { checks, audits } as unknown as ScenarioDefinition;
}

function request(seq: number, route = ROUTE): LogicalRequest {
  return { seq, route, request: { method: 'POST', path: '/api/checkout' }, scheduledMs: seq * 10, attempt: 0, done: true, contexts: [] };
}

/** A service that counts its requests and does the real work only for every 5th. */
const countingCheat = (seq: number) => ({ status: 201, json: JSON.stringify({ real: seq % 5 === 0 }) });

const realOnly: FunctionalCheck = {
  name: 'every 201 is real',
  route: ROUTE,
  verify: (ex) => ((ex.body as { real: boolean }).real ? undefined : 'a 201 for work that was never done'),
};

describe('FunctionalChecks', () => {
  it('checks every response of the route, so a service that counts requests cannot hide', () => {
    const checks = new FunctionalChecks(scenario([realOnly]), undefined, [], new Kernel());
    for (let seq = 0; seq < 20; seq++) checks.observe(request(seq), countingCheat(seq), seq * 10 + 5);
    checks.observe(request(20, 'GET /api/products/:id'), { status: 200, json: '{}' }, 205);
    const [result] = checks.results();
    expect(result).toMatchObject({ checked: 20, failed: 16, pass: false });
    expect(result.problems[0]).toBe('POST /api/checkout at 0.015s: a 201 for work that was never done');
  });

  it("gives the route's checks one exchange, its body parsed once", () => {
    const seen: Exchange[] = [];
    const keep: FunctionalCheck = { name: 'keeps', route: ROUTE, verify: (ex) => void seen.push(ex) };
    const checks = new FunctionalChecks(scenario([keep, { ...keep, name: 'keeps too' }]), undefined, [], new Kernel());
    checks.observe(request(1), { status: 201, json: '{"orderId":7}' }, 15);
    expect(seen).toHaveLength(2);
    expect(seen[0]).toBe(seen[1]);
    expect(seen[0]).toMatchObject({ status: 201, body: { orderId: 7 }, startMs: 10, endMs: 15 });
  });

  it('waits for a check that reads the database, and records what it finds', async () => {
    const kernel = new Kernel();
    const reads: FunctionalCheck = { name: 'reads', route: ROUTE, verify: async () => 'not in the database' };
    const checks = new FunctionalChecks(scenario([reads]), undefined, [], kernel);
    checks.observe(request(1), { status: 201, json: '' }, 15);
    expect(kernel.hasHostWork).toBe(true);
    await kernel.settleHostWork();
    expect(checks.results()[0]).toMatchObject({ checked: 1, failed: 1, problems: ['POST /api/checkout at 0.015s: not in the database'] });
  });

  it('shows checks the work a downstream really did, so an invented answer fails', () => {
    const kernel = new Kernel();
    const payments = new DownstreamService(
      {
        host: 'payments',
        concurrency: 1,
        queueLimit: 10,
        serviceTime: { kind: 'constant', ms: 5 },
        respond: (req) => ({ status: 200, body: { id: `ch_${(req.body as { n: number }).n}` } }),
      },
      kernel,
      createPrng(1),
    );
    payments.submit({ method: 'POST', path: '/v1/charges', query: {}, headers: {}, body: { n: 1 } }, 0, () => {});
    while (kernel.step());
    const charged: FunctionalCheck = {
      name: 'the charge is real',
      route: ROUTE,
      verify: (ex, db) => {
        const ref = (ex.body as { paymentRef: string }).paymentRef;
        return db.ledger('payments').some((w) => (w.body as { id: string }).id === ref) ? undefined : `no charge ${ref} at payments`;
      },
    };
    const checks = new FunctionalChecks(scenario([charged]), undefined, [payments], kernel);
    checks.observe(request(1), { status: 201, json: '{"paymentRef":"ch_1"}' }, 15);
    checks.observe(request(2), { status: 201, json: '{"paymentRef":"ch_2"}' }, 25);
    const problems = ['POST /api/checkout at 0.025s: no charge ch_2 at payments'];
    expect(checks.results()[0]).toMatchObject({ checked: 2, failed: 1, problems });
  });

  it('runs each audit once, after the run, and reports what it found', async () => {
    let runs = 0;
    const audits: Audit[] = [
      {
        name: 'finds two',
        verify: () => {
          runs++;
          return ['one', 'two'];
        },
      },
      { name: 'finds none', verify: async () => [] },
      {
        name: 'breaks',
        verify: () => {
          throw new Error('no such table');
        },
      },
    ];
    const checks = new FunctionalChecks(scenario([], audits), undefined, [], new Kernel());
    expect(runs).toBe(0);
    const results = await checks.audit();
    expect(runs).toBe(1);
    expect(results).toEqual([
      { name: 'finds two', checked: 1, failed: 1, problems: ['one', 'two'], pass: false },
      { name: 'finds none', checked: 1, failed: 0, problems: [], pass: true },
      { name: 'breaks', checked: 1, failed: 1, problems: ['the audit itself failed: no such table'], pass: false },
    ]);
  });
});
