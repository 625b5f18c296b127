'use strict';
// The Node binding covers the C API: every zari.h function is declared in
// index.js, except the ones it deliberately does without.
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const { SOURCE_DIR } = require('./support');

const NOT_USED = {
  zari_reply_action: 'zari_reply_action_str gives the same as a word',
  zari_options_set_log_callback: 'the log callback may run on the writer thread (see docs/NODE.md)',
};

test('every function of zari.h is declared or deliberately left out', () => {
  const header = fs.readFileSync(path.join(SOURCE_DIR, 'bindings', 'c', 'include', 'zari', 'zari.h'), 'utf8');
  const source = fs.readFileSync(path.join(__dirname, '..', 'index.js'), 'utf8');
  const inHeader = [...header.matchAll(/ZARI_EXTERN\([^)]*\)\s*(zari_\w+)\s*\(/g)].map((m) => m[1]);
  const declared = new Set([...source.matchAll(/\b(zari_\w+)\(/g)].map((m) => m[1]));
  const missing = inHeader.filter((f) => !declared.has(f) && !(f in NOT_USED));
  assert.deepEqual(missing, [], `zari.h has functions bindings/node/index.js does not declare: ${missing}`);
  for (const f of Object.keys(NOT_USED)) assert.ok(inHeader.includes(f), `${f} is gone from zari.h`);
  for (const f of declared) assert.ok(header.includes(f), `${f} is declared but not in zari.h`);
});
