/**
 * The learner's code per scenario, saved on every edit so a reload or a closed tab loses
 * nothing. A shared link that replaces a draft keeps the replaced one for one-click restore.
 */
import { isRecord, readJson, removeKey, writeJson } from './local.ts';

export interface Draft {
  code: string;
  savedAt: number;
  /**
   * 'share' while the draft is a share link's code, untouched: not the learner's work, so a
   * second link does not stash it over the learner's own. An edit makes it theirs.
   */
  from?: 'share';
}

/** The storage key of a scenario's draft, for tabs that watch each other's writes. */
export function draftKey(scenarioId: string): string {
  return `draft:${scenarioId}`;
}

export function isDraft(value: unknown): value is Draft {
  return isRecord(value) && typeof value.code === 'string' && typeof value.savedAt === 'number';
}

export function loadDraft(scenarioId: string): Draft | undefined {
  return readJson(draftKey(scenarioId), isDraft);
}

export function saveDraft(scenarioId: string, code: string, from?: Draft['from']): void {
  writeJson(draftKey(scenarioId), { code, savedAt: Date.now(), ...(from ? { from } : {}) } satisfies Draft);
}

export function clearDraft(scenarioId: string): void {
  removeKey(draftKey(scenarioId));
}

/** Keeps the draft a shared link is about to replace. */
export function stashDraft(scenarioId: string, draft: Draft): void {
  writeJson(`stash:${scenarioId}`, draft);
}

export function loadStash(scenarioId: string): Draft | undefined {
  return readJson(`stash:${scenarioId}`, isDraft);
}

export function clearStash(scenarioId: string): void {
  removeKey(`stash:${scenarioId}`);
}
