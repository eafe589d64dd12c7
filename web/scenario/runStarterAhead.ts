/**
 * A scenario page runs the scenario's starter as soon as the lab worker has started, while the
 * learner reads the brief: the run the Run button starts when the editor still holds the
 * starter, with the seed and load scale the controls say. When the learner asks for exactly
 * that run, it is adopted (LabClient.runAhead) and its result is there at once, or as soon as
 * it finishes; any other run stops it. Either way its summary is the comparison baseline of
 * later runs, which is what a starter's run at that seed is for (baselineCache.ts).
 *
 * Only the bundled starter runs unasked, never a saved draft: a draft may hold a loop that
 * never yields or one that eats memory, which must not run before the learner says so.
 */
import type { LabClient } from '../lab/LabClient.ts';
import { baselineKey, putBaseline } from '../run/baselineCache.ts';
import { useUi } from '../store/uiStore.ts';
import { clampScale } from './useScenarioRun.ts';

/** Returns what stops it, unless the learner's run has adopted it (the page is going). */
export function runStarterAhead(lab: LabClient, scenarioId: string, starter: string): () => void {
  let cancelled = false;
  lab.init().then(
    ({ scenarios }) => {
      const info = scenarios.find((s) => s.id === scenarioId);
      if (cancelled || !info) return;
      const { seed, loadScale } = useUi.getState();
      const request = { scenarioId, code: starter, seed, loadScale: clampScale(loadScale, info.loadScale) };
      lab.runAhead(request, (summary) => {
        if (summary.status !== 'aborted') putBaseline(baselineKey(scenarioId, seed, request.loadScale, starter), summary);
      });
    },
    () => undefined, // the page reports a worker that cannot start
  );
  return () => {
    cancelled = true;
    lab.cancelAhead();
  };
}
