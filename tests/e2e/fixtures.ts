/**
 * Playwright fixtures for the lab: a page object (`lab`) that drives the app through its UI and
 * its typed test hook, and automatic guards that fail any test whose page sent a request
 * anywhere but 127.0.0.1, or met a Content-Security-Policy violation (in the page, or reported
 * by the lab worker, whose own violations reach no console of the page's).
 */
import { test as base, expect, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import type { RunSummary } from '../../runner/index.ts';

export const SCREENSHOT_DIR = 'tests/e2e/screenshots';

export class LabPage {
  constructor(readonly page: Page) {}

  async gotoCatalog(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByTestId('catalog')).toBeVisible();
  }

  async scenarioIds(): Promise<string[]> {
    await this.page.waitForFunction(() => window.__tailspin !== undefined);
    return this.page.evaluate(() => window.__tailspin!.scenarioIds());
  }

  async openScenario(id: string): Promise<void> {
    await this.page.goto(`/#/s/${id}`);
    await this.waitForEditor();
  }

  async waitForEditor(): Promise<void> {
    await expect(this.page.getByTestId('scenario-page')).toBeVisible();
    await this.page.waitForFunction(() => window.__tailspin?.editorReady() === true, null, { timeout: 30_000 });
  }

  code(): Promise<string | null> {
    return this.page.evaluate(() => window.__tailspin!.getCode());
  }

  /** Replaces the code through the editor API (fast, exact). */
  async setCode(code: string): Promise<void> {
    await this.page.evaluate((c) => window.__tailspin!.setCode(c), code);
  }

  /** Puts the keyboard focus in the editor, as a click into its text does. */
  async focusEditor(): Promise<void> {
    // Into the first line's text: the middle of the text layer can lie past the editor's right
    // edge when the editor is half the page wide and a line is long.
    await this.page
      .getByTestId('editor')
      .locator('.view-lines')
      .click({ position: { x: 8, y: 8 } });
    await expect(this.page.getByRole('textbox', { name: 'Editor content' })).toBeFocused();
  }

  /** Replaces the code the way a person does: select all in the editor, then type. */
  async typeCode(code: string): Promise<void> {
    // Typed text must land verbatim: the editor's auto-indent and auto-closing would
    // otherwise re-indent and double what the source already has.
    await this.page.evaluate(() => window.__tailspin!.plainTyping());
    await this.focusEditor();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.press('Delete');
    await this.page.keyboard.insertText(code);
  }

  async setSeed(seed: number): Promise<void> {
    await this.page.getByTestId('seed-input').fill(String(seed));
  }

  async run(): Promise<void> {
    await expect(this.page.getByTestId('run-button')).toHaveText(/Run/);
    await this.page.getByTestId('run-button').click();
  }

  runState(): Promise<string> {
    return this.page.evaluate(() => window.__tailspin!.runState());
  }

  /** Waits until the run (and its starter comparison) has settled; returns the final state. */
  async waitForRunEnd(timeoutMs = 90_000): Promise<string> {
    await this.page.waitForFunction(
      () => ['done', 'compileFailed', 'failed', 'hung', 'stopped'].includes(window.__tailspin!.runState()),
      null,
      { timeout: timeoutMs, polling: 100 },
    );
    return this.runState();
  }

  lastSummary(): Promise<RunSummary | null> {
    return this.page.evaluate(() => window.__tailspin!.lastSummary());
  }

  markers(): Promise<{ message: string; line: number; owner: string }[]> {
    return this.page.evaluate(() => window.__tailspin!.markers());
  }

  async screenshot(name: string): Promise<void> {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await this.page.screenshot({ path: `${SCREENSHOT_DIR}/${name}.png`, fullPage: true });
  }
}

export const test = base.extend<{ lab: LabPage; networkGuard: string[]; cspGuard: string[] }>({
  networkGuard: [
    async ({ context }, use) => {
      const leaks: string[] = [];
      context.on('request', (r) => {
        const url = new URL(r.url());
        const local = url.hostname === '127.0.0.1' || url.protocol === 'data:' || url.protocol === 'blob:';
        if (!local) leaks.push(r.url());
      });
      await use(leaks);
      expect(leaks, 'requests that left 127.0.0.1').toEqual([]);
    },
    { auto: true },
  ],
  cspGuard: [
    async ({ context }, use) => {
      const violations: string[] = [];
      context.on('console', (m) => {
        if (/Content[- ]Security[- ]Policy/i.test(m.text())) violations.push(m.text());
      });
      await use(violations);
      expect(violations, 'Content-Security-Policy violations').toEqual([]);
    },
    { auto: true },
  ],
  lab: async ({ page }, use) => {
    page.on('pageerror', (e) => console.log(`[page error] ${e.message}`));
    await use(new LabPage(page));
  },
});

export { expect };
