/** The page's one lab worker client, started at boot so the first run does not wait for it. */
import { LabClient } from '../worker/LabClient.ts';
import { useUi } from '../store/uiStore.ts';

export const lab = new LabClient(
  () => new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'tailspin-lab' }),
);

/** Starts the worker (cheap: it only reports the scenarios); warming it up is separate. */
export function startLab(): void {
  lab.init().then(
    ({ scenarios, platformTypes }) => {
      useUi.getState().setScenarioInfo(scenarios);
      useUi.getState().setPlatformTypes(platformTypes);
      useUi.getState().setLabError(null);
    },
    (e: Error) => useUi.getState().setLabError(`The simulator could not start: ${e.message}`),
  );
}

/** How long a page waits for its own loading before warming the worker anyway. */
const WARM_UP_FALLBACK_MS = 4000;

/**
 * Warms the worker once the page has loaded what it needs first: on a scenario page, the
 * editor (both compete for the same two cores), then for that scenario; elsewhere, the
 * compiler only, after a short idle.
 */
export function warmWhenEditorReady(scenarioId: string): () => void {
  const warm = () => {
    clearTimeout(timer);
    unsubscribe();
    lab.warm(scenarioId);
  };
  const timer = setTimeout(warm, WARM_UP_FALLBACK_MS);
  const unsubscribe = useUi.subscribe((s) => {
    if (s.editorReady) warm();
  });
  if (useUi.getState().editorReady) warm();
  return () => {
    clearTimeout(timer);
    unsubscribe();
  };
}

export function warmWhenIdle(): void {
  setTimeout(() => lab.warm(), 1500);
}
