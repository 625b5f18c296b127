'use strict';
// A person takes a conversation over: waiting, joined (relayed replies with
// the bot's answers as suggestions), left; BusyError; restore in the middle
// of a takeover; the takeover in the SQLite log.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { execFileSync } = require('child_process');
const zari = require('..');
const { PACK, OPEN, tmpdir } = require('./support');

function openEngine(t, extra = {}) {
  const handoffs = [];
  let now = OPEN;
  const engine = new zari.Engine(PACK, { clock: () => now, onHandoff: (h) => handoffs.push(h), ...extra });
  t.after(() => engine.close());
  return { engine, handoffs, advance: (s) => { now += s; }, now: () => now };
}

test('waiting, joined, left: the bot answers again', (t) => {
  const { engine, handoffs, advance } = openEngine(t);
  const s = engine.session('chat-1', 'web');
  t.after(() => s.close());
  assert.equal(s.handoffState, zari.HandoffState.NONE);
  assert.deepEqual([s.handoffReason, s.handoffSince, s.operatorId, s.operatorName, s.operatorActive],
    [null, null, null, null, false]);
  assert.equal(s.respond('I want to talk to an operator').action, zari.Action.HANDOFF);
  assert.equal(handoffs.length, 1); // the callback as before
  assert.deepEqual([s.handoffState, s.handoffReason, s.handoffSince], ['waiting', 'requested', OPEN]);

  advance(60);
  s.operatorJoin('op-7', 'Nino');
  assert.equal(s.operatorActive, true);
  assert.deepEqual([s.handoffState, s.operatorId, s.operatorName, s.handoffSince, s.handoffReason],
    [zari.HandoffState.JOINED, 'op-7', 'Nino', OPEN + 60, 'requested']);

  let r = s.respond('ბალანსი როგორ შევამოწმო?');
  assert.equal(r.action, zari.Action.RELAYED);
  assert.deepEqual([r.reply, r.intent, r.language], ['', null, 'ka']);
  assert.equal(r.candidates[0].intent, 'balance');
  assert.ok(r.candidates[0].answer.startsWith('აკრიფეთ *100#'), r.candidates[0].answer); // in Georgian
  r = s.respond('operator please'); // relayed like any message
  assert.equal(r.action, zari.Action.RELAYED);
  assert.deepEqual([r.candidates[0].intent, r.candidates[0].answer], ['operator', null]);
  assert.equal(handoffs.length, 1);

  s.operatorMessage('აკრიფეთ *100#, უფასოა.');
  s.operatorLeave(true);
  assert.deepEqual([s.handoffState, s.operatorId, s.operatorActive], ['none', null, false]);
  r = s.respond('How do I check my balance?');
  assert.deepEqual([r.action, r.intent], [zari.Action.ANSWER, 'balance']);
  assert.equal('answer' in r.candidates[0], false); // only relayed replies carry answers

  s.respond('operator please');
  const roles = handoffs[handoffs.length - 1].transcript.map((x) => `${x.role}:${x.text}`);
  assert.ok(roles.includes('operator:აკრიფეთ *100#, უფასოა.'), roles.join('\n'));
});

test('BusyError and invalid operators', (t) => {
  const { engine } = openEngine(t);
  const s = engine.session('c');
  assert.throws(() => s.operatorMessage('hello'), (e) => e instanceof zari.BusyError &&
    e instanceof zari.ZariError && e.status === zari.Status.EBUSY && e.code === 'ZARI_EBUSY' &&
    /no operator/.test(e.message));
  assert.throws(() => s.operatorLeave(false), zari.BusyError);
  assert.throws(() => s.operatorJoin(''), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.operatorJoin('x'.repeat(257)), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.operatorJoin('op\0x'), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.operatorJoin(null), TypeError);
  s.operatorJoin('op-1'); // a conversation that was not waiting
  assert.deepEqual([s.operatorName, s.handoffReason], ['', null]);
  s.operatorJoin('op-1', 'Nino'); // the same operator again
  assert.equal(s.operatorName, 'Nino');
  assert.throws(() => s.operatorJoin('op-2', 'Aysel'), (e) => e.name === 'BusyError' && /op-1/.test(e.message));
  assert.equal(zari.statusString(zari.Status.EBUSY), 'conversation busy');
  s.close();
  assert.throws(() => s.operatorJoin('op-1'), (e) => e.code === 'ZARI_EINVAL');
  assert.throws(() => s.operatorActive, (e) => e.code === 'ZARI_EINVAL');
});

test('a takeover restored in another process continues', (t) => {
  const { engine } = openEngine(t);
  const s = engine.session('exp');
  s.respond('asdf qwerty zxcv');
  s.respond('qwerty asdf zxcv'); // two misses: waiting
  assert.deepEqual([s.handoffState, s.handoffReason], ['waiting', 'misses']);
  const waiting = s.export();
  s.close();
  const code = `
    const zari = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const e = new zari.Engine(process.argv[1], { clock: ${OPEN} });
    const s = e.restore(require('fs').readFileSync(0, 'utf8'));
    if (s.handoffState !== 'waiting') throw new Error(s.handoffState);
    s.operatorJoin('op-9', 'Aysel');
    if (s.respond('salam, balansimi nece yoxlaya bilerem').action !== 'relayed') throw new Error('not relayed');
    s.operatorMessage('Salam!');
    process.stdout.write(s.export());`;
  const out = execFileSync(process.execPath, ['-e', code, PACK], { input: waiting, encoding: 'utf8' });
  const state = JSON.parse(out);
  assert.deepEqual([state.handoff, state.operator_id], ['joined', 'op-9']);
  const joined = engine.restore(out);
  assert.deepEqual([joined.operatorId, joined.operatorName], ['op-9', 'Aysel']);
  assert.equal(joined.respond('təşəkkürlər').action, zari.Action.RELAYED);
  assert.throws(() => joined.operatorJoin('op-1'), zari.BusyError);
  joined.operatorLeave(true);
  assert.equal(joined.respond('How do I check my balance?').action, zari.Action.ANSWER);
  joined.close();
});

test('the takeover is a log row, masked', (t) => {
  const dir = tmpdir(t);
  const db = path.join(dir, 'zari.db');
  const engine = new zari.Engine(PACK, { logDb: db, clock: OPEN });
  const s = engine.session('t-1');
  s.respond('I want to talk to an operator');
  s.operatorJoin('op-7', 'Nino');
  s.respond('my number is 599 12 34 56');
  s.operatorMessage('card 4111 1111 1111 1111 is blocked');
  s.operatorLeave(false);
  s.close();
  engine.close();
  const sql = (q) => execFileSync('python3', ['-c',
    'import json, sqlite3, sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchall()))',
    db, q], { encoding: 'utf8' });
  const [[session, op, resolved, transcript]] = JSON.parse(sql(
    'SELECT session, operator_id, resolved, transcript FROM takeovers'));
  assert.deepEqual([session, op, resolved], ['t-1', 'op-7', 0]);
  assert.deepEqual(JSON.parse(transcript).map((x) => [x.role, x.text]),
    [['user', 'my number is [phone]'], ['operator', 'card [card] is blocked']]);
  assert.deepEqual(JSON.parse(sql("SELECT sum(turns) FROM turn_counts WHERE action = 'relayed'")), [[1]]);
});
