/**
 * Workshop mode end to end (issue 15). `tailspin serve` serves the built lab and the workshop
 * API on one origin, on a free port with a fresh data folder. A host makes a room from the
 * lab's form; three learners, each in a browser context of their own, join: one runs the
 * starter (and the answer to its report is lost, so the lab sends it again), one the
 * solution, one raises a hand; the host's dashboard shows each change as it comes (waited
 * for, never timed), a broadcast reaches the learners' bars, the CSV downloaded from the
 * dashboard matches the runs, and a learner who joins again by name carries on. The static lab, without the server, makes
 * no workshop request and says so plainly when asked to join.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { RunSummary } from '../../runner/index.ts';
import { expect, LabPage, test } from './fixtures.ts';

const SCENARIO = 'blocking-event-loop';
const SECOND = 'n-plus-one';
const OUT_DIR = 'test-results/workshop';
/** The shared machine is slow: each wait is generous, and none is a measurement. */
const LIVE_TIMEOUT_MS = 60_000;

interface WorkshopServer {
  url: string;
  child: ChildProcess;
  dataDir: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `tailspin serve` on the built dist/ and waits for the line that says where it listens. */
async function startWorkshopServer(): Promise<WorkshopServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tailspin-workshop-e2e-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['bin/tailspin.js', 'serve', '--port', String(port), '--data', join(dataDir, 'data')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tailspin serve did not start:\n${output}`)), 120_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /Workshop server on (http:\/\/\S+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`tailspin serve exited with ${code}:\n${output}`)));
  });
  return { url, child, dataDir };
}

async function stopWorkshopServer(server: WorkshopServer): Promise<void> {
  if (server.child.exitCode === null) {
    const exited = new Promise((resolve) => server.child.once('exit', resolve));
    server.child.kill('SIGTERM');
    await exited;
  }
  rmSync(server.dataDir, { recursive: true, force: true });
}

/** RFC 4180 as the server writes it: every cell quoted, CRLF between rows. */
function parseCsv(text: string): Record<string, string>[] {
  const rows = text
    .trim()
    .split('\r\n')
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replaceAll('""', '"')));
  const [header, ...body] = rows;
  return body.map((cells) => Object.fromEntries(header.map((h, i) => [h, cells[i]])));
}

interface Learner {
  name: string;
  page: Page;
  lab: LabPage;
}

async function joinAs(browser: Browser, url: string, code: string, name: string, opens = SCENARIO): Promise<Learner> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.log(`[${name} page error] ${e.message}`));
  await page.goto(`${url}/#/workshop/${code.toLowerCase()}`);
  await expect(page.getByTestId('workshop-join')).toBeVisible();
  await page.getByTestId('ws-join-name').fill(name);
  await page.getByTestId('ws-join-button').click();
  const lab = new LabPage(page);
  // Joining opens the track's first scenario not yet solved, with the workshop bar above it.
  await expect(page.getByTestId('scenario-page')).toHaveAttribute('data-scenario', opens, { timeout: LIVE_TIMEOUT_MS });
  await expect(page.getByTestId('workshop-bar')).toContainText('Friday clinic');
  await page.waitForFunction(() => window.__tailspin?.editorReady() === true, null, { timeout: 120_000 });
  return { name, page, lab };
}

async function runToEnd(learner: Learner): Promise<RunSummary> {
  await learner.lab.run();
  expect(await learner.lab.waitForRunEnd(300_000)).toBe('done');
  return (await learner.lab.lastSummary())!;
}

const row = (host: Page, name: string) => host.locator(`[data-testid="learner-row"][data-learner="${name}"]`);

let server: WorkshopServer;
test.beforeAll(async () => {
  test.setTimeout(180_000);
  server = await startWorkshopServer();
});
test.afterAll(async () => {
  if (server) await stopWorkshopServer(server);
});

test('a host runs a workshop: learners join, run, raise a hand; the dashboard follows live; the CSV matches', async ({
  page: host,
  lab: hostLab,
  browser,
}) => {
  test.setTimeout(1_500_000);

  // The host makes a room from the lab's form: a two-step track, a time box on the first.
  await host.goto(`${server.url}/#/`);
  await host.getByTestId('workshop-new-link').click();
  await expect(host.getByTestId('workshop-new')).toBeVisible();
  await host.getByTestId('ws-room-name').fill('Friday clinic');
  while ((await host.getByTestId('ws-track-step').count()) > 0) {
    await host
      .getByTestId('ws-track-step')
      .first()
      .getByRole('button', { name: /^Remove/ })
      .click();
  }
  for (const id of [SCENARIO, SECOND]) {
    await host.getByTestId('ws-add-scenario').selectOption(id);
    await host.getByTestId('ws-add-step').click();
  }
  await host.getByTestId('ws-step-minutes').first().fill('20');
  await hostLab.screenshot('workshop-1-host-form');
  await host.getByTestId('ws-create').click();
  const code = (await host.getByTestId('ws-code').textContent())!.trim();
  expect(code).toMatch(/^[A-HJ-KM-NP-Z2-9]{6}$/);
  // The token is offered once, and kept out of every link on the page.
  const token = await host.getByTestId('ws-host-token').inputValue();
  expect(token.length).toBeGreaterThan(20);
  expect(await host.getByTestId('ws-join-link').inputValue()).toBe(`${server.url}/#/workshop/${code}`);
  for (const href of await host.locator('a').evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href)))
    expect(href).not.toContain(token);
  await host.getByTestId('ws-open-dashboard').click();
  await expect(host.getByTestId('host-dashboard')).toBeVisible();
  await expect(host.getByTestId('host-live-status')).toHaveText('Live', { timeout: LIVE_TIMEOUT_MS });
  expect(host.url()).not.toContain(token);

  // Three learners join; each appears on the dashboard.
  const learners: Learner[] = [];
  for (const name of ['Ada', 'Grace', 'Linus']) {
    learners.push(await joinAs(browser, server.url, code, name));
    await expect(row(host, name)).toBeVisible({ timeout: LIVE_TIMEOUT_MS });
  }
  const [ada, grace, linus] = learners;
  await expect(host.getByTestId('learner-row')).toHaveCount(3);
  // Each learner's bar counts down the first step's 20-minute time box.
  await expect(ada.page.getByTestId('workshop-timebox')).toContainText(/\d+:\d\d left of 20 min/, { timeout: LIVE_TIMEOUT_MS });
  await expect(row(host, 'Ada').getByTestId('learner-slos')).toHaveText('no run yet');

  // Ada runs the starter: it fails, and the dashboard shows her SLOs and what the run showed.
  // The answer to her report is lost on the way back (the server did keep it): the lab sends
  // it again with the same runId, and the run counts once.
  const attempts: string[] = [];
  await ada.page.route('**/api/rooms/*/runs', async (route) => {
    attempts.push(JSON.parse(route.request().postData()!).runId);
    if (attempts.length > 1) return route.continue();
    await route.fetch();
    await route.abort('connectionreset');
  });
  const adaSummary = await runToEnd(ada);
  await expect.poll(() => attempts.length, { timeout: LIVE_TIMEOUT_MS }).toBe(2);
  expect(attempts[1]).toBe(attempts[0]);
  await expect(ada.page.getByTestId('workshop-pending')).toHaveCount(0, { timeout: LIVE_TIMEOUT_MS });
  await expect(ada.page.getByTestId('workshop-problem')).toHaveCount(0, { timeout: LIVE_TIMEOUT_MS });
  expect(adaSummary.passed).toBe(false);
  const adaMet = adaSummary.slos.filter((s) => s.pass).length;
  await expect(row(host, 'Ada').getByTestId('learner-runs')).toHaveText('1', { timeout: LIVE_TIMEOUT_MS });
  await expect(row(host, 'Ada').getByTestId('learner-slos')).toHaveText(`${adaMet} of ${adaSummary.slos.length} met`);
  if (adaSummary.findings[0]) await expect(row(host, 'Ada').getByTestId('learner-last')).toHaveText(adaSummary.findings[0].title);

  // Grace runs the solution: solved, on her dashboard row and in her own bar.
  await grace.lab.setCode(readFileSync(`scenarios/${SCENARIO}/solution.ts`, 'utf8'));
  const graceSummary = await runToEnd(grace);
  expect(graceSummary.passed).toBe(true);
  await expect(row(host, 'Grace')).toHaveAttribute('data-solved', 'true', { timeout: LIVE_TIMEOUT_MS });
  await expect(row(host, 'Grace').getByTestId('learner-slos')).toHaveText(`${graceSummary.slos.length} of ${graceSummary.slos.length} met`);
  await expect(grace.page.getByTestId('workshop-step').first()).toHaveAttribute('data-solved', 'true', { timeout: LIVE_TIMEOUT_MS });
  await expect(host.locator(`[data-testid="scenario-row"][data-scenario="${SCENARIO}"] [data-testid="scenario-solved"]`)).toHaveText(
    '1 of 3',
  );

  // Linus raises a hand: his row shows it and moves to the top.
  await linus.page.getByTestId('workshop-hand').click();
  await expect(linus.page.getByTestId('workshop-hand')).toHaveAttribute('aria-pressed', 'true');
  await expect(row(host, 'Linus').getByTestId('learner-hand')).toHaveText('Raised', { timeout: LIVE_TIMEOUT_MS });
  await expect(host.getByTestId('learner-row').first()).toHaveAttribute('data-learner', 'Linus');

  // The host tells the room something; it reaches every bar.
  await host.getByTestId('ws-broadcast-text').fill('Look at the event-loop delay chart first.');
  await host.getByTestId('ws-broadcast-send').click();
  await expect(host.getByTestId('ws-broadcast-result')).toContainText('Sent to the room');
  for (const l of learners) {
    await expect(l.page.getByTestId('workshop-broadcast')).toContainText('Look at the event-loop delay chart first.', {
      timeout: LIVE_TIMEOUT_MS,
    });
  }
  await expect(linus.page.getByTestId('workshop-problem')).toHaveCount(0);
  await hostLab.screenshot('workshop-2-host-dashboard');
  await linus.lab.screenshot('workshop-3-learner-bar');

  // The CSV from the dashboard: a row per learner and track step, matching the runs above.
  mkdirSync(OUT_DIR, { recursive: true });
  const [file] = await Promise.all([host.waitForEvent('download'), host.getByTestId('ws-export-csv').click()]);
  expect(file.suggestedFilename()).toMatch(new RegExp(`^workshop-${code}-\\d{4}-\\d{2}-\\d{2}-\\d{4}\\.csv$`));
  const path = join(OUT_DIR, file.suggestedFilename());
  await file.saveAs(path);
  const csv = parseCsv(readFileSync(path, 'utf8'));
  expect(csv).toHaveLength(3 * 2);
  const cell = (learner: string, scenario: string) => csv.find((r) => r.learner === learner && r.scenario === scenario)!;
  expect(cell('Ada', SCENARIO)).toMatchObject({
    step: '1',
    solved: 'false',
    runs: '1',
    slos_met: String(adaMet),
    slos_total: String(adaSummary.slos.length),
    hand_raised: 'false',
  });
  expect(cell('Grace', SCENARIO)).toMatchObject({ solved: 'true', runs: '1', slos_met: String(graceSummary.slos.length) });
  expect(cell('Grace', SCENARIO).first_solved_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  expect(cell('Linus', SCENARIO)).toMatchObject({ solved: 'false', runs: '0', slos_met: '', hand_raised: 'true' });
  for (const name of ['Ada', 'Grace', 'Linus']) expect(cell(name, SECOND)).toMatchObject({ step: '2', runs: '0', solved: 'false' });

  // Grace moves to another computer: joining with her name again carries on where she was,
  // on the next step, and she is still one learner.
  await grace.page.context().close();
  const graceAgain = await joinAs(browser, server.url, code, 'grace', SECOND);
  await expect(graceAgain.page.getByTestId('workshop-step').first()).toHaveAttribute('data-solved', 'true', { timeout: LIVE_TIMEOUT_MS });
  await expect(host.getByTestId('learner-row')).toHaveCount(3);

  for (const l of [ada, linus, graceAgain]) await l.page.context().close();
});

test('the static lab makes no workshop request, and says so plainly when asked to join', async ({ page, lab }) => {
  const api: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) api.push(r.url());
  });
  await lab.openScenario(SCENARIO);
  await expect(page.getByTestId('workshop-bar')).toHaveCount(0);
  expect(api).toEqual([]);
  // No server behind vite preview: the join form names the problem, and the lab is untouched.
  await page.goto('/#/workshop/ABCDEF');
  await page.getByTestId('ws-join-name').fill('Ada');
  await page.getByTestId('ws-join-button').click();
  await expect(page.getByTestId('ws-join-error')).toContainText('No workshop server answered');
  await expect(page.getByTestId('workshop-bar')).toHaveCount(0);
});
