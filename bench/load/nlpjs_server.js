#!/usr/bin/env node
// nlp.js behind Node's `http` module, answering the same POST /api/v1/message
// as `zari serve`, for the side-by-side load run (bench/load/README.md):
//
//   node bench/load/nlpjs_server.js TRAIN.json
//   → nlp.js serving on http://127.0.0.1:PORT/   (first stdout line; any free port)
//
// TRAIN.json: {"languages": ["ka", "az", "en"], "train": [[lang, text, intent], ...]}
// (run_load.py writes it from the sample pack's examples, the examples Zari
// answers from). Trained by bench/peers/peers.js's trainNlpjs, as in the
// peers' accuracy run (training logs off, sentiment off).
//
// Per request: read the JSON body, nlp.js guesses the language among the
// trained ones and classifies (`manager.process(text)`), and the answer is
// the classification as JSON: {"session", "new_session", "intent", "score",
// "language", "classifications": top 5}. A session id is issued when the
// request has none (and echoed otherwise) so that the wrk script runs
// unchanged; nothing is kept per session.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');

const { trainNlpjs } = require(path.join(__dirname, '..', 'peers', 'peers.js'));

function send(res, status, body) {
  const bytes = Buffer.from(JSON.stringify(body));
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': bytes.length });
  res.end(bytes);
}

async function answer(manager, raw, res) {
  let req;
  try {
    req = JSON.parse(raw);
  } catch (e) {
    return send(res, 400, { error: 'malformed JSON' });
  }
  if (!req || typeof req.text !== 'string') return send(res, 400, { error: "missing field 'text'" });
  const fresh = typeof req.session !== 'string' || req.session === '';
  const session = fresh ? crypto.randomBytes(16).toString('hex') : req.session;
  const r = await manager.process(req.text);
  send(res, 200, {
    session,
    new_session: fresh,
    intent: r.intent,
    score: r.score,
    language: r.locale,
    classifications: (r.classifications || []).slice(0, 5),
  });
}

async function main() {
  const data = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const manager = await trainNlpjs(data);
  const server = http.createServer((req, res) => {
    if (req.method !== 'POST' || req.url !== '/api/v1/message') return send(res, 404, { error: 'not found' });
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      answer(manager, Buffer.concat(chunks).toString('utf8'), res).catch((e) => send(res, 500, { error: String(e) }));
    });
  });
  server.keepAliveTimeout = 30000;
  server.listen(0, '127.0.0.1', () => {
    console.log(`nlp.js serving on http://127.0.0.1:${server.address().port}/`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
  process.on('SIGINT', () => server.close(() => process.exit(0)));
}

main().catch((e) => {
  console.error(`nlpjs_server: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
