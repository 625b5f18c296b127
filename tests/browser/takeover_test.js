#!/usr/bin/env node
// A person answers, in two real browser pages: a visitor writes in Georgian
// in the widget and asks for an operator; an operator logs into the console
// (/operator), sees the conversation in the queue, joins it and answers; the
// visitor's widget receives the operator's words as a Server-Sent Event; the
// visitor answers back and the operator sees it with Zari's suggestion, sends
// the suggestion with one click, and leaves. Hostile texts from either side
// stay text. Screenshots of both pages go to the output directory.
//
//   node tests/browser/takeover_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR
'use strict';

const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { launch, step, run, startZari, stopZari, waitFor, widget } = require('./support');

const [zari, src, out] = process.argv.slice(2);
if (!zari || !src || !out) {
  console.error('usage: takeover_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR');
  process.exit(2);
}
const HOSTILE = '<img src=x onerror="window.__pwned=1"><b>bold</b>';

function addOperator(file, id, name, password) {
  const r = spawnSync(zari, ['operators', 'add', file, id, '--name', name, '--languages', 'ka,en'],
                      { input: password + '\n' });
  if (r.status !== 0) throw new Error('zari operators add: ' + r.stderr);
}

run(async () => {
  fs.mkdirSync(out, { recursive: true });
  const dir = fs.mkdtempSync(path.join(out, 'takeover-'));
  const operators = path.join(dir, 'operators.json');
  addOperator(operators, 'nino', 'ნინო', 'correct horse battery');
  // Wednesday 11:00 in Tbilisi: operators are online.
  const zs = await startZari(zari, ['serve', '--pack', path.join(src, 'intents/telecom'), '--listen', '127.0.0.1:0',
                                    '--now', '2026-11-25T11:00', '--operators', operators]);
  let browser;
  try {
    browser = await launch(src);
    const visitor = browser.context.pages()[0] || await browser.context.newPage();
    const console_ = await browser.context.newPage();
    const errors = [];
    for (const p of [visitor, console_]) {
      p.on('pageerror', (e) => errors.push(String(e)));
      p.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    }
    await visitor.goto(zs.url);
    const w = widget(visitor);

    await step('the visitor asks for a person in Georgian and waits', async () => {
      await w.launcher.click();
      await w.panel.waitFor({ state: 'visible' });
      const r = await w.ask('გამარჯობა, ოპერატორთან დამაკავშირეთ ' + HOSTILE);
      assert.equal(r.action, 'handoff');
      const notice = visitor.locator('.notice[data-kind="operator"]');
      await notice.waitFor();
      assert.match(await notice.textContent(), /ოპერატორი მალე შემოგიერთდებათ/);
    });

    await step('the operator logs in; a wrong password is refused', async () => {
      await console_.goto(zs.url + 'operator');
      await console_.locator('#login-id').fill('nino');
      await console_.locator('#login-password').fill('wrong');
      await console_.locator('#login button[type=submit]').click();
      await waitFor(async () => (await console_.locator('#login-error').textContent()) !== '', 'the login error');
      await console_.locator('#login-password').fill('correct horse battery');
      await console_.locator('#login button[type=submit]').click();
      await console_.locator('#desk').waitFor({ state: 'visible' });
      assert.equal(await console_.locator('#who').textContent(), 'ნინო');
      assert.equal(await console_.locator('html').getAttribute('lang'), 'ka');  // the operator's first language
    });

    await step('the queue shows the conversation; the hostile text is text', async () => {
      const item = console_.locator('#queue-list .item').first();
      await item.waitFor();
      assert.match(await item.textContent(), /ელოდება/);
      await item.click();
      const first = console_.locator('#transcript .msg.user').first();
      await first.waitFor();
      assert.ok((await first.textContent()).includes(HOSTILE));
      assert.equal(await console_.locator('#transcript img').count(), 0);
    });

    await step('the operator joins; the widget shows it (a server-sent event)', async () => {
      await console_.locator('#join').click();
      await console_.locator('#composer').waitFor({ state: 'visible' });
      const joined = visitor.locator('.notice[data-kind="operator_joined"]');
      await joined.waitFor();
      assert.equal(await joined.textContent(), 'ნინო შემოუერთდა საუბარს.');
    });

    await step("the operator's message reaches the widget", async () => {
      await console_.locator('#text').fill('გამარჯობა! ნინო ვარ, რით დაგეხმაროთ? ' + HOSTILE);
      await console_.locator('#text').press('Enter');
      const msg = visitor.locator('.msg.operator').last();
      await msg.waitFor();
      assert.ok((await msg.textContent()).includes('ნინო ვარ'));
      assert.ok((await msg.textContent()).includes(HOSTILE));
      assert.equal(await visitor.locator('.msg.operator img').count(), 0);
    });

    await step("the visitor's answer reaches the operator with Zari's suggestion; one click sends it", async () => {
      const before = await visitor.locator('.msg.operator').count();
      await w.input.fill('ბალანსი როგორ შევამოწმო?');
      await w.input.press('Enter');
      const suggestion = console_.locator('#suggestions .suggestion').first();
      await suggestion.waitFor();
      assert.match(await suggestion.textContent(), /\*100#/);
      await suggestion.click();
      await visitor.locator('.msg.operator').nth(before).waitFor();
      assert.match(await visitor.locator('.msg.operator').nth(before).textContent(), /\*100#/);
      // The bot stayed silent while the operator held the conversation.
      assert.equal(await visitor.locator('.msg.bot[data-action="relayed"]').count(), 0);
    });

    await visitor.screenshot({ path: path.join(out, 'takeover-visitor.png') });
    await console_.screenshot({ path: path.join(out, 'takeover-operator.png') });

    await step('the operator leaves as resolved; the bot answers again', async () => {
      await console_.locator('#leave-resolved').click();
      const left = visitor.locator('.notice[data-kind="operator_left"]');
      await left.waitFor();
      const r = await w.ask('How do I check my balance?');
      assert.deepEqual([r.action, r.intent], ['answer', 'balance']);
    });

    await step('the console works at a phone width', async () => {
      await console_.setViewportSize({ width: 390, height: 800 });
      const box = await console_.locator('#queue').boundingBox();
      assert.ok(box.width <= 390, 'the queue fits the screen');
      await console_.screenshot({ path: path.join(out, 'takeover-operator-mobile.png') });
    });

    assert.equal(await visitor.evaluate(() => window.__pwned), undefined);
    assert.equal(await console_.evaluate(() => window.__pwned), undefined);
    // The one 401 is the wrong password tried on purpose.
    const unexpected = errors.filter((e) => !/status of 401/.test(e));
    assert.equal(errors.length - unexpected.length, 1, 'one refused login');
    assert.deepEqual(unexpected, [], 'no errors in the pages');
    console.log('screenshots: ' + ['takeover-visitor.png', 'takeover-operator.png', 'takeover-operator-mobile.png']
      .map((f) => path.join(out, f)).join(', '));
  } finally {
    if (browser) await browser.close();
    await stopZari(zs);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
