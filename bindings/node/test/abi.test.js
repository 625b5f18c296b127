'use strict';
// The Node binding covers the C API: every zari.h function is declared in
// index.js, except the ones it deliberately does without, and its tables
// keep zari.h's numbers (statuses, limits, actions).
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const path = require('path');
const vm = require('vm');
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

// index.js and index.d.ts keep their own copies of zari.h's tables: a
// renumbered or added constant must fail here, not as a wrong error at run time.
const HEADER = path.join(SOURCE_DIR, 'bindings', 'c', 'include', 'zari', 'zari.h');

// { enum: { constant: value } } of zari.h's typedef enums, in the header's order.
function headerEnums() {
  const text = fs.readFileSync(HEADER, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '');
  const enums = {};
  for (const m of text.matchAll(/typedef enum (\w+) \{([\s\S]*?)\}/g)) {
    enums[m[1]] = Object.fromEntries([...m[2].matchAll(/\b(ZARI_\w+)\s*=\s*(-?\d+)/g)].map((e) => [e[1], Number(e[2])]));
  }
  return enums;
}

// The object literal after `pattern` in `source`, read as data.
function objectAfter(source, pattern, what) {
  const m = source.match(pattern);
  assert.ok(m, `${what} not found`);
  return m[1];
}

const prefixed = (prefix, obj) => Object.fromEntries(Object.entries(obj).map(([k, v]) => [prefix + k, v]));
const upperSnake = (name) => name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();

test('Status has the values of zari_status, in index.js and index.d.ts', () => {
  const { Status } = require('..');
  const expected = headerEnums().zari_status;
  assert.deepEqual(prefixed('ZARI_', Status), expected);
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const typed = objectAfter(dts, /export declare const Status: Readonly<\{([\s\S]*?)\}>/, 'Status in index.d.ts');
  const types = Object.fromEntries([...typed.matchAll(/(\w+): (-?\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(prefixed('ZARI_', types), expected);
});

test('limits have the values of zari_limit, in index.js and index.d.ts', () => {
  const source = fs.readFileSync(path.join(__dirname, '..', 'index.js'), 'utf8');
  const literal = objectAfter(source, /const LIMITS = Object\.freeze\((\{[\s\S]*?\})\);/, 'LIMITS in index.js');
  const limits = vm.runInNewContext(`(${literal})`);
  const expected = headerEnums().zari_limit;
  assert.deepEqual(Object.fromEntries(Object.entries(limits).map(([k, v]) => [`ZARI_LIMIT_${upperSnake(k)}`, v])),
    expected);
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const typed = objectAfter(dts, /limits\?: Partial<Record<([^>]*), number>>/, 'limits in index.d.ts');
  assert.deepEqual([...typed.matchAll(/'(\w+)'/g)].map((m) => `ZARI_LIMIT_${upperSnake(m[1])}`),
    Object.keys(expected));
});

test('Action has the words of zari_action, in its order, in index.js and index.d.ts', () => {
  const { Action } = require('..');
  const header = Object.entries(headerEnums().zari_action).sort((a, b) => a[1] - b[1]);
  const expected = header.map(([k]) => [k, k.slice('ZARI_ACTION_'.length).toLowerCase()]);
  assert.deepEqual(Object.entries(prefixed('ZARI_ACTION_', Action)), expected);
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const typed = objectAfter(dts, /export declare const Action: Readonly<\{([\s\S]*?)\}>/, 'Action in index.d.ts');
  assert.deepEqual([...typed.matchAll(/(\w+): '(\w+)'/g)].map((m) => [`ZARI_ACTION_${m[1]}`, m[2]]), expected);
  const names = objectAfter(dts, /export type ActionName = ([^;]*);/, 'ActionName in index.d.ts');
  assert.deepEqual([...names.matchAll(/'(\w+)'/g)].map((m) => m[1]), expected.map(([, word]) => word));
});

test('Feedback has the values of zari_feedback, in index.js and index.d.ts', () => {
  const { Feedback, FEEDBACK_SCALES } = require('..');
  const expected = headerEnums().zari_feedback;
  assert.deepEqual(prefixed('ZARI_FEEDBACK_', Feedback), expected);
  const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8');
  const typed = objectAfter(dts, /export declare const Feedback: Readonly<\{([\s\S]*?)\}>/, 'Feedback in index.d.ts');
  const types = Object.fromEntries([...typed.matchAll(/(\w+): (-?\d+)/g)].map((m) => [m[1], Number(m[2])]));
  assert.deepEqual(prefixed('ZARI_FEEDBACK_', types), expected);
  assert.deepEqual(Object.keys(FEEDBACK_SCALES).map(Number), Object.values(expected));
});
