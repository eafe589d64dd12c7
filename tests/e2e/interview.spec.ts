/**
 * Interview mode end to end (issue 14): an interviewer makes a link; a candidate opens it,
 * cannot reveal the solution, edits, runs twice, reloads and finds everything, submits; the
 * report opens from disk (offline) and shows the timeline, the playback and the hidden
 * checks; `tailspin verify` passes on it and fails once a byte of it is altered. The time-out
 * is reached by moving the round's clock, never by waiting.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, type LabPage, SCREENSHOT_DIR, test } from './fixtures.ts';

const SCENARIO = 'blocking-event-loop';
const OUT_DIR = 'test-results/interview';

async function makeLink(page: Page, lab: LabPage, minutes: number): Promise<string> {
  await page.goto('/');
  await page.getByTestId('interviewer-link').click();
  await expect(page.getByTestId('interviewer-form')).toBeVisible();
  await page.getByTestId('iv-scenario').selectOption(SCENARIO);
  await page.getByTestId('iv-time').fill(String(minutes));
  await page.getByTestId('iv-hints').fill('1');
  await page.getByTestId('iv-visible-seeds').fill('1');
  await page.getByTestId('iv-hidden-seeds').fill('1');
  // A hidden seed the candidate sees is refused, with the reason.
  await page.getByTestId('iv-make').click();
  await expect(page.getByTestId('iv-error')).toContainText('also a visible one');
  await page.getByTestId('iv-hidden-seeds').fill('2');
  await page.getByTestId('iv-hidden-scale').fill('1.5');
  await page.getByTestId('iv-make').click();
  const link = await page.getByTestId('iv-link').inputValue();
  expect(link).toContain('#/interview/');
  if (minutes > 5) await lab.screenshot('interview-1-interviewer-form');
  return new URL(link).hash;
}

async function openRound(page: Page, lab: LabPage, hash: string): Promise<void> {
  await page.goto(`/${hash}`);
  await expect(page.getByTestId('interview-page')).toBeVisible();
  await page.waitForFunction(() => window.__tailspin?.editorReady() === true, null, { timeout: 120_000 });
  void lab;
}

async function runOnce(page: Page, lab: LabPage): Promise<void> {
  await page.getByTestId('run-button').click();
  expect(await lab.waitForRunEnd()).toBe('done');
}

async function download(page: Page, testId: string, name: string): Promise<string> {
  mkdirSync(OUT_DIR, { recursive: true });
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(testId).click()]);
  const path = join(OUT_DIR, name);
  await file.saveAs(path);
  return path;
}

test('a round from link to verified report', async ({ lab, page, browser }) => {
  test.setTimeout(1_200_000);
  const hash = await makeLink(page, lab, 45);

  await openRound(page, lab, hash);
  // No way to the solution: no reveal, no diff, no share, no reset.
  for (const id of ['solution-button', 'diff-button', 'share-button', 'reset-button']) await expect(page.getByTestId(id)).toHaveCount(0);
  await expect(page.getByText(/Reveal solution/i)).toHaveCount(0);
  await expect(page.getByTestId('round-timer')).toHaveText(/^4[45]:\d\d left$/);

  // An edit typed at the keyboard, a hint, then a first run.
  await page.evaluate(() => window.__tailspin!.plainTyping());
  await lab.focusEditor();
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.insertText('// first look: logins block the loop?\n');
  await page.getByTestId('next-hint').click();
  // The candidate switches to another tab and back (the page is hidden, then visible).
  for (const state of ['hidden', 'visible']) {
    await page.evaluate((s) => {
      Object.defineProperty(document, 'visibilityState', { value: s, configurable: true });
      document.dispatchEvent(new Event('visibilitychange'));
    }, state);
  }
  await runOnce(page, lab);
  expect((await lab.lastSummary())!.passed).toBe(false);

  // The fix, pasted over the whole text (a large paste, flagged), and a second run.
  const solution = readFileSync(`scenarios/${SCENARIO}/solution.ts`, 'utf8');
  await page.evaluate((c) => window.__tailspin!.pasteCode(c), solution);
  expect(await lab.code()).toBe(solution);
  await runOnce(page, lab);
  expect((await lab.lastSummary())!.passed).toBe(true);
  await lab.screenshot('interview-2-candidate');

  // A reload loses nothing: the code, the hint opened, the timer's start.
  await page.reload();
  await page.waitForFunction(() => window.__tailspin?.editorReady() === true, null, { timeout: 120_000 });
  expect(await lab.code()).toBe(solution);
  await expect(page.getByTestId('hints').locator('li')).toHaveCount(1);
  await expect(page.getByTestId('round-timer')).toHaveText(/^4[345]:\d\d left$/);

  // Submit with a note: the final checks run, the hidden one included.
  await page.getByTestId('submit-button').click();
  await page.getByTestId('submit-note').fill('Moved the password hashing to the async pbkdf2 on the thread pool.');
  await page.getByTestId('submit-confirm').click();
  await expect(page.getByTestId('interview-submitted')).toHaveAttribute('data-checks-done', 'true', { timeout: 600_000 });
  const rows = page.getByTestId('report-run');
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0)).toHaveAttribute('data-purpose', 'final');
  await expect(rows.nth(1)).toHaveAttribute('data-purpose', 'hidden');
  await expect(rows.nth(1)).toContainText('×1.5');
  await lab.screenshot('interview-3-submitted');

  const html = await download(page, 'download-html', 'report.html');
  const json = await download(page, 'download-json', 'report.json');
  // The HTML embeds the same data as the JSON export.
  expect(readFileSync(html, 'utf8')).toContain(JSON.stringify(JSON.parse(readFileSync(json, 'utf8'))).replace(/</g, '\\u003c'));

  // The report from disk, with the network off.
  const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } });
  const report = await context.newPage();
  const errors: string[] = [];
  report.on('pageerror', (e) => errors.push(e.message));
  await report.goto(`file://${join(process.cwd(), html)}`);
  await expect(report.locator('h1')).toContainText('Interview report');
  const timeline = report.locator('table.runs').nth(1).locator('tr.run-row');
  await expect(timeline).toHaveCount(4);
  await expect(timeline.nth(0)).toHaveAttribute('data-verdict', 'fail');
  await expect(timeline.nth(1)).toHaveAttribute('data-verdict', 'pass');
  const finals = report.locator('table.runs').nth(0).locator('tr.run-row');
  await expect(finals.nth(1)).toHaveAttribute('data-purpose', 'hidden');
  await expect(finals.nth(1)).toHaveAttribute('data-verdict', 'pass');
  await expect(report.locator('#note')).toContainText('async pbkdf2');
  await expect(report.locator('#flags')).toContainText('hint 1 opened');
  await expect(report.locator('#flags')).toContainText('large paste');
  await expect(report.locator('#flags')).toContainText('left the page for');
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await report.screenshot({ path: `${SCREENSHOT_DIR}/interview-4-report.png`, fullPage: true });

  // Playback: the first frame is the starter; at the second run, the diff shows the fix.
  const slider = report.locator('#playback-slider');
  await slider.evaluate((el: HTMLInputElement) => {
    el.value = '0';
    el.dispatchEvent(new Event('input'));
  });
  const starter = readFileSync(`scenarios/${SCENARIO}/starter.ts`, 'utf8');
  expect(await report.locator('#playback-code').textContent()).toBe(starter);
  await report.locator('.marks button').nth(1).click();
  expect(await report.locator('#playback-code').textContent()).toBe(solution);
  await expect(report.locator('#playback-diff')).toContainText('+');
  await expect(report.locator('#playback-where')).toContainText('ran: Run seed 1, pass');
  await report.locator('#playback').scrollIntoViewIfNeeded();
  await report.screenshot({ path: `${SCREENSHOT_DIR}/interview-5-playback.png`, fullPage: false });
  expect(errors).toEqual([]);
  await context.close();

  // tailspin verify: passes on the report as downloaded; fails once a byte of code in it changes.
  const ok = spawnSync('node', ['bin/tailspin.js', 'verify', html], { encoding: 'utf8', timeout: 900_000 });
  expect(ok.status, ok.stdout + ok.stderr).toBe(0);
  expect(ok.stdout).toMatch(/Verified: .* 4 runs re-ran byte-identical/);
  writeFileSync(join(OUT_DIR, 'verify.txt'), ok.stdout);
  const text = readFileSync(html, 'utf8');
  const at = text.indexOf('promisify(pbkdf2)');
  expect(at, 'the fix is in the report').toBeGreaterThan(0);
  const altered = join(OUT_DIR, 'altered.html');
  writeFileSync(altered, `${text.slice(0, at)}promisify(pbkdF2)${text.slice(at + 'promisify(pbkdf2)'.length)}`);
  const bad = spawnSync('node', ['bin/tailspin.js', 'verify', altered], { encoding: 'utf8', timeout: 900_000 });
  expect(bad.status).toBe(1);
  expect(bad.stderr).toMatch(/not verified: hash chain: record \d+ \(edit\) was altered/);
});

test('at time-out the code is submitted automatically', async ({ lab, page }) => {
  test.setTimeout(1_200_000);
  const hash = await makeLink(page, lab, 5);
  await openRound(page, lab, hash);
  await page.evaluate(() => window.__tailspin!.advanceRoundClock(5 * 60_000));
  await expect(page.getByTestId('interview-submitted')).toBeVisible();
  await expect(page.getByTestId('interview-submitted')).toContainText('The time was up');
  await expect(page.getByTestId('interview-submitted')).toHaveAttribute('data-checks-done', 'true', { timeout: 600_000 });
  await expect(page.getByTestId('report-run')).toHaveCount(2);
});
