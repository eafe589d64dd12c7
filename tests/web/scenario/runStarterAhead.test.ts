/**
 * The starter's run ahead, as a scenario page asks for it: the run the Run button would start
 * on the starter (the controls' seed, the load scale within the scenario's bounds), once the
 * worker has said what the scenario allows; its summary becomes the comparison baseline.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunSummary } from '../../../runner/index.ts';
import { LabClient } from '../../../web/lab/LabClient.ts';
import type { ScenarioInfo } from '../../../web/lab/protocol.ts';
import { baselineKey, getBaseline } from '../../../web/run/baselineCache.ts';
import { runStarterAhead } from '../../../web/scenario/runStarterAhead.ts';
import { useUi } from '../../../web/store/uiStore.ts';
import { fakeWorkers } from '../lab/fakeWorker.ts';

const STARTER = 'export const starter = 1';
const INFO = { id: 'demo', loadScale: { min: 1, max: 3 } } as ScenarioInfo;
const settle = () => vi.advanceTimersByTimeAsync(0);

let workers: ReturnType<typeof fakeWorkers>;
let lab: LabClient;

beforeEach(() => {
  vi.useFakeTimers();
  workers = fakeWorkers();
  lab = new LabClient(workers.create, 5000, () => 1);
  useUi.setState({ seed: 41, loadScale: 9 });
});

afterEach(() => {
  lab.dispose();
  vi.useRealTimers();
});

describe('the starter run ahead', () => {
  it("runs the starter with the controls' seed and the load scale clamped to the scenario's bounds", async () => {
    runStarterAhead(lab, 'demo', STARTER);
    workers.latest().say({ type: 'init.done', scenarios: [INFO], platformTypes: [] });
    await settle();
    expect(workers.latest().sent('run')).toEqual([{ type: 'run', runId: 1, scenarioId: 'demo', code: STARTER, seed: 41, loadScale: 3 }]);
  });

  it('keeps a finished summary as the baseline of later runs at that seed, but not a stopped one', async () => {
    runStarterAhead(lab, 'demo', STARTER);
    const worker = workers.latest();
    worker.say({ type: 'init.done', scenarios: [INFO], platformTypes: [] });
    await settle();
    const summary = { status: 'completed', series: [] } as unknown as RunSummary;
    worker.say({ type: 'run.done', runId: 1, summary, simulateMs: 1 });
    expect(getBaseline(baselineKey('demo', 41, 3, STARTER))).toBe(summary);

    useUi.setState({ seed: 42 });
    runStarterAhead(lab, 'demo', STARTER);
    await settle();
    lab.run({ scenarioId: 'demo', code: STARTER, seed: 42, loadScale: 3 }, silentHandlers()).stop();
    worker.say({ type: 'run.done', runId: 2, summary: { status: 'aborted', series: [] } as unknown as RunSummary, simulateMs: 1 });
    expect(getBaseline(baselineKey('demo', 42, 3, STARTER))).toBeUndefined();
  });

  it('runs nothing when the page has gone before the worker answered, or the scenario is unknown', async () => {
    const cancel = runStarterAhead(lab, 'demo', STARTER);
    cancel();
    runStarterAhead(lab, 'nope', STARTER);
    workers.latest().say({ type: 'init.done', scenarios: [INFO], platformTypes: [] });
    await settle();
    expect(workers.latest().sent('run')).toEqual([]);
  });
});

function silentHandlers() {
  const none = () => undefined;
  return { onCompiled: none, onCompileFailed: none, onProgress: none, onDone: none, onCancelled: none, onFailed: none, onHung: none };
}
