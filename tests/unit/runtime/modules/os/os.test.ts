/**
 * node:os reports the scenario's machine: `cpus().length` and `availableParallelism()` are
 * `platform.cpus` (4 when absent), in a service as in the module; other values are fixed.
 */
import { describe, expect, it } from 'vitest';
import { createOs, CPUS_DEFAULT } from '../../../../../runner/runtime/modules/os/os.ts';
import { FIXTURES, runFolder } from '../../../../helpers/run-fixture.ts';

describe('node:os', () => {
  it('has the scenario’s cores, and Node’s shapes for the rest', () => {
    const os = createOs(8);
    expect(os.cpus()).toHaveLength(8);
    expect(os.availableParallelism()).toBe(8);
    expect(os.cpus()[0]).toMatchObject({ model: expect.any(String), speed: expect.any(Number), times: { user: 0, idle: 0 } });
    expect(createOs().cpus()).toHaveLength(CPUS_DEFAULT);
    expect([os.EOL, os.platform(), os.type(), os.arch(), os.endianness()]).toEqual(['\n', 'linux', 'Linux', 'x64', 'LE']);
    expect(() => createOs(0)).toThrow(/platform.cpus must be an integer from 1 to 1024/);
    expect(() => os.setPriority()).toThrow(/os.setPriority is not available in this lab/);
  });

  it('a service sizes from platform.cpus, under both module names', async () => {
    const code = `
import os from 'node:os';
import { availableParallelism, hostname } from 'os';
console.log(os.cpus().length, availableParallelism(), hostname());
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => ({ ok: true }));
}`;
    const s = await runFolder(`${FIXTURES}two-routes`, code, 1, (d) => ({
      ...d,
      platform: { ...d.platform, cpus: 2 },
      load: { ...d.load, durationMs: 500 },
    }));
    expect(s.errors).toEqual([]);
    expect(s.console[0]).toMatch(/\] 2 2 tailspin-app-1$/);
  });
});
