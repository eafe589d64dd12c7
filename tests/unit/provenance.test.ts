import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ENGINE_VERSION, runProvenance, sha256Hex } from '../../runner/provenance.ts';

describe('run provenance', () => {
  it('names the engine by the package version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(ENGINE_VERSION).toBe(`tailspin ${pkg.version}`);
  });

  it('digests code and scenario with SHA-256 of their UTF-8 text', () => {
    const code = 'export default async function routes() {} // é ✓';
    const scenario = 'export default { id: "x" };';
    const p = runProvenance(code, scenario);
    expect(p.codeSha256).toBe(createHash('sha256').update(code, 'utf8').digest('hex'));
    expect(p.scenarioSha256).toBe(createHash('sha256').update(scenario, 'utf8').digest('hex'));
    expect(runProvenance(code, undefined).scenarioSha256).toBeNull();
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });
});

describe('provenance through the command line', () => {
  it('records the SHA-256 of the code file and of the scenario folder’s scenario.ts', () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const folder = join(root, 'tests/fixtures/two-routes');
    const codeFile = join(folder, 'starter.ts');
    const r = spawnSync(process.execPath, [join(root, 'bin/tailspin.js'), 'run', folder, '--code', codeFile, '--json'], {
      encoding: 'utf8',
    });
    expect(r.stdout.length, r.stderr).toBeGreaterThan(0);
    const summary = JSON.parse(r.stdout) as { provenance: { codeSha256: string; scenarioSha256: string | null } };
    expect(summary.provenance.codeSha256).toBe(sha256Hex(readFileSync(codeFile, 'utf8')));
    expect(summary.provenance.scenarioSha256).toBe(sha256Hex(readFileSync(join(folder, 'scenario.ts'), 'utf8')));
  });
});
