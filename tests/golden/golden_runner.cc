// Golden conversations: tests/golden/<pack>/<case>.yaml holds turns and the
// assertions a reviewer cares about (action, intent, language, handoff);
// <case>.out holds the whole transcript as the bot answered it. A change in
// any reply shows up as a diff; `--update` rewrites the .out files (review the
// diff before committing), as zstd's --set-exact-output does.
//
//   zari_golden --pack intents/telecom [--update] tests/golden/telecom
//
// Case format:
//   now: "2026-11-25T11:00"   # optional: fixed clock, pack-local time
//   channel: web              # optional
//   language: ka              # optional: forced language
//   turns:
//     - user: "როგორ შევამოწმო ბალანსი?"
//       action: answer          # optional assertions
//       intent: balance         # "null" or ~ for none
//       language: ka
//       handoff: requested      # a handoff callback with this reason
//       suggests: "top_up package_balance"   # the answer's follow-ups, in order
//       state: waiting          # where the conversation stands with operators after it
//     - export_import: true     # round-trip the session state here
//     - operator_join: op-7     # an operator takes over (operator_name: optional)
//       status: busy            # optional: the status expected (default ok)
//     - operator_message: "…"   # what the operator wrote
//     - operator_leave: true    # resolved (true) or not; the bot answers again
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/hours.h"
#include "dialog/session.h"
#include "dialog/runtime.h"
#include "util/civil_time.h"

namespace fs = std::filesystem;
using namespace zari;
using namespace zari::dialog;

namespace {

// "2026-11-25T11:00" is pack-local time; "…Z" or "…+04:00" is an instant.
std::optional<int64_t> ParseNow(const std::string& iso, const Engine& e) {
  const std::optional<IsoTime> t = ParseIsoTime(iso, /*date_only_ok=*/false);
  if (!t) return std::nullopt;
  return e.schedule().ToUnix(*t);
}

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// An operator's turn (join, message, leave): done on the session and
// written to the transcript. False when the turn is not one; *failure is
// set when its status is not the one expected.
bool OperatorTurn(const YAML::Node& turn, dialog::Session& s, std::ostream& out, std::string* failure) {
  Status st;
  std::string what;
  if (turn["operator_join"]) {
    const std::string id = turn["operator_join"].as<std::string>();
    const std::string name = turn["operator_name"] ? turn["operator_name"].as<std::string>() : "";
    st = s.OperatorJoin(id, name);
    what = "operator " + id + (name.empty() ? "" : " (" + name + ")") + " joins";
  } else if (turn["operator_message"]) {
    const std::string text = turn["operator_message"].as<std::string>();
    st = s.OperatorMessage(text);
    out << "op>  " << text << "\n";
    what = "operator message";
  } else if (turn["operator_leave"]) {
    const bool resolved = turn["operator_leave"].as<bool>();
    st = s.OperatorLeave(resolved);
    what = std::string("operator leaves, ") + (resolved ? "resolved" : "not resolved");
  } else {
    return false;
  }
  const std::string got = st.ok() ? "ok" : st.code() == Code::kBusy ? "busy" : "invalid";
  out << "-- " << what << ": " << got << "\n";
  const std::string want = turn["status"] ? turn["status"].as<std::string>() : "ok";
  if (got != want) *failure = what + ": status '" + got + "', expected '" + want + "'";
  return true;
}

// A relayed reply's candidates with what the bot would answer (agent assist).
void PrintAssist(const Reply& r, std::ostream& out) {
  if (r.action != Action::kRelayed) return;
  const Engine& e = *r.engine;
  for (size_t i = 0; i < r.candidate_count; ++i) {
    const std::string* answer = e.AnswerFor(r.candidates[i].intent, r.lang);
    out << "     ~ [" << e.intent(r.candidates[i].intent).id << "] " << (answer ? *answer : "(hands off)") << "\n";
  }
}

// Runs one case; returns the failures (empty = pass) and fills *transcript.
std::vector<std::string> RunCase(const std::string& pack, const fs::path& file, std::string* transcript) {
  std::vector<std::string> failures;
  YAML::Node doc = YAML::LoadFile(file.string());
  auto probe = Engine::Load(pack);
  if (!probe.ok()) return {"pack: " + probe.status().message()};
  RuntimeOptions o;
  int64_t now = 0;
  if (doc["now"]) {
    auto t = ParseNow(doc["now"].as<std::string>(), *probe.value());
    if (!t) return {"bad 'now' value"};
    now = *t;
    o.clock = [&now] { return now; };
  }
  std::vector<dialog::Handoff> handoffs;
  o.on_handoff = [&](const dialog::Handoff& h) { handoffs.push_back(h); };
  auto rt = Runtime::Create(pack, o);
  if (!rt.ok()) return {"runtime: " + rt.status().message()};
  std::string channel = doc["channel"] ? doc["channel"].as<std::string>() : "web";
  auto session = std::make_unique<dialog::Session>(rt.value(), "golden", channel);
  if (doc["language"]) {
    Status s = session->SetLanguage(text::ParseLang(doc["language"].as<std::string>()));
    if (!s.ok()) return {s.message()};
  }
  std::ostringstream out;
  int turn_no = 0;
  for (const auto& turn : doc["turns"]) {
    ++turn_no;
    if (turn["export_import"]) {
      std::string state = session->Export();
      auto restored = dialog::Session::Import(rt.value(), state);
      if (!restored.ok()) {
        failures.push_back("turn " + std::to_string(turn_no) + ": import failed: " + restored.status().message());
        continue;
      }
      session = std::move(restored.value());
      out << "-- session exported and imported (" << state.size() << " bytes)\n";
      continue;
    }
    std::string failure;
    if (OperatorTurn(turn, *session, out, &failure)) {
      if (!failure.empty()) failures.push_back("turn " + std::to_string(turn_no) + ": " + failure);
      continue;
    }
    if (turn["advance_minutes"]) now += turn["advance_minutes"].as<int64_t>() * 60;
    const std::string user = turn["user"].as<std::string>();
    handoffs.clear();
    Reply r;
    session->Respond(user, &r);
    const Engine& e = *r.engine;
    std::string intent = r.intent >= 0 ? e.intent(r.intent).id : "null";
    out << "you> " << user << "\n";
    out << "bot>" << (r.Text().empty() ? "" : " ") << r.Text() << "\n";  // relayed: silent
    for (size_t i = 0; i < r.option_count; ++i) {
      out << "     " << (i + 1) << ") " << e.Title(r.options[i], r.lang) << " [" << e.intent(r.options[i]).id << "]\n";
    }
    std::string suggests;
    for (size_t i = 0; i < r.suggestion_count; ++i) {
      out << "     + " << e.Title(r.suggestions[i], r.lang) << " [" << e.intent(r.suggestions[i]).id << "]\n";
      suggests += (i ? " " : "") + e.intent(r.suggestions[i]).id;
    }
    out << "     [" << ActionName(r.action) << " " << intent << " " << text::LangTag(r.lang, r.script);
    if (r.handoff_reason != HandoffReason::kNone) out << " reason=" << HandoffReasonName(r.handoff_reason);
    out << "]\n";
    PrintAssist(r, out);
    for (const auto& h : handoffs) {
      out << "     handoff callback: reason=" << HandoffReasonName(h.reason) << " intent=" << (h.has_intent ? h.intent : "null")
          << " language=" << h.language << " channel=" << h.channel << "\n";
    }
    auto expect = [&](const char* key, const std::string& actual) {
      if (!turn[key]) return;
      std::string want = turn[key].IsNull() ? "null" : turn[key].as<std::string>();
      if (want != actual) {
        failures.push_back("turn " + std::to_string(turn_no) + " (" + user + "): " + key + " is '" + actual +
                           "', expected '" + want + "'");
      }
    };
    expect("action", std::string(ActionName(r.action)));
    expect("intent", intent);
    expect("language", std::string(text::LangCode(r.lang)));
    expect("suggests", suggests);
    expect("state", std::string(HandoffStateName(session->handoff().state)));
    if (turn["handoff"]) {
      std::string want = turn["handoff"].as<std::string>();
      std::string got = handoffs.empty() ? "none" : std::string(HandoffReasonName(handoffs[0].reason));
      if (want != got) {
        failures.push_back("turn " + std::to_string(turn_no) + " (" + user + "): handoff callback '" + got +
                           "', expected '" + want + "'");
      }
    }
    if (turn["reply_contains"]) {
      std::string want = turn["reply_contains"].as<std::string>();
      if (std::string(r.Text()).find(want) == std::string::npos) {
        failures.push_back("turn " + std::to_string(turn_no) + " (" + user + "): reply lacks '" + want + "'");
      }
    }
  }
  *transcript = out.str();
  return failures;
}

}  // namespace

int main(int argc, char** argv) {
  std::string pack, dir;
  bool update = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--pack" && i + 1 < argc) pack = argv[++i];
    else if (a == "--update") update = true;
    else dir = a;
  }
  if (pack.empty() || dir.empty()) {
    std::cerr << "usage: zari_golden --pack DIR [--update] CASE_DIR\n";
    return 2;
  }
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  int failed = 0;
  for (const auto& c : cases) {
    std::string transcript;
    std::vector<std::string> failures;
    try {
      failures = RunCase(pack, c, &transcript);
    } catch (const YAML::Exception& e) {
      failures = {std::string("bad case file: ") + e.what()};
    }
    fs::path golden = c;
    golden.replace_extension(".out");
    if (update && failures.empty()) {
      std::ofstream(golden, std::ios::binary) << transcript;
    } else if (!fs::exists(golden)) {
      failures.push_back("missing " + golden.string() + " (run with --update and review it)");
    } else if (ReadFile(golden) != transcript) {
      failures.push_back("transcript differs from " + golden.string() + ":\n--- expected\n" + ReadFile(golden) +
                         "--- actual\n" + transcript);
    }
    std::cout << (failures.empty() ? "PASS " : "FAIL ") << c.filename().string() << "\n";
    for (const auto& f : failures) std::cout << "  " << f << "\n";
    if (!failures.empty()) ++failed;
  }
  std::cout << cases.size() - static_cast<size_t>(failed) << "/" << cases.size() << " golden conversations pass\n";
  return failed ? 1 : 0;
}
