"""results.json of run_load.py → markdown tables (results.md)."""

from __future__ import annotations

import statistics


def spread(values, fmt="{:,.0f}"):
    """median (min–max) of a list, or the one value."""
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return "%s (%s–%s)" % (med, fmt.format(min(values)), fmt.format(max(values)))


def ms(runs, key):
    return spread([r["latency_us"].get(key, 0) / 1e3 for r in runs], "{:.2f}")


def cpu_us(runs):
    return spread([r["server_cpu_s"] / r["requests"] * 1e6 for r in runs if r.get("requests") and "server_cpu_s" in r],
                  "{:.0f}")


def mark(ok):
    return "**yes**" if ok else "**no**"


def host_section(res):
    h = res["host"]
    return [
        "## Host and build",
        "",
        "- CPU: %s, %s CPUs, %s thread(s) per core; %s GiB; kernel %s" %
        (h["cpu"], h["cpus"], h["threads_per_core"], h["memory_gib"], h["kernel"]),
        "- load average at start %s, at the end %s (1, 5, 15 min)" % (h["loadavg_start"], h.get("loadavg_end")),
        "- zari: `%s` (commit %s)%s; %s" % (res["zari"], res["commit"],
                                           " extra server args %s" % res["server_args"] if res["server_args"] else "",
                                           h.get("wrk")),
        "- messages: %s (the sample pack's examples and tests/data/telecom_probes.txt)" % res["messages"],
        "- started %s%s" % (res["started"], "; **smoke run: tiny sizes, figures meaningless**" if res["smoke"] else ""),
        "",
    ]


def keepalive_section(k):
    rows = k["rows"] if isinstance(k, dict) else k
    out = ["## Kept-alive POST /api/v1/message (message.lua: conversations of 8 messages)", "",
           "| store | connections | requests/s | p50 ms | p99 ms | server CPU µs/request | load avg before |",
           "|---|---:|---:|---:|---:|---:|---|"]
    for row in rows:
        runs = row["runs"]
        out.append("| %s | %d | %s | %s | %s | %s | %s |" % (
            row["store"], row["connections"], spread([r["rps"] for r in runs]), ms(runs, "p50"), ms(runs, "p99"),
            cpu_us(runs), ", ".join("%.2f" % r["loadavg_before"] for r in runs)))
    target = [r for r in rows if r["store"] == "memory" and r["connections"] == 64]
    if target:
        runs = target[0]["runs"]
        rps = statistics.median(r["rps"] for r in runs)
        p99 = statistics.median(r["latency_us"]["p99"] for r in runs) / 1e3
        out += ["", "Target ≥ 15,000 requests/s over 64 connections with p99 ≤ 10 ms (memory store, median run): "
                "%s req/s, p99 %.2f ms: %s" % ("{:,.0f}".format(rps), p99, mark(rps >= 15000 and p99 <= 10))]
    if isinstance(k, dict) and k.get("redis"):
        out += [""] + redis_lines(k["redis"])
    return out + [""]


def redis_lines(r):
    per = r["bytes_per_conversation"]
    return ["What one Redis (%s) holds after the redis runs: %s conversations (%s keys); used_memory %.1f → "
            "%.1f MiB: **%s bytes per conversation** (its state, events and sequence; conversations of up to 8 "
            "messages). A state (`s:ID`, %d sampled): %s bytes of JSON, MEMORY USAGE %s bytes. Redis CPU over "
            "the whole step: %.1f s." % (
                r["redis_version"], "{:,}".format(r["conversations"]), "{:,}".format(r["keys"]),
                r["used_memory_before"] / 2**20, r["used_memory_after"] / 2**20,
                "{:,.0f}".format(per) if per else "–", r.get("state_sampled", 0),
                "{:,.0f}".format(r.get("state_bytes_mean", 0)), "{:,.0f}".format(r.get("state_memory_usage_mean", 0)),
                r["redis_cpu_s"])]


def events_section(e):
    p, w = e["polls"], e["wrk"]
    lat = p["lateness_ms"]
    during = e["rss_during_mib"] or {}
    rss_ok = e["rss_peak_mib"] * 1.048576 <= 300
    out = ["## %s visitors waiting on /api/v1/events (wait=%d) while %d connections send messages" %
           ("{:,}".format(e["waiters"]), e["wait_s"], w["connections"]), "",
           "| | |", "|---|---|",
           "| waiting when the messages started (`/api/v1/health`) | %s |" % "{:,}".format(e["waiting_at_start"]),
           "| conversations created / polls opened in | %.1f s / %.1f s (%s) |" % (
               p["create_s"], p["open_s"], "%s a second" % "{:,.0f}".format(e["open_rate"]) if e.get("open_rate")
               else "a burst, 256 at a time"),
           "| connections dropped at the listen queue (ListenOverflows; each waits for a SYN retransmission, 1 s) "
           "| %s |" % e.get("tcp", {}).get("ListenOverflows", "–"),
           "| messages/s with them open (wrk, %d s, conversations of 50) | %s (p50 %.2f ms, p99 %.2f ms) |" % (
               w["duration_us"] / 1e6, "{:,.0f}".format(w["rps"]), w["latency_us"]["p50"] / 1e3,
               w["latency_us"]["p99"] / 1e3),
           "| polls answered (each after its wait) | %s, errors %d, statuses %s |" % (
               "{:,}".format(p["answered"]), p["errors"], p["statuses"]),
           "| answered after the wait: p50 / p90 / p99 / p99.9 / max | %.1f / %.1f / %.1f / %.1f / %.1f ms |" % (
               lat["p50"], lat["p90"], lat["p99"], lat["p999"], lat["max"]),
           "| later than 1 s | %d |" % p["late_over_1s"],
           "| server RSS: idle / all waiting, before the messages / during (min, median, max) / peak "
           "| %.0f / %.0f / %.0f, %.0f, %.0f / %.0f MiB |" % (
               e["rss_idle_mib"], e.get("rss_ready_mib", 0), during.get("min", 0), during.get("median", 0),
               during.get("max", 0), e["rss_peak_mib"]),
           "",
           "Targets: RSS ≤ 300 MB: %s; ≥ 10,000 messages/s with them open: %s; every poll answered within 1 s "
           "of its wait: %s" % (mark(rss_ok), mark(w["rps"] >= 10000), mark(p["late_over_1s"] == 0)), ""]
    return out


def fastagi_section(f):
    runs = f["runs"]
    calls = statistics.median(r["calls_per_s"] for r in runs)
    return ["## zari fastagi, %d calls at once" % f["concurrency"], "",
            "| calls/s | p50 ms | p90 ms | p99 ms | max ms | refused | server CPU µs/call |", "|---:|---:|---:|---:|---:|---:|---:|",
            "| %s | %s | %s | %s | %s | %s | %s |" % (
                spread([r["calls_per_s"] for r in runs]),
                spread([r["latency_ms"]["p50"] for r in runs], "{:.2f}"),
                spread([r["latency_ms"]["p90"] for r in runs], "{:.2f}"),
                spread([r["latency_ms"]["p99"] for r in runs], "{:.2f}"),
                spread([r["latency_ms"]["max"] for r in runs], "{:.1f}"),
                spread([r["refused"] for r in runs]),
                spread([r["server_cpu_s"] / max(1, r["calls"]) * 1e6 for r in runs], "{:.0f}")),
            "", "Target ≥ 1,000 calls/s with 64 at once: %s" % mark(calls >= 1000), ""]


def peer_section(p):
    if p.get("skipped"):
        return ["## Side by side: nlp.js", "", "Skipped: " + p["skipped"], ""]
    out = ["## Side by side: nlp.js %s (Node %s) behind `http`, %d connections, the same wrk script" %
           (p["nlpjs_version"], p["node"], p["connections"]), "",
           "| server | requests/s | p50 ms | p99 ms | server CPU µs/request | RSS MiB |", "|---|---:|---:|---:|---:|---:|"]
    for key, name in (("zari", "zari serve (memory store)"), ("nlpjs", "nlp.js + node http")):
        runs = p[key]
        out.append("| %s | %s | %s | %s | %s | %s |" % (name, spread([r["rps"] for r in runs]), ms(runs, "p50"),
                                                        ms(runs, "p99"), cpu_us(runs),
                                                        spread([r["rss_mib"] for r in runs])))
    z = statistics.median(r["rps"] for r in p["zari"])
    n = statistics.median(r["rps"] for r in p["nlpjs"])
    out += ["", "Zari ÷ nlp.js: %.1f× the requests/s. nlp.js trained on the same %d examples in %.1f s." %
            (z / n, p["examples"], p["nlpjs_train_s"]), ""]
    return out


def operators_section(o):
    ov, vo = o["operator_to_visitor_ms"], o["visitor_to_operator_ms"]
    return ["## Operators: %d operators, %d conversations, %d messages each way each" %
            (o["operators"], o["visitors"], o["rounds"]), "",
            "| | |", "|---|---|",
            "| messages delivered (both ways) | %s in %.2f s: **%s/s**; %s |" % (
                "{:,}".format(o["messages"]), o["seconds"], "{:,.0f}".format(o["messages_per_s"]), o["checked"]),
            "| operator → visitor, p50 / p90 / p99 / max | %.1f / %.1f / %.1f / %.1f ms |" % (
                ov["p50"], ov["p90"], ov["p99"], ov["max"]),
            "| visitor → operator (the holder's feed), p50 / p90 / p99 / max | %.1f / %.1f / %.1f / %.1f ms |" % (
                vo["p50"], vo["p90"], vo["p99"], vo["max"]),
            "| feed events read (all feeds) | %s |" % "{:,}".format(o["feed_events_read"]),
            "| CPU: server / this Python client | %.1f s / %.1f s |" % (o["server_cpu_s"], o["client_cpu_s"]), ""]


def previous_section(rows):
    out = ["## The previous server (cpp-httplib) and this one, the same wrk commands", "",
           "| command | previous: req/s, p50, p99 | now: req/s, p50, p99 |", "|---|---|---|"]
    for row in rows:
        cells = []
        for key in ("previous", "current"):
            runs = row[key]
            cells.append("%s, %s ms, %s ms" % (spread([r["rps"] for r in runs]), ms(runs, "p50"), ms(runs, "p99")))
        out.append("| %s | %s | %s |" % (row["what"], cells[0], cells[1]))
    return out + [""]


def markdown(res):
    out = ["# zari serve and zari fastagi under load (bench/load/run_load.py)", ""] + host_section(res)
    for key, fn in (("keepalive", keepalive_section), ("events", events_section), ("fastagi", fastagi_section),
                    ("peer", peer_section), ("operators", operators_section), ("previous", previous_section)):
        if res.get(key):
            out += fn(res[key])
    return "\n".join(out) + "\n"
