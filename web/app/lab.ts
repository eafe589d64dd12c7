/** The page's one lab worker client, started at boot so the first run does not wait for it. */
import { LabClient } from '../worker/LabClient.ts';
import { useUi } from '../store/uiStore.ts';

export const lab = new LabClient(
  () => new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'tailspin-lab' }),
);

export function startLab(): void {
  lab.init().then(
    (scenarios) => {
      useUi.getState().setScenarioInfo(scenarios);
      useUi.getState().setLabError(null);
    },
    (e: Error) => useUi.getState().setLabError(`The simulator could not start: ${e.message}`),
  );
}
