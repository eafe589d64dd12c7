/**
 * Every version of the learner's code per scenario, kept in IndexedDB (localStorage holds only
 * the current draft, and its quota is a few megabytes for the whole lab). A version is kept
 * when typing pauses, before the code is replaced (reset, solution, a past run, a share link),
 * at each run, and when another tab changes the same scenario: whichever tab writes last,
 * nothing the learner typed is lost. The Drafts tab lists them; one click brings one back.
 *
 * The store is an interface, so the rules (newest first, no repeats, a limit per scenario)
 * are tested in Node; `idbDraftStore.ts` implements it over IndexedDB, and a page where
 * IndexedDB is refused keeps the versions in memory for its lifetime.
 */
import { idbDraftStore } from './idbDraftStore.ts';

/** Versions kept per scenario; the oldest go first. */
export const VERSIONS_KEPT = 50;

/** Why a version was kept, shown beside it. */
export type DraftReason = 'edit' | 'run' | 'replaced' | 'other-tab';

export interface DraftVersion {
  /** Given by the store. */
  id?: number;
  scenarioId: string;
  code: string;
  /** Epoch ms (wall clock: this is the learner's calendar, not a run's virtual time). */
  savedAt: number;
  reason: DraftReason;
}

export interface DraftVersionStore {
  add(version: DraftVersion): Promise<void>;
  /** A scenario's versions, newest first. */
  list(scenarioId: string): Promise<DraftVersion[]>;
  remove(ids: number[]): Promise<void>;
}

export class DraftHistory {
  /** Writes of one page go one after another, so "no repeat" compares with the last one kept. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(
    private readonly store: DraftVersionStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** Keeps a version unless it repeats the newest; false when the store refused it. */
  keep(scenarioId: string, code: string, reason: DraftReason): Promise<boolean> {
    const write = this.queue.then(async () => {
      try {
        const versions = await this.store.list(scenarioId);
        if (versions[0]?.code !== code) {
          await this.store.add({ scenarioId, code, savedAt: this.now(), reason });
          const beyond = versions.slice(VERSIONS_KEPT - 1).flatMap((v) => (v.id === undefined ? [] : [v.id]));
          if (beyond.length) await this.store.remove(beyond);
        }
        // Told even when the version was there already: another tab may have kept it, and a
        // list this page shows from before that is out of date.
        for (const listener of this.listeners.get(scenarioId) ?? []) listener();
        return true;
      } catch {
        return false;
      }
    });
    this.queue = write;
    return write;
  }

  /** Calls `listener` after each version this page keeps of the scenario (or finds kept already). */
  subscribe(scenarioId: string, listener: () => void): () => void {
    const set = this.listeners.get(scenarioId) ?? new Set();
    set.add(listener);
    this.listeners.set(scenarioId, set);
    return () => set.delete(listener);
  }

  /** A scenario's versions, newest first; none when the store cannot be read. */
  async list(scenarioId: string): Promise<DraftVersion[]> {
    await this.queue;
    try {
      return await this.store.list(scenarioId);
    } catch {
      return [];
    }
  }
}

/** The page's one history, over IndexedDB. */
export const draftHistory = new DraftHistory(idbDraftStore());
