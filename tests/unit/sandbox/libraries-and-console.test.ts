import { describe, expect, it } from 'vitest';
import { FIXTURES, runFolder } from '../../helpers/run-fixture.ts';
import { CONSOLE_MAX_LINES } from '../../../runner/runtime/modules/console.ts';

const dir = `${FIXTURES}two-routes`;

describe('bundled libraries and console', () => {
  it('dataloader batches the loads of one tick on the simulated job queue', async () => {
    const code = `
import DataLoader from 'dataloader';
let batches = 0;
const loader = new DataLoader(async (keys: readonly number[]) => { batches++; return keys.map((k) => k * 2); }, { cache: false });
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    const before = batches;
    const values = await Promise.all([loader.load(1), loader.load(2), loader.load(3)]);
    console.log('batches', batches - before, values.join(','));
    return { values };
  });
}`;
    const s = await runFolder(dir, code);
    expect(s.passed).toBe(true);
    expect(s.console[0]).toMatch(/batches 1 2,4,6$/);
  });

  it('queueMicrotask runs a function as a job and refuses anything else at once, as Node does', async () => {
    const code = `
let ran = 0;
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => {
    queueMicrotask(() => { ran++; });
    let refused = '';
    try { queueMicrotask({ run() { ran += 1000; } } as any); } catch (err: any) { refused = err.code + ': ' + err.message; }
    await null;
    console.log('ran', ran, refused);
    return { ran };
  });
}`;
    const s = await runFolder(dir, code);
    expect(s.console[0]).toMatch(
      /ran 1 ERR_INVALID_ARG_TYPE: The "callback" argument must be of type function\. Received an instance of Object$/,
    );
  });

  it('keeps console output bounded and says how much it dropped', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async () => { console.log('x'.repeat(2000)); return { ok: true }; });
  app.post('/work', async () => ({ ok: true }));
}`;
    const s = await runFolder(dir, code);
    expect(s.console.length).toBe(CONSOLE_MAX_LINES + 1);
    expect(s.console[0].length).toBeLessThan(600);
    expect(s.console[CONSOLE_MAX_LINES]).toMatch(/more lines not shown/);
  });

  it('Math.random and Date are the simulator’s: deterministic per seed', async () => {
    const code = `
export default async function routes(app: any) {
  app.get('/health', async () => ({ ok: true }));
  app.post('/work', async () => { console.log(Math.random().toFixed(6), new Date().toISOString()); return {}; });
}`;
    const a = await runFolder(dir, code, 5);
    const b = await runFolder(dir, code, 5);
    expect(a.console.slice(0, 5)).toEqual(b.console.slice(0, 5));
    expect(a.console[0]).toMatch(/2026-01-05T09:00:0/);
  });
});
