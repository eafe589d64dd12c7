/**
 * The learner's code per scenario, saved on every edit so a reload or a closed tab loses
 * nothing. A shared link that replaces a draft keeps the replaced one for one-click restore.
 */
import { isRecord, readJson, removeKey, writeJson } from './local.ts';

export interface Draft {
  code: string;
  savedAt: number;
}

function isDraft(value: unknown): value is Draft {
  return isRecord(value) && typeof value.code === 'string' && typeof value.savedAt === 'number';
}

export function loadDraft(scenarioId: string): Draft | undefined {
  return readJson(`draft:${scenarioId}`, isDraft);
}

export function saveDraft(scenarioId: string, code: string): void {
  writeJson(`draft:${scenarioId}`, { code, savedAt: Date.now() } satisfies Draft);
}

export function clearDraft(scenarioId: string): void {
  removeKey(`draft:${scenarioId}`);
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
