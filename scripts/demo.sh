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
