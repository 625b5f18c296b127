#!/usr/bin/env python3
"""Rewrite dev utterances the way people type without their keyboard layout.

    python3 bench/eval/rewrite.py --mode ka-latn-digraph < massive-ka.dev.jsonl > out.jsonl
    python3 bench/eval/rewrite.py --mode az-ascii --in massive-az.dev.jsonl
    python3 bench/eval/rewrite.py --mode ka-latn-keyboard --text "ჩემი შეკვეთა"

Modes:
  ka-latn-digraph         Georgian -> chat Latin with digraphs (შ sh, ჩ ch, ხ kh|x, ...)
  ka-latn-keyboard        Georgian -> the Georgian QWERTY layout (Shift letters: T W R S J Z C)
  ka-latn-keyboard-lower  as ka-latn-keyboard, all lowercase (shift letters lost)
  az-ascii                Azerbaijani without its letters (ə e, ı i, ş s|sh, ç c|ch, ğ g|gh, ...)

Input lines are JSON objects with "text" (other fields, e.g. "id" and "intent", are
copied unchanged); output is the same line with "text" rewritten.

Variants (e.g. ხ as "kh" or "x") are chosen once per message, not per letter: most
people are consistent within a message. The choice comes from random.Random seeded
with sha256(mode, key), where key is the line's "id" if present, else its text, so
the same input always gives the same output on every machine and Python version.

As a module:  import rewrite; rewrite.rewrite("ჩემი შეკვეთა", "ka-latn-digraph")
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import unicodedata

MODES = ("ka-latn-digraph", "ka-latn-keyboard", "ka-latn-keyboard-lower", "az-ascii")

# ------------------------------------------------------------------ Georgian

# Modern Mkhedruli, U+10D0..U+10F0 (33 letters), in alphabetical order.
KA_LETTERS = "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"

# Chat Latin with digraphs. A tuple lists variants: (primary, alternative, P(alternative)).
KA_DIGRAPH = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "t",
    "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "zh",
    "რ": "r", "ს": "s", "ტ": "t", "უ": "u",
    "ფ": ("p", "f", 0.30),
    "ქ": ("k", "q", 0.40),
    "ღ": "gh",
    "ყ": ("y", "q", 0.40),
    "შ": "sh", "ჩ": "ch",
    "ც": ("ts", "c", 0.40),
    "ძ": "dz",
    "წ": ("w", "ts", 0.40),
    "ჭ": "ch",
    "ხ": ("kh", "x", 0.40),
    "ჯ": "j", "ჰ": "h",
    # archaic / extended letters (rare in chat; mapped so nothing Georgian survives)
    "ჱ": "e", "ჲ": "i", "ჳ": "v", "ჴ": "kh", "ჵ": "o", "ჶ": "f", "ჷ": "e", "ჸ": "",
    "ჹ": "g", "ჺ": "", "ჼ": "n", "ჽ": "e", "ჾ": "", "ჿ": "",
}

# Georgian QWERTY (xkb "ge" basic): Shift+T თ, Shift+W ჭ, Shift+R ღ, Shift+S შ,
# Shift+J ჟ, Shift+Z ძ, Shift+C ჩ.
KA_KEYBOARD = {
    "ა": "a", "ბ": "b", "გ": "g", "დ": "d", "ე": "e", "ვ": "v", "ზ": "z", "თ": "T",
    "ი": "i", "კ": "k", "ლ": "l", "მ": "m", "ნ": "n", "ო": "o", "პ": "p", "ჟ": "J",
    "რ": "r", "ს": "s", "ტ": "t", "უ": "u", "ფ": "f", "ქ": "q", "ღ": "R", "ყ": "y",
    "შ": "S", "ჩ": "C", "ც": "c", "ძ": "Z", "წ": "w", "ჭ": "W", "ხ": "x", "ჯ": "j",
    "ჰ": "h",
    "ჱ": "e", "ჲ": "i", "ჳ": "v", "ჴ": "x", "ჵ": "o", "ჶ": "f", "ჷ": "e", "ჸ": "",
    "ჹ": "g", "ჺ": "", "ჼ": "n", "ჽ": "e", "ჾ": "", "ჿ": "",
}


def fold_georgian(text: str) -> str:
    """Mtavruli (U+1C90..) -> Mkhedruli (-0xBC0); Nuskhuri (U+2D00..) -> Mkhedruli."""
    out = []
    for ch in text:
        cp = ord(ch)
        if 0x1C90 <= cp <= 0x1CBF:
            out.append(chr(cp - 0xBC0))
        elif 0x2D00 <= cp <= 0x2D2D:
            out.append(chr(cp - 0x1C30))
        else:
            out.append(ch)
    return "".join(out)


def _choose(table: dict, rng: random.Random) -> dict:
    """Resolve every variant tuple once (per message) into a plain mapping."""
    chosen = {}
    for k in sorted(table):           # fixed order: the RNG stream does not depend
        v = table[k]                  # on dict insertion order
        if isinstance(v, tuple):
            primary, alt, p_alt = v
            chosen[k] = alt if rng.random() < p_alt else primary
        else:
            chosen[k] = v
    return chosen


def _map_chars(text: str, mapping: dict) -> str:
    return "".join(mapping.get(ch, ch) for ch in text)


# ------------------------------------------------------------------ Azerbaijani

AZ_FIXED = {"ə": "e", "Ə": "E", "ı": "i", "İ": "I", "ö": "o", "Ö": "O", "ü": "u", "Ü": "U",
            "ǝ": "e", "Ǝ": "E", "ä": "e", "Ä": "E"}
# lowercase letter -> (plain, digraph, P(digraph)); uppercase handled in az_ascii
AZ_VARIANTS = {"ş": ("s", "sh", 0.35), "ç": ("c", "ch", 0.35), "ğ": ("g", "gh", 0.20)}


def az_ascii(text: str, rng: random.Random) -> str:
    choice = {k: (v[1] if rng.random() < v[2] else v[0])
              for k, v in sorted(AZ_VARIANTS.items())}
    text = unicodedata.normalize("NFC", text)
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in AZ_FIXED:
            out.append(AZ_FIXED[ch])
        elif ch in choice:
            out.append(choice[ch])
        elif ch.lower() in choice and ch.isupper():
            rep = choice[ch.lower()]
            # ALL-CAPS context (a neighbour is an uppercase letter) -> "SH", else "Sh"
            nxt = text[i + 1] if i + 1 < n else ""
            prv = text[i - 1] if i > 0 else ""
            caps = (nxt.isalpha() and nxt.isupper()) or (not nxt.isalpha() and prv.isupper())
            out.append(rep.upper() if caps else rep.capitalize())
        else:
            out.append(ch)
    # anything left with a diacritic (a decomposed İ, a loanword's é) is typed plain
    res = []
    for ch in unicodedata.normalize("NFD", "".join(out)):
        if unicodedata.category(ch) == "Mn":
            continue
        res.append(ch)
    return unicodedata.normalize("NFC", "".join(res))


# ------------------------------------------------------------------ API

def make_rng(mode: str, key: str) -> random.Random:
    seed = hashlib.sha256(f"{mode}\x1f{key}".encode("utf-8")).digest()
    return random.Random(int.from_bytes(seed[:8], "big"))


def rewrite(text: str, mode: str, key: str | None = None) -> str:
    """Rewrite one utterance. key (e.g. the dev line's id) seeds the variant choice;
    by default the text itself is the key."""
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; expected one of {', '.join(MODES)}")
    rng = make_rng(mode, text if key is None else str(key))
    if mode == "ka-latn-digraph":
        return _map_chars(fold_georgian(text), _choose(KA_DIGRAPH, rng))
    if mode == "ka-latn-keyboard":
        return _map_chars(fold_georgian(text), KA_KEYBOARD)
    if mode == "ka-latn-keyboard-lower":
        return _map_chars(fold_georgian(text), KA_KEYBOARD).lower()
    return az_ascii(text, rng)


def rewrite_record(rec: dict, mode: str) -> dict:
    out = dict(rec)
    key = rec.get("id")
    out["text"] = rewrite(rec["text"], mode, None if key is None else str(key))
    return out


def rewrite_lines(lines, mode: str):
    """Yield rewritten JSON lines (without newline) for an iterable of JSONL lines."""
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
            if not isinstance(rec, dict) or not isinstance(rec.get("text"), str):
                raise ValueError('expected an object with a string "text"')
        except ValueError as e:
            raise ValueError(f"line {lineno}: {e}") from None
        yield json.dumps(rewrite_record(rec, mode), ensure_ascii=False)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--mode", required=True, choices=MODES)
    ap.add_argument("--in", dest="infile", help="input jsonl (default: stdin)")
    ap.add_argument("--text", help="rewrite this one text and print it (no JSON)")
    args = ap.parse_args(argv)
    if args.text is not None:
        sys.stdout.reconfigure(encoding="utf-8")
        print(rewrite(args.text, args.mode))
        return 0
    try:
        src = open(args.infile, encoding="utf-8") if args.infile else \
            open(sys.stdin.fileno(), encoding="utf-8", closefd=False)
        with src:
            out = sys.stdout
            out.reconfigure(encoding="utf-8", newline="\n")
            for line in rewrite_lines(src, args.mode):
                out.write(line + "\n")
    except (OSError, ValueError) as e:
        print(f"rewrite: error: {args.infile or '<stdin>'}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
