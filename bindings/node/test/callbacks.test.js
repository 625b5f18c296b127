'use strict';
// Host callbacks (clock, onHandoff): errors thrown in them never reach C;
// the binding warns (process.emitWarning) and keeps them in callbackErrors.
const test = require('node:test');
const assert = require('node:assert/strict');
const zari = require('..');
const { PACK, OPEN, CLOSED } = require('./support');

function captureWarnings(t) {
  const seen = [];
  const listener = (w) => seen.push(w);
  process.on('warning', listener);
  t.after(() => process.off('warning', listener));
  return seen;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('a handoff callback that throws', async (t) => {
  const warnings = captureWarnings(t);
  const engine = new zari.Engine(PACK, { clock: OPEN, onHandoff: () => { throw new Error('queue unavailable'); } });
  const s = engine.session('r');
  assert.equal(s.respond('I want to talk to an operator').action, zari.Action.HANDOFF);
  assert.equal(s.respond('balance').intent, 'balance');
  s.close();
  assert.equal(engine.callbackErrors.length, 1);
  assert.equal(engine.callbackErrors[0].message, 'queue unavailable');
  engine.close();
  await tick();
  assert.ok(warnings.some((w) => w.name === 'ZariCallbackWarning' && /onHandoff threw Error: queue unavailable/.test(w.message)));
});

test('a clock that throws falls back to the system clock', () => {
  const engine = new zari.Engine(PACK, { clock: () => { throw new Error('no time'); }, onHandoff: () => {} });
  const s = engine.session();
  const r = s.respond('operator');
  assert.ok([zari.Action.HANDOFF, zari.Action.AFTER_HOURS].includes(r.action));
  assert.equal(engine.callbackErrors[0].message, 'no time');
  s.close();
  engine.close();
});

test('a clock that returns garbage', () => {
  const engine = new zari.Engine(PACK, { clock: () => 'noon' });
  const s = engine.session();
  s.respond('balance');
  assert.ok(engine.callbackErrors[0] instanceof TypeError);
  s.close();
  engine.close();
});

test('clock values: function, number, bigint', () => {
  for (const clock of [() => CLOSED, CLOSED, CLOSED + 0.5, () => BigInt(CLOSED)]) {
    const engine = new zari.Engine(PACK, { clock });
    const s = engine.session();
    assert.equal(s.respond('operator').action, zari.Action.AFTER_HOURS);
    s.close();
    engine.close();
  }
});

test('the clock is asked every turn', () => {
  let now = CLOSED;
  const engine = new zari.Engine(PACK, { clock: () => now, onHandoff: () => {} });
  const s = engine.session();
  assert.equal(s.respond('operator').action, zari.Action.AFTER_HOURS);
  now = OPEN;
  assert.equal(s.respond('operator').action, zari.Action.HANDOFF);
  s.close();
  engine.close();
});

test('a callback may call Zari (but not destroy)', () => {
  const results = [];
  let engine;
  let session;
  engine = new zari.Engine(PACK, {
    clock: OPEN,
    onHandoff: () => {
      results.push(engine.classify('balance', 'en').intent);
      results.push(session.export()[0]);
    },
  });
  session = engine.session('re');
  assert.equal(session.respond('operator').action, zari.Action.HANDOFF);
  assert.deepEqual(results, ['balance', '{']);
  session.close();
  engine.close();
});

test('the handoff object can be kept after the callback', () => {
  const kept = [];
  const engine = new zari.Engine(PACK, { clock: OPEN, onHandoff: (h) => kept.push(h) });
  const s = engine.session('keep');
  s.respond('operator');
  s.close();
  engine.close();
  assert.deepEqual([kept[0].session, kept[0].reason], ['keep', 'requested']);
  assert.ok(kept[0].transcript.length > 0);
});
