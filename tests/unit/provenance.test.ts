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

describe('the command line on a pipe', () => {
  it('writes the whole --json summary to a reader that is slow to start, before it exits', () => {
    // A summary with traces is far longer than a pipe holds (64 KiB): the reader sleeps first,
    // so the CLI's write is still queued when its run is done, and must not be cut short.
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const cli = join(root, 'bin/tailspin.js');
    const r = spawnSync('sh', ['-c', `"$0" "$1" run n-plus-one --seed 7 --json | (sleep 2; cat)`, process.execPath, cli], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(r.stdout.length, r.stderr).toBeGreaterThan(64 * 1024);
    const summary = JSON.parse(r.stdout) as { scenarioId: string; traces: unknown[] };
    expect(summary.scenarioId).toBe('n-plus-one');
    expect(summary.traces.length).toBeGreaterThan(0);
  });
});
