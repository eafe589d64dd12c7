/**
 * Applies a share link: its code becomes the scenario's draft (the replaced draft is kept for
 * one-click restore), its seed and load scale go to the controls. Nothing runs.
 */
import { findScenario } from '../catalog/scenarios.ts';
import { loadDraft, loadStash, saveDraft, stashDraft } from '../storage/drafts.ts';
import { draftHistory } from '../storage/draftHistory.ts';
import { useUi } from '../store/uiStore.ts';
import { decodeShare, ShareLinkError } from './shareLink.ts';

/** Returns the scenario to open, or null (and a notice says why) when the link is unusable. */
export function openShareLink(payload: string): string | null {
  const ui = useUi.getState();
  let shared;
  try {
    shared = decodeShare(payload);
  } catch (e) {
    const text = e instanceof ShareLinkError ? e.message : 'The share link could not be read.';
    ui.setNotice({ kind: 'error', text: `${text} Nothing was loaded; your own code is unchanged.` });
    return null;
  }
  const scenario = findScenario(shared.scenarioId);
  if (!scenario) {
    ui.setNotice({
      kind: 'error',
      text: `The share link is for a scenario this lab does not have ("${shared.scenarioId}"). Nothing was loaded.`,
    });
    return null;
  }
  const previous = loadDraft(scenario.id);
  // Only the learner's own work is stashed: a link's untouched code (opened before this one)
  // would otherwise replace their work in the stash.
  const replacesWork =
    previous !== undefined && previous.from !== 'share' && previous.code !== shared.code && previous.code !== scenario.starter;
  if (replacesWork) stashDraft(scenario.id, previous);
  if (previous && previous.code !== shared.code) void draftHistory.keep(scenario.id, previous.code, 'replaced');
  saveDraft(scenario.id, shared.code, 'share');
  const stashed = loadStash(scenario.id) !== undefined;
  ui.setSeed(shared.seed);
  ui.setLoadScale(shared.loadScale);
  ui.setNotice({
    kind: 'info',
    text: `Loaded shared code (seed ${shared.seed}). It has not been run: read it, then press Run.`,
    restoreStash: stashed,
  });
  return scenario.id;
}
