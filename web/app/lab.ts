/** The page's one lab worker client, started at boot so the first run does not wait for it. */
import { LabClient } from '../lab/LabClient.ts';
import { useUi } from '../store/uiStore.ts';
import { noteTiming } from '../testHook.ts';
import { watchForInterruptedRun } from '../storage/runInFlight.ts';

export const lab = new LabClient(
  () => new Worker(new URL('../worker/lab.worker.ts', import.meta.url), { type: 'module', name: 'tailspin-lab' }),
);

/** Starts the worker (cheap: it only reports the scenarios); warming it up is separate. */
export function startLab(): void {
  // The worker's clock starts later than the page's: both are converted through the epoch.
  lab.onMilestone = (name, epochMs) => noteTiming(name, epochMs - performance.timeOrigin);
  lab.init().then(
    ({ scenarios, platformTypes }) => {
      useUi.getState().setScenarioInfo(scenarios);
      useUi.getState().setPlatformTypes(platformTypes);
      useUi.getState().setLabError(null);
    },
    (e: Error) => useUi.getState().setLabError(`The simulator could not start: ${e.message}`),
  );
  // A page that died during a run cannot say why; the next one can (see runInFlight.ts).
  watchForInterruptedRun((run) =>
    useUi.getState().setNotice({
      kind: 'error',
      text:
        `The lab's page stopped during a run of "${run.scenarioId}". The likely cause is memory: a service that keeps ` +
        'data on every request (a module-level array or cache that only grows) can fill the simulator until the browser ' +
        'ends the whole page. Your code was saved; look for such data before running it again.',
    }),
  );
}

/** How long a page waits for its own loading before warming the worker anyway. */
const WARM_UP_FALLBACK_MS = 4000;

/**
 * Warms the worker once the page has loaded what it needs first: on a scenario page, the
 * editor (the compiler's start competes with it for the same two cores), then for that
 * scenario (a scenario page's database is usually open by then: the starter's run ahead
 * opens it, see runStarterAhead.ts); elsewhere, the compiler only, after a short idle.
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

/** Elsewhere, the compiler only, after a short idle. */
export function warmWhenIdle(): void {
  setTimeout(() => lab.warm(), 1500);
}

/** How long the editor's TypeScript service waits for the lab worker's warm-up (see below). */
const TYPESCRIPT_SERVICE_WAIT_MAX_MS = 8000;

/**
 * The editor's TypeScript service (diagnostics, completions) starts once the lab worker has
 * warmed up and is not running anything; after a few seconds, once it is not running anything.
 * Both load megabytes of code and compile it at page load; on a two-core laptop, starting the
 * service first delays the first run by most of a second, and so does starting it during a
 * first run that outlasts the wait (on a busy machine, runs of several seconds are common),
 * while its squiggles appear a moment later either way.
 */
export function typeScriptServiceMayStart(): Promise<void> {
  const waited = new Promise<void>((resolve) => setTimeout(resolve, TYPESCRIPT_SERVICE_WAIT_MAX_MS)).then(() => lab.whenNoRun());
  return Promise.race([lab.whenIdle(), waited]);
}
