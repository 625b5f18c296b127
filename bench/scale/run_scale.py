#!/usr/bin/env python3
"""Scaling runs: how Zari's cost grows with the size of a pack.

    python3 bench/scale/run_scale.py [--zari build-release/bin/zari] [--seconds 2]
                                     [--threads 2] [--only scale-10,massive-all-full]
                                     [--out build/scale/results] [--png docs/scale.png]

For every pack (the synthetic scale-10 ... scale-10000 of make_scale_packs.py, and the
real massive-all-full and clinc150 of bench/eval/make_packs.py, generated when missing)
it runs `zari bench --json --clock cpu` once and reports:

  * p50 / p99 latency per message of Session::Respond and of classification
    (Engine::Normalize + Decide), one thread, timed on the thread's CPU clock so that
    other processes on a shared machine do not inflate it;
  * throughput on one core and on --threads cores (one engine shared by the threads):
    messages per wall-clock second, and per CPU-second;
  * load time (wall and CPU) and RSS after load / at its peak.

Writes results.json and results.md under --out and the plot (PNG, written by
pngplot.py: standard library only) to --png. Prints the markdown table.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
from pngplot import Figure  # noqa: E402

SCALE = ["scale-10", "scale-100", "scale-1000", "scale-10000"]
REAL = ["massive-all-full", "clinc150"]


def pack_dir(name: str, build: Path) -> Path:
    return build / ("scale" if name.startswith("scale-") else "eval") / name


def ensure_packs(names, build: Path, data: Path) -> None:
    if any(n.startswith("scale-") and not (pack_dir(n, build) / "pack.yaml").is_file() for n in names):
        subprocess.run([sys.executable, str(HERE / "make_scale_packs.py"), "--data", str(data),
                        "--out", str(build / "scale")], check=True)
    if any(not n.startswith("scale-") and not (pack_dir(n, build) / "pack.yaml").is_file() for n in names):
        subprocess.run([sys.executable, str(REPO / "bench" / "eval" / "make_packs.py"), "--data", str(data),
                        "--out", str(build / "eval")], check=True)


def run_one(zari: str, pack: Path, seconds: float, threads: int, max_messages: int, timeout: float):
    cmd = [zari, "bench", "--pack", str(pack), "--json", "--clock", "cpu", "--seconds", str(seconds),
           "--threads", str(threads), "--max-messages", str(max_messages)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise SystemExit(f"run_scale: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    r = json.loads(p.stdout)
    r["process_wall_s"] = time.monotonic() - t0
    return r


def mode(r, name):
    return next((m for m in r["modes"] if m["mode"] == name), None)


def tput(m, threads, key):
    t = next((t for t in m["throughput"] if t["threads"] == threads), None)
    return t[key] if t else None


def fmt_int(v):
    return "–" if v is None else f"{v:,.0f}"


def fmt_us(v):
    return "–" if v is None else (f"{v:.2f}" if v < 10 else f"{v:.1f}" if v < 100 else f"{v:,.0f}")


def markdown(results, threads):
    head = ("| pack | intents | examples | respond p50 / p99 µs | classify p50 / p99 µs "
            f"| classify msg/s, 1 core (per CPU-s) | classify msg/s, {threads} threads (per CPU-s) "
            "| respond msg/s, 1 core (per CPU-s) | load s wall (CPU) | RSS after load / peak MB |")
    sep = "|" + "|".join(["---"] * (head.count("|") - 1)) + "|"
    rows = [head, sep]
    for r in results:
        c, s = mode(r, "classify"), mode(r, "respond")
        rows.append(
            f"| {r['label']} | {r['intents']:,} | {r['examples']:,} "
            f"| {fmt_us(s['latency_us']['p50'])} / {fmt_us(s['latency_us']['p99'])} "
            f"| {fmt_us(c['latency_us']['p50'])} / {fmt_us(c['latency_us']['p99'])} "
            f"| {fmt_int(tput(c, 1, 'msgs_per_s'))} ({fmt_int(tput(c, 1, 'msgs_per_cpu_s'))}) "
            f"| {fmt_int(tput(c, threads, 'msgs_per_s'))} ({fmt_int(tput(c, threads, 'msgs_per_cpu_s'))}) "
            f"| {fmt_int(tput(s, 1, 'msgs_per_s'))} ({fmt_int(tput(s, 1, 'msgs_per_cpu_s'))}) "
            f"| {r['load']['wall_ms'] / 1e3:.2f} ({r['load']['cpu_ms'] / 1e3:.2f}) "
            f"| {r['load']['rss_after_mb']:.0f} / {r['peak_rss_mb']:.0f} |")
    return "\n".join(rows)


def growth(results):
    """Exponent k of cost ~ intents^k between consecutive synthetic packs (1 = linear)."""
    syn = [r for r in results if r["label"].startswith("scale-")]
    out = []
    for a, b in zip(syn, syn[1:]):
        f = math.log(b["intents"] / a["intents"])
        ca, cb = mode(a, "classify"), mode(b, "classify")
        out.append({
            "from": a["intents"], "to": b["intents"],
            "latency_p50": math.log(cb["latency_us"]["p50"] / ca["latency_us"]["p50"]) / f,
            "cpu_per_msg": math.log(tput(ca, 1, "msgs_per_cpu_s") / tput(cb, 1, "msgs_per_cpu_s")) / f,
            "load_cpu": math.log(b["load"]["cpu_ms"] / a["load"]["cpu_ms"]) / f,
            "rss": math.log(b["load"]["rss_added_mb"] / max(a["load"]["rss_added_mb"], 0.1)) / f,
        })
    return out


def plot(results, path: Path, threads: int) -> None:
    syn = [r for r in results if r["label"].startswith("scale-")]
    if len(syn) < 2:
        return
    xs = [r["intents"] for r in syn]
    fig = Figure(1500, 460, 3, title="ZARI COST VS PACK SIZE (SYNTHETIC PACKS, KA+AZ+EN, THREAD CPU TIME)")
    a = fig.panel(0, "LATENCY PER MESSAGE (US)", "INTENTS", log_x=True, log_y=True)
    a.line(xs, [mode(r, "respond")["latency_us"]["p50"] for r in syn], "blue", "RESPOND P50")
    a.line(xs, [mode(r, "respond")["latency_us"]["p99"] for r in syn], "blue", "RESPOND P99", dash=8)
    a.line(xs, [mode(r, "classify")["latency_us"]["p50"] for r in syn], "orange", "CLASSIFY P50")
    a.hline(10, "red", "TARGET P50 10")
    a.hline(50, "red", "TARGET P99 50")
    b = fig.panel(1, "CLASSIFICATIONS PER CPU-SECOND", "INTENTS", log_x=True, log_y=True)
    b.line(xs, [tput(mode(r, "classify"), 1, "msgs_per_cpu_s") for r in syn], "green", "CLASSIFY")
    b.line(xs, [tput(mode(r, "respond"), 1, "msgs_per_cpu_s") for r in syn], "purple", "RESPOND")
    b.hline(200000, "red", "TARGET 200K")
    c = fig.panel(2, "LOAD: CPU S AND RSS (100 MB)", "INTENTS", log_x=True, log_y=True)
    c.line(xs, [r["load"]["cpu_ms"] / 1e3 for r in syn], "brown", "LOAD CPU S")
    c.line(xs, [r["load"]["rss_after_mb"] / 100 for r in syn], "grey", "RSS / 100 MB", dash=8)
    c.hline(1, "red", "TARGET 1 S, 100 MB")
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.save(str(path))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--zari", default=str(REPO / "build-release" / "bin" / "zari"))
    ap.add_argument("--build", default=str(REPO / "build"), help="where the packs are generated")
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--seconds", type=float, default=2.0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-messages", type=int, default=20000)
    ap.add_argument("--only", default="", help="comma-separated pack names")
    ap.add_argument("--out", default=str(REPO / "build" / "scale" / "results"))
    ap.add_argument("--png", default="", help="plot file (default: OUT/scale.png)")
    ap.add_argument("--timeout", type=float, default=3600)
    ap.add_argument("--merge", action="store_true",
                    help="add to the packs already in OUT/results.json (replacing those run again)")
    a = ap.parse_args(argv)
    if not os.access(a.zari, os.X_OK):
        raise SystemExit(f"run_scale: {a.zari} is not executable (build it: see docs/PERFORMANCE.md)")
    names = [n for n in a.only.split(",") if n] or SCALE + REAL
    build = Path(a.build)
    ensure_packs(names, build, Path(a.data))
    results = []
    for n in names:
        print(f"run_scale: {n} ...", file=sys.stderr, flush=True)
        r = run_one(a.zari, pack_dir(n, build), a.seconds, a.threads, a.max_messages, a.timeout)
        r["label"] = n
        results.append(r)
        c = mode(r, "classify")
        print(f"  {r['intents']} intents: classify p50 {c['latency_us']['p50']:.2f} us, "
              f"{tput(c, 1, 'msgs_per_cpu_s'):,.0f}/CPU-s, load {r['load']['cpu_ms']:.0f} ms CPU, "
              f"RSS {r['load']['rss_after_mb']:.0f} MB", file=sys.stderr, flush=True)
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    if a.merge and (out / "results.json").is_file():
        old = json.loads((out / "results.json").read_text(encoding="utf-8"))["results"]
        done = {r["label"] for r in results}
        results += [r for r in old if r["label"] not in done]
        order = {n: i for i, n in enumerate(SCALE + REAL)}
        results.sort(key=lambda r: order.get(r["label"], len(order)))
    with open(out / "results.json", "w", encoding="utf-8") as f:
        json.dump({"threads": a.threads, "seconds": a.seconds, "load_average_start": os.getloadavg()[0],
                   "results": results, "growth": growth(results)}, f, indent=1)
    md = markdown(results, a.threads)
    g = growth(results)
    if g:
        md += "\n\nGrowth exponent k (cost ∝ intents^k; 1 = linear) between consecutive synthetic packs:\n\n"
        md += "| intents | latency p50 | CPU per message | load CPU | RSS added |\n|---|---|---|---|---|\n"
        for e in g:
            md += (f"| {e['from']:,} → {e['to']:,} | {e['latency_p50']:.2f} | {e['cpu_per_msg']:.2f} "
                   f"| {e['load_cpu']:.2f} | {e['rss']:.2f} |\n")
    (out / "results.md").write_text(md + "\n", encoding="utf-8")
    png = Path(a.png) if a.png else out / "scale.png"
    plot(results, png, a.threads)
    print(md)
    print(f"\nrun_scale: wrote {out / 'results.json'}, {out / 'results.md'}, {png}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
