/**
 * The simulated `node:os`: the machine the service runs on, as the scenario describes it.
 * Services size worker pools and clusters from `os.cpus().length` or
 * `os.availableParallelism()`, so both report the scenario's `platform.cpus` (a small cloud
 * instance by default). Every other value is a fixed, plausible Linux server: a run never
 * depends on the machine that simulates it.
 *
 * Simplified: `loadavg()` is zeros and `freemem()` a constant (the lab has no memory model);
 * per-CPU `times` are zeros. `setPriority`/`getPriority` and `userInfo` beyond the service
 * account are not meaningful here and `setPriority` is refused by name.
 */

import { CPUS_DEFAULT } from '../../process/cpu-cores.ts';

export { CPUS_DEFAULT };
/** Memory of the simulated machine: 8 GiB. */
export const TOTAL_MEMORY_BYTES = 8 * 1024 ** 3;

/** What `os.cpus()` returns per core. */
export interface CpuInfo {
  model: string;
  speed: number;
  times: { user: number; nice: number; sys: number; idle: number; irq: number };
}

/** Builds the module for a machine of `cpus` cores (the scenario's `platform.cpus`). */
export function createOs(cpus = CPUS_DEFAULT, uptimeSec: () => number = () => 0) {
  if (!Number.isInteger(cpus) || cpus < 1 || cpus > 1024) {
    throw new RangeError(`platform.cpus must be an integer from 1 to 1024, got ${cpus}`);
  }
  const cpu = (): CpuInfo => ({
    model: 'Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz',
    speed: 2900,
    times: { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 },
  });
  return {
    EOL: '\n',
    devNull: '/dev/null',
    constants: { signals: {}, errno: {}, priority: {} },
    cpus: (): CpuInfo[] => Array.from({ length: cpus }, cpu),
    availableParallelism: (): number => cpus,
    arch: (): string => 'x64',
    machine: (): string => 'x86_64',
    platform: (): string => 'linux',
    type: (): string => 'Linux',
    release: (): string => '6.1.0-tailspin',
    version: (): string => '#1 SMP PREEMPT_DYNAMIC',
    hostname: (): string => 'tailspin-app-1',
    homedir: (): string => '/home/app',
    tmpdir: (): string => '/tmp',
    endianness: (): 'LE' => 'LE',
    uptime: (): number => Math.floor(uptimeSec()),
    loadavg: (): number[] => [0, 0, 0],
    totalmem: (): number => TOTAL_MEMORY_BYTES,
    freemem: (): number => TOTAL_MEMORY_BYTES / 2,
    networkInterfaces: () => ({
      lo: [{ address: '127.0.0.1', netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal: true, cidr: '127.0.0.1/8' }],
      eth0: [
        { address: '10.0.1.17', netmask: '255.255.255.0', family: 'IPv4', mac: '02:42:0a:00:01:11', internal: false, cidr: '10.0.1.17/24' },
      ],
    }),
    userInfo: () => ({ uid: 1000, gid: 1000, username: 'app', homedir: '/home/app', shell: '/bin/sh' }),
    getPriority: (): number => 0,
    setPriority(): never {
      throw new Error('os.setPriority is not available in this lab: the simulated machine has one scheduler and no process priorities.');
    },
  };
}
