/**
 * How long the CLI takes to stop a service that never yields: the watchdog's budget plus
 * the worker's start and termination. Moved here from the bad-input test, which asserted a
 * bound on it in wall time; the test keeps what the stop says, this measures when.
 */
import { fileURLToPath } from 'node:url';
import { BadInput } from '../runner/errors.ts';
import { runInWorker, WATCHDOG_MS } from '../runner/host-node/run-in-worker.ts';

const FIXTURE = fileURLToPath(new URL('../tests/fixtures/two-routes/', import.meta.url));
const STUCK = [
  'export default async function routes(app: any) {',
  "  app.get('/health', async () => ({ ok: true }));",
  "  app.post('/work', async () => { while (true) {} });",
  '}',
].join('\n');

/** One line: seconds from the request to the watchdog's answer, with the CLI's budget. */
export async function benchWatchdogStop(): Promise<string> {
  const start = performance.now();
  const outcome = await runInWorker({ scenario: FIXTURE, code: STUCK, seed: 1 }).then(
    () => 'finished (the watchdog did not fire)',
    (err: unknown) => (err instanceof BadInput && err.kind === 'watchdog' ? 'stopped' : `failed: ${String(err)}`),
  );
  return `watchdog: a loop that never yields ${outcome} after ${((performance.now() - start) / 1000).toFixed(1)} s (budget ${WATCHDOG_MS / 1000} s)`;
}
