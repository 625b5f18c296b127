#!/usr/bin/env bash
# Sets up, builds and runs the main job: a scripted conversation with the
# bundled telecom pack in Georgian, Azerbaijani and English.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$here"
bash scripts/setup-deps.sh
echo "== building (first time takes a few minutes)"
bash scripts/build.sh >/dev/null
zari=build/bin/zari
pack=intents/telecom

echo
echo "== zari check $pack"
"$zari" check "$pack"

# A weekday morning in Tbilisi, so operators are online.
now=2026-11-25T11:00
echo
echo "== A conversation (zari chat --pack $pack --now $now), typed as people type:"
echo "   native Georgian, Georgian in Latin letters, Azerbaijani with and without ə/ş/ı,"
echo "   English, an unrelated question (fallback) and a request for a person."
echo
while IFS= read -r line; do
  echo "you> $line"
  printf '%s\n' "$line" | "$zari" chat --pack "$pack" --now "$now" 2>&1 | sed -n '2,$p'
  echo
done <<'TURNS'
გამარჯობა! როგორ შევამოწმო ბალანსი?
internets rogor gavaaqtiureb? paketi minda
Balansımı necə yoxlaya bilərəm?
nomremi basqa operatora kecirmek isteyirem
How do I top up my balance?
What's the weather in Paris tomorrow?
I want to talk to a human
TURNS

echo "== The same request for a person after hours (Saturday night):"
echo "you> ოპერატორთან დამაკავშირეთ"
printf '%s\n' "ოპერატორთან დამაკავშირეთ" | "$zari" chat --pack "$pack" --now 2026-11-28T23:30 | sed -n '2,$p'
echo
echo "== Why the bot answered (zari ask --json):"
"$zari" ask --pack "$pack" --json "baraTis daBlokva minda, telefoni mopares" | python3 -m json.tool --no-ensure-ascii
echo
echo "Talk to the bot yourself:   $zari chat --pack $pack"
echo "Classify lines as JSON:     echo 'ბალანსი' | $zari classify --pack $pack"

echo
echo "== A person takes over (zari serve --operators): a visitor, an operator, the events between them"
demo=$(mktemp -d)
trap 'kill $serve_pid 2>/dev/null; rm -rf "$demo"' EXIT
printf 'correct horse battery\n' | "$zari" operators add "$demo/operators.json" nino --name "ნინო" --languages ka,en 2>/dev/null
"$zari" serve --pack "$pack" --listen 127.0.0.1:0 --now "$now" --operators "$demo/operators.json" --quiet \
  --db "$demo/log.db" \
  > "$demo/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do grep -q "on http" "$demo/serve.out" 2>/dev/null && break; sleep 0.1; done
python3 - "$(sed -n 's/.*on \(http[^ ]*\)/\1/p' "$demo/serve.out")" <<'PY'
import json, sys, urllib.request
base = sys.argv[1].rstrip("/")
def call(method, path, body=None, token=None):
    req = urllib.request.Request(base + path, method=method, data=None if body is None else json.dumps(body).encode(),
                                 headers={"Content-Type": "application/json", **({"Authorization": "Bearer " + token} if token else {})})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
r = call("POST", "/api/v1/message", {"text": "ოპერატორთან დამაკავშირეთ"})
sid = r["session"]
print("visitor> ოპერატორთან დამაკავშირეთ")
print("    bot> %s  [%s, handoff %s]" % (r["reply"], r["action"], r["handoff"]["status"]))
token = call("POST", "/api/v1/operator/login", {"id": "nino", "password": "correct horse battery"})["token"]
q = call("GET", "/api/v1/operator/queue", token=token)["conversations"]
print("operator nino logs in: %d waiting (%s, %s); joins" % (len(q), q[0]["language"], q[0]["reason"]))
call("POST", "/api/v1/operator/conversations/%s/join" % sid, {}, token)
call("POST", "/api/v1/operator/conversations/%s/messages" % sid, {"text": "გამარჯობა! ნინო ვარ, რით დაგეხმაროთ?"}, token)
for e in call("GET", "/api/v1/events?session=%s&after=0&wait=1" % sid)["events"]:
    print("visitor's widget gets event %d: %s %s" % (e["seq"], e["type"], e.get("text", e.get("operator", ""))))
r = call("POST", "/api/v1/message", {"session": sid, "text": "ბალანსი როგორ შევამოწმო?"})
print("visitor> ბალანსი როგორ შევამოწმო?  [%s: the bot stays silent]" % r["action"])
msg = [e for e in call("GET", "/api/v1/operator/events?after=0&wait=1", token=token)["events"] if e["type"] == "message"][-1]
s = msg["suggestions"][0]
print("nino's console: the customer's words, and Zari's suggestion %s: %s" % (s["intent"], s["answer"][:60] + "…"))
call("POST", "/api/v1/operator/conversations/%s/leave" % sid, {"resolved": True}, token)
r = call("POST", "/api/v1/message", {"session": sid, "text": "How do I top up my balance?"})
print("nino leaves (resolved); the bot answers again: [%s %s]" % (r["action"], r["intent"]))
r = call("POST", "/api/v1/feedback", {"session": sid, "kind": "csat", "value": 5, "comment": "ნინომ სწრაფად მიპასუხა"})
print("visitor rates the conversation 5 of 5; the widget says: %s" % r["thanks"])
PY
kill -TERM $serve_pid && wait $serve_pid 2>/dev/null  # the log is flushed on the way out
"$zari" report --db "$demo/log.db" --since 2026-11-01 --format json | python3 -c '
import json, sys
k = json.load(sys.stdin)["kpis"]
o = k["operators"][0]
print("zari report: %d conversation(s); CSAT %.1f from %d answer(s); %s took %d, CSAT after them %.1f"
      % (k["conversations"], k["csat"]["average"], k["csat"]["responses"], o["operator"], o["conversations"],
         o["csat"]["average"]))'
echo
echo "Operator console:           $zari serve --pack $pack --operators FILE, then open /operator"
