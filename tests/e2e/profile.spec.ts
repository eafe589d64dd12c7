/**
 * The CPU profile in the lab: after a run of blocking-event-loop's starter, "Where the CPU
 * went" lists its pbkdf2Sync line first, the editor's gutter marks that line hot, and a click
 * on the row puts the cursor there.
 */
import { expect, SCREENSHOT_DIR, test } from './fixtures.ts';

test("the starter's pbkdf2Sync line is the hottest in the profile table and marked in the gutter; a click reveals it", async ({
  lab,
  page,
}) => {
  await lab.openScenario('blocking-event-loop');
  const code = (await lab.code())!;
  const hotLine = code.split('\n').findIndex((l) => l.includes('pbkdf2Sync(password')) + 1;
  expect(hotLine).toBeGreaterThan(0);
  await lab.run();
  expect(await lab.waitForRunEnd()).toBe('done');

  const profile = page.getByTestId('profile');
  await expect(profile).toBeVisible();
  const first = profile.getByTestId('profile-line').first();
  await expect(first).toHaveAttribute('data-line', String(hotLine));
  await expect(first).toHaveAttribute('data-heat', '4');
  await expect(first).toContainText('verifyPassword');
  await expect(first).toContainText('pbkdf2Sync(');

  // The gutter: that line, at the hottest level, and no cooler line above it.
  const heat = await page.evaluate(() => window.__tailspin!.heat());
  expect(heat[0]).toEqual({ line: hotLine, level: 4 });

  await first.getByRole('button', { name: `Show line ${hotLine} in the editor` }).click();
  expect((await page.evaluate(() => window.__tailspin!.cursor()))?.line).toBe(hotLine);
  // Revealed, the line's mark is drawn in the editor's gutter.
  await expect(page.getByTestId('editor').locator('.heat-mark.heat-4')).toHaveCount(1);
  await expect(page.getByTestId('editor').locator('.heat-mark.heat-4')).toBeVisible();

  // Functions view: verifyPassword first.
  await profile.getByRole('button', { name: 'Functions' }).click();
  await expect(profile.getByTestId('profile-function').first()).toContainText('verifyPassword');
  await profile.getByRole('button', { name: 'Lines' }).click();

  await profile.scrollIntoViewIfNeeded();
  await lab.screenshot('profile-blocking-event-loop-starter');
  // Close up: the table, and the editor with the hot line's gutter mark.
  await profile.screenshot({ path: `${SCREENSHOT_DIR}/profile-table.png` });
  await page.getByTestId('editor').screenshot({ path: `${SCREENSHOT_DIR}/profile-gutter.png` });
});
