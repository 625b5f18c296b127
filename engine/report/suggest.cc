// `zari report --suggest FILE`: the unresolved clusters as a pack file of
// `add_examples:` for a person to review, which passes `zari check` once it
// is placed in the pack. The examples `zari check` would fail are left out,
// found the way it finds them on a trial build of the pack with them.
#include <algorithm>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/engine.h"
#include "report/display.h"
#include "report/report.h"
#include "report/yaml.h"
#include "util/numbers.h"

namespace zari::report {
namespace {

// Marks the trial pack's added examples (their positions name no file).
constexpr const char* kTrialFile = "(suggested)";

// The pack with the additions appended to their intents, as the loader
// appends add_examples.
pack::Pack TrialPack(const Engine& e, const std::vector<IntentAdditions>& additions) {
  pack::Pack p = e.pack();
  for (const IntentAdditions& a : additions) {
    const int32_t i = e.FindIntent(a.intent);
    if (i < 0) continue;
    for (const auto& [lang, texts] : a.examples) {
      auto& to = p.intents[static_cast<size_t>(i)].examples[static_cast<size_t>(text::ParseLang(lang))];
      for (const std::string& t : texts) to.push_back(pack::Text{t, pack::SourcePos{kTrialFile, 0, 0}});
    }
  }
  return p;
}

// The added examples `zari check` fails on: the same words as an example
// of another intent, or caught by another intent's template, regex or
// keypad digits. As (intent, language, text).
std::set<std::tuple<std::string, std::string, std::string>> FailingExamples(const Engine& trial) {
  std::set<std::tuple<std::string, std::string, std::string>> out;
  std::unordered_map<std::string, std::set<int32_t>> intents_of_key;
  text::Normalized n;
  for (const ExampleRef& ex : trial.example_refs()) {
    trial.Normalize(ex.text->text, ex.lang, text::Lang::kUnknown, &n);
    intents_of_key[std::string(n.BareKey())].insert(ex.intent);
  }
  Reply r;
  for (const ExampleRef& ex : trial.example_refs()) {
    if (ex.text->pos.file != kTrialFile) continue;
    trial.Normalize(ex.text->text, ex.lang, text::Lang::kUnknown, &n);
    trial.Decide(n, ex.text->text, &r, /*exact_examples=*/false);
    const match::Candidate* best = r.Best();
    const bool caught = r.intent >= 0 && r.intent != ex.intent && best && best->via != match::Via::kExample;
    if (caught || intents_of_key[std::string(n.BareKey())].size() > 1) {
      out.emplace(trial.intent(ex.intent).id, std::string(text::LangCode(ex.lang)), ex.text->text);
    }
  }
  return out;
}

// Intents one of whose `not` phrases now resolves to the intent itself.
std::set<std::string> IntentsWithFailingNots(const Engine& trial) {
  std::set<std::string> out;
  text::Normalized n;
  Reply r;
  for (const pack::Intent& in : trial.pack().intents) {
    for (int l = 1; l < text::kLangCount; ++l) {
      for (const pack::Text& t : in.nots[static_cast<size_t>(l)]) {
        trial.Normalize(t.text, static_cast<text::Lang>(l), text::Lang::kUnknown, &n);
        trial.Decide(n, t.text, &r);
        if (r.intent >= 0 && trial.intent(r.intent).id == in.id) out.insert(in.id);
      }
    }
  }
  return out;
}

size_t CountExamples(const std::vector<IntentAdditions>& additions) {
  size_t n = 0;
  for (const IntentAdditions& a : additions) {
    for (const auto& [lang, texts] : a.examples) n += texts.size();
  }
  return n;
}

// Drops what `zari check` would fail on, building the trial pack again
// after each change (the example model is trained on the whole pack, so a
// change can move a `not` phrase). Gives up on all additions after a few
// rounds rather than write a file that fails. Returns the examples dropped.
size_t KeepWhatPassesCheck(const Engine& e, std::vector<IntentAdditions>* additions) {
  const size_t before = CountExamples(*additions);
  const std::set<std::string> failing_already = IntentsWithFailingNots(e);  // the pack's own problem
  for (int round = 0; round < 4 && CountExamples(*additions) > 0; ++round) {
    auto trial = Engine::Compile(TrialPack(e, *additions));
    if (!trial.ok()) break;
    const auto failing = FailingExamples(*trial.value());
    std::set<std::string> nots = IntentsWithFailingNots(*trial.value());
    for (const std::string& id : failing_already) nots.erase(id);
    if (failing.empty() && nots.empty()) return before - CountExamples(*additions);
    for (IntentAdditions& a : *additions) {
      if (nots.count(a.intent)) a.examples.clear();
      for (auto& [lang, texts] : a.examples) {
        std::erase_if(texts, [&](const std::string& t) { return failing.count({a.intent, lang, t}) > 0; });
      }
    }
  }
  additions->clear();
  return before;
}

void AppendCandidates(const Report& r, const std::vector<size_t>& fresh, std::string* out) {
  if (fresh.empty()) return;
  *out += "\n# Candidates for new intents (no intent is near enough; write them as intents of their own):\n";
  for (size_t i : fresh) {
    const Cluster& c = r.clusters[i];
    *out += "#   " + OneLine(ClusterNote(c, i + 1));
    if (!c.nearest_intent.empty()) *out += ", nearest " + c.nearest_intent + " " + Fixed(c.nearest_score, 2);
    *out += "\n";
    for (const Sample& s : c.samples) {
      *out += "#     · " + s.language + " " + OneLine(Truncate(s.text, 100)) +
              (s.count > 1 ? "  ×" + GroupThousands(s.count) : "") + "\n";
    }
  }
}

}  // namespace

std::string FormatSuggest(const Report& r) {
  const Engine& e = *r.options.engine;
  Placement placed = PlaceClusters(r, e.suggest_threshold(), 20);
  const size_t dropped = KeepWhatPassesCheck(e, &placed.additions);
  std::string out;
  out += "# zari report --suggest: examples for the intents of '" + OneLine(e.pack().name) + "' from " +
         GroupThousands(static_cast<int64_t>(r.clusters.size())) + " clusters of unresolved questions, " +
         OneLine(PeriodText(r)) + ".\n";
  out += "# Each cluster goes under its nearest intent when the matcher's score reaches the pack's suggest\n";
  out += "# threshold (" + Fixed(e.suggest_threshold(), 2) + "). Review every line before this file goes into the pack:\n";
  out += "# these are customers' messages (personal data masked); delete what does not belong.\n";
  if (dropped > 0) {
    out += "# Left out: " + GroupThousands(static_cast<int64_t>(dropped)) +
           " examples `zari check` would refuse (another intent's template or example, or a `not` phrase).\n";
  }
  AppendAddExamples(r, placed.additions, &out);
  AppendCandidates(r, placed.fresh, &out);
  if (!placed.answered.empty()) {
    out += "\n# Answered by the current pack already (nothing to add):\n";
    for (size_t i : placed.answered) {
      out += "#   " + OneLine(ClusterNote(r.clusters[i], i + 1)) + " — " + r.clusters[i].answered_by + "\n";
    }
  }
  return out;
}

}  // namespace zari::report
