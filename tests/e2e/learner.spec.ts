/**
 * The lab tried as a new learner would: what a host of a workshop met in the first minutes
 * (issue 13). Each test names the defect it guards against. Uses the catalog's first scenarios.
 */
import type { Page } from '@playwright/test';
import { expect, type LabPage, test } from './fixtures.ts';

async function scenarioIds(lab: LabPage): Promise<string[]> {
  await lab.gotoCatalog();
  const ids = await lab.scenarioIds();
  expect(ids.length, 'at least two scenarios').toBeGreaterThan(1);
  return ids;
}

/** The text of one side of the open diff, its first lines (Monaco renders what is visible). */
async function diffSide(page: Page, side: 'original' | 'modified'): Promise<string> {
  const lines = page.getByTestId('diff-view').locator(`.editor.${side} .view-lines`);
  await expect(lines).toBeVisible();
  // Each line is a block of its own: a newline between them keeps lines apart.
  const text = await lines.evaluate((el) => [...el.children].map((line) => line.textContent).join('\n'));
  return text.replace(/\u00a0/g, ' ');
}

async function openDiff(page: Page): Promise<void> {
  await page.getByTestId('diff-button').click();
  await expect(page.getByTestId('diff-view')).toBeVisible();
}

async function closeDialog(page: Page): Promise<void> {
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toBeHidden();
}

test('Diff shows the code of the moment it is opened, against this scenario’s starter', async ({ lab, page }) => {
  const [first, second] = await scenarioIds(lab);
  await lab.openScenario(first);
  const starter = (await lab.code())!;
  const firstLines = new Set(starter.split('\n').map((l) => l.trim()));
  await lab.setCode(`// first version\n${starter}`);
  await openDiff(page);
  await expect.poll(() => diffSide(page, 'modified')).toContain('// first version');
  await closeDialog(page);

  await lab.setCode(`// second version\n${starter}`);
  await openDiff(page);
  await expect.poll(() => diffSide(page, 'modified')).toContain('// second version');
  expect(await diffSide(page, 'modified')).not.toContain('// first version');
  await closeDialog(page);

  // Another scenario's page: its own starter and code, not the first one's.
  await page.goto(`/#/s/${second}`);
  await lab.waitForEditor();
  const secondStarter = (await lab.code())!;
  // A line of its starter that the first scenario's starter does not have.
  const own = secondStarter
    .split('\n')
    .slice(0, 12)
    .map((l) => l.trim())
    .find((l) => l.length > 8 && !firstLines.has(l))!;
  expect(own, 'a line of its own near the top of the second starter').toBeTruthy();
  await lab.setCode(`// third version\n${secondStarter}`);
  await openDiff(page);
  await expect.poll(() => diffSide(page, 'modified')).toContain('// third version');
  expect(await diffSide(page, 'original')).toContain(own);
  expect(await diffSide(page, 'original')).not.toContain('// first version');
});

test('on a phone, Run is on the first screen and the results never scroll sideways', async ({ lab, page }) => {
  const [first] = await scenarioIds(lab);
  await page.setViewportSize({ width: 390, height: 844 });
  await lab.openScenario(first);
  const run = (await page.getByTestId('run-button').boundingBox())!;
  expect(run.y + run.height, 'bottom of Run, from the top of the page').toBeLessThanOrEqual(844);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  await expect(page.getByTestId('slo-checklist')).toBeVisible();
  const overflowPx = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflowPx, 'page wider than the screen').toBe(0);
});

test('Esc then Tab leaves the editor without touching the code; arrow keys move between the side tabs', async ({ lab, page }) => {
  const [first] = await scenarioIds(lab);
  await lab.openScenario(first);
  const before = await lab.code();
  await lab.focusEditor();
  await expect(page.getByTestId('editor-keys')).toContainText('Esc');
  await page.keyboard.press('Escape');
  await page.keyboard.press('Tab');
  await expect(page.getByRole('textbox', { name: 'Editor content' })).not.toBeFocused();
  expect(await page.evaluate(() => document.activeElement?.closest('[data-testid="editor"]') === null)).toBe(true);
  expect(await lab.code()).toBe(before);
  // Shift+Tab goes back the other way, to the controls above the editor.
  await lab.focusEditor();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Shift+Tab');
  expect(await page.evaluate(() => document.activeElement?.closest('[role="toolbar"]') !== null)).toBe(true);
  expect(await lab.code()).toBe(before);

  const brief = page.getByRole('tab', { name: 'Brief' });
  const runs = page.getByRole('tab', { name: /^Runs/ });
  await brief.focus();
  await page.keyboard.press('ArrowRight');
  await expect(runs).toBeFocused();
  await expect(runs).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(brief).toBeFocused();
  await expect(brief).toHaveAttribute('aria-selected', 'true');
});

test('after Reset, the results shown say they are for the code before', async ({ lab, page }) => {
  const [first] = await scenarioIds(lab);
  await lab.openScenario(first);
  const starter = (await lab.code())!;
  await lab.setCode(`${starter}\n// changed before the run\n`);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  await expect(page.getByTestId('verdict')).toBeVisible();
  await expect(page.getByTestId('results-stale')).toHaveCount(0);
  await page.getByTestId('reset-button').click();
  await page.getByTestId('confirm').click();
  await expect.poll(() => lab.code()).toBe(starter);
  await expect(page.getByTestId('results-stale')).toBeVisible();
});

test('a run that meets every target offers a next step', async ({ lab, page }) => {
  const [first, second] = await scenarioIds(lab);
  await lab.openScenario(first);
  await page.getByTestId('solution-button').click();
  await page.getByTestId('confirm').click();
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');
  expect((await lab.lastSummary())?.passed).toBe(true);
  const next = page.getByTestId('next-steps');
  await expect(next).toBeVisible();
  await expect(next.getByRole('link', { name: /next scenario/i })).toHaveAttribute('href', `#/s/${second}`);
});

test('two tabs on one scenario: an edit in one is noticed in the other, and every version is kept', async ({ lab, page, context }) => {
  const [first] = await scenarioIds(lab);
  await lab.openScenario(first);
  const starter = (await lab.code())!;
  await lab.setCode(`${starter}\n// typed in the first tab\n`);

  const other = await context.newPage();
  await other.goto(`/#/s/${first}`);
  await other.waitForFunction(() => window.__tailspin?.editorReady() === true);
  await other.evaluate((c) => window.__tailspin!.setCode(c), `${starter}\n// typed in the second tab\n`);

  const notice = page.getByTestId('notice');
  await expect(notice).toContainText('another tab');
  // The first tab still shows its own code until the learner chooses.
  expect(await lab.code()).toContain('typed in the first tab');

  // Both versions are kept, whichever tab wrote last; one click brings the first back.
  await page.getByRole('tab', { name: /^Drafts/ }).click();
  const drafts = page.getByTestId('drafts');
  await expect(drafts).toContainText('typed in the first tab');
  await expect(drafts).toContainText('typed in the second tab');
  await other.close();
  await page.reload();
  await lab.waitForEditor();
  expect(await lab.code()).toContain('typed in the second tab');
  await page.getByRole('tab', { name: /^Drafts/ }).click();
  await drafts
    .locator('li', { hasText: 'typed in the first tab' })
    .getByRole('button', { name: /restore/i })
    .click();
  await expect.poll(() => lab.code()).toContain('typed in the first tab');
});
