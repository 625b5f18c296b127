'use strict';
// Zari from Node: one conversation in Georgian, Azerbaijani and English.
// Run: node examples/node/hello.js intents/telecom   (in your project: require('zari'))
const zari = require('../../bindings/node');

const engine = new zari.Engine(process.argv[2] || 'intents/telecom');
const chat = engine.session('hello', 'web');
for (const question of ['როგორ შევამოწმო ბალანსი?', 'Balansımı necə yoxlaya bilərəm?', 'How do I check my balance?']) {
  const r = chat.respond(question);
  console.log(`[${r.language}] ${question} -> ${r.intent || '(none)'}\n    ${r.reply}`);
}
chat.close();
engine.close();
