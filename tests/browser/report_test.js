#!/usr/bin/env node
// The HTML report in a real browser: a week of conversations goes through
// `zari chat` into a log database (questions the pack cannot answer, people
// asked for, ratings, a customer who types markup), `zari report --html`
// writes the page, and headless Chromium opens it from disk with the
// network cut off: it renders every chart, fetches nothing, runs nothing
// the customers typed, and prints. Saves screenshots (screen, and print in
// black and white) into the output directory.
//
//   node tests/browser/report_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR
//
// Missing Chromium or playwright-core is a failure that says what to run.
'use strict';

const assert = require('node:assert/strict');
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { launch, step, run } = require('./support');

const [zari, src, out] = process.argv.slice(2);
if (!zari || !src || !out) {
  console.error('usage: report_test.js ZARI_BINARY SOURCE_DIR OUTPUT_DIR');
  process.exit(2);
}

const HOSTILE = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script> fiber & "home"';

// One conversation through `zari chat`, logged to `db`, at `now` (pack time).
function chat(db, session, now, lines) {
  execFileSync(zari, ['chat', '--pack', path.join(src, 'intents/telecom'), '--db', db, '--session', session,
                      '--now', now, '--channel', 'web'],
               { input: lines.join('\n') + '\n', encoding: 'utf8', stdio: ['pipe', 'ignore', 'pipe'] });
}

// A week: answered questions rated, unanswered ones, people asked for by
// day and at night, and the hostile text.
function makeLog(db) {
  const days = ['2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28', '2026-11-30'];
  days.forEach((day, d) => {
    chat(db, `ok-${d}`, `${day}T10:15`, ['როგორ შევამოწმო ბალანსი?', '/feedback helpful 1', '/feedback csat 5']);
    chat(db, `meh-${d}`, `${day}T13:40`, ['how do I turn on roaming', '/feedback helpful 0', '/feedback csat 2']);
    chat(db, `esim-${d}`, `${day}T16:05`, ['how do I activate esim', 'esim activation please', '/feedback ces 3']);
    chat(db, `night-${d}`, `${day}T23:30`, ['operator please', '/feedback nps 6']);
    chat(db, `az-${d}`, `${day}T19:20`, ['balansımı necə yoxlayım', '/feedback helpful 1', '/feedback nps 10']);
    if (d % 2 === 0) chat(db, `x-${d}`, `${day}T12:00`, [HOSTILE, 'what about fiber internet at home']);
  });
}

run(async () => {
  fs.mkdirSync(out, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'zari-report-'));
  const db = path.join(work, 'log.db');
  const html = path.resolve(out, 'report.html');
  makeLog(db);
  execFileSync(zari, ['report', '--db', db, '--pack', path.join(src, 'intents/telecom'), '--html', html,
                      '--now', '2026-12-01T09:00', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  const browser = await launch(src, { viewport: { width: 1100, height: 900 }, offline: true });
  try {
    const context = browser.context;
    const page = context.pages()[0] || await context.newPage();
    const problems = [];
    const requests = [];
    page.on('pageerror', (e) => problems.push(String(e)));
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto('file://' + html);

    await step('the page opens from disk and asks for nothing else', async () => {
      assert.deepEqual(requests, ['file://' + html]);
      assert.deepEqual(problems, []);
      assert.equal(await page.title(), 'Zari report: Zari Mobile');
    });

    await step('every chart is drawn, with a size, its title and its numbers', async () => {
      const charts = await page.evaluate(() => [...document.querySelectorAll('svg.chart')].map((s) => {
        const box = s.getBoundingClientRect();
        return { title: s.querySelector('title').textContent, w: box.width, h: box.height,
                 shapes: s.querySelectorAll('rect, polyline, circle').length,
                 texts: s.querySelectorAll('text').length };
      }));
      assert.ok(charts.length >= 6, JSON.stringify(charts));
      for (const c of charts) {
        assert.ok(c.w > 300 && c.h > 50, JSON.stringify(c));
        assert.ok(c.shapes > 3 && c.texts > 3, JSON.stringify(c));
      }
      assert.deepEqual(charts.map((c) => c.title).slice(0, 4), [
        'Conversations by hour of the week', 'Containment and escalation by day',
        'Satisfied customers (CSAT 4-5) and helpful answers by week',
        'Handoffs by reason, inside and after business hours']);
    });

    await step('the KPIs and the after-hours demand are there', async () => {
      const cards = await page.$$eval('.card', (cs) => cs.map((c) => c.querySelector('.label').textContent));
      assert.deepEqual(cards, ['Conversations', 'Containment', 'Confirmed resolution', 'Escalation',
                               'Outside operator hours', 'CSAT', 'CES', 'NPS', 'Helpful answers']);
      const outside = await page.$eval('.card:nth-child(5) .of', (e) => e.textContent);
      assert.match(outside, /^\d+ of \d+ began while operators were offline$/);
      const offline = await page.$$eval('#hours rect.offline', (rs) => rs.length);
      assert.ok(offline > 24, `offline hours marked: ${offline}`);  // nights and Sunday
    });

    await step("a customer's markup is shown as text and never runs", async () => {
      assert.equal(await page.evaluate(() => window.__pwned), undefined);
      const cell = await page.locator('#clusters td', { hasText: 'onerror' }).first().textContent();
      assert.ok(cell.includes('<img src=x onerror="window.__pwned=1"><script>'), cell);
      assert.equal(await page.$$eval('img, script, iframe', (e) => e.length), 0);
    });

    await step('screenshots: the screen, and print in black and white', async () => {
      await page.screenshot({ path: path.join(out, 'report.png'), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      await page.addStyleTag({ content: 'html { filter: grayscale(1); }' });
      await page.screenshot({ path: path.join(out, 'report-print.png'), fullPage: true });
      const size = fs.statSync(path.join(out, 'report-print.png')).size;
      assert.ok(size > 20000, `print screenshot of ${size} bytes`);
    });
  } finally {
    await browser.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
  console.log(`screenshots in ${out}`);
});
