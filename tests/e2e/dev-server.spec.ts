/**
 * The lab as `npm start` serves it: Vite's dev server, where React's StrictMode mounts every
 * effect twice. The production build does not, so a dialog that closes itself when its effect
 * is run again only shows here. The spec starts its own dev server beside the suite's preview
 * server (TAILSPIN_E2E_DEV_PORT, else the preview port plus one) and stops it at the end.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { PREVIEW_PORT } from '../../vite.config.ts';
import { expect, test } from './fixtures.ts';

const DEV_PORT = Number(process.env.TAILSPIN_E2E_DEV_PORT || Number(process.env.TAILSPIN_E2E_PORT || PREVIEW_PORT) + 1);
const DEV_URL = `http://127.0.0.1:${DEV_PORT}`;
/** The dev server transforms modules on first request: a cold start on a busy machine is slow. */
const DEV_SERVER_START_MAX_MS = 90_000;

test.describe.configure({ mode: 'serial' });

let server: ChildProcess | null = null;

test.beforeAll(async () => {
  test.setTimeout(DEV_SERVER_START_MAX_MS + 10_000);
  server = spawn('npx', ['vite', '--host', '127.0.0.1', '--port', String(DEV_PORT), '--strictPort'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stdout?.on('data', (d) => (output += String(d)));
  server.stderr?.on('data', (d) => (output += String(d)));
  const deadline = Date.now() + DEV_SERVER_START_MAX_MS;
  for (;;) {
    try {
      if ((await fetch(DEV_URL)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (server.exitCode !== null || Date.now() > deadline) throw new Error(`the dev server did not start:\n${output}`);
    await new Promise((r) => setTimeout(r, 250));
  }
});

test.afterAll(() => {
  // Its own process group: npx, vite and esbuild's service end together.
  if (server?.pid) process.kill(-server.pid, 'SIGTERM');
  server = null;
});

test('under StrictMode, the Diff, Share, Reset and Reveal dialogs stay open until closed', async ({ lab, page }) => {
  test.setTimeout(180_000);
  await page.goto(`${DEV_URL}/`);
  const id = (await lab.scenarioIds())[0];
  await page.goto(`${DEV_URL}/#/s/${id}`);
  await lab.waitForEditor();
  const dialogs = [
    { button: 'diff-button', dialog: page.getByRole('dialog', { name: 'Your code vs the starter' }) },
    { button: 'share-button', dialog: page.getByTestId('share-dialog') },
    { button: 'reset-button', dialog: page.getByTestId('confirm-dialog') },
    { button: 'solution-button', dialog: page.getByTestId('confirm-dialog') },
  ];
  for (const { button, dialog } of dialogs) {
    await page.getByTestId(button).click();
    await expect(dialog).toBeVisible();
    // A dialog that closes itself does so within a task or two of opening.
    await page.waitForTimeout(300);
    await expect(dialog, `${button} opens a dialog that stays open`).toBeVisible();
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
  }
});
