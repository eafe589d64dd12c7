/**
 * Worker-thread side of `runInWorker`: loads the scenario folder, runs it, and reports
 * heartbeats so the parent's watchdog can tell a long run from a loop that never yields.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runScenario } from '../run.ts';
import { BadInput } from '../errors.ts';
import { loadScenarioFolder } from './scenario-folder.ts';
import { nodeHost } from './node-host.ts';
import type { WorkerRequest, WorkerMessage } from './run-in-worker.ts';

const req = workerData as WorkerRequest;
const post = (m: WorkerMessage): void => parentPort?.postMessage(m);

try {
  const folder = await loadScenarioFolder(req.scenario);
  const host = nodeHost();
  // The watchdog arms at the first heartbeat, sent just before user code first runs:
  // compiling and creating the database before that are the host's own work.
  const summary = await runScenario(folder.definition, {
    ...host,
    code: req.code,
    seed: req.seed,
    loadScale: req.loadScale,
    onHeartbeat: () => post({ type: 'heartbeat' }),
    onProgress: () => post({ type: 'heartbeat' }),
  });
  post({ type: 'done', summary });
} catch (err) {
  if (err instanceof BadInput) post({ type: 'bad-input', kind: err.kind, diagnostics: err.diagnostics });
  else post({ type: 'crash', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}
