#!/usr/bin/env python3
"""`zari serve` and `zari fastagi` under load, in one command (bench/load/README.md).

    python3 bench/load/run_load.py [--zari build-rel/bin/zari] [--only keepalive,events,...]
                                   [--repeat 3] [--seconds 10] [--out build/load] [--smoke]

Steps (--only picks some; all by default):
  keepalive  wrk posting POST /api/v1/message over 1, 64 and 256 kept-alive
             connections, visitors continuing their conversations
             (message.lua), with --store memory and --store sqlite:PATH
  events     10,000 visitors waiting on GET /api/v1/events (wait=30, each
             its own conversation) while 64 wrk connections send messages:
             server RSS, message throughput, how late each poll is answered
  fastagi    zari fastagi with 64 concurrent calls from load_client (agi)
  peer       the same message load against nlp.js behind Node's http
             (nlpjs_server.js), alternated with zari serve
  operators  10 operators and 500 conversations through the operator API;
             fails unless every message arrives exactly once and in order
  previous   with --previous ZARI: the wrk commands of the issue against the
             previous server (cpp-httplib) and this one, alternated

Every server is started here on a free port of 127.0.0.1 and stopped at
the end. Results: OUT/results.json and OUT/results.md. --smoke runs every
step with tiny sizes and checks only that each ran (the ctest bench_load_smoke).
Exit status 77 when wrk is missing (ctest: skipped).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import loadlib  # noqa: E402
import operators_load  # noqa: E402
import report  # noqa: E402
from loadlib import HERE, PACK, REPO, WEDNESDAY, BenchError, Sampler, Server, log, run_wrk  # noqa: E402

STEPS = ["keepalive", "events", "fastagi", "peer", "operators", "previous"]


def sizes(args):
    """The run's sizes: full, or tiny for --smoke."""
    if args.smoke:
        return dict(conns=[1, 8], seconds=1.0, warmup=1.0, repeat=1, waiters=50, wait=2, events_seconds=5.0,
                    events_conns=8, agi_seconds=2.0, agi_concurrency=8, peer_conns=8, operators=2, visitors=10,
                    rounds=3)
    return dict(conns=args.connections, seconds=args.seconds, warmup=2.0, repeat=args.repeat, waiters=args.waiters,
                wait=30, events_seconds=45.0, events_conns=64, agi_seconds=args.seconds, agi_concurrency=64,
                peer_conns=64, operators=args.operators, visitors=args.visitors, rounds=args.rounds)


def zari_serve(args, *extra, name="zari serve"):
    cmd = [args.zari, "serve", "--pack", PACK, "--listen", "127.0.0.1:0", "--now", WEDNESDAY, "--quiet"]
    return Server(cmd + list(args.server_arg) + list(extra), name)


def quiet_moment(args):
    return loadlib.wait_quiet(args.max_load, args.quiet_wait) if args.max_load else loadlib.loadavg()[0]


def measure_wrk(args, server, conns, seconds, turns=8, **kw):
    """One wrk run of message.lua against `server`, with the server's CPU time and the load average."""
    load_before = quiet_moment(args)
    cpu0 = server.cpu_s()
    r = run_wrk("http://127.0.0.1:%d/api/v1/message" % server.port, conns, seconds, HERE / "message.lua",
                (args.out / "messages.lua", turns), **kw)
    r["server_cpu_s"] = server.cpu_s() - cpu0
    r["loadavg_before"], r["loadavg_after"] = load_before, loadlib.loadavg()[0]
    r["connections"] = conns
    bad = r["errors"]["status"] + r.get("bad", 0) + r["errors"]["connect"] + r["errors"]["read"]
    if r["requests"] == 0 or bad:
        raise BenchError("wrk against %s: %d requests, %d failed:\n%s\n%s" %
                         (server.name, r["requests"], bad, r["stdout"], server.stderr()))
    log("%s, %d connections: %.0f req/s, p50 %.2f ms, p99 %.2f ms (load %.2f)" %
        (server.name, conns, r["rps"], r["latency_us"]["p50"] / 1e3, r["latency_us"]["p99"] / 1e3, load_before))
    r.pop("stdout")
    return r


STORES = ("memory", "sqlite", "redis")


def start_store_server(args, store, redis):
    """zari serve with --store memory, sqlite:OUT/keepalive-store.sqlite (a new file) or redis://."""
    if store == "memory":
        return zari_serve(args, name="zari serve --store memory")
    if store == "redis":
        return zari_serve(args, "--store", redis.url(), name="zari serve --store redis")
    db = args.out / "keepalive-store.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return zari_serve(args, "--store", "sqlite:%s" % db, name="zari serve --store sqlite")


def step_keepalive(args, sz):
    """The three stores side by side: one server each, runs alternated
    (memory, sqlite, redis, memory, …) so that the host's load falls on all
    alike; then what the Redis holds per conversation."""
    stores = [s for s in STORES if s in args.stores.split(",")]
    if "redis" in stores and not (shutil.which("redis-server") and shutil.which("redis-cli")):
        log("keepalive: --store redis skipped: redis-server or redis-cli missing (scripts/setup-deps.sh)")
        stores.remove("redis")
    redis = loadlib.Redis() if "redis" in stores else None
    servers = {}
    try:
        redis_before = redis.used_memory() if redis else None
        for store in stores:
            servers[store] = start_store_server(args, store, redis)
            measure_wrk(args, servers[store], 64, sz["warmup"])  # warm-up: caches, allocator, the file
        rows = keepalive_runs(args, sz, servers)
        redis_row = redis_memory(redis, redis_before) if redis else None
    finally:
        stop_all(list(servers.values()))
        if redis:
            redis.stop()
    return {"rows": rows, "redis": redis_row}


def keepalive_runs(args, sz, servers):
    rows = []
    for conns in sz["conns"]:
        runs = {store: [] for store in servers}
        for _ in range(sz["repeat"]):
            for store, server in servers.items():
                runs[store].append(measure_wrk(args, server, conns, sz["seconds"]))
        for store, server in servers.items():
            rows.append({"store": store, "connections": conns, "runs": runs[store],
                         "rss_mib": server.status()["VmRSS"] / 1024})
    return rows


def redis_memory(redis, before):
    """used_memory (INFO memory) grown over the run ÷ the conversations held (keys s:ID)."""
    after = redis.used_memory()
    conversations = redis.count("zari:s:*")
    keys = int(redis.cli("DBSIZE") or 0)
    sizes = sample_sizes(redis, 100)
    row = {"used_memory_before": before, "used_memory_after": after, "conversations": conversations,
           "keys": keys, "bytes_per_conversation": (after - before) / conversations if conversations else None,
           "redis_version": redis.version, "redis_cpu_s": redis.cpu_s(), **sizes}
    log("redis: %d conversations, %d keys, used_memory %.1f → %.1f MiB: %.0f bytes per conversation" %
        (conversations, keys, before / 2**20, after / 2**20, row["bytes_per_conversation"] or 0))
    return row


def sample_sizes(redis, n):
    """MEMORY USAGE and STRLEN of n random conversation states (s:ID), averaged."""
    usage, length = [], []
    for _ in range(n):
        key = redis.cli("RANDOMKEY")
        if not key.startswith("zari:s:"):
            continue
        usage.append(int(redis.cli("MEMORY", "USAGE", key) or 0))
        length.append(int(redis.cli("STRLEN", key) or 0))
    if not usage:
        return {}
    return {"state_memory_usage_mean": statistics.mean(usage), "state_bytes_mean": statistics.mean(length),
            "state_sampled": len(usage)}


def stop_all(servers):
    """Stops every server, even when one fails; then raises the first failure."""
    first = None
    for server in servers:
        try:
            server.stop()
        except BenchError as e:
            first = first or e
    if first:
        raise first


def step_events(args, sz):
    """Waiting visitors (load_client poll) while wrk sends messages."""
    server = zari_serve(args, "--max-sessions", str(max(40000, 4 * sz["waiters"])), name="zari serve (events)")
    sampler = Sampler(server.pid)
    t_ready = t_wrk = None
    try:
        rss_idle = server.status()["VmRSS"]
        cmd = [args.client, "poll", "--port", server.port, "--messages", args.out / "messages.tsv",
               "--clients", sz["waiters"], "--wait", sz["wait"], "--seconds", sz["events_seconds"],
               "--open-rate", args.open_rate]
        tcp0 = loadlib.tcp_counters()
        client = subprocess.Popen([str(c) for c in cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        ready = client.stdout.readline()
        if not ready.startswith("ready"):
            raise BenchError("load_client poll did not get ready: %r %s" % (ready, client.stderr.read()))
        health = json.loads(server_get(server, "/api/v1/health"))
        rss_ready = server.status()["VmRSS"]
        t_ready = time.monotonic()
        # Messages while they wait: long conversations (50 messages), so the
        # store holds the waiting visitors' conversations and a few hundred more.
        r = measure_wrk(args, server, sz["events_conns"], sz["events_seconds"] - 5 if not args.smoke else 2, turns=50)
        t_wrk = time.monotonic()
        out, err = client.communicate(timeout=sz["events_seconds"] + 120)
        if client.returncode != 0:
            raise BenchError("load_client poll failed: %s" % err)
        polls = json.loads(out.strip().splitlines()[-1])
        tcp = {k: v - tcp0[k] for k, v in loadlib.tcp_counters().items()}
    finally:
        samples = sampler.stop()
        server.stop()
    during = [rss for t, rss, _ in samples if t_ready <= t <= t_wrk]
    if polls["errors"] or polls["answered"] == 0 or polls["with_events"]:
        raise BenchError("waiting visitors: %s" % polls)
    log("events: %d waiting, %d answered, lateness p99 %.1f ms max %.1f ms; RSS peak %.0f MiB" %
        (sz["waiters"], polls["answered"], polls["lateness_ms"]["p99"], polls["lateness_ms"]["max"],
         max(s[2] for s in samples) / 1024))
    return {"waiters": sz["waiters"], "wait_s": sz["wait"], "waiting_at_start": health["connections"]["waiting"],
            "open_rate": args.open_rate, "tcp": tcp, "rss_ready_mib": rss_ready / 1024,
            "polls": polls, "wrk": r, "rss_idle_mib": rss_idle / 1024,
            "rss_peak_mib": max(s[2] for s in samples) / 1024,
            "rss_during_mib": {"min": min(during) / 1024, "median": statistics.median(during) / 1024,
                               "max": max(during) / 1024} if during else None}


def server_get(server, path):
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode()
    finally:
        conn.close()


def step_fastagi(args, sz):
    server = Server([args.zari, "fastagi", "--pack", PACK, "--listen", "127.0.0.1:0", "--now", WEDNESDAY],
                    "zari fastagi")
    runs = []
    try:
        for _ in range(sz["repeat"]):
            load_before = quiet_moment(args)
            cpu0 = server.cpu_s()
            cmd = [args.client, "agi", "--port", server.port, "--messages", args.out / "messages.tsv",
                   "--concurrency", sz["agi_concurrency"], "--seconds", sz["agi_seconds"], "--warmup", 1]
            p = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, timeout=sz["agi_seconds"] + 120)
            if p.returncode != 0:
                raise BenchError("load_client agi failed: " + p.stderr)
            r = json.loads(p.stdout.strip().splitlines()[-1])
            r["server_cpu_s"], r["loadavg_before"] = server.cpu_s() - cpu0, load_before
            if r["calls"] == 0 or r["errors"]:
                raise BenchError("fastagi: %s\n%s" % (r, server.stderr()))
            log("fastagi, %d at once: %.0f calls/s, p50 %.2f ms, p99 %.2f ms, %d refused (load %.2f)" %
                (sz["agi_concurrency"], r["calls_per_s"], r["latency_ms"]["p50"], r["latency_ms"]["p99"],
                 r["refused"], load_before))
            runs.append(r)
    finally:
        server.stop()
    return {"concurrency": sz["agi_concurrency"], "runs": runs}


def ensure_nlpjs():
    """None when node-nlp is installed in bench/peers (npm ci there if not), else why not."""
    need = REPO / "bench" / "peers" / "node_modules" / "node-nlp" / "package.json"
    if need.is_file():
        return None
    if not shutil.which("npm") or not shutil.which("node"):
        return "node and npm are missing (scripts/setup-deps.sh installs them)"
    log("npm ci in bench/peers (node-nlp)")
    p = subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=REPO / "bench" / "peers",
                       capture_output=True, text=True)
    if p.returncode != 0 or not need.is_file():
        return "npm ci in bench/peers failed: %s" % (p.stderr.strip()[-500:] or p.returncode)
    return None


def step_peer(args, sz):
    why = ensure_nlpjs()
    if why:
        log("peer: skipped: nlp.js cannot be installed: %s" % why)
        return {"skipped": why}
    train = args.out / "nlpjs-train.json"
    train.write_text(json.dumps({"languages": ["ka", "az", "en"], "train": loadlib.pack_examples()},
                                ensure_ascii=False), encoding="utf-8")
    t0 = time.monotonic()
    nlpjs = Server(["node", HERE / "nlpjs_server.js", train], "nlp.js (node http)")
    train_s = time.monotonic() - t0
    results = {"zari": [], "nlpjs": []}
    servers = [nlpjs]
    try:
        zari = zari_serve(args, name="zari serve")
        servers.append(zari)
        for server in (zari, nlpjs):
            measure_wrk(args, server, sz["peer_conns"], sz["warmup"])  # warm-up (V8's JIT too)
        for _ in range(sz["repeat"]):
            for key, server in (("zari", zari), ("nlpjs", nlpjs)):
                r = measure_wrk(args, server, sz["peer_conns"], sz["seconds"])
                r["rss_mib"] = server.status()["VmRSS"] / 1024
                results[key].append(r)
    finally:
        stop_all(servers)
    version = json.loads((REPO / "bench/peers/node_modules/node-nlp/package.json").read_text())["version"]
    node = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout.strip()
    return {"connections": sz["peer_conns"], "nlpjs_version": version, "node": node, "nlpjs_train_s": train_s,
            "examples": len(loadlib.pack_examples()), **results}


def step_operators(args, sz):
    return operators_load.run(args.zari, PACK, args.out / "operators", "memory", sz["operators"], sz["visitors"],
                              sz["rounds"])


PREVIOUS_COMMANDS = [
    ("1 kept-alive connection, GET /api/v1/health", dict(conns=1, path="/api/v1/health")),
    ("32 kept-alive connections, POST /api/v1/message (a new conversation each)",
     dict(conns=32, path="/api/v1/message", script="post_fixed.lua")),
    ("16 connections, Connection: close, GET /api/v1/health",
     dict(conns=16, path="/api/v1/health", extra=["-H", "Connection: close"])),
]


def step_previous(args, sz):
    """The issue's wrk commands against the previous server and this one, alternated."""
    if not args.previous:
        log("previous: skipped (no --previous ZARI)")
        return None
    out = []
    for label, c in PREVIOUS_COMMANDS:
        row = {"what": label, "previous": [], "current": []}
        for _ in range(sz["repeat"]):
            for key, binary in (("previous", args.previous), ("current", args.zari)):
                server = Server([binary, "serve", "--pack", PACK, "--listen", "127.0.0.1:0", "--now", WEDNESDAY,
                                 "--quiet"], "%s server" % key)
                try:
                    load_before = quiet_moment(args)
                    r = run_wrk("http://127.0.0.1:%d%s" % (server.port, c["path"]), c["conns"], sz["seconds"],
                                HERE / c["script"] if c.get("script") else None, extra=c.get("extra", ()))
                finally:
                    server.stop()
                r["loadavg_before"] = load_before
                r.pop("stdout")
                log("%s, %s: %.0f req/s, p50 %.2f ms, p99 %.2f ms" % (key, label, r["rps"],
                    r["latency_us"].get("p50", 0) / 1e3, r["latency_us"].get("p99", 0) / 1e3))
                row[key].append(r)
        out.append(row)
    return out


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--zari", help="the zari binary (default: build-rel/bin/zari, build-release/, build/)")
    ap.add_argument("--client", help="zari_load_client (default: built from load_client.cc into OUT/bin)")
    ap.add_argument("--previous", help="a zari binary of the previous server (06b1d35) for the comparison")
    ap.add_argument("--only", default=",".join(STEPS), help="steps, comma-separated: " + ",".join(STEPS))
    ap.add_argument("--out", default=str(REPO / "build" / "load"))
    ap.add_argument("--repeat", type=int, default=3, help="runs of each measurement")
    ap.add_argument("--seconds", type=float, default=10, help="length of each wrk and fastagi run")
    ap.add_argument("--connections", default="1,64,256", help="keepalive: wrk connection counts")
    ap.add_argument("--stores", default=",".join(STORES), help="keepalive: the stores compared")
    ap.add_argument("--waiters", type=int, default=10000, help="events: visitors waiting")
    ap.add_argument("--open-rate", type=float, default=1000,
                    help="events: polls opened a second (0: a burst of 256 at a time, as fast as they go)")
    ap.add_argument("--operators", type=int, default=10)
    ap.add_argument("--visitors", type=int, default=500, help="operators: conversations")
    ap.add_argument("--rounds", type=int, default=10, help="operators: messages each way per conversation")
    ap.add_argument("--server-arg", action="append", default=[], help="extra zari serve argument (repeatable)")
    ap.add_argument("--max-load", type=float, default=0, help="wait for the load average to fall under this")
    ap.add_argument("--quiet-wait", type=float, default=120, help="… for at most this many seconds per run")
    ap.add_argument("--smoke", action="store_true", help="every step, tiny sizes, no figures worth reading")
    args = ap.parse_args(argv)
    args.connections = [int(c) for c in args.connections.split(",")]
    args.out = Path(args.out).resolve()
    unknown = set(args.only.split(",")) - set(STEPS)
    if unknown:
        ap.error("unknown step(s): " + ",".join(sorted(unknown)))
    return args


def find_zari(explicit):
    if explicit:
        return str(Path(explicit).resolve())
    for d in ("build-rel", "build-release", "build"):
        p = REPO / d / "bin" / "zari"
        if p.is_file():
            return str(p)
    raise BenchError("no zari binary: build one (docs/PERFORMANCE.md) or pass --zari")


def main(argv=None):
    args = parse_args(argv)
    if not shutil.which("wrk"):
        print("run_load: wrk not found: install it (scripts/setup-deps.sh installs Debian's wrk); skipped",
              file=sys.stderr)
        return 77
    try:
        args.zari = find_zari(args.zari)
        args.out.mkdir(parents=True, exist_ok=True)
        args.client = loadlib.find_client(args.client, args.out)
        counts = loadlib.write_messages(args.out)
        sz = sizes(args)
        results = {"host": loadlib.host_info(), "zari": args.zari, "commit": git_commit(), "messages": counts,
                   "sizes": sz, "smoke": args.smoke, "server_args": args.server_arg,
                   "started": time.strftime("%Y-%m-%d %H:%M:%S")}
        for step in [s for s in STEPS if s in args.only.split(",")]:
            log("== %s" % step)
            results[step] = globals()["step_" + step](args, sz)
        results["host"]["loadavg_end"] = loadlib.loadavg()
    except BenchError as e:
        print("run_load: FAILED: %s" % e, file=sys.stderr)
        return 1
    (args.out / "results.json").write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    (args.out / "results.md").write_text(report.markdown(results), encoding="utf-8")
    print(report.markdown(results))
    log("results in %s/results.{md,json}" % args.out)
    return 0


def git_commit():
    r = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return r.stdout.strip() + ("+dirty" if dirty else "") if r.returncode == 0 else None


if __name__ == "__main__":
    sys.exit(main())
