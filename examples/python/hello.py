"""Zari from Python: one conversation in Georgian, Azerbaijani and English.
Run: PYTHONPATH=bindings/python python3 examples/python/hello.py intents/telecom"""
import sys

import zari

pack = sys.argv[1] if len(sys.argv) > 1 else "intents/telecom"
with zari.Engine(pack) as engine, engine.session("hello", channel="web") as chat:
    for question in ["როგორ შევამოწმო ბალანსი?", "Balansımı necə yoxlaya bilərəm?", "How do I check my balance?"]:
        r = chat.respond(question)
        print(f"[{r.language}] {question} -> {r.intent or '(none)'}\n    {r.reply}")
