'use strict';
// Sessions with a fixed clock: handoffs inside hours, after-hours replies,
// export/restore, the SQLite log.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { execFileSync } = require('child_process');
const zari = require('..');
const { PACK, CLARIFY_PACK, OPEN, CLOSED, tmpdir } = require('./support');

function openEngine(t, clock = OPEN, extra = {}) {
  const handoffs = [];
  const engine = new zari.Engine(PACK, { clock, onHandoff: (h) => handoffs.push(h), ...extra });
  t.after(() => engine.close());
  return { engine, handoffs };
}

test('requested handoff in Georgian calls onHandoff with reason and transcript', (t) => {
  const { engine, handoffs } = openEngine(t);
  const s = engine.session('visitor-1', 'web');
  assert.equal(s.respond('გამარჯობა').language, 'ka');
  const r = s.respond('ოპერატორთან დამაკავშირეთ');
  assert.deepEqual([r.action, r.language], [zari.Action.HANDOFF, 'ka']);
  s.close();
  assert.equal(handoffs.length, 1);
  const h = handoffs[0];
  assert.ok(h instanceof zari.Handoff);
  assert.deepEqual([h.session, h.channel, h.language, h.reason, h.intent],
    ['visitor-1', 'web', 'ka', 'requested', 'operator']);
  assert.equal(h.ts, OPEN);
  assert.deepEqual(h.transcript[0], { role: 'user', text: 'გამარჯობა', ts: OPEN });
  assert.deepEqual(new Set(h.transcript.map((x) => x.role)), new Set(['user', 'bot']));
  assert.equal(h.toJSON().reason, 'requested');
  assert.deepEqual(h.toJSON().transcript, h.transcript);
});

test('two misses after Azerbaijani hand off with reason misses', (t) => {
  const { engine, handoffs } = openEngine(t);
  const s = engine.session('az-1', 'api');
  assert.equal(s.respond('balansimi nece yoxlaya bilerem').language, 'az');
  assert.equal(s.respond('*100#').language, 'az'); // no cue in the text: sticky
  assert.equal(s.respond('asdf qwerty zxcv').action, zari.Action.FALLBACK);
  assert.equal(handoffs.length, 0);
  const r = s.respond('qwerty asdf zxcv');
  assert.equal(r.action, zari.Action.HANDOFF);
  s.close();
  assert.deepEqual([handoffs[0].reason, handoffs[0].intent, handoffs[0].channel, handoffs[0].language],
    ['misses', null, 'api', r.language]);
  assert.deepEqual(handoffs[0].transcript.filter((x) => x.role === 'user').map((x) => x.text),
    ['balansimi nece yoxlaya bilerem', '*100#', 'asdf qwerty zxcv', 'qwerty asdf zxcv']);
});

test('English answers; session defaults', (t) => {
  const { engine } = openEngine(t);
  const s = engine.session();
  assert.deepEqual([s.sessionId, s.channel], ['', 'web']);
  const r = s.respond('How do I check my balance?');
  assert.deepEqual([r.action, r.intent, r.language], ['answer', 'balance', 'en']);
  s.close();
});

test('clarify, then pick an option by its label', (t) => {
  const engine = new zari.Engine(CLARIFY_PACK);
  t.after(() => engine.close());
  const s = engine.session('c');
  const r = s.respond('plan');
  assert.equal(r.action, zari.Action.CLARIFY);
  const r2 = s.respond(r.options[0].label);
  assert.deepEqual([r2.action, r2.intent], [zari.Action.ANSWER, r.options[0].intent]);
  s.close();
});

test('setLanguage forces and releases the language', (t) => {
  const { engine } = openEngine(t);
  const s = engine.session('l');
  s.setLanguage('en');
  assert.equal(s.respond('ბალანსი').language, 'en');
  s.setLanguage(null);
  assert.equal(s.respond('ბალანსი').language, 'ka');
  s.close();
});

test('after hours: the reply says when operators are back, no callback', (t) => {
  const { engine, handoffs } = openEngine(t, CLOSED);
  for (const [text, lang, when] of [['I want to talk to an operator', 'en', 'Monday at 09:00'],
    ['ოპერატორი', 'ka', 'ორშაბათს 09:00'], ['operatorla danışmaq istəyirəm', 'az', 'bazar ertəsi saat 09:00']]) {
    const s = engine.session('night-' + lang);
    const r = s.respond(text);
    assert.deepEqual([r.action, r.language], [zari.Action.AFTER_HOURS, lang]);
    assert.ok(r.reply.includes(when), r.reply);
    assert.equal(s.respond('How do I check my balance?').action, zari.Action.ANSWER);
    s.close();
  }
  assert.equal(handoffs.length, 0);
});

test('export and restore carry misses, language and transcript', (t) => {
  const { engine, handoffs } = openEngine(t);
  const s = engine.session('visitor-42', 'web');
  s.setLanguage('az'); // forced: carried by the state whatever the detector makes of the misses
  s.respond('balansimi nece yoxlaya bilerem');
  assert.equal(s.respond('asdf qwerty zxcv').action, zari.Action.FALLBACK);
  const state = s.export();
  assert.equal(typeof state, 'string');
  s.close();
  const s2 = engine.restore(state);
  assert.deepEqual([s2.sessionId, s2.channel], ['visitor-42', 'web']);
  const r = s2.respond('qwerty asdf zxcv');
  assert.deepEqual([r.action, r.language], [zari.Action.HANDOFF, 'az']);
  assert.deepEqual([handoffs[0].session, handoffs[0].reason], ['visitor-42', 'misses']);
  const state2 = s2.export();
  const s3 = engine.restore(state2);
  assert.equal(s3.export(), state2);
  s2.close();
  s3.close();
});

test('unresolved questions and handoffs reach the SQLite log', (t) => {
  const db = path.join(tmpdir(t), 'log.db');
  const engine = new zari.Engine(PACK, { logDb: db, clock: OPEN, onHandoff: () => {} });
  const s = engine.session('v', 'web');
  s.respond('asdf qwerty zxcv');
  s.respond('qwerty asdf zxcv');
  s.close();
  assert.equal(engine.stats().log.enabled, true);
  engine.close(); // flushes
  const out = execFileSync('python3', ['-c', `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
print(json.dumps([con.execute("SELECT COUNT(*) FROM unresolved WHERE session='v'").fetchone()[0],
                  con.execute("SELECT reason FROM handoffs").fetchall()]))`, db], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [2, [['misses']]]); // both misses are unresolved
});

test('feedback reaches the log with the answer it rates; values off the scale throw', (t) => {
  const db = path.join(tmpdir(t), 'log.db');
  const engine = new zari.Engine(PACK, { logDb: db, clock: OPEN });
  const s = engine.session('fb', 'web');
  assert.equal(s.respond('balansımı necə yoxlayım').intent, 'balance');
  s.feedback(zari.Feedback.HELPFUL, 1);
  s.feedback('csat', 2, 'nömrəm 050 123 45 67, zəng edin');
  s.feedback('NPS', 9);
  for (const [kind, value] of [['helpful', 2], ['csat', 6], ['ces', 0], ['nps', 11]]) {
    assert.throws(() => s.feedback(kind, value), (e) => e instanceof zari.ZariError && e.code === 'ZARI_EINVAL');
  }
  assert.throws(() => s.feedback('stars', 5), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.feedback(99, 1), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.feedback(zari.Feedback.CSAT, 4.5), TypeError);
  s.close();
  engine.close();
  const out = execFileSync('python3', ['-c', `
import sqlite3, sys, json
con = sqlite3.connect(sys.argv[1])
print(json.dumps(con.execute("SELECT language, kind, value, intent, comment FROM feedback ORDER BY id").fetchall()))`,
  db], { encoding: 'utf8' });
  assert.deepEqual(JSON.parse(out), [['az', 'helpful', 1, 'balance', null], ['az', 'csat', 2, null, 'nömrəm [phone], zəng edin'],
    ['az', 'nps', 9, null, null]]);
});
