// Shared by the browser tests: Chromium through playwright-core, a `zari
// serve` on a free loopback port, steps, waits, and the widget's locators.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const CHROMIUM = process.env.ZARI_CHROMIUM || '/usr/bin/chromium';
const SETUP = 'run scripts/setup-deps.sh (it installs Debian chromium and npm playwright-core in bindings/node)';

function fail(message) {
  console.error('FAIL: ' + message);
  process.exit(1);
}

// playwright-core's chromium, or a failure that says what to install.
function chromiumOf(src) {
  let chromium;
  try {
    ({ chromium } = require(path.join(src, 'bindings/node/node_modules/playwright-core')));
  } catch (e) {
    fail('playwright-core is not installed: ' + SETUP);
  }
  if (!fs.existsSync(CHROMIUM)) fail(CHROMIUM + ' is missing: ' + SETUP);
  return chromium;
}

// A headless Chromium with a fresh profile and no background networking
// (this machine's network is closed); close() removes the profile.
async function launch(src, options = {}) {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'zari-chromium-'));
  const context = await chromiumOf(src).launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    ...options,
  });
  return {
    context,
    async close() {
      await context.close().catch(() => {});
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

let passed = 0;
async function step(name, fn) {
  await fn();
  passed++;
  console.log('ok   ' + name);
}

// Runs a test body; prints the tally and exits non-zero on a failure.
function run(body) {
  body().then(() => console.log(passed + ' passed, 0 failed')).catch((e) => {
    console.error(e && e.stack ? e.stack : e);
    console.log(passed + ' passed, 1 failed');
    process.exit(1);
  });
}

function startZari(zari, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(zari, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => reject(new Error('zari serve did not start: ' + stderr)), 30000);
    child.stderr.on('data', (d) => { stderr += d; });
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = stdout.match(/on (http:\/\/[^\s]+\/)/);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], stderr: () => stderr });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('zari serve exited with ' + code + ': ' + stderr));
    });
  });
}

async function waitFor(predicate, what, ms = 10000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await predicate()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('timed out waiting for ' + what);
}

// The widget inside a page: Playwright's CSS locators pierce open shadow roots.
function widget(page) {
  const botReplies = page.locator('.msg.bot:not(.typing)');
  return {
    launcher: page.locator('button.launcher'),
    panel: page.locator('#zari-panel'),
    input: page.locator('#zari-panel input'),
    send: page.locator('#zari-panel button.send'),
    botReplies,
    async ask(text) {
      const before = await botReplies.count();
      await this.input.fill(text);
      await this.input.press('Enter');  // Enter sends
      await botReplies.nth(before).waitFor();
      const m = botReplies.nth(before);
      return {
        text: await m.textContent(),
        action: await m.getAttribute('data-action'),
        intent: await m.getAttribute('data-intent'),
        language: await m.getAttribute('data-language'),
      };
    },
  };
}

// Stops a server started by startZari; fails when it does not exit cleanly.
async function stopZari(zs) {
  zs.child.removeAllListeners('exit');
  const exited = new Promise((r) => zs.child.on('exit', (code) => r(code)));
  zs.child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) fail('zari serve exited with ' + code + ' after SIGTERM: ' + zs.stderr());
}

module.exports = { fail, launch, step, run, startZari, stopZari, waitFor, widget };
