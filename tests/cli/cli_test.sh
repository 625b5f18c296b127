#!/usr/bin/env bash
# The zari command as a user runs it: exit codes, output shapes, errors.
source "$(dirname "$0")/common.sh"

# classify: one JSON object per input line with exactly the fields of docs/CLI.md.
printf '%s\n' "როგორ შევამოწმო ბალანსი?" "balansimi nece yoxlaya bilerem" "How do I check my balance?" \
  "what is the capital of peru" > "$tmp/in.txt"
"$zari" classify --pack "$pack" < "$tmp/in.txt" > "$tmp/out.jsonl"
check "classify exits 0" test $? -eq 0
check "classify writes one line per input" test "$(wc -l < "$tmp/out.jsonl")" -eq 4
check "classify fields and decisions" python3 - "$tmp/out.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
want = {"text", "language", "intent", "confidence", "action", "route", "candidates"}
assert all(set(r) == want for r in rows), [set(r) ^ want for r in rows]
assert [r["intent"] for r in rows] == ["balance", "balance", "balance", None], rows
assert [r["language"] for r in rows] == ["ka", "az", "en", "en"], rows
assert all(set(c) == {"intent", "score", "via"} for r in rows for c in r["candidates"])
assert rows[0]["candidates"][0]["via"] == "rule"
PY

# classify: the exact bytes for a fixed input (JSON escaping, replacement of
# invalid UTF-8, numbers, routes, every action), single- and multi-threaded.
# A change that moves scores on purpose regenerates the expected files:
#   source tests/cli/classify/input.sh; classify_input in.txt
#   zari classify --pack intents/telecom < in.txt > tests/cli/classify/telecom.jsonl
#   zari classify --pack tests/cli/classify/route.yaml < in.txt > tests/cli/classify/route.jsonl
source "$src/tests/cli/classify/input.sh"
classify_input "$tmp/fixed.txt"
for p in telecom:"$pack" route:"$src/tests/cli/classify/route.yaml"; do
  "$zari" classify --pack "${p#*:}" < "$tmp/fixed.txt" > "$tmp/fixed.jsonl"
  check "classify output unchanged (${p%%:*})" cmp "$tmp/fixed.jsonl" "$src/tests/cli/classify/${p%%:*}.jsonl"
  "$zari" classify --pack "${p#*:}" --threads 2 < "$tmp/fixed.txt" > "$tmp/fixed2.jsonl"
  check "classify output unchanged with 2 threads (${p%%:*})" cmp "$tmp/fixed2.jsonl" "$src/tests/cli/classify/${p%%:*}.jsonl"
done

# classify --options: the same lines with the clarify options' ids added, the
# options a prefix of the candidates, and empty unless the reply clarifies.
"$zari" classify --options --pack "$pack" < "$tmp/fixed.txt" > "$tmp/options.jsonl"
check "classify --options" python3 - "$tmp/options.jsonl" "$src/tests/cli/classify/telecom.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
plain = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
assert len(rows) == len(plain)
for r, p in zip(rows, plain):
    options = r.pop("options")
    assert r == p, (r, p)
    cands = [c["intent"] for c in r["candidates"]]
    if r["action"] == "clarify":
        assert options and options == cands[:len(options)], (options, cands)
    else:
        assert options == [], r
assert any(r["action"] == "clarify" for r in rows)
PY

# classify reads its input in blocks: lines longer than a block, lines cut by
# a block's end and a last line without a newline are read whole.
python3 -c "import sys; sys.stdout.write('x' * (3 << 20) + '\\nbalance\\r\\n' + 'ბ' * 400000 + '\\nlast')" > "$tmp/blocks.txt"
"$zari" classify --pack "$pack" < "$tmp/blocks.txt" > "$tmp/blocks.jsonl"
check "classify lines across blocks" python3 - "$tmp/blocks.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
assert [len(r["text"]) for r in rows] == [3 << 20, 7, 400000, 4], [len(r["text"]) for r in rows]
assert rows[1]["text"] == "balance" and rows[3]["text"] == "last"
PY

# ask --json: the reply JSON (docs/C_API.md, The reply JSON).
"$zari" ask --pack "$pack" --json --now 2026-11-25T11:00 "ბალანსი" > "$tmp/ask.json"
check "ask --json fields" python3 - "$tmp/ask.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1], encoding="utf-8"))
for k in ["reply", "action", "intent", "confidence", "language", "route", "slots", "options", "candidates", "explanation"]:
    assert k in r, k
assert r["intent"] == "balance" and r["language"] == "ka" and r["action"] == "answer"
assert r["explanation"]["via"] == "rule" and r["explanation"]["span"]
PY

# --lang takes a language tag (ka-GE is Georgian); an unknown one is a usage error.
"$zari" ask --pack "$pack" --json --lang ka-GE "balance" > "$tmp/ask_tag.json"
check "ask --lang ka-GE" python3 -c "import json,sys; assert json.load(open(sys.argv[1]))['language'] == 'ka'" "$tmp/ask_tag.json"
"$zari" ask --pack "$pack" --lang fr "balance" > /dev/null 2> "$tmp/ask_fr.err"
check "ask --lang fr is refused" test $? -eq 2
check "ask --lang fr says why" grep -q "unknown language 'fr'" "$tmp/ask_fr.err"

# check: the sample pack passes; a broken pack fails with file:line:col.
"$zari" check "$pack" > /dev/null
check "check passes on the sample pack" test $? -eq 0
mkdir -p "$tmp/bad"
printf 'zari: 1\nname: Bad\nlanguages: [en]\nintents:\n  - id: hello\n    anwser: {en: "Hi"}\n' > "$tmp/bad/pack.yaml"
"$zari" check "$tmp/bad" > "$tmp/bad.out" 2>&1
rc=$?
check "check fails on an unknown key" test $rc -eq 1
check "error names file:line:col and the key" grep -q "bad/pack.yaml:6:5: unknown key 'anwser' in intent 'hello'" "$tmp/bad.out"
"$zari" ask --pack "$tmp/missing" "hi" > "$tmp/missing.out" 2>&1
check "missing pack is an error" test $? -ne 0
check "missing pack names the path" grep -q "missing: no such file or directory" "$tmp/missing.out"

# An example that another intent's template catches fails the check.
cat > "$tmp/clash.yaml" <<'YAML'
zari: 1
name: Clash
languages: [en]
intents:
  - id: balance
    patterns: {en: ["balance"]}
    examples: {en: ["how much money do I have", "check balance"]}
    answer: {en: "Dial *100#."}
  - id: transfer
    examples: {en: ["balance transfer to another number", "send credit to a friend"]}
    answer: {en: "Dial *122#."}
YAML
"$zari" check "$tmp/clash.yaml" > "$tmp/clash.out" 2>&1
check "check fails when a template shadows another intent's example" test $? -eq 1
check "the report names both intents" grep -q "of intent 'transfer' resolves to 'balance' by template 'balance'" "$tmp/clash.out"

# Warnings: a template another intent's rule always beats, and examples of two
# intents with the same words in another order.
cat > "$tmp/shadow.yaml" <<'YAML'
zari: 1
name: Shadow
languages: [en]
intents:
  - id: balance
    priority: 1
    patterns: {en: ["balance"]}
    examples: {en: ["check my balance", "how much money is left"]}
    answer: {en: "Dial *100#."}
  - id: transfer
    patterns: {en: ["balance transfer"]}
    examples: {en: ["send credit to a friend", "move money to another number"]}
    answer: {en: "Dial *122#."}
  - id: top_up
    examples: {en: ["top up my phone", "add money by card"]}
    answer: {en: "Use the app."}
  - id: autopay
    examples: {en: ["my phone top up", "pay automatically every month"]}
    answer: {en: "Turn on auto top-up."}
YAML
"$zari" check "$tmp/shadow.yaml" > "$tmp/shadow.out" 2>&1
check "warnings alone pass" test $? -eq 0
check "shadowed template is reported" grep -q "template 'balance transfer' of intent 'transfer' is shadowed by template 'balance' of intent 'balance'" "$tmp/shadow.out"
check "same-words examples are reported" grep -q "example 'my phone top up' of intent 'autopay' has the same words as example 'top up my phone'" "$tmp/shadow.out"
"$zari" check --strict "$tmp/shadow.yaml" > /dev/null 2>&1
check "--strict fails on warnings" test $? -eq 1

# Confusions: every example scored by the pack without it. Two intents whose
# examples share their words ("my card ...") and differ in one word each go to
# each other; opening hours do not.
cat > "$tmp/confused.yaml" <<'YAML'
zari: 1
name: Confused
languages: [en]
intents:
  - id: lost_card
    examples:
      en: ["my card is lost", "i misplaced my card", "my card went missing", "i cannot find my card", "my card was stolen"]
    answer: {en: "Call us to block it."}
  - id: card_delivery
    examples:
      en: ["where is my card", "my card has not arrived", "when will my card come", "my card is late", "i am still waiting for my card"]
    answer: {en: "It is on its way."}
  - id: opening_hours
    examples:
      en: ["when are you open", "opening hours", "what time do you close", "are you open on sunday", "office hours"]
    answer: {en: "9 to 6."}
YAML
"$zari" check "$tmp/confused.yaml" > "$tmp/confused.out" 2>&1
check "confusions do not fail the check" test $? -eq 0
check "confused intents are named" grep -q "^  lost_card <-> card_delivery: [0-9]* examples (en [0-9]*), e.g. " "$tmp/confused.out"
check "an intent told apart too rarely is named" grep -Eq "^  (lost_card|card_delivery) in en: 5 example\(s\)" "$tmp/confused.out"
"$zari" check --json "$tmp/confused.yaml" > "$tmp/confused.json"
check "confusions in --json" python3 - "$tmp/confused.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
pairs = {tuple(p["intents"]): p for p in d["confusions"]}
p = pairs[("lost_card", "card_delivery")]
assert p["count"] >= 2 and p["by_language"] == {"en": p["count"]}, p
assert len(p["examples"]) == p["count"] and all(x["intent"] in p["intents"] for x in p["examples"]), p
assert all(x["where"].startswith(sys.argv[1].replace(".json", ".yaml") + ":") for x in p["examples"]), p
assert not any("opening_hours" in k for k in pairs), pairs
few = {t["intent"]: t for t in d["too_few_examples"]}
assert "opening_hours" not in few, few
assert few and all(2 * t["come_back"] < t["examples"] and t["language"] == "en" for t in few.values()), few
PY

# normalize: Latin-typed Georgian decodes to Mkhedruli.
out=$("$zari" normalize --json "baraTis daBlokva minda")
check "normalize decodes chat Georgian" python3 -c "import json,sys; d=json.loads(sys.argv[1]); assert d['surface']=='ბარათის დაბლოკვა მინდა' and d['typed_as']=='ka-Latn', d" "$out"

# chat: a scripted conversation through stdin.
printf '%s\n' "ოპერატორი" "/quit" | "$zari" chat --pack "$pack" --now 2026-11-28T23:30 > "$tmp/chat.out"
check "chat after hours" grep -q "after_hours operator" "$tmp/chat.out"

# chat: the survey question, feedback answered with thanks and kept in the log.
printf '%s\n' "როგორ შევამოწმო ბალანსი?" "/survey" "/feedback helpful 1" "/feedback csat 5 სწრაფი პასუხი" \
  "/feedback csat 9" "/feedback stars 5" | "$zari" chat --pack "$pack" --db "$tmp/fb.db" --session web-7 \
  --now 2026-11-25T11:00 > "$tmp/fb.out" 2> "$tmp/fb.err"
check "chat /survey asks in the conversation's language" grep -q "1-დან 5-მდე" "$tmp/fb.out"
check "chat /feedback thanks twice" test "$(grep -c "დიდი მადლობა შეფასებისთვის" "$tmp/fb.out")" -eq 2
check "chat /feedback refuses a value off the scale" grep -q "csat must be 1 to 5, not 9" "$tmp/fb.err"
check "chat /feedback refuses an unknown kind" grep -q "KIND is helpful, csat, ces or nps" "$tmp/fb.err"
check "chat feedback in the log" python3 - "$tmp/fb.db" <<'PY'
import sqlite3, sys
rows = sqlite3.connect(sys.argv[1]).execute(
    "SELECT session, channel, language, kind, value, coalesce(intent, ''), coalesce(comment, '') FROM feedback ORDER BY id").fetchall()
assert rows == [("web-7", "cli", "ka", "helpful", 1, "balance", ""), ("web-7", "cli", "ka", "csat", 5, "", "სწრაფი პასუხი")], rows
PY

# report: conversations with questions the pack cannot answer, rated; the
# KPIs in the table and as CSV.
for i in 1 2 3; do
  printf '%s\n' "how do I activate esim on my phone" "can I keep my number when I switch operator" \
    "do you sell iphone 15" "balance top up with a voucher code" "/feedback csat 4" |
    "$zari" chat --pack "$pack" --db "$tmp/loop.db" --session "loop-$i" --now 2026-11-25T11:00 > /dev/null
done
"$zari" report --db "$tmp/loop.db" --quiet > "$tmp/report.txt"
check "the table has the KPIs" grep -q "^KPIs" "$tmp/report.txt"
"$zari" report --db "$tmp/loop.db" --format csv --csv-table kpis --quiet > "$tmp/kpis.csv"
check "report --csv-table kpis" grep -q "^kpi,group,value,numerator,denominator,responses,average" "$tmp/kpis.csv"

# report --suggest: the teaching loop's file passes `zari check` once it is in the pack.
"$zari" report --db "$tmp/loop.db" --pack "$pack" --suggest "$tmp/suggest.yaml" --quiet > /dev/null
check "report --suggest exits 0" test $? -eq 0
check "report --suggest writes add_examples" grep -q "^add_examples:" "$tmp/suggest.yaml"
cp -r "$pack" "$tmp/taught"
cp "$tmp/suggest.yaml" "$tmp/taught/intents/zz-suggested.yaml"
"$zari" check "$tmp/taught" > "$tmp/check.out"
check "the suggested file passes zari check in the pack" test $? -eq 0
"$zari" report --db "$tmp/loop.db" --suggest "$tmp/x.yaml" --quiet 2> "$tmp/err.txt"
check "report --suggest needs --pack" test $? -eq 2

# report --html: one page with the charts.
"$zari" report --db "$tmp/loop.db" --pack "$pack" --html "$tmp/report.html" --quiet > /dev/null
check "report --html exits 0" test $? -eq 0
check "report --html is a page with charts" grep -q "<svg xmlns" "$tmp/report.html"

exit $fail
