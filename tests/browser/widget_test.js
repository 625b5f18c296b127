#!/usr/bin/env node
// The chat widget in a real browser: starts `zari serve` on a free loopback
// port (inside business hours, with a local webhook receiver), opens the demo
// page in headless Chromium through playwright-core, and talks to the bot in
// ka, az and en as a visitor would: typing, Enter, quick replies, a handoff.
// Saves screenshots (desktop and mobile) into the output directory.
//
//   node tests/browser/widget_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR
//
// Missing Chromium or playwright-core is a failure that says what to run.
'use strict';

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const [zari, src, out] = process.argv.slice(2);
if (!zari || !src || !out) {
  console.error('usage: widget_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR');
  process.exit(2);
}
const { launch, step, run, startZari, stopZari, waitFor, widget } = require('./support');

// ---- helpers ---------------------------------------------------------------
function startWebhookReceiver() {
  const received = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(204);
      res.end();
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({ server, received, port: server.address().port }));
  });
}

// Another website that embeds the widget from the Zari server (cross-origin).
function startHostSite() {
  let zariUrl = '';
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html><head><meta charset="utf-8"><title>Shop</title>' +
            '<style>* { font-family: serif !important; color: green; }</style></head>' +
            '<body><h1>A shop</h1>' +
            `<script src="${zariUrl}widget.js" data-title="Shop help" data-lang="az" ` +
            'data-position="left" data-color="#aa0000"></script></body></html>');
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      server,
      origin: `http://127.0.0.1:${server.address().port}`,
      setZari(url) { zariUrl = url; },
    }));
  });
}

// ---- the test ---------------------------------------------------------------
run(async () => {
  fs.mkdirSync(out, { recursive: true });
  const hook = await startWebhookReceiver();
  const site = await startHostSite();
  const pack = path.join(src, 'intents/telecom');
  // Wednesday 11:00 in Tbilisi: operators are online.
  const zs = await startZari(zari, ['serve', '--pack', pack, '--listen', '127.0.0.1:0', '--now', '2026-11-25T11:00',
                              '--webhook', `http://127.0.0.1:${hook.port}/handoff`, '--cors', site.origin]);
  site.setZari(zs.url);
  let browser;
  try {
    browser = await launch(src);
    const { context } = browser;
    const page = context.pages()[0] || await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(zs.url);
    const w = widget(page);

    await step('the bubble opens the panel, shows the welcome and focuses the input', async () => {
      assert.equal(await w.launcher.getAttribute('aria-expanded'), 'false');
      assert.equal(await w.launcher.getAttribute('aria-label'), 'Open chat');
      await w.launcher.click();
      await w.panel.waitFor({ state: 'visible' });
      assert.equal(await w.launcher.getAttribute('aria-expanded'), 'true');
      const welcome = page.locator('.msg.bot[data-action="welcome"]');
      await welcome.waitFor();
      assert.match(await welcome.textContent(), /Zari Mobile/);
      const focused = await page.evaluate(() =>
        document.querySelector('[data-zari-widget]').shadowRoot.activeElement?.tagName);
      assert.equal(focused, 'INPUT');
      assert.equal(await w.input.getAttribute('aria-label'), 'Your message');
    });

    await step("the host page's styles do not leak into the widget", async () => {
      // The demo page sets button { text-transform: uppercase; background: #c0392b }.
      const tt = await w.send.evaluate((b) => getComputedStyle(b).textTransform);
      assert.equal(tt, 'none');
    });

    await step('Georgian (native script): balance, and the UI follows the language', async () => {
      const r = await w.ask('როგორ შევამოწმო ბალანსი?');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'ka']);
      assert.match(r.text, /\*100#/);
      assert.equal(await w.input.getAttribute('placeholder'), 'დაწერეთ თქვენი კითხვა…');
      assert.equal(await w.send.textContent(), 'გაგზავნა');
    });

    await step('Georgian typed in Latin letters: balansi rogor shevamowmo', async () => {
      const r = await w.ask('balansi rogor shevamowmo');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'ka']);
    });

    await step('Azerbaijani, native and without its letters', async () => {
      let r = await w.ask('balansımı necə yoxlayım');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'az']);
      assert.equal(await w.send.textContent(), 'Göndər');
      r = await w.ask('balansimi nece yoxlayim');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'az']);
    });

    await step('English', async () => {
      const r = await w.ask('How do I check my balance?');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'en']);
      assert.equal(await w.send.textContent(), 'Send');
    });

    await step("an answer offers the intent's related questions; clicking one answers it", async () => {
      const r = await w.ask('How do I check my balance?');
      assert.equal(r.intent, 'balance');
      // This answer's group (the next answer adds its own).
      const groups = page.locator('.options.related');
      const group = groups.nth((await groups.count()) - 1);
      const related = group.locator('button.option');
      assert.deepEqual(await related.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-intent'))),
                       ['top_up', 'package_balance']);
      assert.equal(await group.getAttribute('aria-label'), 'Related questions');
      const title = await related.first().textContent();
      assert.ok(title && title.length > 0);
      const before = await w.botReplies.count();
      await related.first().click();
      await w.botReplies.nth(before).waitFor();
      assert.equal(await w.botReplies.nth(before).getAttribute('data-intent'), 'top_up');
      assert.equal(await related.first().isDisabled(), true);
      assert.equal(await page.locator('.msg.user').last().textContent(), title);
    });

    await step('a clarify shows quick replies; clicking one answers it', async () => {
      // A word the sample pack finds ambiguous (the matcher keeps being tuned): asked over the API first.
      let word = null;
      for (const candidate of ['internet', 'data', 'package', 'calls', 'plan']) {
        const res = await fetch(zs.url + 'api/v1/message', {
          method: 'POST', headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ text: candidate }),
        });
        const j = await res.json();
        if (j.action === 'clarify' && j.options.length >= 2) { word = candidate; break; }
      }
      assert.ok(word, 'one of the ambiguous words clarifies');
      const r = await w.ask(word);
      assert.equal(r.action, 'clarify');
      const clarify = page.locator('.options.clarify');
      const options = clarify.nth((await clarify.count()) - 1).locator('button.option');
      const count = await options.count();
      assert.ok(count >= 2, 'at least two quick replies, got ' + count);
      const last = options.nth(count - 1);
      const label = await last.textContent();
      const intent = await last.getAttribute('data-intent');
      assert.ok(label && intent);
      const before = await w.botReplies.count();
      await last.click();
      await w.botReplies.nth(before).waitFor();
      const answer = w.botReplies.nth(before);
      assert.equal(await answer.getAttribute('data-action'), 'answer');
      assert.equal(await answer.getAttribute('data-intent'), intent);
      assert.equal(await options.first().isDisabled(), true);
      // The label was sent as the user's message.
      assert.equal(await page.locator('.msg.user').last().textContent(), label);
    });

    await step('asking for an operator hands off and tells what happens next', async () => {
      const r = await w.ask('operator');
      assert.deepEqual([r.action, r.intent], ['handoff', 'operator']);
      const notice = page.locator('.notice[data-kind="operator"]');
      await notice.waitFor();
      assert.equal(await notice.textContent(), 'An operator will continue the conversation here.');
      await waitFor(() => hook.received.length > 0, 'the webhook');
      const h = JSON.parse(hook.received[0].body);
      assert.equal(h.reason, 'requested');
      assert.equal(h.intent, 'operator');
      assert.equal(h.channel, 'web');
      const session = await page.evaluate(() => Object.entries(sessionStorage)
        .find(([k]) => k.startsWith('zari-session:'))?.[1]);
      assert.equal(h.session, session);
      assert.ok(h.transcript.some((t) => t.text === 'operator'), 'the transcript holds the request');
    });

    await page.screenshot({ path: path.join(out, 'widget-desktop.png') });

    await step('Escape closes the panel and gives focus back to the bubble', async () => {
      await w.input.press('Escape');
      await w.panel.waitFor({ state: 'hidden' });
      assert.equal(await w.launcher.getAttribute('aria-expanded'), 'false');
      const focused = await page.evaluate(() =>
        document.querySelector('[data-zari-widget]').shadowRoot.activeElement?.className);
      assert.equal(focused, 'launcher');
    });

    await step('at a mobile width the panel fills the screen', async () => {
      const mobile = await context.newPage();
      await mobile.setViewportSize({ width: 390, height: 760 });
      await mobile.goto(zs.url);
      const m = widget(mobile);
      await m.launcher.click();
      await m.panel.waitFor({ state: 'visible' });
      await mobile.locator('.msg.bot[data-action="welcome"]').waitFor();
      const r = await m.ask('ინტერნეტ პაკეტები');
      assert.equal(r.language, 'ka');
      const box = await m.panel.boundingBox();
      assert.equal(Math.round(box.width), 390);
      assert.equal(Math.round(box.height), 760);
      assert.equal(await m.launcher.isVisible(), false);
      await mobile.screenshot({ path: path.join(out, 'widget-mobile.png') });
      await mobile.close();
    });

    await step('embedded on another site (CORS): data-title, data-lang, data-position', async () => {
      const shop = await context.newPage();
      shop.on('pageerror', (e) => pageErrors.push(String(e)));
      await shop.goto(site.origin + '/');
      const m = widget(shop);
      assert.equal(await m.launcher.getAttribute('aria-label'), 'Çatı aç');
      await m.launcher.click();
      await m.panel.waitFor({ state: 'visible' });
      assert.equal(await shop.locator('#zari-title').textContent(), 'Shop help');
      const welcome = shop.locator('.msg.bot[data-action="welcome"]');
      await welcome.waitFor();
      assert.equal(await welcome.getAttribute('data-language'), 'az');
      assert.equal(await m.input.getAttribute('placeholder'), 'Sualınızı yazın…');
      const r = await m.ask('balansımı necə yoxlayım');
      assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'az']);
      const box = await m.panel.boundingBox();
      assert.ok(box.x < 100, 'the panel is on the left, x=' + box.x);
      const color = await m.send.evaluate((b) => getComputedStyle(b).backgroundColor);
      assert.equal(color, 'rgb(170, 0, 0)');
      const font = await m.input.evaluate((i) => getComputedStyle(i).fontFamily);
      assert.ok(!/^serif/.test(font), 'the host page font does not reach the widget: ' + font);
      await shop.screenshot({ path: path.join(out, 'widget-embedded.png') });
      await shop.close();
    });

    await step('after hours: the widget says operators are offline and the question is saved', async () => {
      // Sunday noon in Tbilisi: the sample pack's operators are off.
      const closed = await startZari(zari, ['serve', '--pack', pack, '--listen', '127.0.0.1:0', '--now', '2026-11-29T12:00']);
      try {
        const p = await context.newPage();
        p.on('pageerror', (e) => pageErrors.push(String(e)));
        await p.goto(closed.url);
        const m = widget(p);
        await m.launcher.click();
        await p.locator('.msg.bot[data-action="welcome"]').waitFor();
        await p.locator('.notice[data-kind="offline"]').waitFor();
        const r = await m.ask('ოპერატორი');
        assert.deepEqual([r.action, r.language], ['after_hours', 'ka']);
        const notice = p.locator('.notice[data-kind="after_hours"]');
        await notice.waitFor();
        assert.match(await notice.textContent(), /ოპერატორები ახლა ხაზზე არ არიან/);
        await p.close();
      } finally {
        closed.child.removeAllListeners('exit');
        closed.child.kill('SIGTERM');
      }
    });

    assert.deepEqual(pageErrors, [], 'no errors in the page');
    console.log('screenshots: ' + path.join(out, 'widget-desktop.png') + ', ' + path.join(out, 'widget-mobile.png'));
  } finally {
    if (browser) await browser.close();
    hook.server.close();
    site.server.close();
    await stopZari(zs);
  }
});
