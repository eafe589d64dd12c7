/**
 * The folder rule, on lists of paths as the hosts hand them over: `import.meta.glob` keys
 * (page, worker) and paths from a directory walk (CLI, tests, build).
 */
import { describe, expect, it } from 'vitest';
import { findScenarioFolders, fixKindOf, SCENARIOS_GLOB_ROOT } from '../../../runner/scenario/layout.ts';

const complete = (root: string, id: string): string[] =>
  ['README.md', 'scenario.ts', 'starter.ts', 'solution.ts'].map((f) => `${root}${id}/${f}`);

describe('findScenarioFolders', () => {
  it('finds each folder with the four files, sorted by id, its files by role', () => {
    const { folders, problems } = findScenarioFolders(
      [...complete('/scenarios/', 'zeta'), ...complete('/scenarios/', 'alpha-2')],
      SCENARIOS_GLOB_ROOT,
    );
    expect(problems).toEqual([]);
    expect(folders.map((f) => f.id)).toEqual(['alpha-2', 'zeta']);
    expect(folders[0].dir).toBe('/scenarios/alpha-2');
    expect(folders[0].files).toEqual({
      readme: '/scenarios/alpha-2/README.md',
      definition: '/scenarios/alpha-2/scenario.ts',
      starter: '/scenarios/alpha-2/starter.ts',
      solution: '/scenarios/alpha-2/solution.ts',
    });
  });

  it('works on paths from a directory walk, under any root', () => {
    const root = '/home/me/my-scenarios/';
    const { folders } = findScenarioFolders(complete(root, 'slow-login'), root);
    expect(folders.map((f) => [f.id, f.files.starter])).toEqual([['slow-login', '/home/me/my-scenarios/slow-login/starter.ts']]);
  });

  it('names each missing file of a folder', () => {
    const paths = complete('/scenarios/', 'foo').filter((p) => !p.endsWith('solution.ts') && !p.endsWith('README.md'));
    expect(findScenarioFolders(paths, SCENARIOS_GLOB_ROOT)).toEqual({
      folders: [],
      problems: ['/scenarios/foo has no README.md, solution.ts'],
    });
  });

  it('refuses a folder whose name cannot be an id', () => {
    const { folders, problems } = findScenarioFolders(complete('/scenarios/', 'Slow_Login'), SCENARIOS_GLOB_ROOT);
    expect(folders).toEqual([]);
    expect(problems).toEqual(["/scenarios/Slow_Login: a scenario's folder name is its id, made of lowercase letters, digits and dashes"]);
  });

  it('takes fixes/ by kind from their names, sorted, and refuses a .ts fix named outside the rule', () => {
    const fixes = ['wrong-b.ts', 'alt-a.ts', 'cheat-c.ts', 'notes.md'].map((f) => `/scenarios/foo/fixes/${f}`);
    const { folders } = findScenarioFolders([...complete('/scenarios/', 'foo'), ...fixes], SCENARIOS_GLOB_ROOT);
    expect(folders[0].fixes).toEqual([
      { name: 'alt-a.ts', kind: 'alt', path: '/scenarios/foo/fixes/alt-a.ts' },
      { name: 'cheat-c.ts', kind: 'cheat', path: '/scenarios/foo/fixes/cheat-c.ts' },
      { name: 'wrong-b.ts', kind: 'wrong', path: '/scenarios/foo/fixes/wrong-b.ts' },
    ]);
    const bad = findScenarioFolders([...complete('/scenarios/', 'foo'), '/scenarios/foo/fixes/better.ts'], SCENARIOS_GLOB_ROOT);
    expect(bad.problems).toEqual([
      '/scenarios/foo/fixes/better.ts: a fix is named alt-<name>.ts, wrong-<name>.ts, cheat-<name>.ts (lowercase)',
    ]);
  });

  it('leaves alone files directly in the root, paths outside it and files the layout does not name', () => {
    const paths = [...complete('/scenarios/', 'foo'), '/scenarios/README.md', '/elsewhere/bar/README.md', '/scenarios/foo/diagram.png'];
    const { folders, problems } = findScenarioFolders(paths, SCENARIOS_GLOB_ROOT);
    expect(problems).toEqual([]);
    expect(folders.map((f) => f.id)).toEqual(['foo']);
  });
});

describe('fixKindOf', () => {
  it('reads the kind from the prefix, and nothing from a name outside the rule', () => {
    expect(['alt-x.ts', 'wrong-y-z.ts', 'cheat-1.ts', 'alt.ts', 'Alt-x.ts', 'alt-x.js', 'other-x.ts'].map(fixKindOf)).toEqual([
      'alt',
      'wrong',
      'cheat',
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
