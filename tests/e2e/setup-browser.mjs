#!/usr/bin/env node
/**
 * Makes sure the e2e suite has a browser: a system Chromium at CHROMIUM_PATH or a usual path.
 * When there is none and we are root on Debian, installs Debian's `chromium` package;
 * otherwise explains what to do and fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { findChromium } from './browser-path.mjs';

function done(path) {
  let version = '';
  try {
    version = execFileSync(path, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    // Some wrappers print nothing for --version; the path is what matters.
  }
  console.log(`e2e browser: ${path}${version ? ` (${version})` : ''}`);
  process.exit(0);
}

const found = findChromium();
if (found) done(found);

if (process.env.CHROMIUM_PATH) {
  console.error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, but no file is there.`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const isDebian = existsSync('/etc/debian_version');
if (!isRoot || !isDebian) {
  console.error(
    [
      'The e2e tests need a Chromium installed on this system (Playwright cannot download its own here).',
      isDebian ? 'Install it with:  sudo apt-get install -y chromium' : 'Install Chromium with your package manager,',
      'or point CHROMIUM_PATH at a Chromium or Chrome executable.',
    ].join('\n'),
  );
  process.exit(1);
}

console.log('No system Chromium found; installing Debian\'s "chromium" package (about 30 s)…');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
const apt = (args) => execFileSync('apt-get', args, { stdio: 'inherit', env });
try {
  apt(['install', '-y', 'chromium']);
} catch {
  // The package lists may be missing or stale on a fresh machine.
  apt(['update']);
  apt(['install', '-y', 'chromium']);
}
const installed = findChromium();
if (!installed) {
  console.error('apt-get finished but no Chromium executable was found at ' + '/usr/bin/chromium.');
  process.exit(1);
}
done(installed);
