'use strict';
// Shared fixtures of the Node binding tests.
const fs = require('fs');
const os = require('os');
const path = require('path');
const v8 = require('v8');
const vm = require('vm');

const SOURCE_DIR = process.env.ZARI_SOURCE_DIR || path.resolve(__dirname, '..', '..', '..');
const PACK = path.join(SOURCE_DIR, 'intents', 'telecom');
// Two intents and thresholds that make "plan" a clarify with both as options.
const CLARIFY_PACK = path.join(__dirname, 'data', 'clarify.yaml');
// Wed 2026-11-25 11:00 in Tbilisi (UTC+4): operators online.
const OPEN = 1795590000;
// Sat 2026-11-28 23:30 in Tbilisi: operators offline, back Monday 09:00.
const CLOSED = 1795894200;

function tmpdir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zari-node-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function copyPack(dir, name = 'pack') {
  const dst = path.join(dir, name);
  fs.cpSync(PACK, dst, { recursive: true });
  return dst;
}

// A full garbage collection without starting node with --expose-gc.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

async function collect() {
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve)); // let FinalizationRegistry run
  }
}

module.exports = { SOURCE_DIR, PACK, CLARIFY_PACK, OPEN, CLOSED, tmpdir, copyPack, collect };
