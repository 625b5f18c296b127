#!/usr/bin/env bash
# `zari bench` as a user runs it: output shapes only, never timings (the
# machine may be busy). Usage: bench_test.sh ZARI SOURCE_DIR
source "$(dirname "$0")/common.sh"

# JSON: load, memory, latency percentiles and throughput on 1..2 threads.
"$zari" bench --pack "$pack" --seconds 0.05 --threads 2 --json --dump-messages "$tmp/msgs.tsv" > "$tmp/b.json"
check "bench --json exits 0" test $? -eq 0
check "bench --json shape" python3 - "$tmp/b.json" "$tmp/msgs.tsv" <<'PY'
import json, sys
b = json.load(open(sys.argv[1], encoding="utf-8"))
assert {"pack", "name", "intents", "examples", "languages", "machine", "messages", "load",
        "peak_rss_mb", "seconds", "log", "modes"} <= set(b), sorted(b)
assert b["intents"] > 10 and b["examples"] > 100 and b["languages"] == ["ka", "az", "en"]
assert b["messages"]["count"] == b["examples"], b["messages"]
assert {"wall_ms", "cpu_ms", "rss_before_mb", "rss_after_mb", "rss_added_mb", "peak_rss_mb", "rss_after_trim_mb"} <= set(b["load"])
assert b["load"]["wall_ms"] > 0 and b["load"]["peak_rss_mb"] > 0 and b["peak_rss_mb"] >= b["load"]["peak_rss_mb"]
assert [m["mode"] for m in b["modes"]] == ["classify", "respond"]
for m in b["modes"]:
    lat = m["latency_us"]
    assert {"p50", "p90", "p99", "p999", "max", "mean", "samples", "clock"} <= set(lat), lat
    assert lat["samples"] > 0 and lat["p50"] <= lat["p90"] <= lat["p99"] <= lat["p999"] <= lat["max"], lat
    assert [t["threads"] for t in m["throughput"]] == [1, 2]
    assert all(t["messages"] > 0 and t["msgs_per_s"] > 0 for t in m["throughput"]), m["throughput"]
    assert set(m["actions"]) == {"answer", "clarify", "fallback", "handoff", "after_hours"}
    # Perturbed examples of a pack that passes `zari check` mostly find their intent.
    assert m["top1_recovered"] > 0.8, m["top1_recovered"]
# The messages: every example once, a fifth of each kind of rewrite.
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[2], encoding="utf-8")]
assert len(rows) == b["messages"]["count"]
kinds = {}
for kind, intent, text in rows:
    kinds[kind] = kinds.get(kind, 0) + 1
    assert intent and text, (kind, intent, text)
assert set(kinds) == {"as_written", "case", "dropped_letter", "typo", "keyboardless"}, kinds
assert max(kinds.values()) - min(kinds.values()) <= 1, kinds
# Keyboard-less Georgian is Latin: some messages of a ka/az/en pack have no Georgian letter
# although their intent's Georgian examples do.
assert any(k == "keyboardless" and t.isascii() for k, _, t in rows)
PY

# Same messages every run (deterministic generator).
"$zari" bench --pack "$pack" --seconds 0.01 --threads 1 --mode classify --json --dump-messages "$tmp/msgs2.tsv" > /dev/null
check "messages are deterministic" cmp -s "$tmp/msgs.tsv" "$tmp/msgs2.tsv"

# Readable output, one mode, a messages file, the log on.
printf '%s\n' "როგორ შევამოწმო ბალანსი?" "balansimi nece yoxlaya bilerem" "what is the capital of peru" > "$tmp/in.txt"
"$zari" bench --pack "$pack" --messages "$tmp/in.txt" --mode respond --seconds 0.05 --threads 1 \
  --db "$tmp/log.db" --clock cpu > "$tmp/b.txt"
check "bench text exits 0" test $? -eq 0
check "bench text sections" grep -q "^load " "$tmp/b.txt"
check "bench text latency" grep -Eq "^  respond +[0-9.]+ µs" "$tmp/b.txt"
check "bench text throughput" grep -Eq "^  respond +1 thread: [0-9,]+" "$tmp/b.txt"
check "bench logged unresolved rows" test -s "$tmp/log.db"

# Errors: one line, non-zero.
"$zari" bench --pack "$pack" --mode fast > /dev/null 2> "$tmp/err.txt"
check "bad --mode fails" test $? -eq 2
check "bad --mode says why" grep -q "^zari: --mode" "$tmp/err.txt"
"$zari" bench --pack "$tmp/nonexistent" > /dev/null 2> "$tmp/err.txt"
check "missing pack fails" test $? -eq 1
check "missing pack one line" test "$(wc -l < "$tmp/err.txt")" -eq 1

if [ $fail -eq 0 ]; then echo "bench_test: all passed"; fi
exit $fail
