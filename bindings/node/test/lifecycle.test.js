'use strict';
// Destroy order under the garbage collector, idempotent close, koffi
// callbacks registered exactly as long as C can call them, process exit.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const { spawnSync } = require('child_process');
const koffi = require('koffi');
const zari = require('..');
const { PACK, OPEN, CLOSED, tmpdir, collect } = require('./support');

const registered = () => koffi.stats().callbacks;

test('a session outlives the engine object and keeps its callbacks', async () => {
  const handoffs = [];
  let engine = new zari.Engine(PACK, { clock: OPEN, onHandoff: (h) => handoffs.push(h) });
  const s = engine.session('late');
  const ref = new WeakRef(engine);
  engine = null;
  await collect();
  assert.equal(ref.deref(), undefined); // collected, its C handle destroyed by the finalizer
  assert.equal(s.respond('How do I check my balance?').intent, 'balance');
  assert.equal(s.respond('I want to talk to an operator').action, zari.Action.HANDOFF);
  assert.deepEqual(handoffs.map((h) => h.reason), ['requested']);
  s.close();
});

test('callbacks are unregistered when the engine and all its sessions are closed', () => {
  const before = registered();
  const engine = new zari.Engine(PACK, { clock: CLOSED, onHandoff: () => {} });
  assert.equal(registered(), before + 2);
  const a = engine.session('a');
  const b = engine.session('b');
  engine.close();
  assert.equal(registered(), before + 2); // sessions still use them
  assert.equal(a.respond('operator').action, zari.Action.AFTER_HOURS);
  a.close();
  assert.equal(registered(), before + 2);
  b.close();
  b.close();
  assert.equal(registered(), before);
});

test('callbacks are released when loading fails', () => {
  const before = registered();
  assert.throws(() => new zari.Engine('/nonexistent', { clock: OPEN, onHandoff: () => {} }), zari.ZariError);
  assert.equal(registered(), before);
});

test('unreferenced engines and sessions are destroyed by the garbage collector', async () => {
  const before = registered();
  (() => {
    for (let i = 0; i < 20; i++) {
      const e = new zari.Engine(PACK, { clock: () => OPEN, onHandoff: () => {} });
      for (let k = 0; k < 5; k++) e.session(String(k)).respond('balance');
    }
  })();
  await collect();
  assert.equal(registered(), before);
});

test('close is idempotent; Symbol.dispose closes', () => {
  const engine = new zari.Engine(PACK);
  const s = engine.session();
  for (let i = 0; i < 3; i++) {
    s.close();
    engine.close();
  }
  assert.ok(engine.closed && s.closed);
  if (typeof Symbol.dispose === 'symbol') {
    const e2 = new zari.Engine(PACK);
    e2[Symbol.dispose]();
    assert.ok(e2.closed);
  }
});

test('closing from inside the handoff callback is deferred until respond returns', () => {
  const holder = {};
  const engine = new zari.Engine(PACK, {
    clock: OPEN,
    onHandoff: () => {
      holder.engine.close(); // zari.h forbids destroying these inside the callback:
      holder.session.close(); // the binding defers it
    },
  });
  const s = engine.session('cb');
  Object.assign(holder, { engine, session: s });
  const before = registered();
  assert.equal(s.respond('I want to talk to an operator').action, zari.Action.HANDOFF);
  assert.ok(engine.closed && s.closed);
  assert.equal(registered(), before - 2);
  assert.throws(() => s.respond('again'), /session is closed/);
});

test('process exit with an open engine and session: no crash, log flushed', (t) => {
  const db = path.join(tmpdir(t), 'exit.db');
  const script = `
    const zari = require(${JSON.stringify(path.resolve(__dirname, '..'))});
    const engine = new zari.Engine(${JSON.stringify(PACK)}, { logDb: ${JSON.stringify(db)}, clock: ${OPEN},
                                                            onHandoff: () => {} });
    const s = engine.session('at-exit');
    for (let i = 0; i < 3000; i++) s.respond('unknown question ' + i + ' about zzz');
    // nothing closed: the exit hook destroys both and flushes the log
  `;
  const proc = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: process.env, timeout: 60000 });
  assert.equal(proc.status, 0, proc.stderr);
  assert.equal(proc.stderr, '');
  const count = spawnSync('python3', ['-c', `import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(
"SELECT COUNT(*) FROM unresolved WHERE session='at-exit'").fetchone()[0])`, db], { encoding: 'utf8' });
  assert.equal(count.stdout.trim(), '3000', count.stderr); // without the hook ~1/3 are lost
});

test('a missing library is a clear error', (t) => {
  const script = `require(${JSON.stringify(path.resolve(__dirname, '..'))}).libraryVersion()`;
  const env = { ...process.env, ZARI_LIBRARY: path.join(tmpdir(t), 'nope', 'libzari.so') };
  const proc = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env, timeout: 60000 });
  assert.notEqual(proc.status, 0);
  assert.match(proc.stderr, /cannot load libzari \(set ZARI_LIBRARY/);
});
