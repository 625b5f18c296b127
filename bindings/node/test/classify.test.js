'use strict';
// engine.classify in ka, az and en, native and typed without the layout,
// and the Reply object copied out of the C reply.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const zari = require('..');
const { PACK, CLARIFY_PACK, tmpdir, copyPack } = require('./support');

const REPLY_KEYS = ['action', 'candidates', 'confidence', 'explanation', 'intent', 'language', 'options',
  'reply', 'route', 'slots', 'suggestions'];

let engine;
test.before(() => { engine = new zari.Engine(PACK); });
test.after(() => engine.close());

function check(text, intent, language, typedAs) {
  const r = engine.classify(text);
  assert.deepEqual([r.intent, r.language, r.action], [intent, language, zari.Action.ANSWER], text);
  if (typedAs) assert.equal(r.explanation.typed_as, typedAs);
  return r;
}

test('Georgian, native and in Latin letters', () => {
  const r = check('როგორ შევამოწმო ბალანსი?', 'balance', 'ka', 'ka');
  assert.match(r.reply, /\*100#/);
  assert.equal(check('balansi rogor shevamowmo', 'balance', 'ka', 'ka-Latn').reply, r.reply);
});

test('Azerbaijani, native and without its letters', () => {
  const r = check('Balansımı necə yoxlaya bilərəm?', 'balance', 'az', 'az');
  assert.equal(check('balansimi nece yoxlaya bilerem', 'balance', 'az').reply, r.reply);
});

test('English', () => {
  assert.match(check('How do I check my balance?', 'balance', 'en', 'en').reply, /^Dial \*100#/);
  check('roaming', 'roaming', 'en');
});

test('forced language', () => {
  const r = engine.classify('*100#', 'az');
  assert.deepEqual([r.intent, r.language], ['balance', 'az']);
});

test('reply fields and JSON', () => {
  const r = engine.classify('როგორ შევამოწმო ბალანსი?');
  assert.ok(r instanceof zari.Reply);
  assert.equal(r.text, r.reply);
  assert.equal(r.route, 'billing');
  assert.equal(r.confidence, 1);
  assert.deepEqual(r.options, []);
  assert.deepEqual(r.slots, {});
  assert.deepEqual(r.candidates[0], { intent: 'balance', score: 1, via: 'rule' });
  assert.equal(r.explanation.via, 'rule');
  const d = r.toJSON();
  assert.deepEqual(Object.keys(d).sort(), REPLY_KEYS);
  assert.deepEqual(JSON.parse(JSON.stringify(r)), d);
  d.intent = 'changed';
  r.candidates.push('x');
  assert.equal(r.toJSON().intent, 'balance');
  assert.equal(r.candidates.length, d.candidates.length);
});

test('slots', () => {
  const r = engine.classify('transfer 5 lari to my friend');
  assert.equal(r.intent, 'balance_transfer');
  assert.deepEqual(r.slots, { amount: '5' });
});

test('clarify options', () => {
  const e = new zari.Engine(CLARIFY_PACK);
  const r = e.classify('plan', 'en');
  e.close();
  assert.equal(r.action, zari.Action.CLARIFY);
  assert.equal(r.intent, null);
  assert.deepEqual(r.options.map((o) => o.intent).sort(), ['plan_change', 'plan_prices']);
  for (const o of r.options) assert.ok(r.reply.includes(o.label));
  assert.deepEqual(r.options, r.toJSON().options);
});

test('suggestions: follow-ups of an answer, titled in its language', () => {
  const r = engine.classify('Balansımı necə yoxlaya bilərəm?');
  assert.equal(r.intent, 'balance');
  assert.deepEqual(r.suggestions.map((x) => x.intent), ['top_up', 'package_balance']);
  assert.equal(r.suggestions[0].title, 'Balansı artırmaq');
  assert.deepEqual(r.suggestions, r.toJSON().suggestions);
  assert.deepEqual(engine.classify('what is the capital of peru', 'en').suggestions, []);
  const s = engine.session('s-suggest');
  const first = s.respond('How do I check my balance?');
  assert.equal(s.respond(first.suggestions[1].title).intent, 'package_balance');
  s.close();
});

test('fallback', () => {
  const r = engine.classify('what is the capital of peru', 'en');
  assert.equal(r.action, zari.Action.FALLBACK);
  assert.equal(r.intent, null);
  assert.equal(r.route, null);
});

test('any input gets a reply', () => {
  for (const text of ['', '   ', '🙂🙂🙂', Buffer.from([0xff, 0xfe, 0x00, 0x20, 0xc3]), 'a\0b', '\udcff',
    'ბ'.repeat(100000), new Uint8Array([98, 97, 108, 97, 110, 99, 101])]) {
    const r = engine.classify(text);
    assert.equal(typeof r.reply, 'string');
    assert.ok(['ka', 'az', 'en'].includes(r.language));
  }
  assert.equal(engine.classify(new Uint8Array(Buffer.from('balance')).subarray(0, 7), 'en').intent, 'balance');
});

test('engine properties and stats', () => {
  assert.equal(engine.packName, 'Zari Mobile');
  assert.equal(engine.packVersion, '2026.11');
  const st = engine.stats();
  assert.equal(st.pack, 'Zari Mobile');
  assert.deepEqual(st.languages, ['ka', 'az', 'en']);
  assert.equal(st.log.enabled, false);
});

test('a reply outlives its engine', () => {
  const e = new zari.Engine(PACK);
  const r = e.classify('balance', 'en');
  e.close();
  assert.equal(r.route, 'billing');
  assert.ok(r.toJSON().candidates.length > 0);
});

test('reload swaps the pack', (t) => {
  const pack = copyPack(tmpdir(t));
  const e = new zari.Engine(pack);
  assert.equal(e.classify('zzzplorp', 'en').intent, null);
  fs.writeFileSync(path.join(pack, 'intents', 'extra.yaml'),
    'intents:\n  - id: plorp\n    patterns: {en: [zzzplorp]}\n    answer: {ka: p, az: p, en: plorp answer}\n');
  e.reload();
  assert.equal(e.classify('zzzplorp', 'en').intent, 'plorp');
  e.reload(PACK);
  assert.equal(e.classify('zzzplorp', 'en').intent, null);
  e.close();
});

// zari_engine_pack_name/_version keep naming the pack of zari_engine_load
// after a reload (the shim never refreshes them); reported. Flip to a plain
// test when the C side is fixed.
test('packName follows reload', (t) => {
  const pack = copyPack(tmpdir(t));
  const yaml = path.join(pack, 'pack.yaml');
  fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('name: Zari Mobile', 'name: Other Mobile'));
  const e = new zari.Engine(PACK);
  try {
    e.reload(pack);
    assert.equal(e.stats().pack, 'Other Mobile');
    assert.equal(e.packName, 'Other Mobile');
  } finally {
    e.close();
  }
});
