#!/usr/bin/env python3
"""Zari, nlp.js and RiveScript side by side on the same data, in one run.

    python3 bench/peers/run_peers.py [--zari build-release/bin/zari] [--repeat 100]
                                     [--out build/peers] [--langs ka,az,en]

What it does (bench/peers/README.md has the details and docs/PERFORMANCE.md the
results):
  1. installs node-nlp and rivescript from package-lock.json into
     bench/peers/node_modules (`npm ci`) when they are missing;
  2. builds the inputs from MASSIVE 1.1 train (ka, az, en): the Zari pack
     massive-all-full (bench/eval/make_packs.py), nlp.js documents (one per
     utterance), RiveScript triggers (one per distinct utterance, normalized);
  3. measures, one engine after the other on the same machine, single thread:
     - Zari through `zari classify` as a user runs it: process start to finish
       over the dev messages repeated --repeat times, and the same with no
       message, whose time (start + load + exit) is subtracted to give the
       throughput excluding load; median of 5 runs each, alternated;
     - nlp.js and RiveScript in their own node process: load/train, then the
       dev messages one at a time (after load);
     - a plain multinomial Naive Bayes (words, add-one smoothing; in Python)
       for accuracy only;
  4. accuracy on the MASSIVE dev split (6,099 messages, three languages):
     top-1 (best candidate) and decided (what the engine answers; an engine
     that declines counts as wrong); prints the table and the throughput ratios.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "bench" / "eval"))
import make_packs  # noqa: E402  (clean_text, intent_id: the same cleaning as the Zari pack)

LOCALES = {"ka": "ka-GE", "az": "az-AZ", "en": "en-US"}


def read_massive(data: Path, langs):
    train, dev = [], []
    for lang in langs:
        with open(data / "massive" / f"{LOCALES[lang]}.train-dev.jsonl", encoding="utf-8") as f:
            for line in f:
                r = json.loads(line)
                text = make_packs.clean_text(r["utt"])
                if not text:
                    continue
                row = [lang, text, make_packs.intent_id(r["intent"])]
                (train if r["partition"] == "train" else dev if r["partition"] == "dev" else []).append(row)
    return train, dev


def ensure_node_modules() -> None:
    need = [HERE / "node_modules" / "node-nlp" / "package.json", HERE / "node_modules" / "rivescript" / "package.json"]
    if all(p.is_file() for p in need):
        return
    print("run_peers: npm ci (node-nlp, rivescript) in bench/peers", file=sys.stderr, flush=True)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True)


def ensure_pack(build: Path, data: Path) -> Path:
    pack = build / "eval" / "massive-all-full"
    if not (pack / "pack.yaml").is_file():
        subprocess.run([sys.executable, str(REPO / "bench" / "eval" / "make_packs.py"), "--data", str(data),
                        "--out", str(build / "eval")], check=True)
    return pack


def run_child(cmd, stdin_path):
    """Runs cmd with stdin from a file and stdout discarded; returns (wall s, CPU s, stdout or None)."""
    with open(stdin_path, "rb") as fin:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=fin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err = p.stderr.read().decode("utf-8", "replace")
        p.stderr.close()
    if p.returncode != 0:
        raise SystemExit(f"run_peers: {' '.join(cmd)} failed ({p.returncode}): {err.strip()}")
    return wall, ru.ru_utime + ru.ru_stime


def measure_zari(zari: str, pack: Path, dev, repeat: int, work: Path, runs: int = 5):
    texts = [t for _, t, _ in dev]
    one = work / "dev.txt"
    one.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    many = work / "dev-repeated.txt"
    many.write_text("".join(t + "\n" for t in texts) * repeat, encoding="utf-8")
    empty = work / "empty.txt"
    empty.write_text("", encoding="utf-8")
    # Predictions (one pass).
    p = subprocess.run([zari, "classify", "--pack", str(pack)], stdin=open(one, "rb"), capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"run_peers: zari classify failed: {p.stderr.decode().strip()}")
    preds = []
    for line in p.stdout.decode("utf-8").splitlines():
        j = json.loads(line)
        preds.append({"intent": j["intent"], "top": j["candidates"][0]["intent"] if j["candidates"] else None})
    cmd = [zari, "classify", "--pack", str(pack)]
    # Alternated, so a drift of the host's speed hits both alike; the
    # throughput is a difference of the two medians, so the classification
    # time must dwarf the load's jitter (hence the default of 100 passes).
    empties, fulls = [], []
    for _ in range(runs):
        empties.append(run_child(cmd, empty))
        fulls.append(run_child(cmd, many))
    n = len(texts) * repeat
    e_wall = statistics.median(w for w, _ in empties)
    e_cpu = statistics.median(c for _, c in empties)
    f_wall = statistics.median(w for w, _ in fulls)
    f_cpu = statistics.median(c for _, c in fulls)
    return {
        "engine": "zari", "messages": n, "predictions": preds,
        "load": {"wall_s": e_wall, "cpu_s": e_cpu},
        "end_to_end": {"wall_s": f_wall, "cpu_s": f_cpu, "msgs_per_s": n / f_wall, "msgs_per_cpu_s": n / f_cpu},
        "msgs_per_s": n / max(f_wall - e_wall, 1e-9),
        "msgs_per_cpu_s": n / max(f_cpu - e_cpu, 1e-9),
        "runs": {"empty": empties, "full": fulls},
    }


def measure_peer(engine: str, data_path: Path, work: Path):
    out = work / f"{engine}.json"
    t0 = time.monotonic()
    p = subprocess.run(["node", str(HERE / "peers.js"), engine, str(data_path), str(out)], capture_output=True)
    if p.returncode != 0:
        raise SystemExit(f"run_peers: {engine} failed: {p.stderr.decode().strip()}")
    r = json.loads(out.read_text(encoding="utf-8"))
    r["process_wall_s"] = time.monotonic() - t0
    return r


WORD = re.compile(r"\w+", re.UNICODE)


def naive_bayes(train, dev):
    """Plain multinomial NB over lowercased words, add-one smoothing, uniform-free
    (class priors from the data), one model for all languages."""
    t0 = time.process_time()
    counts = defaultdict(Counter)
    prior = Counter()
    vocab = set()
    for _, text, intent in train:
        words = WORD.findall(text.lower())
        counts[intent].update(words)
        prior[intent] += 1
        vocab.update(words)
    v = len(vocab)
    total = sum(prior.values())
    model = {}
    for c, cnt in counts.items():
        denom = sum(cnt.values()) + v
        model[c] = (math.log(prior[c] / total), {w: math.log((k + 1) / denom) for w, k in cnt.items()},
                    math.log(1 / denom))
    load = time.process_time() - t0
    t1 = time.process_time()
    preds = []
    for _, text, _ in dev:
        words = WORD.findall(text.lower())
        best, best_c = -1e300, None
        for c, (lp, lw, unk) in model.items():
            s = lp + sum(lw.get(w, unk) for w in words)
            if s > best:
                best, best_c = s, c
        preds.append({"intent": best_c, "top": best_c})
    run = time.process_time() - t1
    return {"engine": "naive_bayes", "predictions": preds, "load": {"cpu_s": load},
            "msgs_per_cpu_s": len(dev) / run if run else 0}


def accuracy(preds, dev, every=1):
    """preds answer dev[0], dev[every], dev[2*every], ..."""
    dev = dev[::every]
    n = len(dev)
    top = sum(1 for p, (_, _, g) in zip(preds, dev) if p["top"] == g) / n
    dec = sum(1 for p, (_, _, g) in zip(preds, dev) if p["intent"] == g) / n
    per_lang = {}
    for lang in sorted(set(l for l, _, _ in dev)):
        idx = [i for i, (l, _, _) in enumerate(dev) if l == lang]
        per_lang[lang] = sum(1 for i in idx if preds[i]["top"] == dev[i][2]) / len(idx)
    return {"top1": top, "decided": dec, "top1_per_lang": per_lang, "n": n, "every": every}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zari", default=str(REPO / "build-release" / "bin" / "zari"))
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--build", default=str(REPO / "build"))
    ap.add_argument("--out", default=str(REPO / "build" / "peers"))
    ap.add_argument("--langs", default="ka,az,en")
    ap.add_argument("--repeat", type=int, default=100, help="passes over the dev messages for Zari's throughput")
    ap.add_argument("--peer-repeat", type=int, default=3, help="timed passes for nlp.js / RiveScript")
    ap.add_argument("--peer-seconds", type=float, default=60, help="CPU-second cap of a peer's timed passes")
    ap.add_argument("--skip", default="", help="comma-separated: nlpjs, rivescript")
    ap.add_argument("--rivescript-every", type=int, default=10,
                    help="RiveScript answers every k-th dev message (it takes ~70 ms a message)")
    a = ap.parse_args(argv)
    if not os.access(a.zari, os.X_OK):
        raise SystemExit(f"run_peers: {a.zari} is not executable (build it first; docs/PERFORMANCE.md)")
    langs = a.langs.split(",")
    data = Path(a.data)
    work = Path(a.out)
    work.mkdir(parents=True, exist_ok=True)
    ensure_node_modules()
    train, dev = read_massive(data, langs)
    pack = ensure_pack(Path(a.build), data)
    if langs != list(LOCALES):
        raise SystemExit("run_peers: the Zari pack massive-all-full has ka, az and en; use all three")
    data_path = work / "data.json"
    data_path.write_text(json.dumps({"languages": langs, "train": train, "dev": dev,
                                     "repeat": a.peer_repeat, "max_seconds": a.peer_seconds,
                                     "sample_every": {"rivescript": a.rivescript_every}},
                                    ensure_ascii=False), encoding="utf-8")
    load_avg = os.getloadavg()[0]
    results = {}
    print(f"run_peers: {len(train)} train, {len(dev)} dev messages; load average {load_avg:.2f}", file=sys.stderr)
    print("run_peers: zari ...", file=sys.stderr, flush=True)
    results["zari"] = measure_zari(a.zari, pack, dev, a.repeat, work)
    skip = set(a.skip.split(","))
    for engine in ("nlpjs", "rivescript"):
        if engine in skip:
            continue
        print(f"run_peers: {engine} ...", file=sys.stderr, flush=True)
        results[engine] = measure_peer(engine, data_path, work)
    results["naive_bayes"] = naive_bayes(train, dev)
    for r in results.values():
        every = r.get("sample_every", 1)
        r["accuracy"] = accuracy(r["predictions"], dev, every)
        if every > 1:  # the others on the same subset, for a like-for-like comparison
            for o in results.values():
                if o.get("sample_every", 1) == 1:
                    o.setdefault("accuracy_subsets", {})[str(every)] = accuracy(o["predictions"][::every], dev, every)

    z = results["zari"]
    names = {"zari": "Zari (`zari classify`)", "nlpjs": f"nlp.js (node-nlp {results.get('nlpjs', {}).get('version', '')})",
             "rivescript": f"RiveScript {results.get('rivescript', {}).get('version', '')}",
             "naive_bayes": "multinomial Naive Bayes (Python, accuracy only)"}
    lines = ["| engine | dev msgs | top-1 acc | decided acc | top-1 ka / az / en | msgs/s (wall) | msgs per CPU-s "
             "| load/train s (CPU) | Zari × (wall / CPU) |", "|---|---|---|---|---|---|---|---|---|"]
    for key, r in results.items():
        acc = r["accuracy"]
        pl = " / ".join(f"{acc['top1_per_lang'][l]:.3f}" for l in langs)
        wall = r.get("msgs_per_s")
        cpu = r.get("msgs_per_cpu_s")
        ratio = "–"
        if key not in ("zari", "naive_bayes") and wall and cpu:
            ratio = f"{z['msgs_per_s'] / wall:,.0f}× / {z['msgs_per_cpu_s'] / cpu:,.0f}×"
        lines.append(f"| {names[key]} | {acc['n']:,} | {acc['top1']:.3f} | {acc['decided']:.3f} | {pl} "
                     f"| {'–' if wall is None else f'{wall:,.0f}'} | {'–' if cpu is None else f'{cpu:,.0f}'} "
                     f"| {r['load']['cpu_s']:.2f} | {ratio} |")
    md = "\n".join(lines)
    e2e = z["end_to_end"]
    md += (f"\n\nZari end to end (process start to exit, {z['messages']:,} messages incl. start and load): "
           f"{e2e['msgs_per_s']:,.0f} msgs/s wall, {e2e['msgs_per_cpu_s']:,.0f} per CPU-s; "
           f"start + load + exit alone: {z['load']['wall_s']:.2f} s wall, {z['load']['cpu_s']:.2f} s CPU.\n"
           f"Load average at the start: {load_avg:.2f} (2 CPUs).\n")
    for key in ("nlpjs", "rivescript"):
        if key in results:
            r = results[key]
            md += (f"{names[key]}: timed {r['run']['messages']:,} messages after load in {r['run']['cpu_s']:.1f} CPU-s; "
                   f"peak RSS {r['peak_rss_mb']:.0f} MB.\n")
    for key, r in results.items():
        for every, acc in r.get("accuracy_subsets", {}).items():
            md += (f"On every {every}th dev message ({acc['n']:,}, the RiveScript subset), {names[key]}: "
                   f"top-1 {acc['top1']:.3f}, decided {acc['decided']:.3f}.\n")
    for r in results.values():
        r.pop("predictions", None)
    (work / "results.json").write_text(json.dumps({"load_average_start": load_avg, "results": results}, indent=1),
                                       encoding="utf-8")
    (work / "results.md").write_text(md, encoding="utf-8")
    print(md)
    for key, target in (("nlpjs", 15), ("rivescript", 150)):
        if key in results:
            ratio = z["msgs_per_cpu_s"] / results[key]["msgs_per_cpu_s"]
            better = z["accuracy"]["top1"] > results[key]["accuracy"]["top1"]
            print(f"target Zari >= {target}x {names[key]} (per CPU-s): {ratio:,.1f}x -> "
                  f"{'met' if ratio >= target else 'NOT met'}; accuracy {'higher' if better else 'NOT higher'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
