/**
 * The Node host's discovery and loading of scenario folders: the same rule and the same
 * checks as everywhere, with the errors naming the folder, the scenario and the field. Also
 * that the bundled scenarios all follow the rule.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverScenarios, scenarioIds } from '../../../runner/host-node/scenario-discovery.ts';
import { loadScenarioFolder, ScenarioLoadFailed } from '../../../runner/host-node/scenario-folder.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TWO_ROUTES = join(ROOT, 'tests/fixtures/two-routes');
const ENTRY = pathToFileURL(join(ROOT, 'runner/scenario/index.ts')).href;

let dir: string;

/** A copy of the two-routes fixture at `<dir>/<name>`, its scenario.ts changed by `edit`. */
function folder(name: string, edit: (scenarioTs: string) => string = (s) => s, leaveOut: string[] = []): string {
  const at = join(dir, name);
  mkdirSync(join(at, 'fixes'), { recursive: true });
  for (const file of ['README.md', 'starter.ts', 'solution.ts'].filter((f) => !leaveOut.includes(f))) {
    writeFileSync(join(at, file), readFileSync(join(TWO_ROUTES, file)));
  }
  const scenarioTs = readFileSync(join(TWO_ROUTES, 'scenario.ts'), 'utf8').replace('../../../runner/scenario/index.ts', ENTRY);
  writeFileSync(join(at, 'scenario.ts'), edit(scenarioTs));
  return at;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tailspin-scenario-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('the bundled scenarios', () => {
  it('all follow the layout', () => {
    const { folders, problems } = discoverScenarios();
    expect(problems).toEqual([]);
    expect(folders.map((f) => f.id)).toEqual(scenarioIds());
    expect(folders.length).toBeGreaterThan(0);
  });
});

describe('loadScenarioFolder', () => {
  it('loads a folder anywhere, its id the folder name, with its fixes', async () => {
    const at = folder('two-routes-copy');
    writeFileSync(join(at, 'fixes', 'wrong-slow.ts'), '// slower\n');
    const f = await loadScenarioFolder(at);
    expect(f.id).toBe('two-routes-copy');
    expect(f.definition.id).toBe('two-routes-copy');
    expect(f.definition.checks).toEqual([]);
    expect(f.fixes).toEqual([{ name: 'wrong-slow.ts', kind: 'wrong', code: '// slower\n' }]);
  });

  it('refuses a folder without a solution, naming it and the file', async () => {
    const at = folder('no-solution', undefined, ['solution.ts']);
    await expect(loadScenarioFolder(at)).rejects.toThrow(new ScenarioLoadFailed(`${at} has no solution.ts`));
  });

  it('names the scenario, its file and the field when defineScenario rejects the definition', async () => {
    const at = folder('misspelt-route', (s) => s.replace('{route:GET /health}', '{route:GET /healthz}'));
    const load = loadScenarioFolder(at);
    await expect(load).rejects.toBeInstanceOf(ScenarioLoadFailed);
    await expect(load).rejects.toThrow(`${join(at, 'scenario.ts')}: scenario misspelt-route: slos[0].metric: `);
    await expect(load).rejects.toThrow(/GET \/healthz/);
  });

  it('names them as well for a plain object, which the loader checks itself', async () => {
    const at = folder('plain-object', (s) =>
      s
        .replace(/^import .*$/m, '')
        .replace('defineScenario({', '({')
        .replace(
          "{ route: 'POST /work'",
          "{ route: 'GET /health', weight: 1, build: () => ({ method: 'GET', path: '/health' }) },\n      { route: 'POST /work'",
        ),
    );
    await expect(loadScenarioFolder(at)).rejects.toThrow(
      `${join(at, 'scenario.ts')}: scenario plain-object: load.mix[1].route: GET /health has two entries; give one entry a build that varies its requests`,
    );
  });
});

describe('discoverScenarios', () => {
  it('walks any folder of scenarios, and names the ones that break the rule', () => {
    const root = join(dir, 'many');
    mkdirSync(root);
    const prev = dir;
    dir = root;
    try {
      folder('good');
      folder('no-readme', undefined, ['README.md']);
      folder('Bad_Name');
    } finally {
      dir = prev;
    }
    writeFileSync(join(root, 'index.md'), '# not a folder\n');
    const { folders, problems } = discoverScenarios(root);
    expect(folders.map((f) => f.id)).toEqual(['good']);
    expect(problems).toEqual([
      `${root}/Bad_Name: a scenario's folder name is its id, made of lowercase letters, digits and dashes`,
      `${root}/no-readme has no README.md`,
    ]);
  });
});
