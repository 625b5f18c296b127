'use strict';
// Every failing C call throws a ZariError with status, code and zari_last_error().
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const zari = require('..');
const { PACK, tmpdir, copyPack } = require('./support');

function throwsZari(fn, status, pattern) {
  let err;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof zari.ZariError, `expected ZariError, got ${err}`);
  assert.ok(err instanceof Error);
  assert.equal(err.status, status);
  assert.equal(err.code, Object.keys(zari.Status).map((k) => ['ZARI_' + k, zari.Status[k]])
    .find(([, v]) => v === status)[0]);
  if (pattern) assert.match(err.message, pattern);
  return err;
}

test('missing pack: ZARI_ENOTFOUND naming the path', () => {
  const err = throwsZari(() => new zari.Engine('/nonexistent/zari-pack'), zari.Status.ENOTFOUND,
    /\/nonexistent\/zari-pack/);
  assert.equal(err.code, 'ZARI_ENOTFOUND');
  assert.equal(err.name, 'ZariError');
});

test('limits: ZARI_ELIMIT over a limit, ZARI_EINVAL for bad names and values', () => {
  throwsZari(() => new zari.Engine(PACK, { limits: { packFileBytes: 100 } }), zari.Status.ELIMIT, /the limit is 100/);
  throwsZari(() => new zari.Engine(PACK, { limits: { noSuchLimit: 1 } }), zari.Status.EINVAL, /unknown limit/);
  throwsZari(() => new zari.Engine(PACK, { limits: { intents: 0 } }), zari.Status.EINVAL, /between 1/);
});

test('broken YAML: ZARI_EPACK with file:line:col', (t) => {
  const dir = tmpdir(t);
  const file = path.join(dir, 'broken.yaml');
  fs.writeFileSync(file, 'zari: 1\nname: x\nlanguages: [en\nintents: []\n');
  throwsZari(() => new zari.Engine(file), zari.Status.EPACK, /broken\.yaml:\d+:\d+/);
});

test('unknown key: file:line:col and the key', (t) => {
  const dir = tmpdir(t);
  const file = path.join(dir, 'typo.yaml');
  fs.writeFileSync(file, 'zari: 1\nname: x\nlanguages: [en]\nintents:\n  - id: hi\n    anwser: {en: Hello}\n');
  throwsZari(() => new zari.Engine(file), zari.Status.EPACK, /typo\.yaml:6:5: unknown key 'anwser'/);
});

test('bad session states: ZARI_ESTATE', () => {
  const engine = new zari.Engine(PACK);
  try {
    for (const state of ['{not json', '{"v":99}', '', 'null']) {
      throwsZari(() => engine.restore(state), zari.Status.ESTATE);
    }
    throwsZari(() => engine.restore('{not json'), zari.Status.ESTATE, /session state/);
    const good = engine.session('s').export();
    throwsZari(() => engine.restore(good + '\0tail'), zari.Status.ESTATE, /NUL/);
    assert.throws(() => engine.restore(42), TypeError);
  } finally {
    engine.close();
  }
});

test('state of another pack version is refused', (t) => {
  const dir = tmpdir(t);
  const pack = copyPack(dir);
  const a = new zari.Engine(PACK);
  const state = a.session('s').export();
  a.close();
  const yaml = path.join(pack, 'pack.yaml');
  fs.writeFileSync(yaml, fs.readFileSync(yaml, 'utf8').replace('version: "2026.11"', 'version: "2099.1"'));
  const b = new zari.Engine(pack);
  throwsZari(() => b.restore(state), zari.Status.ESTATE, /2099\.1/);
  b.close();
});

test('bad language code: ZARI_EINVAL', () => {
  const engine = new zari.Engine(PACK);
  throwsZari(() => engine.classify('hi', 'xx'), zari.Status.EINVAL, /xx/);
  const s = engine.session();
  throwsZari(() => s.setLanguage('fr'), zari.Status.EINVAL);
  s.close();
  engine.close();
});

test('reload errors keep the old pack serving', (t) => {
  const pack = copyPack(tmpdir(t));
  const engine = new zari.Engine(pack);
  throwsZari(() => engine.reload('/nonexistent'), zari.Status.ENOTFOUND);
  fs.appendFileSync(path.join(pack, 'pack.yaml'), 'bogus_setting: 1\n');
  throwsZari(() => engine.reload(), zari.Status.EPACK, /pack\.yaml:/);
  assert.equal(engine.classify('balance', 'en').intent, 'balance');
  engine.close();
});

test('log database that cannot be opened: ZARI_EIO', (t) => {
  const dir = tmpdir(t);
  throwsZari(() => new zari.Engine(PACK, { logDb: path.join(dir, 'no', 'such', 'log.db') }), zari.Status.EIO);
});

test('argument types', () => {
  assert.throws(() => new zari.Engine(), TypeError);
  assert.throws(() => new zari.Engine(PACK, { clock: 'noon' }), TypeError);
  assert.throws(() => new zari.Engine(PACK, { onHandoff: 42 }), TypeError);
  assert.throws(() => new zari.Engine(PACK, { onLog: () => {} }), /onLog is not available/);
  throwsZari(() => new zari.Engine(PACK + '\0x'), zari.Status.EINVAL, /NUL/);
  const engine = new zari.Engine(PACK);
  assert.throws(() => engine.classify(42), TypeError);
  assert.throws(() => engine.classify(null), TypeError);
  throwsZari(() => engine.session('a\0b'), zari.Status.EINVAL);
  assert.throws(() => new zari.Session({}), TypeError);
  engine.close();
});

test('closed objects throw ZARI_EINVAL', () => {
  const engine = new zari.Engine(PACK);
  const s = engine.session('s');
  engine.close();
  engine.close(); // idempotent
  assert.equal(engine.closed, true);
  for (const call of [() => engine.classify('hi'), () => engine.session(), () => engine.stats(),
    () => engine.restore('{}'), () => engine.reload(), () => engine.packName]) {
    throwsZari(call, zari.Status.EINVAL, /engine is closed/);
  }
  assert.equal(s.respond('balance').intent, 'balance'); // the session outlives engine.close()
  s.close();
  s.close();
  throwsZari(() => s.respond('hi'), zari.Status.EINVAL, /session is closed/);
  throwsZari(() => s.export(), zari.Status.EINVAL);
});

test('status strings and versions', () => {
  assert.equal(zari.statusString(zari.Status.EPACK), 'pack invalid');
  assert.equal(zari.statusString(0), 'ok');
  assert.equal(zari.statusString(12345), 'unknown status');
  assert.match(zari.libraryVersion(), /^\d+\.\d+\.\d+$/);
  const [major, minor, patch] = zari.libraryVersion().split('.').map(Number);
  assert.equal(zari.libraryVersionNumber(), major * 10000 + minor * 100 + patch);
  assert.ok(zari.libraryPath());
  const e = new zari.ZariError(-99, '');
  assert.equal(e.code, 'ZARI_UNKNOWN');
});
