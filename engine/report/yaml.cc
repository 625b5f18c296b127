// The report as paste-ready pack YAML: the KPIs, examples for existing
// intents (`add_examples`, as the pack loader reads it) and skeletons of
// new ones.
#include "report/yaml.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/engine.h"
#include "report/display.h"
#include "report/kpi.h"
#include "text/lang.h"
#include "util/numbers.h"
#include "util/yaml_text.h"

namespace zari::report {

namespace {

std::string YamlComment(std::string_view s) { return OneLine(s); }

bool HasPlaceholder(std::string_view s) {
  for (std::string_view p : {"[card]", "[phone]", "[email]", "[id]", "[account]", "[number]"}) {
    if (s.find(p) != std::string_view::npos) return true;
  }
  return false;
}

// The cluster's texts per language, as pack examples: distinct, most
// frequent first, texts with masked personal data only when nothing else.
std::map<std::string, std::vector<std::string>> ExamplesByLanguage(const Cluster& c, const std::string& fallback_lang,
                                                                   size_t per_language) {
  std::map<std::string, std::vector<std::string>> out;
  for (int pass = 0; pass < 2; ++pass) {
    for (const Sample& s : c.texts) {
      if ((pass == 0) == HasPlaceholder(s.text)) continue;
      std::string lang = text::ParseLang(s.language) == text::Lang::kUnknown ? fallback_lang : s.language;
      auto& list = out[lang];
      if (list.size() >= per_language) continue;
      if (pass == 1 && !list.empty()) continue;
      if (std::find(list.begin(), list.end(), s.text) == list.end()) list.push_back(s.text);
    }
  }
  return out;
}

// "todo_3_balance_check": an id from the cluster's lossy ASCII key.
std::string SuggestId(const Cluster& c, size_t rank) {
  std::string id = "todo_" + std::to_string(rank);
  size_t words = 0;
  std::string word;
  auto flush = [&] {
    if (!word.empty() && words < 4) {
      id += "_" + word;
      ++words;
    }
    word.clear();
  };
  for (char ch : c.key) {
    if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')) {
      if (word.size() < 16) word.push_back(ch);
    } else {
      flush();
    }
  }
  flush();
  return id;
}

// The pack's languages as codes, in its order ({} without a pack).
std::vector<std::string> PackLanguages(const Report& r) {
  std::vector<std::string> out;
  if (r.options.engine) {
    for (text::Lang l : r.options.engine->pack().languages) out.emplace_back(text::LangCode(l));
  }
  return out;
}

std::string DefaultLanguage(const Report& r) {
  return r.options.engine ? std::string(text::LangCode(r.options.engine->pack().DefaultLanguage())) : "en";
}

// A skeleton intent for a cluster no intent is near: id, title, examples
// per language, an answer placeholder for each pack language.
void AppendSkeleton(const Report& r, const Cluster& c, size_t rank, std::string* out) {
  const auto examples = ExamplesByLanguage(c, DefaultLanguage(r), 8);
  std::vector<std::string> langs = PackLanguages(r);
  if (langs.empty()) {
    for (const auto& [lang, list] : examples) langs.push_back(lang);
  }
  *out += "  - id: " + SuggestId(c, rank) + "    # TODO: a real name; " + YamlComment(ClusterNote(c, rank)) + "\n";
  if (!c.nearest_intent.empty()) {
    *out += "    # nearest existing intent: " + c.nearest_intent + " (" + Fixed(c.nearest_score, 2) + ")\n";
  }
  *out += "    title:\n";
  for (const auto& l : langs) *out += "      " + l + ": \"TODO\"\n";
  *out += "    examples:\n";
  for (const auto& [lang, list] : examples) {
    *out += "      " + lang + ":\n";
    for (const auto& e : list) *out += "        - " + zari::YamlQuoted(e) + "\n";
  }
  *out += "    answer:\n";
  for (const auto& l : langs) *out += "      " + l + ": \"TODO: the answer in " + l + "\"\n";
}

}  // namespace

std::string ClusterNote(const Cluster& c, size_t rank) {
  return "cluster " + std::to_string(rank) + ": " + GroupThousands(c.count) + (c.count == 1 ? " question (" : " questions (") +
         LanguagesOf(c) + "), " + FormatTime(c.first_ts) + " – " + FormatTime(c.last_ts) + " UTC";
}

Placement PlaceClusters(const Report& r, double threshold, size_t per_language) {
  Placement p;
  const std::vector<std::string> langs = PackLanguages(r);
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    if (!c.answered_by.empty()) {
      p.answered.push_back(i);
      continue;
    }
    if (c.nearest_intent.empty() || c.nearest_score < threshold) {
      p.fresh.push_back(i);
      continue;
    }
    auto to = std::find_if(p.additions.begin(), p.additions.end(),
                           [&](const IntentAdditions& a) { return a.intent == c.nearest_intent; });
    if (to == p.additions.end()) to = p.additions.insert(p.additions.end(), IntentAdditions{c.nearest_intent, {}, {}});
    to->notes.push_back(ClusterNote(c, i + 1) + ", score " + Fixed(c.nearest_score, 2));
    for (auto& [lang, texts] : ExamplesByLanguage(c, DefaultLanguage(r), per_language)) {
      if (!langs.empty() && std::find(langs.begin(), langs.end(), lang) == langs.end()) continue;
      auto& list = to->examples[lang];
      for (auto& t : texts) {
        if (std::find(list.begin(), list.end(), t) == list.end()) list.push_back(std::move(t));
      }
    }
  }
  return p;
}

void AppendAddExamples(const Report& r, const std::vector<IntentAdditions>& additions, std::string* out) {
  std::vector<std::string> order = PackLanguages(r);
  for (const IntentAdditions& a : additions) {
    for (const auto& [lang, list] : a.examples) {
      if (std::find(order.begin(), order.end(), lang) == order.end()) order.push_back(lang);
    }
  }
  std::string body;
  for (const IntentAdditions& a : additions) {
    std::string langs;
    for (const std::string& l : order) {
      auto it = a.examples.find(l);
      if (it == a.examples.end() || it->second.empty()) continue;
      langs += "    " + l + ":\n";
      for (const std::string& e : it->second) langs += "      - " + zari::YamlQuoted(e) + "\n";
    }
    if (langs.empty()) continue;
    body += "  " + zari::YamlKey(a.intent) + ":\n";
    for (const std::string& n : a.notes) body += "    # " + YamlComment(n) + "\n";
    body += langs;
  }
  *out += body.empty() ? "add_examples: {}\n" : "add_examples:\n" + body;
}

std::string FormatYaml(const Report& r) {
  // Close enough that the bot would already offer the intent as a choice.
  const double threshold = r.options.engine ? r.options.engine->suggest_threshold() : 0.2;
  std::string out;
  out += "# zari report: " + GroupThousands(static_cast<int64_t>(r.cluster_count)) + " clusters of unresolved questions, " +
         YamlComment(PeriodText(r)) + "\n";
  out += "# Review every line: these are customers' messages (personal data masked).\n";
  out += "# kpis: the figures of the period (docs/OPERATIONS.md, KPIs).\n";
  out += "# add_examples: move it into a pack file as it is (docs/PACKS.md), or paste each list under the intent.\n";
  out += "# intents: name each new intent, write its answers, move it into a pack file.\n";
  AppendKpiYaml(r, &out);
  const Placement placed = PlaceClusters(r, threshold, 8);
  AppendAddExamples(r, placed.additions, &out);
  std::string skeletons;
  for (size_t i : placed.fresh) AppendSkeleton(r, r.clusters[i], i + 1, &skeletons);
  out += "intents:" + std::string(placed.fresh.empty() ? " []\n" : "\n" + skeletons);
  if (!placed.answered.empty()) {
    out += "# Already answered by the current pack (nothing to add):\n";
    for (size_t i : placed.answered) {
      const Cluster& c = r.clusters[i];
      out += "#   " + YamlComment(ClusterNote(c, i + 1)) + " — now answered by " + c.answered_by + ": " +
             YamlComment(Truncate(c.label, 60)) + "\n";
    }
  }
  return out;
}

}  // namespace zari::report
