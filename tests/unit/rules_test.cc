// Templates (pack/template.h) and the rule matcher's word prefilter
// (match/rules.h): the prefilter must never hide a template that matches,
// and the matcher's token programs must find what the templates' regexes do.
#include <doctest/doctest.h>

#include <re2/re2.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "match/rules.h"
#include "pack/loader.h"
#include "pack/template.h"
#include "text/normalize.h"

using zari::pack::CompileTemplate;
using zari::pack::TokenNeed;
using zari::text::Lang;

namespace {

// Needs as "word" / "pre*" strings, groups joined by ';', alternatives by '|'.
std::string Needs(const char* source, Lang lang) {
  auto t = CompileTemplate(source, lang);
  REQUIRE(t.ok());
  std::string out;
  for (const auto& group : t->needs) {
    if (!out.empty()) out += ";";
    for (size_t i = 0; i < group.size(); ++i) {
      if (i) out += "|";
      out += group[i].token + (group[i].prefix ? "*" : "");
    }
  }
  return out;
}

// Each template's regex (the definition its token program follows), by rule
// index; null for raw regexes, which the matcher runs with RE2 itself.
std::vector<std::unique_ptr<RE2>> TemplateRegexes(const zari::match::RuleMatcher& rules) {
  std::vector<std::unique_ptr<RE2>> out(rules.rule_count());
  for (size_t i = 0; i < rules.rule_count(); ++i) {
    const auto& r = rules.rule(static_cast<int32_t>(i));
    if (r.is_regex) continue;
    auto t = CompileTemplate(r.source, r.lang);
    REQUIRE(t.ok());
    out[i] = std::make_unique<RE2>(t->regex);
    REQUIRE(out[i]->ok());
  }
  return out;
}

// Intents whose rules match the message, by running every template (over
// the key) and regex (over the surface) of the pack with RE2: the message's
// language first, the others only when it has none (the rule matcher's order).
std::set<int32_t> BruteForce(const zari::match::RuleMatcher& rules, const std::vector<std::unique_ptr<RE2>>& regexes,
                             const zari::text::Normalized& n) {
  std::set<int32_t> out;
  auto run = [&](Lang lang) {
    for (size_t i = 0; i < rules.rule_count(); ++i) {
      const auto& r = rules.rule(static_cast<int32_t>(i));
      if (r.is_regex ? r.lang != lang && r.lang != Lang::kUnknown : r.lang != lang) continue;
      if (RE2::PartialMatch(r.is_regex ? n.surface : n.key, r.is_regex ? *r.re : *regexes[i])) out.insert(r.intent);
    }
  };
  if (n.lang != Lang::kUnknown) run(n.lang);
  if (!out.empty()) return out;
  for (Lang lang : {Lang::kKa, Lang::kAz, Lang::kEn}) {
    if (lang != n.lang) run(lang);
  }
  return out;
}

}  // namespace

TEST_CASE("a template needs its words: alternatives give one group, optional parts none") {
  // Needs are in key form, lossy like the key itself ("show" → "sow").
  CHECK(Needs("(check|show) [my] balance", Lang::kEn) == "ceck|sow;balance");
  CHECK(Needs("top up* *", Lang::kEn) == "top;up*");
  CHECK(Needs("[my] {name}", Lang::kEn) == "");  // only a slot is required: always run
  // A branch with several words contributes its narrowest group; a branch
  // without required words leaves the alternative without a need.
  CHECK(Needs("(how much money|balance) left", Lang::kEn) == "money|balance;left");
  CHECK(Needs("([please] help|balance) left", Lang::kEn) == "help|balance;left");
  CHECK(Needs("(help|[my] [own]) left", Lang::kEn) == "left");
  // Words are normalized like messages: Mtavruli capitals, Turkic İ.
  CHECK(Needs("ᲑᲐᲚᲐᲜᲡᲘ", Lang::kKa) == Needs("ბალანსი", Lang::kKa));
  CHECK(Needs("İnternet", Lang::kAz) == Needs("internet", Lang::kAz));
}

TEST_CASE("the word prefilter finds every template that matches (sample pack, examples reshuffled)") {
  auto pack = zari::pack::LoadPack(std::string(ZARI_SOURCE_DIR) + "/intents/telecom");
  REQUIRE(pack.ok());
  zari::match::RuleMatcher rules;
  REQUIRE(rules.Build(pack.value(), {}).ok());
  const auto regexes = TemplateRegexes(rules);
  // Messages: every example, its words backwards, and neighbours joined (so
  // templates meet words in other orders and company), in every language.
  std::vector<std::string> messages;
  std::vector<std::string> all;
  for (const auto& in : pack->intents) {
    for (const auto& per_lang : in.examples) {
      for (const auto& e : per_lang) all.push_back(e.text);
    }
  }
  for (size_t i = 0; i < all.size(); ++i) {
    messages.push_back(all[i]);
    messages.push_back(all[i] + " " + all[(i * 7 + 3) % all.size()]);
    std::vector<std::string> words;
    std::string w;
    for (char c : all[i] + " ") {
      if (c == ' ') {
        if (!w.empty()) words.push_back(w);
        w.clear();
      } else {
        w.push_back(c);
      }
    }
    std::reverse(words.begin(), words.end());
    std::string backwards;
    for (const auto& x : words) backwards += x + " ";
    messages.push_back(backwards);
  }
  REQUIRE(messages.size() > 300);
  size_t matched = 0;
  zari::text::Normalized n;
  std::vector<zari::match::RuleHit> hits;
  for (const auto& m : messages) {
    for (Lang forced : {Lang::kUnknown, Lang::kKa, Lang::kAz, Lang::kEn}) {
      zari::text::NormalizeOptions o;
      o.forced = forced;
      zari::text::Normalize(m, o, &n);
      hits.clear();
      rules.Match(n, &hits);
      std::set<int32_t> got;
      for (const auto& h : hits) got.insert(h.intent);
      const std::set<int32_t> want = BruteForce(rules, regexes, n);
      CAPTURE(m);
      CAPTURE(n.key);
      CHECK(got == want);
      matched += !want.empty();
    }
  }
  // The comparison means something only if templates do match.
  CHECK(matched > messages.size());
}
