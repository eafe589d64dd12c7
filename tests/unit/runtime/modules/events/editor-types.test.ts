/**
 * The editor's declarations of node:events, node:os, node:async_hooks and crypto.subtle: the
 * ways services write these imports type-check (strict, no DOM), and a misuse is an error.
 * Lives with the events tests; it covers the four modules added together.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PLATFORM_TYPES } from '../../../../../runner/sandbox/platform-types.ts';

const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');

function typeCheck(code: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'module-types-'));
  try {
    const names = PLATFORM_TYPES.map((f) => f.path.split('/').pop() as string);
    for (const [i, f] of PLATFORM_TYPES.entries()) writeFileSync(join(dir, names[i]), f.content);
    writeFileSync(join(dir, 'service.ts'), code);
    const args = ['--noEmit', '--strict', '--lib', 'es2022', '--types', '', '--target', 'es2022', '--module', 'esnext'];
    execFileSync(process.execPath, [tsc, ...args, '--moduleResolution', 'bundler', ...names, 'service.ts'], { cwd: dir, encoding: 'utf8' });
    return '';
  } catch (err) {
    return String((err as { stdout?: string }).stdout ?? err);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const service = `
import EventEmitter, { once, on, errorMonitor } from 'node:events';
import { EventEmitter as EE2 } from 'events';
import os from 'node:os';
import { cpus, availableParallelism } from 'os';
import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { webcrypto, subtle } from 'node:crypto';

class Jobs extends EventEmitter {}
const jobs = new Jobs();
jobs.on('done', (id: number) => id).setMaxListeners(20);
const e2: EE2 = new EE2();
e2.on(errorMonitor, () => {});
EventEmitter.defaultMaxListeners = 15;
const workers: number = Math.max(os.cpus().length, cpus().length, availableParallelism());
const als = new AsyncLocalStorage<{ requestId: string }>();
const id: string | undefined = als.getStore()?.requestId;
const r = new AsyncResource('job');

export async function demo(): Promise<number> {
  const [value] = await once(jobs, 'done');
  for await (const [msg] of on(jobs, 'msg')) if (msg) break;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode('pw'), 'PBKDF2', false, ['deriveBits']);
  const params = { name: 'PBKDF2', hash: 'SHA-256', salt: new Uint8Array(16), iterations: 1000 } as const;
  const bits = await globalThis.crypto.subtle.deriveBits(params, key, 256);
  const d = await webcrypto.subtle.digest('SHA-256', new Uint8Array(bits));
  const hk = await subtle.importKey('raw', new Uint8Array(32), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const ok: boolean = await subtle.verify('HMAC', hk, await subtle.sign('HMAC', hk, d), d);
  return als.run({ requestId: 'x' }, () => workers + (ok ? 1 : 0) + Number(value) + (id ? 1 : 0) + r.asyncId());
}
`;

describe('editor declarations of events, os, async_hooks and crypto.subtle', () => {
  it('type-check the ways services use them, and reject a misuse', () => {
    expect(typeCheck(service)).toBe('');
    const wrong = typeCheck(`
import { AsyncLocalStorage } from 'node:async_hooks';
const als = new AsyncLocalStorage<{ requestId: string }>();
als.run({ requestId: 1 }, () => 0);
export const n: number = crypto.subtle.digest('SHA-256', new Uint8Array(1));
`);
    expect(wrong).toMatch(/service\.ts\(4,/);
    expect(wrong).toMatch(/service\.ts\(5,/);
  });
});
