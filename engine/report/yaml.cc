// The report as paste-ready pack YAML: the KPIs, examples for existing
// intents and skeletons of new ones.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "core/engine.h"
#include "report/display.h"
#include "report/kpi.h"
#include "report/report.h"
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

}  // namespace

std::string FormatYaml(const Report& r) {
  const auto& o = r.options;
  std::vector<std::string> pack_langs;
  std::string default_lang = "en";
  double assign_threshold = 0.2;
  if (o.engine) {
    for (text::Lang l : o.engine->pack().languages) pack_langs.emplace_back(text::LangCode(l));
    default_lang = std::string(text::LangCode(o.engine->pack().DefaultLanguage()));
    // Close enough that the bot would already offer the intent as a choice.
    assign_threshold = o.engine->suggest_threshold();
  }
  std::string out;
  out += "# zari report: " + GroupThousands(static_cast<int64_t>(r.cluster_count)) + " clusters of unresolved questions, " +
         YamlComment(PeriodText(r)) + "\n";
  out += "# Review every line: these are customers' messages (personal data masked).\n";
  out += "# kpis: the figures of the period (docs/OPERATIONS.md, KPIs).\n";
  out += "# add_examples: paste each list under `examples:` of the named intent.\n";
  out += "# intents: name each new intent, write its answers, move it into a pack file.\n";
  AppendKpiYaml(r, &out);
  std::string add, skeletons, skipped;
  size_t add_n = 0, new_n = 0;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    const size_t rank = i + 1;
    const std::string about = "cluster " + std::to_string(rank) + ": " + GroupThousands(c.count) + " questions (" +
                              LanguagesOf(c) + ")";
    if (!c.answered_by.empty()) {
      skipped += "#   " + about + " — now answered by " + c.answered_by + ": " + YamlComment(Truncate(c.label, 60)) + "\n";
      continue;
    }
    const auto examples = ExamplesByLanguage(c, default_lang, 8);
    auto examples_yaml = [&](const std::string& indent) {
      std::string s;
      for (const auto& [lang, list] : examples) {
        s += indent + lang + ":\n";
        for (const auto& e : list) s += indent + "  - " + zari::YamlQuoted(e) + "\n";
      }
      return s;
    };
    if (!c.nearest_intent.empty() && c.nearest_score >= assign_threshold) {
      ++add_n;
      add += "  - intent: " + c.nearest_intent + "    # " + YamlComment(c.nearest_where) + "\n";
      add += "    # " + about + ", score " + Fixed(c.nearest_score, 2) + "\n";
      add += "    examples:\n" + examples_yaml("      ");
      continue;
    }
    ++new_n;
    std::vector<std::string> langs = pack_langs;
    if (langs.empty()) {
      for (const auto& [lang, list] : examples) langs.push_back(lang);
    }
    skeletons += "  - id: " + SuggestId(c, rank) + "    # TODO: a real name; " + about + "\n";
    if (!c.nearest_intent.empty()) {
      skeletons += "    # nearest existing intent: " + c.nearest_intent + " (" + Fixed(c.nearest_score, 2) + ")\n";
    }
    skeletons += "    title:\n";
    for (const auto& l : langs) skeletons += "      " + l + ": \"TODO\"\n";
    skeletons += "    examples:\n" + examples_yaml("      ");
    skeletons += "    answer:\n";
    for (const auto& l : langs) skeletons += "      " + l + ": \"TODO: the answer in " + l + "\"\n";
  }
  out += "add_examples:" + std::string(add_n ? "\n" + add : " []\n");
  out += "intents:" + std::string(new_n ? "\n" + skeletons : " []\n");
  if (!skipped.empty()) out += "# Already answered by the current pack (nothing to add):\n" + skipped;
  return out;
}

}  // namespace zari::report
