#!/usr/bin/env node
// One peer engine, trained and measured in this process (bench/peers/README.md):
//
//   node peers.js nlpjs      DATA.json OUT.json
//   node peers.js rivescript DATA.json OUT.json
//
// DATA.json: {"languages": [...], "train": [[lang, text, intent], ...],
//             "dev": [[lang, text, intent], ...], "repeat": R, "max_seconds": S,
//             "sample_every": {"rivescript": K}}
// Prints nothing on success; OUT.json gets load time, throughput over the dev
// messages (single thread, one message at a time, after load; CPU and wall)
// and every prediction (for accuracy, computed by run_peers.py).
'use strict';

const fs = require('fs');
const path = require('path');

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}
function wallSeconds() {
  return Number(process.hrtime.bigint()) / 1e9;
}

// RiveScript triggers: lower case, letters/digits/spaces only (its syntax
// reserves * # _ @ [ ] ( ) | { } < > =), single spaces.
function toTrigger(text) {
  return text
    .toLowerCase()
    .normalize('NFC')
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

// Standard use of the library: an NlpManager over the pack's languages,
// training logs off, nothing saved. Sentiment is switched off so that only
// classification is measured. nlp.js has no Georgian or Azerbaijani
// support: for them it falls back to its language-agnostic pipeline
// (generic tokenizer and normalizer, no stemmer). Also used by
// bench/load/nlpjs_server.js.
async function trainNlpjs(data) {
  const { NlpManager } = require('node-nlp');
  const manager = new NlpManager({
    languages: data.languages,
    nlu: { log: false },
    autoSave: false,
    autoLoad: false,
    calculateSentiment: false,
  });
  for (const [lang, text, intent] of data.train) manager.addDocument(lang, text, intent);
  await manager.train();
  return manager;
}

async function loadNlpjs(data) {
  const manager = await trainNlpjs(data);
  return async (lang, text) => {
    const r = await manager.process(lang, text);
    const top = r.classifications && r.classifications.length ? r.classifications[0].intent : null;
    return { intent: r.intent && r.intent !== 'None' ? r.intent : null, top: top && top !== 'None' ? top : null };
  };
}

async function loadRivescript(data) {
  const RiveScript = require('rivescript');
  const rs = new RiveScript({ utf8: true });
  // One trigger per distinct training utterance (first intent wins), and a
  // catch-all for everything else.
  const seen = new Set();
  const lines = ['! version = 2.0', '', '+ *', '- __none__', ''];
  for (const [, text, intent] of data.train) {
    const t = toTrigger(text);
    if (!t || seen.has(t)) continue;
    seen.add(t);
    lines.push(`+ ${t}`, `- ${intent}`, '');
  }
  rs.stream(lines.join('\n'));
  rs.sortReplies();
  return async (lang, text) => {
    const reply = await rs.reply('user', text);
    const intent = reply && reply !== '__none__' && !reply.startsWith('ERR:') ? reply.trim() : null;
    return { intent, top: intent };
  };
}

async function main() {
  const [engine, dataPath, outPath] = process.argv.slice(2);
  if (!engine || !dataPath || !outPath) {
    console.error('usage: node peers.js nlpjs|rivescript DATA.json OUT.json');
    process.exit(2);
  }
  const data = JSON.parse(fs.readFileSync(dataPath, 'utf8'));
  const c0 = cpuSeconds();
  const w0 = wallSeconds();
  const answer = engine === 'nlpjs' ? await loadNlpjs(data) : engine === 'rivescript' ? await loadRivescript(data) : null;
  if (!answer) {
    console.error(`peers.js: unknown engine ${engine}`);
    process.exit(2);
  }
  const load = { cpu_s: cpuSeconds() - c0, wall_s: wallSeconds() - w0 };
  // Predictions over the dev messages (also the warm-up), then the timed
  // passes: the same messages `repeat` times, or until `max_seconds` of CPU.
  // An engine too slow for the whole dev split answers every k-th message
  // (data.sample_every[engine]); run_peers.py compares on the same subset.
  const every = (data.sample_every && data.sample_every[engine]) || 1;
  const dev = data.dev.filter((_, i) => i % every === 0);
  const predictions = [];
  for (const [lang, text] of dev) predictions.push(await answer(lang, text));
  const repeat = data.repeat || 1;
  const maxSeconds = data.max_seconds || 60;
  let n = 0;
  const c1 = cpuSeconds();
  const w1 = wallSeconds();
  outer: for (let r = 0; r < repeat; r += 1) {
    for (const [lang, text] of dev) {
      await answer(lang, text);
      n += 1;
      if ((n & 63) === 0 && cpuSeconds() - c1 > maxSeconds) break outer;
    }
  }
  const run = { messages: n, cpu_s: cpuSeconds() - c1, wall_s: wallSeconds() - w1 };
  const pkg = (name) => JSON.parse(fs.readFileSync(path.join(__dirname, 'node_modules', name, 'package.json'), 'utf8')).version;
  const out = {
    engine,
    sample_every: every,
    version: engine === 'nlpjs' ? pkg('node-nlp') : pkg('rivescript'),
    node: process.version,
    load,
    run,
    msgs_per_s: run.messages / run.wall_s,
    msgs_per_cpu_s: run.messages / run.cpu_s,
    peak_rss_mb: process.resourceUsage().maxRSS / 1024,
    predictions,
  };
  fs.writeFileSync(outPath, JSON.stringify(out));
}

module.exports = { trainNlpjs };

if (require.main === module) {
  main().catch((e) => {
    console.error(`peers.js: ${e && e.stack ? e.stack : e}`);
    process.exit(1);
  });
}
