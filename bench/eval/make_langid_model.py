#!/usr/bin/env python3
"""Build (and measure) the Latin-script language model of engine/text/langid.cc.

    python3 bench/eval/make_langid_model.py                 # writes engine/text/langid_model.inc
    python3 bench/eval/make_langid_model.py --check         # measure the model in Python only
    python3 bench/eval/make_langid_model.py --eval --zari build-lang/bin/zari [--markdown]

Messages in Georgian or Cyrillic letters are identified by their script; this model
decides between the three ways a message in *Latin* letters can be meant:

  az   Azerbaijani, with its letters (ə ı ş ç ğ ö ü) or typed in plain ASCII
  en   English
  ka   Georgian typed in Latin letters (chat digraphs, keyboard layout, lowercase)

It is a multinomial naive Bayes model over hashed features of each Latin token:
character n-grams (1..N) of the token padded with a boundary symbol, the whole
word, and a "keyboard Shift letter inside a word" cue (baraTis). Trained only on
the MASSIVE 1.1 *train* partition (Amazon, CC BY 4.0): en-US as is, az-AZ as is and
rewritten to plain ASCII, ka-GE rewritten by rewrite.py into the three Latin styles.
The dev partition is used only for measuring (--check, --eval).

The feature extraction here and in langid.cc must stay identical: same symbol
alphabet, same FNV-1a hash, same bucket count. The generated file records the
parameters and langid.cc checks them at compile time.

Python 3.11 standard library only; deterministic (same bytes every run).
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import unicodedata
from collections import Counter
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import rewrite as rewrite_mod  # noqa: E402

CLASSES = ("ka", "az", "en")          # order of the weights in the table
BUCKET_BITS = 14                      # 16384 buckets
MAX_N = 4                             # character n-grams 1..MAX_N
MAX_TOKEN = 32                        # symbols of a token used for n-grams
MAX_WORD = 20                         # whole-word feature for tokens up to this length
ALPHA = 0.05                          # additive smoothing
QUANT = 16                            # weights stored as round(w * QUANT) in int8
CLIP = 8.0                            # a word's evidence is clipped to ±CLIP nats
KNOWN_BONUS = 12.0                     # nats added for a known word of the language
LEXICON = 2000                        # known words per class (see known_words)
LEXICON_MIN = 2                       # ... seen at least this often in train
KA_STYLES = ("ka-latn-digraph", "ka-latn-keyboard", "ka-latn-keyboard-lower")
SEED_REPEAT = 10                      # each seed word counts as this many one-word texts

# Customer-support chat words as people type them in Latin letters: the word
# lists of Zari's first language identifier (Georgian in chat Latin,
# Azerbaijani with and without its letters, English). MASSIVE has no support
# chats (no "balance", "card", "operator"), so these are added to the
# training texts (SEED_REPEAT times each) and to the known words. Loanwords
# shared by the languages (operator, internet, sim) are listed under each.
SEED = {
    "ka": """
    agar aghar ak akhla an aq ar ara aris axla balansi barati baratis cemi cems chemi
    chems chemtvis chven da dges diax dzalian ertad ertxel es ese gaaqtiureba gadakhda
    gadaxda gakvt gamarjoba gamarjobat gamoitsere gamowera gaqvs gaqvt gaumarjos
    gavaaktiuro ginda gmadlobt gtkhovt gtxovt gushin gvinda ik internet interneti iq is
    ise isev isic kargad kargi khar kho khval ki kidev kvela madloba magram mak makvs
    maqvs mec mimaq minda momsakhureba momsaxureba moxda musaobs mushaobs nakhvamdis
    naxvamdis nomeri nomris operatori operators operatortan paketi ra ramdeni ramdenia
    ras rato ratom ravi rodis rogor rogoraa romeli sad sadaa saidan sakhli saxli
    semidzlia sheidzleba sheidzlebat shemidzlia sheni tarifi tavidan tkven tqven tu ukve
    unda var ver vera vici vis xar xart xom xval yvela zari
    """.split(),
    "az": """
    operator operatora operatorun balans balansi kart karti sim paket tarif nomre limit roaminq
    mesaj zeng pin puk
    amma ancaq artirmaq balans balansim balansimi beli bilerem bilmirem bilərəm bir
    birde bu bugun canli canlı cox daha danismaq danışmaq deyil doldurmaq dunen ede edim
    edin edə etmek etmeliyem etmək gelmir getmir gun gunde hansi hansı hara harada he
    hec hesab hesabimi heç ile indi insanla internet islemir isleyir isteyirem isteyirəm
    istiyirem istəyirəm işləmir işləyir kart kartim kartimi lazim lazimdir lazım men
    mene menim mumkun mümkün mən mənə ne nece necedir necə neçə niye niyə nomre nomrem
    nomremi olar olmaz olmur olsun olur operatorla paket paketi pul qeder qosulmaq
    qoşulmaq sabah sag sagol salam sağol sen siz sizin sonra tarif tarifi tesekkur
    tesekkurlar tesekkurler ucun var vaxt ve xahis xahiş xeyr yaxsi yaxşı yene yenə yox
    yoxdur yoxlamaq yoxlaya yoxlayim zehmet zehmetolmasa
    """.split(),
    "en": """
    a about account after again agent all am an and any are as at bad balance be before
    bill but buy by call can cancel cant card change check could data did do does doesn
    don dont for from get good had has have he hello help her here hi his how human i if
    im in internet is it its just know like lost make many me money much my need new no
    not now number of off ok okay on operator or our out pay person phone plan please
    roaming send set she should so some somebody someone speak still talk tell than
    thank thanks that the them then there they this time to today tomorrow top turn up
    us want was we were what when where which who why will with work working would yes
    you your
    """.split(),
}


# ------------------------------------------------------------------ features
# Keep in sync with langid.cc (LatinSymbol, the Feature* functions).

SPECIAL = {"ə": 27, "ä": 27, "ǝ": 27, "ı": 28, "ş": 29, "ç": 30, "ğ": 31, "ö": 32, "ü": 33, "'": 34}
APOSTROPHES = set("'\u2018\u2019\u201B\u02BC\u02BB`\u00B4\u2032\u02B9")
FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
SALT_NGRAM = 0x80   # + n, mixed in after the n-gram's symbols (so n-grams share prefixes)
SALT_WORD = 0x40
SALT_SHIFT = 0x50
SHIFT_LETTERS = set("TWRSJZC")


def lower(c: str) -> str:
    if c in "İI":
        return "i"
    lc = c.lower()
    return lc[0] if lc else c


def symbol(c: str) -> int:
    """0 = not part of the model's alphabet (skipped)."""
    c = lower(c)
    if "a" <= c <= "z":
        return ord(c) - 96
    if c in APOSTROPHES:
        return 34
    s = SPECIAL.get(c)
    if s:
        return s
    if 0x80 <= ord(c) < 0x1F00:       # latin.cc's AsciiBase table
        d = unicodedata.normalize("NFD", c)[0]
        if "a" <= d <= "z":
            return ord(d) - 96
        extra = {"ß": "s", "æ": "a", "ø": "o", "đ": "d", "ł": "l", "ħ": "h", "œ": "o",
                 "ŋ": "n", "ɣ": "g", "ǯ": "j"}
        e = extra.get(c) or extra.get(d)
        if e:
            return ord(e) - 96
    return 0


def fnv(salt: int, syms) -> int:
    h = FNV_OFFSET
    h = ((h ^ salt) * FNV_PRIME) & 0xFFFFFFFF
    for s in syms:
        h = ((h ^ s) * FNV_PRIME) & 0xFFFFFFFF
    return h


MASK = (1 << BUCKET_BITS) - 1


def token_features(tok: str) -> list[int]:
    syms = [s for s in (symbol(c) for c in tok) if s]
    feats = []
    if not syms:
        return feats
    # keyboard Shift letters inside a word: baraTis, SekveTa
    for k in range(1, len(tok)):
        if tok[k] in SHIFT_LETTERS and "a" <= tok[k - 1] <= "z":
            feats.append(fnv(SALT_SHIFT, ()) & MASK)
    if len(syms) <= MAX_WORD:
        feats.append(fnv(SALT_WORD, syms) & MASK)
    s = syms[:MAX_TOKEN]
    p = [0] + s + [0]
    for i in range(len(p)):
        h = FNV_OFFSET
        for n in range(1, MAX_N + 1):
            if i + n > len(p):
                break
            h = ((h ^ p[i + n - 1]) * FNV_PRIME) & 0xFFFFFFFF
            if n == 1 and (i == 0 or i == len(p) - 1):
                continue              # a lone boundary is not a feature
            feats.append(((h ^ (SALT_NGRAM + n)) * FNV_PRIME) & MASK)
    return feats


def is_latin_letter(c: str) -> bool:
    return c.isalpha() and "LATIN" in unicodedata.name(c, "")


def latin_tokens(text: str) -> list[str]:
    """Runs of Latin letters (apostrophes between letters stay inside)."""
    toks, cur = [], []
    n = len(text)
    for i, c in enumerate(text):
        if is_latin_letter(c) or unicodedata.category(c) == "Mn" and cur:
            cur.append(c)
        elif c in APOSTROPHES and cur and i + 1 < n and is_latin_letter(text[i + 1]):
            cur.append("'")
        else:
            if cur:
                toks.append("".join(cur))
            cur = []
    if cur:
        toks.append("".join(cur))
    return toks


def text_features(text: str) -> list[int]:
    feats = []
    for t in latin_tokens(text):
        feats.extend(token_features(t))
    return feats

# ------------------------------------------------------------------ data


def load_massive(data: Path, locale: str, partition: str) -> list[dict]:
    rows = []
    with open(data / "massive" / f"{locale}.train-dev.jsonl", encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            if r["partition"] == partition:
                rows.append(r)
    return rows


def corpus(data: Path, partition: str) -> dict[str, list[str]]:
    """Named sets of texts: class label is the part before the first '/'."""
    en = load_massive(data, "en-US", partition)
    az = load_massive(data, "az-AZ", partition)
    ka = load_massive(data, "ka-GE", partition)
    sets = {
        "en/native": [r["utt"] for r in en],
        "az/native": [r["utt"] for r in az],
        "az/az-ascii": [rewrite_mod.rewrite(r["utt"], "az-ascii", r["id"]) for r in az],
    }
    for style in KA_STYLES:
        sets[f"ka/{style}"] = [rewrite_mod.rewrite(r["utt"], style, r["id"]) for r in ka]
    if partition == "train":
        for cls, words in SEED.items():
            sets[f"{cls}/seed"] = [w for w in words for _ in range(SEED_REPEAT)]
    return sets

# ------------------------------------------------------------------ model


def train(sets: dict[str, list[str]]) -> list[list[int]]:
    counts = {c: Counter() for c in CLASSES}
    for name, texts in sets.items():
        cls = name.split("/")[0]
        for t in texts:
            counts[cls].update(text_features(t))
    buckets = 1 << BUCKET_BITS
    logp = {}
    for c in CLASSES:
        total = sum(counts[c].values())
        denom = math.log(total + ALPHA * buckets)
        logp[c] = [math.log(counts[c][b] + ALPHA) - denom for b in range(buckets)]
    table = []
    for b in range(buckets):
        vals = [logp[c][b] for c in CLASSES]
        mean = sum(vals) / len(vals)
        table.append([max(-127, min(127, round((v - mean) * QUANT))) for v in vals])
    return table


def word_symbols(tok: str) -> tuple:
    return tuple(s for s in (symbol(c) for c in tok) if s)


def known_words(sets: dict[str, list[str]]) -> dict[int, int]:
    """The LEXICON most frequent words of each class that are typical of it
    (relative frequency more than twice that in any other class), as
    {FNV-1a word hash: class bit mask}. A Latin-script guess counts as confident
    only when the message has one of its language's known words, so "zzz xxx"
    or "ok" does not move a conversation to another language."""
    counts = {c: Counter() for c in CLASSES}
    for name, texts in sets.items():
        cls = name.split("/")[0]
        for t in texts:
            for w in latin_tokens(t):
                ws = word_symbols(w)
                if ws and len(ws) <= MAX_WORD:
                    counts[cls][ws] += 1
    totals = {c: sum(counts[c].values()) for c in CLASSES}
    lex: dict[int, int] = {}
    for k, c in enumerate(CLASSES):
        kept = 0
        for w, n in sorted(counts[c].items(), key=lambda x: (-x[1], x[0])):
            if n < LEXICON_MIN or kept >= LEXICON:
                break
            p = n / totals[c]
            if all(p > 2 * counts[o][w] / totals[o] for o in CLASSES if o != c):
                h = fnv(SALT_WORD, w)
                lex[h] = lex.get(h, 0) | (1 << k)
                kept += 1
    for k, c in enumerate(CLASSES):
        for w in SEED[c]:
            h = fnv(SALT_WORD, word_symbols(w))
            lex[h] = lex.get(h, 0) | (1 << k)
    return lex


def scores(table, lex: dict[int, int], text: str) -> list[float]:
    """Per word: the summed weights of its features (nats), centred, clipped to
    ±CLIP so that no single word (a long name) outvotes the rest, plus
    KNOWN_BONUS for each language it is a known word of. Summed over words."""
    total = [0.0] * len(CLASSES)
    for tok in latin_tokens(text):
        feats = token_features(tok)
        if not feats:
            continue
        s = [sum(table[f][k] for f in feats) / QUANT for k in range(len(CLASSES))]
        mean = sum(s) / len(s)
        known = lex.get(fnv(SALT_WORD, word_symbols(tok)), 0)
        for k in range(len(CLASSES)):
            total[k] += max(-CLIP, min(CLIP, s[k] - mean)) + (KNOWN_BONUS if known >> k & 1 else 0.0)
    return total


def predict(table, lex, text: str) -> str | None:
    if not latin_tokens(text):
        return None
    s = scores(table, lex, text)
    best = max(range(len(CLASSES)), key=lambda k: (s[k], -k))
    return CLASSES[best]


def write_inc(table, lex: dict[int, int], path: Path, n_train: dict[str, int]) -> None:
    lines = [
        "// Generated by bench/eval/make_langid_model.py -- do not edit.",
        "//",
        "// Naive Bayes weights for telling apart Latin-script messages in Georgian",
        "// (typed in Latin letters), Azerbaijani (native and plain ASCII) and English.",
        "// Trained on the train partition of Amazon MASSIVE 1.1 (ka-GE, az-AZ, en-US),",
        "// licensed CC BY 4.0 (https://github.com/alexa/massive); FitzGerald et al. 2022,",
        "// \"MASSIVE: A 1M-Example Multilingual Natural Language Understanding Dataset",
        "// with 51 Typologically-Diverse Languages\". The weights are derived data.",
        "// Training texts:",
        *[f"//   {k}: {v}" for k, v in n_train.items()],
        "",
        f"#define ZARI_LANGID_BUCKET_BITS {BUCKET_BITS}",
        f"#define ZARI_LANGID_MAX_N {MAX_N}",
        f"#define ZARI_LANGID_MAX_TOKEN {MAX_TOKEN}",
        f"#define ZARI_LANGID_MAX_WORD {MAX_WORD}",
        f"#define ZARI_LANGID_QUANT {QUANT}",
        f"#define ZARI_LANGID_CLIP {CLIP}f",
        f"#define ZARI_LANGID_KNOWN_BONUS {KNOWN_BONUS}f",
        "",
        "// kLangIdWeights[bucket * 3 + k], k = 0 ka, 1 az, 2 en: round(16 * (log P(f|k) - mean)).",
        "static const signed char kLangIdWeights[] = {",
    ]
    flat = [v for row in table for v in row]
    for i in range(0, len(flat), 24):
        lines.append("    " + ",".join(str(v) for v in flat[i:i + 24]) + ",")
    lines.append("};")
    lines += [
        "",
        f"// Known words: FNV-1a word hashes (sorted) and their languages (bit k as above);",
        f"// the {LEXICON} most frequent words typical of each language, seen at least {LEXICON_MIN} times.",
        "static const unsigned kLangIdWordHash[] = {",
    ]
    keys = sorted(lex)
    for i in range(0, len(keys), 8):
        lines.append("    " + ",".join(f"0x{h:08x}u" for h in keys[i:i + 8]) + ",")
    lines.append("};")
    lines.append("static const unsigned char kLangIdWordLangs[] = {")
    for i in range(0, len(keys), 32):
        lines.append("    " + ",".join(str(lex[h]) for h in keys[i:i + 32]) + ",")
    lines.append("};")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

# ------------------------------------------------------------------ measuring


def check(table, lex, dev: dict[str, list[str]]) -> dict[str, float]:
    res = {}
    for name, texts in dev.items():
        cls = name.split("/")[0]
        ok = sum(predict(table, lex, t) == cls for t in texts)
        res[name] = ok / len(texts)
    return res


def eval_engine(zari: Path, data: Path) -> list[tuple[str, int, float, Counter]]:
    """Runs `zari normalize --json` (all three languages allowed, nothing forced)
    over the dev partition, native and rewritten, and counts the detected language."""
    dev = corpus(data, "dev")
    ka = load_massive(data, "ka-GE", "dev")
    dev = {"ka/native": [r["utt"] for r in ka], **dev}
    out = []
    for name, texts in dev.items():
        cls = name.split("/")[0]
        p = subprocess.run([str(zari), "normalize", "--json"],
                           input="\n".join(t.replace("\n", " ") for t in texts) + "\n",
                           capture_output=True, text=True, check=True)
        got = Counter()
        for line in p.stdout.splitlines():
            o = json.loads(line)
            got[o["typed_as"]] += 1
        ok = sum(v for k, v in got.items() if k.split("-")[0] == cls)
        out.append((name, len(texts), ok / len(texts), got))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(REPO / "engine" / "text" / "langid_model.inc"))
    ap.add_argument("--check", action="store_true", help="train and measure in Python; write nothing")
    ap.add_argument("--eval", action="store_true", help="measure a built zari on the dev split")
    ap.add_argument("--zari", default=str(REPO / "build" / "bin" / "zari"))
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    data = Path(args.data)
    sys.stdout.reconfigure(encoding="utf-8")

    if args.eval:
        rows = eval_engine(Path(args.zari), data)
        if args.markdown:
            print("| dev set | n | correct | detected as |")
            print("|---|---:|---:|---|")
        for name, n, acc, got in rows:
            detail = ", ".join(f"{k} {v}" for k, v in got.most_common())
            if args.markdown:
                print(f"| {name} | {n} | {acc:.1%} | {detail} |")
            else:
                print(f"{name:28s} {n:5d}  {acc:6.1%}   {detail}")
        return 0

    sets = corpus(data, "train")
    table = train(sets)
    lex = known_words(sets)
    if args.check:
        dev = corpus(data, "dev")
        for name, acc in check(table, lex, dev).items():
            print(f"{name:28s} {acc:6.1%}")
        return 0
    write_inc(table, lex, Path(args.out), {k: len(v) for k, v in sets.items()})
    print(f"make_langid_model: wrote {args.out} ({1 << BUCKET_BITS} buckets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
