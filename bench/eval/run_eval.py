#!/usr/bin/env python3
"""Measure Zari's intent accuracy on the packs written by make_packs.py.

    python3 bench/eval/run_eval.py [--zari build/bin/zari] [--out build/eval]
                                   [--only massive-en-full,clinc150] [--rewrite]
                                   [--thresholds-sweep] [--json FILE] [--markdown]

For every selected pack this runs `zari classify --pack <pack>` once, feeds all
dev texts on stdin (one per line), reads one JSON object per line back and prints:

  n            dev lines
  top1         candidates[0].intent == gold, over in-scope lines
  decided acc  intent == gold (the engine's decision), over in-scope lines
  answered     action == "answer", over all lines (likewise clarify, fallback)
  oos recall   intent is null, over out-of-scope lines (CLINC150 only)
  msgs/s       lines / wall-clock seconds of the whole classify run, incl. pack load

The few-shot runs (5, 10, 20 examples per intent; packs with examples in one
language only, run on every language's dev file) get a second table with, over
in-scope lines: top1, answered correctly (= decided acc), useful (answered
correctly, or a clarify whose options include the right intent), wrong (answered
with another intent), and fallback. --few-shot runs only those.

--rewrite also runs the ka dev set rewritten in the three Georgian Latin styles and
the az dev set in az-ascii (rewrite.py) against massive-ka-full / massive-az-full and
shows each figure with its ratio to the native-script figure.

--thresholds-sweep recomputes, from the candidate scores of the CLINC150 run, what
the decision would be for every (answer, suggest) pair in 0.05 steps.

Python 3.11 standard library only. Exit status 0 on success, 1 on any error
(missing binary, missing pack, failed or misaligned classify run).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True          # keep bench/eval free of __pycache__
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import rewrite as rewrite_mod  # noqa: E402

REWRITES = (("massive-ka-full", "ka-latn-digraph"),
            ("massive-ka-full", "ka-latn-keyboard"),
            ("massive-ka-full", "ka-latn-keyboard-lower"),
            ("massive-az-full", "az-ascii"))
SWEEP_PACK = "clinc150"
EPS = 1e-9
METRICS = (  # key, table header, kind
    ("n", "n", "int"),
    ("top1", "top1", "pct"),
    ("decided_acc", "decided acc", "pct"),
    ("answered_rate", "answered", "pct"),
    ("clarify_rate", "clarify", "pct"),
    ("fallback_rate", "fallback", "pct"),
    ("oos_recall", "oos recall", "pct"),
    ("msgs_per_s", "msgs/s", "rate"),
)
FEW_SHOT_METRICS = (  # the few-shot table
    ("n", "n", "int"),
    ("top1", "top1", "pct"),
    ("decided_acc", "answered correctly", "pct"),
    ("useful", "useful", "pct"),
    ("wrong", "wrong", "pct"),
    ("clarify_rate", "clarify", "pct"),
    ("fallback_rate", "fallback", "pct"),
    ("oos_recall", "oos recall", "pct"),
)


class EvalError(Exception):
    pass


def make_packs_hint(out: Path) -> str:
    return f"run: python3 bench/eval/make_packs.py --out {out}"


# ------------------------------------------------------------------ inputs

def load_manifest(out: Path) -> dict:
    path = out / "manifest.json"
    if not path.is_file():
        raise EvalError(f"{path} not found; the evaluation packs have not been built "
                        f"({make_packs_hint(out)})")
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        raise EvalError(f"{path}: {e} ({make_packs_hint(out)})") from None


def load_dev(path: Path, out: Path) -> list[dict]:
    if not path.is_file():
        raise EvalError(f"dev file {path} not found ({make_packs_hint(out)})")
    recs = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                if not isinstance(r.get("text"), str):
                    raise ValueError('no string "text"')
            except (ValueError, AttributeError) as e:
                raise EvalError(f"{path}:{lineno}: bad dev line ({e})") from None
            recs.append(r)
    if not recs:
        raise EvalError(f"dev file {path} is empty ({make_packs_hint(out)})")
    return recs


def one_line(text: str) -> str:
    # str.splitlines() separators; a text must stay one stdin line
    for ch in "\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029":
        text = text.replace(ch, " ")
    return text


def check_binary(zari: Path) -> Path:
    if not zari.exists() and os.sep not in str(zari) and shutil.which(str(zari)):
        zari = Path(shutil.which(str(zari)))          # a bare name found on PATH
    if not zari.exists():
        raise EvalError(f"zari binary not found at {zari} (build the project first, "
                        f"or pass --zari PATH)")
    if not zari.is_file() or not os.access(zari, os.X_OK):
        raise EvalError(f"{zari} is not an executable file (pass --zari PATH)")
    return zari


# ------------------------------------------------------------------ running

def classify(zari: Path, pack: Path, texts: list[str], lang: str | None,
             timeout: float | None) -> tuple[list[dict], float]:
    cmd = [str(zari), "classify", "--options", "--pack", str(pack)]
    if lang:
        cmd += ["--lang", lang]
    data = "".join(t + "\n" for t in texts).encode("utf-8")
    t0 = time.perf_counter()
    try:
        proc = subprocess.run(cmd, input=data, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise EvalError(f"`{' '.join(cmd)}` did not finish within {timeout} s") from None
    except OSError as e:
        raise EvalError(f"cannot run {zari}: {e}") from None
    wall = time.perf_counter() - t0
    err = proc.stderr.decode("utf-8", "replace").strip()
    if proc.returncode != 0:
        tail = "\n".join(err.splitlines()[-10:]) or "(no stderr)"
        raise EvalError(f"`{' '.join(cmd)}` exited with status {proc.returncode}:\n{tail}")
    raw = proc.stdout.split(b"\n")
    if raw and raw[-1] == b"":
        raw.pop()
    if len(raw) != len(texts):
        raise EvalError(f"`{' '.join(cmd)}` wrote {len(raw)} output lines for {len(texts)} "
                        f"input lines; every input line must give exactly one JSON line"
                        + (f"\nstderr: {err[-500:]}" if err else ""))
    outs = []
    for i, (line, text) in enumerate(zip(raw, texts), 1):
        try:
            obj = json.loads(line.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as e:
            raise EvalError(f"classify output line {i} is not valid UTF-8 JSON ({e}): "
                            f"{line[:200]!r}") from None
        check_reply(obj, i, text)
        outs.append(obj)
    return outs, wall


def check_reply(obj, i: int, text: str) -> None:
    where = f"classify output line {i}"
    if not isinstance(obj, dict):
        raise EvalError(f"{where}: expected a JSON object")
    for key in ("intent", "action", "candidates"):
        if key not in obj:
            raise EvalError(f"{where}: missing field {key!r}")
    if obj["intent"] is not None and not isinstance(obj["intent"], str):
        raise EvalError(f"{where}: 'intent' must be a string or null")
    if not isinstance(obj["candidates"], list):
        raise EvalError(f"{where}: 'candidates' must be a list")
    for c in obj["candidates"]:
        if not isinstance(c, dict) or "intent" not in c or not isinstance(
                c.get("score"), (int, float)):
            raise EvalError(f"{where}: each candidate needs 'intent' and a numeric 'score'")
    if "text" in obj and isinstance(obj["text"], str) and obj["text"].strip() != text.strip():
        raise EvalError(f"{where}: 'text' is {obj['text'][:80]!r} but input line {i} was "
                        f"{text[:80]!r} (output out of order?)")


# ------------------------------------------------------------------ metrics

def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def compute(golds: list, outs: list[dict], wall: float) -> dict:
    n = len(golds)
    ins = [i for i, g in enumerate(golds) if g is not None]
    oos = [i for i, g in enumerate(golds) if g is None]

    def top(o):
        c = o["candidates"]
        return c[0]["intent"] if c else None

    actions: dict[str, int] = {}
    for o in outs:
        actions[str(o["action"])] = actions.get(str(o["action"]), 0) + 1
    answered = [i for i, o in enumerate(outs) if o["action"] == "answer"]

    def useful(i):
        o = outs[i]
        if o["action"] == "clarify":
            return golds[i] in o.get("options", ())
        return o["intent"] == golds[i]
    m = {
        "n": n, "n_in_scope": len(ins), "n_oos": len(oos),
        "top1": ratio(sum(top(outs[i]) == golds[i] for i in ins), len(ins)),
        "decided_acc": ratio(sum(outs[i]["intent"] == golds[i] for i in ins), len(ins)),
        "useful": ratio(sum(useful(i) for i in ins), len(ins)),
        "wrong": ratio(sum(outs[i]["action"] == "answer" and outs[i]["intent"] != golds[i]
                           for i in ins), len(ins)),
        "answered_rate": actions.get("answer", 0) / n,
        "clarify_rate": actions.get("clarify", 0) / n,
        "fallback_rate": actions.get("fallback", 0) / n,
        "other_rate": (n - sum(actions.get(k, 0) for k in ("answer", "clarify", "fallback"))) / n,
        "answer_precision": ratio(sum(outs[i]["intent"] == golds[i] for i in answered),
                                  len(answered)),
        "oos_recall": ratio(sum(outs[i]["intent"] is None for i in oos), len(oos)),
        "actions": dict(sorted(actions.items())),
        "no_candidates": sum(1 for o in outs if not o["candidates"]),
        "wall_s": wall,
        "msgs_per_s": n / wall if wall > 0 else None,
    }
    return m


def sweep(golds: list, outs: list[dict]) -> dict:
    """Decisions recomputed from candidates[0].score for a grid of thresholds."""
    tops = []
    for o in outs:
        c = o["candidates"]
        tops.append((c[0]["intent"], float(c[0]["score"])) if c else (None, -1.0))
    top3 = [[c["intent"] for c in o["candidates"][:3]] for o in outs]
    ins = [i for i, g in enumerate(golds) if g is not None]
    oos = [i for i, g in enumerate(golds) if g is None]
    n = len(golds)
    rows = []
    for a100 in range(0, 101, 5):
        a = a100 / 100
        ans = [tops[i][1] + EPS >= a for i in range(n)]
        correct = sum(ans[i] and tops[i][0] == golds[i] for i in ins)
        n_ans = sum(ans)
        acc = ratio(correct, len(ins))
        oos_rec = ratio(sum(not ans[i] for i in oos), len(oos))
        for s100 in range(0, a100 + 1, 5):
            s = s100 / 100
            clar = [not ans[i] and tops[i][1] + EPS >= s for i in range(n)]
            rows.append({
                "answer": a, "suggest": s,
                "decided_acc": acc,
                "oos_recall": oos_rec,
                "balanced": None if acc is None or oos_rec is None else (acc + oos_rec) / 2,
                "answer_precision": ratio(correct, n_ans),
                "answered_rate": n_ans / n,
                "clarify_rate": sum(clar) / n,
                "fallback_rate": sum(1 for i in range(n) if not ans[i] and not clar[i]) / n,
                # in-scope lines sent to clarify whose gold intent is among the top 3
                "clarify_hit": ratio(sum(clar[i] and golds[i] in top3[i] for i in ins), len(ins)),
                # out-of-scope lines that get a clarify question instead of the fallback
                "oos_clarify": ratio(sum(clar[i] for i in oos), len(oos)),
            })
    best = max((r for r in rows if r["balanced"] is not None and r["suggest"] == 0.0),
               key=lambda r: (r["balanced"], r["answer"]), default=None)
    no_cand = sum(1 for o in outs if not o["candidates"])
    return {"pack": SWEEP_PACK, "rows": rows,
            "best_answer_by_balanced": best["answer"] if best else None,
            "lines_without_candidates": no_cand}


# ------------------------------------------------------------------ output

def fmt(kind: str, v) -> str:
    if v is None:
        return "-"
    if kind == "int":
        return str(v)
    if kind == "pct":
        return f"{100 * v:.1f}%"
    if kind == "rate":
        return f"{v:,.0f}"
    return f"{v:.3f}"


def table_rows(runs: list[dict], metrics=METRICS) -> tuple[list[str], list[list[str]]]:
    headers = ["dataset"] + [h for _, h, _ in metrics]
    rows = []
    for r in runs:
        cells = [r["name"]]
        for key, _, kind in metrics:
            cell = fmt(kind, r["metrics"].get(key))
            if r.get("ratios") is not None and key != "n":
                q = r["ratios"].get(key)
                cell += f" ({q:.2f}x)" if q is not None else ""
            cells.append(cell)
        rows.append(cells)
    return headers, rows


def render(headers, rows, markdown: bool) -> str:
    if markdown:
        out = ["| " + " | ".join(headers) + " |",
               "|" + "|".join("---" if i == 0 else "---:" for i in range(len(headers))) + "|"]
        out += ["| " + " | ".join(r) + " |" for r in rows]
        return "\n".join(out)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
              for i, h in enumerate(headers)]
    line = lambda cells: " | ".join(  # noqa: E731
        c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
    return "\n".join([line(headers), "-+-".join("-" * w for w in widths)]
                     + [line(r) for r in rows])


def few_shot_rows(runs: list[dict]) -> tuple[list[str], list[list[str]]]:
    """The few-shot table: one row per (pack, dev language), by examples per intent."""
    runs = sorted(runs, key=lambda r: ("-only-" in r["pack"], r["dataset"] != "massive",
                                       r["few_shot"]["per_intent"],
                                       len(r["few_shot"]["example_langs"])))
    headers = ["pack", "examples in", "per intent", "dev"] + [h for _, h, _ in FEW_SHOT_METRICS]
    rows = []
    for r in runs:
        fs = r["few_shot"]
        rows.append([r["pack"], "+".join(fs["example_langs"]), str(fs["per_intent"]),
                     f"{r['dataset']}-{fs['dev_lang']}"]
                    + [fmt(kind, r["metrics"].get(key)) for key, _, kind in FEW_SHOT_METRICS])
    return headers, rows


def render_sweep(sw: dict, markdown: bool) -> str:
    out = [f"Threshold sweep on {sw['pack']} (decision recomputed from candidates[0].score;"
           f" answer when score >= answer, clarify when suggest <= score < answer)"]
    if sw["lines_without_candidates"]:
        out.append(f"note: {sw['lines_without_candidates']} lines had no candidates "
                   f"(treated as score -1: always fallback)")
    heads = ["answer", "decided acc", "oos recall", "balanced", "answer prec.", "answered"]
    rows = [[f"{r['answer']:.2f}", fmt("pct", r["decided_acc"]), fmt("pct", r["oos_recall"]),
             fmt("pct", r["balanced"]), fmt("pct", r["answer_precision"]),
             fmt("pct", r["answered_rate"])]
            for r in sw["rows"] if r["suggest"] == 0.0]
    out += ["", render(heads, rows, markdown)]
    if sw["best_answer_by_balanced"] is not None:
        out.append(f"best answer threshold by balanced (mean of decided acc and oos recall): "
                   f"{sw['best_answer_by_balanced']:.2f}")
    heads = ["answer", "suggest", "clarify", "clarify hit", "oos clarify", "fallback"]
    rows = [[f"{r['answer']:.2f}", f"{r['suggest']:.2f}", fmt("pct", r["clarify_rate"]),
             fmt("pct", r["clarify_hit"]), fmt("pct", r["oos_clarify"]),
             fmt("pct", r["fallback_rate"])]
            for r in sw["rows"] if r["suggest"] < r["answer"]]
    out += ["", "clarify band per (answer, suggest): clarify = share of all lines; clarify hit ="
            " in-scope lines clarified with the gold intent in the top 3;", "oos clarify = "
            "out-of-scope lines clarified instead of falling back", "",
            render(heads, rows, markdown)]
    return "\n".join(out)


# ------------------------------------------------------------------ main

def plan(manifest: dict, only: list[str] | None, with_rewrite: bool, with_sweep: bool,
         out: Path, few_shot_only: bool = False):
    packs = {p["name"]: p for p in manifest.get("packs", [])}
    if not packs:
        raise EvalError(f"{out / 'manifest.json'} lists no packs ({make_packs_hint(out)})")
    if only:
        unknown = [n for n in only if n not in packs]
        if unknown:
            raise EvalError(f"unknown pack(s) in --only: {', '.join(unknown)}; "
                            f"available: {', '.join(packs)}")
        names = list(dict.fromkeys(only))
    elif few_shot_only:
        names = [n for n, p in packs.items() if "few_shot" in p]
    else:
        names = list(packs)
    extra = []
    if with_rewrite:
        extra += [p for p, _ in REWRITES]
    if with_sweep:
        extra.append(SWEEP_PACK)
    for n in extra:
        if n not in packs:
            raise EvalError(f"pack {n} is not in the manifest ({make_packs_hint(out)})")
        if n not in names:
            names.append(n)
    for n in names:
        pdir = out / packs[n]["pack"]
        if not (pdir / "pack.yaml").is_file():
            raise EvalError(f"pack {pdir} not found ({make_packs_hint(out)})")
    return [packs[n] for n in names]


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Figures are explained in bench/eval/README.md.")
    ap.add_argument("--zari", type=Path, default=REPO / "build" / "bin" / "zari",
                    help="the zari executable (any executable speaking `classify`; "
                         "default: %(default)s)")
    ap.add_argument("--out", type=Path, default=REPO / "build" / "eval",
                    help="directory written by make_packs.py (default: %(default)s)")
    ap.add_argument("--only", help="comma-separated pack names, e.g. massive-en-full,clinc150")
    ap.add_argument("--rewrite", action="store_true",
                    help="also run ka dev in 3 Latin styles and az dev in az-ascii")
    ap.add_argument("--thresholds-sweep", action="store_true",
                    help="report CLINC150 accuracy / oos recall for a grid of thresholds")
    ap.add_argument("--few-shot", action="store_true",
                    help="run only the few-shot packs (5, 10, 20 per intent; one-language packs)")
    ap.add_argument("--json", type=Path, metavar="FILE", help="write all figures as JSON")
    ap.add_argument("--markdown", action="store_true", help="print markdown tables")
    ap.add_argument("--force-lang", action="store_true",
                    help="pass --lang <pack language> to zari classify (default: detect)")
    ap.add_argument("--save-outputs", type=Path, metavar="DIR",
                    help="write each run's dev lines with the engine's replies to DIR")
    ap.add_argument("--timeout", type=float, default=1800,
                    help="seconds per classify run (default: %(default)s)")
    args = ap.parse_args(argv)
    try:
        sys.stdout.reconfigure(encoding="utf-8")
        only = [s.strip() for s in args.only.split(",") if s.strip()] if args.only else None
        manifest = load_manifest(args.out)
        packs = plan(manifest, only, args.rewrite, args.thresholds_sweep, args.out, args.few_shot)
        args.zari = check_binary(args.zari)
        dev_cache: dict[str, list] = {}
        for p in packs:
            if p["dev"] not in dev_cache:
                dev_cache[p["dev"]] = load_dev(args.out / p["dev"], args.out)
        jobs = [(p, None) for p in packs]
        if args.rewrite:
            by_name = {p["name"]: p for p in packs}
            jobs += [(by_name[pack], mode) for pack, mode in REWRITES]
        if args.save_outputs:
            args.save_outputs.mkdir(parents=True, exist_ok=True)

        results, native, sweep_result = [], {}, None
        for p, mode in jobs:
            recs = dev_cache[p["dev"]]
            if mode:
                recs = [rewrite_mod.rewrite_record(r, mode) for r in recs]
            texts = [one_line(r["text"]) for r in recs]
            golds = [r.get("intent") for r in recs]
            name = p["name"] + (f"+{mode}" if mode else "")
            print(f"run_eval: {name}: {len(texts)} lines ...", file=sys.stderr, flush=True)
            outs, wall = classify(args.zari, args.out / p["pack"], texts,
                                  p.get("language") if args.force_lang else None, args.timeout)
            m = compute(golds, outs, wall)
            res = {"name": name, "pack": p["pack"], "dataset": p["dataset"],
                   "language": p.get("language"), "dev": p["dev"], "rewrite": mode,
                   "metrics": m, "ratios": None, "main": p.get("main", True)}
            if "few_shot" in p and not mode:
                res["few_shot"] = p["few_shot"]
            if mode:
                base = native[p["name"]]["metrics"]
                res["native"] = p["name"]
                res["ratios"] = {k: ratio(m.get(k), base.get(k)) for k, _, _ in METRICS
                                 if k != "n"}
            else:
                native[p["name"]] = res
            if args.thresholds_sweep and not mode and p["name"] == SWEEP_PACK:
                sweep_result = sweep(golds, outs)
            if args.save_outputs:
                with open(args.save_outputs / f"{name}.jsonl", "w", encoding="utf-8") as f:
                    for r, o in zip(recs, outs):
                        f.write(json.dumps({"id": r.get("id"), "text": r["text"],
                                            "gold": r.get("intent"), "reply": o},
                                           ensure_ascii=False) + "\n")
            results.append(res)
    except EvalError as e:
        print(f"run_eval: error: {e}", file=sys.stderr)
        return 1

    # show each rewritten run right under its native-script run
    order = []
    for r in results:
        if not r["rewrite"] and r["main"]:
            order.append(r)
            order += [x for x in results if x["rewrite"] and x["native"] == r["name"]]
    if order:
        headers, rows = table_rows(order)
        print(render(headers, rows, args.markdown))
    few = [r for r in results if "few_shot" in r]
    if few:
        if order:
            print()
        print("Few-shot packs (top1, answered correctly, useful, wrong over in-scope lines;"
              " clarify, fallback over all lines)")
        headers, rows = few_shot_rows(few)
        print(render(headers, rows, args.markdown))
    if any(r["rewrite"] for r in results):
        print("\n(x) = ratio to the same figure on native-script input "
              "(massive-ka-full / massive-az-full)")
    if sweep_result:
        print()
        print(render_sweep(sweep_result, args.markdown))
    if args.json:
        doc = {"zari": str(args.zari), "out": str(args.out), "force_lang": args.force_lang,
               "runs": results, "thresholds_sweep": sweep_result}
        try:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            with open(args.json, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False, indent=1)
                f.write("\n")
        except OSError as e:
            print(f"run_eval: error: cannot write {args.json}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
