/**
 * The editor's type declarations describe exactly the platform the simulator provides: every
 * scenario's starter, solution and fixes type-check against them (strict, no DOM), so the
 * learner never sees a false error, and a call outside the platform is an error.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { PLATFORM_TYPES } from '../../../runner/sandbox/platform-types.ts';
import { loadScenarioFolder, scenarioIds } from '../../../runner/host-node/scenario-folder.ts';

// The compiler's own bin (TypeScript 7 exposes no compiler API to require).
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const dir = mkdtempSync(join(tmpdir(), 'platform-types-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function typeCheck(files: Record<string, string>): string {
  for (const f of PLATFORM_TYPES) writeFileSync(join(dir, f.path.split('/').pop() as string), f.content);
  for (const [name, code] of Object.entries(files)) writeFileSync(join(dir, name), code);
  const args = [
    '--noEmit',
    '--strict',
    '--lib',
    'es2022',
    '--types',
    '',
    '--target',
    'es2022',
    '--module',
    'esnext',
    '--moduleResolution',
    'bundler',
  ];
  const names = [...PLATFORM_TYPES.map((f) => f.path.split('/').pop() as string), ...Object.keys(files)];
  try {
    execFileSync(process.execPath, [tsc, ...args, ...names], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  }
}

describe('platform type declarations', () => {
  it('type-check every scenario file', async () => {
    const files: Record<string, string> = {};
    for (const id of scenarioIds()) {
      const f = await loadScenarioFolder(id);
      files[`${id}--starter.ts`] = f.starter;
      if (f.solution) files[`${id}--solution.ts`] = f.solution;
      for (const fix of f.fixes) files[`${id}--${fix.name}`] = fix.code;
    }
    expect(Object.keys(files).length).toBeGreaterThan(12);
    expect(typeCheck(files)).toBe('');
  });

  it('reject what the platform does not have', () => {
    const out = typeCheck({
      'outside.ts': [
        "import { readFileSync } from 'node:fs';",
        'document.title = "x";',
        "export const n: number = readFileSync('x').length;",
      ].join('\n'),
    });
    expect(out).toMatch(/outside\.ts\(1,.*node:fs/);
    expect(out).toMatch(/outside\.ts\(2,.*document/);
  });
});
