/**
 * Opening a share link: its code becomes the draft (work it replaces is stashed for restore),
 * its seed and load scale go to the controls, and a link that cannot be used changes nothing
 * and says why. Nothing throws, and nothing runs.
 */
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { loadDraft, loadStash, saveDraft } from '../../../web/storage/drafts.ts';
import { openShareLink } from '../../../web/share/openShareLink.ts';
import { encodeShare, SHARE_PREFIX } from '../../../web/share/shareLink.ts';
import { useUi } from '../../../web/store/uiStore.ts';
import { MemoryStorage } from '../storage/memoryStorage.ts';

const STARTER = 'export const starter = 1;';

vi.mock('../../../web/catalog/scenarios.ts', () => ({
  findScenario: (id: string) => (id === 'demo' ? { id, starter: 'export const starter = 1;', solution: '', readme: null } : undefined),
}));

const linkTo = (scenarioId: string, code: string) => encodeShare({ scenarioId, code, seed: 42, loadScale: 2 }).slice(SHARE_PREFIX.length);

beforeEach(() => {
  vi.stubGlobal('localStorage', new MemoryStorage());
  useUi.setState({ seed: 1, loadScale: 1, notice: null });
  return () => vi.unstubAllGlobals();
});

describe('openShareLink', () => {
  it('loads the code, seed and load scale, and says the code has not been run', () => {
    expect(openShareLink(linkTo('demo', 'shared code'))).toBe('demo');
    expect(loadDraft('demo')?.code).toBe('shared code');
    expect(useUi.getState()).toMatchObject({ seed: 42, loadScale: 2 });
    expect(useUi.getState().notice).toMatchObject({ kind: 'info', restoreStash: false });
    expect(useUi.getState().notice?.text).toMatch(/not been run/);
  });

  it("stashes the learner's own work before replacing it, and offers it back", () => {
    saveDraft('demo', 'my work');
    openShareLink(linkTo('demo', 'shared code'));
    expect(loadStash('demo')?.code).toBe('my work');
    expect(useUi.getState().notice?.restoreStash).toBe(true);
  });

  it("keeps the learner's own code through several share links: restoring gives back their work, not a link's", () => {
    saveDraft('demo', 'my work');
    openShareLink(linkTo('demo', 'link one'));
    openShareLink(linkTo('demo', 'link two'));
    expect(loadDraft('demo')?.code).toBe('link two');
    expect(loadStash('demo')?.code).toBe('my work');
    expect(useUi.getState().notice?.restoreStash).toBe(true);
  });

  it("stashes a link's code once the learner has edited it: it is their work now", () => {
    saveDraft('demo', 'my work');
    openShareLink(linkTo('demo', 'link one'));
    saveDraft('demo', 'link one, edited');
    openShareLink(linkTo('demo', 'link two'));
    expect(loadStash('demo')?.code).toBe('link one, edited');
  });

  it('stashes nothing when the draft was only the starter', () => {
    saveDraft('demo', STARTER);
    openShareLink(linkTo('demo', 'shared code'));
    expect(loadStash('demo')).toBeUndefined();
  });

  it.each([
    ['damaged', 'not-a-link!', /damaged/],
    ['empty', '', /empty/],
    ['for a scenario this lab lacks', linkTo('elsewhere', 'code'), /does not have/],
  ])('changes nothing for a link that is %s, and says why', (_, payload, why) => {
    saveDraft('demo', 'my work');
    expect(openShareLink(payload)).toBeNull();
    expect(loadDraft('demo')?.code).toBe('my work');
    expect(useUi.getState()).toMatchObject({ seed: 1, loadScale: 1 });
    expect(useUi.getState().notice?.kind).toBe('error');
    expect(useUi.getState().notice?.text).toMatch(why);
  });
});
