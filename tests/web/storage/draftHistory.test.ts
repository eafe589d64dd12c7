/**
 * The per-scenario history of drafts: nothing the learner typed is lost, whichever tab wrote
 * last. Runs on an in-memory store with the same interface as the IndexedDB one.
 */
import { describe, expect, it } from 'vitest';
import { DraftHistory, type DraftVersion, type DraftVersionStore, VERSIONS_KEPT } from '../../../web/storage/draftHistory.ts';

/** The IndexedDB store's behaviour, in memory. */
function memoryStore(): DraftVersionStore & { all: DraftVersion[] } {
  const all: DraftVersion[] = [];
  let nextId = 1;
  return {
    all,
    add: async (v) => {
      all.push({ ...v, id: nextId++ });
    },
    list: async (scenarioId) => all.filter((v) => v.scenarioId === scenarioId).sort((a, b) => b.savedAt - a.savedAt || b.id! - a.id!),
    remove: async (ids) => {
      for (const id of ids)
        all.splice(
          all.findIndex((v) => v.id === id),
          1,
        );
    },
  };
}

function history(store = memoryStore()) {
  let now = 1000;
  const h = new DraftHistory(store, () => now++);
  return { h, store };
}

describe('draft history', () => {
  it('keeps every version of a scenario, newest first, apart from other scenarios', async () => {
    const { h } = history();
    await h.keep('a', 'one', 'edit');
    await h.keep('a', 'two', 'run');
    await h.keep('b', 'other', 'edit');
    expect((await h.list('a')).map((v) => [v.code, v.reason])).toEqual([
      ['two', 'run'],
      ['one', 'edit'],
    ]);
    expect((await h.list('b')).map((v) => v.code)).toEqual(['other']);
  });

  it('does not keep the same code twice in a row', async () => {
    const { h } = history();
    await h.keep('a', 'one', 'edit');
    await h.keep('a', 'one', 'run');
    await h.keep('a', 'two', 'edit');
    await h.keep('a', 'one', 'edit');
    expect((await h.list('a')).map((v) => v.code)).toEqual(['one', 'two', 'one']);
  });

  it(`keeps the newest ${VERSIONS_KEPT} versions of each scenario`, async () => {
    const { h, store } = history();
    for (let i = 0; i < VERSIONS_KEPT + 5; i++) await h.keep('a', `v${i}`, 'edit');
    await h.keep('b', 'kept', 'edit');
    const kept = await h.list('a');
    expect(kept).toHaveLength(VERSIONS_KEPT);
    expect(kept[0].code).toBe(`v${VERSIONS_KEPT + 4}`);
    expect(kept[VERSIONS_KEPT - 1].code).toBe('v5');
    expect(store.all.filter((v) => v.scenarioId === 'b')).toHaveLength(1);
  });

  it('keeps versions written by two tabs on one scenario, whichever wrote last', async () => {
    const store = memoryStore();
    const first = new DraftHistory(store, () => 1);
    const second = new DraftHistory(store, () => 2);
    await first.keep('a', 'typed in the first tab', 'edit');
    await second.keep('a', 'typed in the second tab', 'edit');
    expect((await first.list('a')).map((v) => v.code)).toEqual(['typed in the second tab', 'typed in the first tab']);
  });

  it("tells this page's listeners when the other tab kept the same version first, so a list shown here is redrawn", async () => {
    const store = memoryStore();
    const first = new DraftHistory(store, () => 1);
    const second = new DraftHistory(store, () => 2);
    let told = 0;
    first.subscribe('a', () => told++);
    await second.keep('a', 'typed in the second tab', 'edit');
    await first.keep('a', 'typed in the second tab', 'other-tab');
    expect(told).toBe(1);
    expect((await first.list('a')).map((v) => v.code)).toEqual(['typed in the second tab']);
  });

  it('reads a store that fails as an empty history, and never throws at the learner', async () => {
    const failing: DraftVersionStore = {
      add: () => Promise.reject(new Error('quota')),
      list: () => Promise.reject(new Error('blocked')),
      remove: () => Promise.reject(new Error('blocked')),
    };
    const h = new DraftHistory(failing);
    await expect(h.keep('a', 'code', 'edit')).resolves.toBe(false);
    await expect(h.list('a')).resolves.toEqual([]);
  });
});
