#!/usr/bin/env python3
"""The teaching loop on MASSIVE: how much a pack gains when the questions it
could not answer come back as reviewed examples (docs/EVALUATION.md).

    python3 bench/eval/teach_loop.py [--zari build/bin/zari] [--library build/lib/libzari.so]
                                     [--out build/eval] [--langs en,ka,az] [--rounds 4]
                                     [--reviewer labels|none] [--json FILE] [--markdown]

For each language, starting from the massive-<lang>-10 pack (10 training
examples per intent, make_packs.py):

  1. The dev split is cut in two by a stable hash of the MASSIVE id: the
     traffic half is what customers ask; the held-out half is never fed in.
  2. Each round, every traffic line is one customer's conversation: a
     session of the pack with a log database (the Python binding over
     libzari, as a host would run it), so what the bot cannot answer lands
     in the unresolved log as real traffic would.
  3. `zari report --db … --pack … --suggest FILE` turns the log into
     add_examples for the nearest intents.
  4. A simulated reviewer accepts a suggested example only when its dev
     label is the intent it was suggested for (texts it cannot look up,
     e.g. with masked numbers, are rejected), and the accepted ones go into
     the pack as a file of their own (`learned-rN.yaml`). `--reviewer none`
     accepts every suggestion instead, to show what the review is worth.
  5. `zari check` must find no failure the pack did not have before (the
     -10 packs have some of their own: MASSIVE files a few utterances under
     two intents); then `zari classify` measures decided accuracy and top-1
     on both halves.

Dev splits only; the MASSIVE test split is not read. Python 3.11 standard
library plus the Zari binding in bindings/python. Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "bindings" / "python"))
import run_eval  # noqa: E402

CLOCK = 1795590000  # a fixed time for the log (the packs have no hours)


class LoopError(Exception):
    pass


# ------------------------------------------------------------------ data

def split(records: list[dict]) -> tuple[list[dict], list[dict]]:
    """(traffic, held-out): by sha256 of the MASSIVE id, about half each."""
    traffic, held = [], []
    for r in records:
        h = hashlib.sha256(("zari-teach-1\x1f" + str(r["id"])).encode()).digest()
        (traffic if h[0] % 2 == 0 else held).append(r)
    return traffic, held


def yaml_unquote(s: str) -> str:
    """A YAML double-quoted scalar as Zari writes it (util/yaml_text.h)."""
    if len(s) < 2 or s[0] != '"' or s[-1] != '"':
        raise LoopError(f"not a double-quoted scalar: {s[:80]!r}")
    out, i, body = [], 0, s[1:-1]
    simple = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "L": "\u2028", "P": "\u2029"}
    while i < len(body):
        c = body[i]
        if c != "\\":
            out.append(c)
            i += 1
            continue
        e = body[i + 1]
        if e in simple:
            out.append(simple[e])
            i += 2
        elif e in "xu":
            width = 2 if e == "x" else 4
            out.append(chr(int(body[i + 2:i + 2 + width], 16)))
            i += 2 + width
        else:
            raise LoopError(f"unknown escape \\{e} in {s[:80]!r}")
    return "".join(out)


def read_suggestions(path: Path) -> list[tuple[str, str, str]]:
    """(intent, language, text) of a `--suggest` file's add_examples."""
    out, intent, lang = [], None, None
    for line in path.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or line.startswith("add_examples"):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent == 0:
            break  # past add_examples
        if indent == 2 and stripped.endswith(":"):
            intent = json.loads(stripped[:-1]) if stripped.startswith('"') else stripped[:-1]
        elif indent == 4 and stripped.endswith(":"):
            lang = stripped[:-1]
        elif indent == 6 and stripped.startswith("- "):
            out.append((intent, lang, yaml_unquote(stripped[2:])))
    return out


def write_learned(path: Path, accepted: list[tuple[str, str, str]], round_no: int) -> None:
    by_intent: dict[str, dict[str, list[str]]] = {}
    for intent, lang, text in accepted:
        by_intent.setdefault(intent, {}).setdefault(lang, []).append(text)
    lines = [f"# teach_loop.py round {round_no}: suggestions the simulated reviewer accepted",
             "add_examples:" + ("" if by_intent else " {}")]
    for intent, langs in by_intent.items():
        lines.append(f"  {intent}:")
        for lang, texts in langs.items():
            lines.append(f"    {lang}:")
            lines += [f"      - {json.dumps(t, ensure_ascii=False)}" for t in texts]  # JSON strings are YAML
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# ------------------------------------------------------------------ steps

def feed(library: Path, pack: Path, db: Path, traffic: list[dict], round_no: int) -> None:
    """Every traffic line as one conversation of a session with a log."""
    import zari
    zari.load_library(str(library))
    with zari.Engine(str(pack), log_db=str(db), clock=CLOCK) as engine:
        for r in traffic:
            with engine.session(f"r{round_no}-{r['id']}", "web") as s:
                s.respond(r["text"])


def run(cmd: list[str]) -> str:
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise LoopError(f"`{' '.join(cmd)}` exited with {p.returncode}: {p.stderr.strip()[-800:]}")
    return p.stdout


def measure(zari_bin: Path, pack: Path, records: list[dict]) -> dict:
    texts = [run_eval.one_line(r["text"]) for r in records]
    outs, wall = run_eval.classify(zari_bin, pack, texts, None, 1800)
    return run_eval.compute([r["intent"] for r in records], outs, wall)


def check(pack: Path) -> dict:
    """`zari check --json`: examples and failures. Exit status 1 (failures)
    is expected: MASSIVE has utterances filed under two intents."""
    p = subprocess.run([str(ZARI), "check", "--json", str(pack)], capture_output=True, text=True)
    try:
        return json.loads(p.stdout.splitlines()[-1])
    except (IndexError, ValueError):
        raise LoopError(f"zari check {pack} gave no JSON (status {p.returncode}): {p.stderr.strip()[-800:]}") from None


def review(suggested: list[tuple[str, str, str]], labels: dict[str, set], everything: bool) -> tuple[list, int]:
    """The suggestions whose dev label is the intent suggested (all of them
    with `everything`: no review, for comparison); and how many could not
    be looked up (masked data)."""
    if everything:
        return list(suggested), 0
    accepted, unknown = [], 0
    for intent, lang, text in suggested:
        gold = labels.get(text)
        if gold is None:
            unknown += 1
        elif gold == {intent}:
            accepted.append((intent, lang, text))
    return accepted, unknown


def one_language(lang: str, args, manifest: dict) -> list[dict]:
    src_pack = args.out / "massive-{}-10".format(lang)
    dev = run_eval.load_dev(args.out / f"massive-{lang}.dev.jsonl", args.out)
    traffic, held = split(dev)
    labels: dict[str, set] = {}
    for r in traffic:
        labels.setdefault(r["text"], set()).add(r["intent"])
    work = args.out / "teach" / lang
    shutil.rmtree(work, ignore_errors=True)
    pack = work / "pack"
    shutil.copytree(src_pack, pack)
    rows = []
    for round_no in range(0, args.rounds + 1):
        t0 = time.perf_counter()
        row = {"lang": lang, "round": round_no, "suggested": 0, "accepted": 0, "unknown": 0, "clusters": None}
        if round_no > 0:
            db = work / f"round{round_no}.db"
            feed(args.library, pack, db, traffic, round_no)
            sugg = work / f"suggest-r{round_no}.yaml"
            report = json.loads(run([str(ZARI), "report", "--db", str(db), "--pack", str(pack), "--suggest",
                                     str(sugg), "--format", "json", "--quiet"]))
            suggested = read_suggestions(sugg)
            accepted, unknown = review(suggested, labels, args.reviewer == "none")
            write_learned(pack / f"learned-r{round_no}.yaml", accepted, round_no)
            row.update(suggested=len(suggested), accepted=len(accepted), unknown=unknown,
                       clusters=report["cluster_count"], unresolved=report["summary"]["unresolved"])
        checked = check(pack)
        row["examples"], row["check_failures"] = checked["examples"], checked["failures"]
        # What the loop adds passes check: no failure beyond the data set's own.
        if round_no > 0 and checked["failures"] > rows[0]["check_failures"]:
            raise LoopError(f"round {round_no} added check failures to {pack}: {checked['failures']} "
                            f"(the pack had {rows[0]['check_failures']})")
        row["traffic"] = measure(ZARI, pack, traffic)
        row["held_out"] = measure(ZARI, pack, held)
        row["seconds"] = time.perf_counter() - t0
        print(f"{lang} round {round_no}: " + json.dumps({k: v for k, v in row.items()
                                                          if k not in ("traffic", "held_out")}), file=sys.stderr)
        rows.append(row)
    return rows


def render(rows: list[dict], markdown: bool) -> str:
    heads = ["pack", "round", "unresolved", "suggested", "accepted", "examples",
             "traffic decided", "traffic top1", "held-out decided", "held-out top1", "held-out answered"]
    pct = lambda v: "-" if v is None else f"{100 * v:.1f}%"  # noqa: E731
    table = []
    for r in rows:
        table.append([f"massive-{r['lang']}-10", str(r["round"]), str(r.get("unresolved", "-")),
                      str(r["suggested"]) if r["round"] else "-", str(r["accepted"]) if r["round"] else "-",
                      str(r["examples"]), pct(r["traffic"]["decided_acc"]), pct(r["traffic"]["top1"]),
                      pct(r["held_out"]["decided_acc"]), pct(r["held_out"]["top1"]),
                      pct(r["held_out"]["answered_rate"])])
    return run_eval.render(heads, table, markdown)


ZARI = Path("build/bin/zari")


def main(argv=None) -> int:
    global ZARI
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--zari", type=Path, default=REPO / "build" / "bin" / "zari")
    ap.add_argument("--library", type=Path, default=REPO / "build" / "lib" / "libzari.so")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "eval")
    ap.add_argument("--langs", default="en,ka,az")
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--reviewer", choices=["labels", "none"], default="labels",
                    help="labels: accept what the dev labels confirm (default); none: accept every suggestion")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    try:
        ZARI = run_eval.check_binary(args.zari)
        if not args.library.is_file():
            raise LoopError(f"{args.library} not found (build the project, or pass --library)")
        manifest = run_eval.load_manifest(args.out)
        rows = []
        for lang in args.langs.split(","):
            rows += one_language(lang.strip(), args, manifest)
    except (LoopError, run_eval.EvalError) as e:
        print(f"teach_loop: {e}", file=sys.stderr)
        return 1
    print(render(rows, args.markdown))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
