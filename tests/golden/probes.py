#!/usr/bin/env python3
"""Held-out phrasings of the sample pack's intents (not in its examples):
every line `lang|intent|text` must be decided as `intent` by `zari classify`.
They were written separately from the pack, the way customers ask, in native
script and typed without the keyboard layout.

usage: probes.py ZARI PACK PROBES"""
import json
import subprocess
import sys


def main() -> int:
    zari, pack, probes = sys.argv[1:4]
    rows = []
    with open(probes, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            lang, intent, text = line.split("|", 2)
            rows.append((n, lang, intent, text))
    out = subprocess.run([zari, "classify", "--pack", pack], input="\n".join(r[3] for r in rows) + "\n",
                         capture_output=True, text=True, check=True).stdout.splitlines()
    if len(out) != len(rows):
        print(f"expected {len(rows)} lines, got {len(out)}")
        return 1
    failures = 0
    for (n, lang, intent, text), line in zip(rows, out):
        reply = json.loads(line)
        if reply["intent"] != intent or reply["language"] != lang:
            failures += 1
            top = reply["candidates"][0] if reply["candidates"] else {}
            print(f"{probes}:{n}: {text!r}: got intent={reply['intent']} language={reply['language']} "
                  f"({reply['action']}, top {top.get('intent')} {top.get('score')}), expected {intent} in {lang}")
    print(f"{len(rows) - failures}/{len(rows)} probes resolve as expected")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
