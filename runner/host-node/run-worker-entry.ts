/**
 * Worker-thread side of `runInWorker`: loads the scenario folder, runs it, and reports
 * heartbeats so the parent's watchdog can tell a long run from a loop that never yields.
 * Everything goes back on the private port the bootstrap received, never on `parentPort`.
 */
import type { MessagePort } from 'node:worker_threads';
import { getHeapStatistics } from 'node:v8';
import { runScenario } from '../run.ts';
import { BadInput } from '../errors.ts';
import { loadScenarioFolder } from './scenario-folder.ts';
import { nodeHost } from './node-host.ts';
import type { WorkerRequest, WorkerMessage } from './run-in-worker.ts';

export async function runRequest(req: WorkerRequest, port: MessagePort): Promise<void> {
  const post = (m: WorkerMessage): void => port.postMessage(m);
  // Each heartbeat says how much heap is in use, so a stop by the watchdog while the
  // collector struggles near the heap cap is reported as memory.
  const heartbeat = (): void => post({ type: 'heartbeat', heapUsedBytes: getHeapStatistics().used_heap_size });
  try {
    const folder = await loadScenarioFolder(req.scenario);
    const host = nodeHost();
    // The watchdog arms at the first heartbeat, sent just before user code first runs:
    // compiling and creating the database before that are the host's own work.
    const summary = await runScenario(folder.definition, {
      ...host,
      code: req.code,
      scenarioSource: folder.scenarioSource,
      seed: req.seed,
      loadScale: req.loadScale,
      onHeartbeat: heartbeat,
      onProgress: heartbeat,
    });
    post({ type: 'done', summary });
  } catch (err) {
    if (err instanceof BadInput) post({ type: 'bad-input', kind: err.kind, diagnostics: err.diagnostics });
    else post({ type: 'crash', message: describe(err) });
  }
}

function describe(err: unknown): string {
  try {
    return err instanceof Error ? (err.stack ?? err.message) : String(err);
  } catch {
    return 'a value that cannot be shown was thrown';
  }
}
