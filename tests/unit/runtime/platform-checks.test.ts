/**
 * What Node, Postgres and a load tester's notion of failure enforce on every run, whatever
 * the scenario says: a crash fails the run, an uncommitted transaction fails the run, and a
 * 4xx is a failed request unless the scenario declares it a normal answer.
 */
import { describe, expect, it } from 'vitest';
import { FIXTURES, route, runFolder } from '../../helpers/run-fixture.ts';

const dir = `${FIXTURES}two-routes`;

describe('platform checks', () => {
  it('an unhandled rejection in fire-and-forget work fails the run: Node would have exited', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    void (async () => { throw new Error('audit log write failed'); })();
    return { ok: true };
  });
}`;
    const s = await runFolder(dir, code);
    const crash = s.checks.find((c) => c.name.startsWith('the process stays up'));
    expect(crash?.pass).toBe(false);
    expect(crash?.problems[0]).toMatch(/Unhandled promise rejection: audit log write failed/);
    expect(s.passed).toBe(false);
  });

  it('the same code with the rejection handled passes', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    (async () => { throw new Error('audit log write failed'); })().catch(() => {});
    return { ok: true };
  });
}`;
    const s = await runFolder(dir, code);
    expect(s.passed).toBe(true);
  });

  it('a 4xx counts as a failed request unless the scenario expects it', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async (_req: any, reply: any) => reply.code(403).send({ error: 'forbidden' }));
}`;
    const failing = await runFolder(dir, code);
    expect(route(failing, 'POST /work').errors).toBe(route(failing, 'POST /work').requests);
    expect(failing.passed).toBe(false);
    const expected = await runFolder(dir, code, 1, (d) => ({
      ...d,
      load: { ...d.load, mix: d.load.mix.map((m) => (m.route === 'POST /work' ? { ...m, expectedStatuses: [200, 403] } : m)) },
    }));
    expect(route(expected, 'POST /work').errors).toBe(0);
  });
});
