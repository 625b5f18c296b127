#include "match/rules.h"

#include <algorithm>

namespace zari::match {
namespace {

using text::Lang;

constexpr int kMaxSlots = 8;

}  // namespace

Status RuleMatcher::Build(const pack::Pack& pack, const Options& options) {
  langs_ = pack.LanguageSet();
  std::array<std::vector<int32_t>, text::kLangCount> key_rules, surface_rules;
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  o.set_max_mem(options.re2_max_mem);
  for (size_t ii = 0; ii < pack.intents.size(); ++ii) {
    const pack::Intent& in = pack.intents[ii];
    const int32_t intent = static_cast<int32_t>(ii);
    if (!in.dtmf.empty()) dtmf_.emplace(in.dtmf, intent);
    for (int l = 1; l < text::kLangCount; ++l) {
      for (const pack::Text& t : in.patterns[static_cast<size_t>(l)]) {
        auto compiled = pack::CompileTemplate(t.text, static_cast<Lang>(l));
        if (!compiled.ok()) {
          return Status(Code::kPack, t.pos.ToString() + ": bad template '" + t.text + "' in intent '" +
                                         in.id + "': " + compiled.status().message());
        }
        Rule r;
        r.intent = intent;
        r.lang = static_cast<Lang>(l);
        r.source = t.text;
        r.pos = t.pos;
        r.specificity = compiled->specificity;
        r.slots = std::move(compiled->slots);
        if (r.slots.size() > kMaxSlots) {
          return Status(Code::kPack, t.pos.ToString() + ": template has more than 8 slots");
        }
        r.re = std::make_unique<RE2>(compiled->regex, o);
        if (!r.re->ok()) {
          return Status(Code::kLimit, t.pos.ToString() + ": template '" + t.text + "' is too complex: " + r.re->error());
        }
        key_rules[static_cast<size_t>(l)].push_back(static_cast<int32_t>(rules_.size()));
        rules_.push_back(std::move(r));
      }
    }
    for (int l = 0; l < text::kLangCount; ++l) {
      for (const pack::Text& t : in.regex[static_cast<size_t>(l)]) {
        Rule r;
        r.intent = intent;
        r.lang = static_cast<Lang>(l);
        r.is_regex = true;
        r.source = t.text;
        r.pos = t.pos;
        r.specificity = 1;
        r.re = std::make_unique<RE2>(t.text, o);
        if (!r.re->ok()) {
          return Status(r.re->error_code() == RE2::ErrorPatternTooLarge ? Code::kLimit : Code::kPack,
                        t.pos.ToString() + ": bad regex '" + t.text + "' in intent '" + in.id + "': " + r.re->error());
        }
        if (r.re->NumberOfCapturingGroups() > kMaxSlots) {
          return Status(Code::kPack, t.pos.ToString() + ": regex has more than 8 capturing groups");
        }
        // Named groups become slots.
        r.slots.resize(static_cast<size_t>(r.re->NumberOfCapturingGroups()));
        for (const auto& [name, index] : r.re->NamedCapturingGroups()) {
          r.slots[static_cast<size_t>(index - 1)].name = name;
        }
        const int32_t idx = static_cast<int32_t>(rules_.size());
        if (l == 0) {
          for (int k = 1; k < text::kLangCount; ++k) surface_rules[static_cast<size_t>(k)].push_back(idx);
        } else {
          surface_rules[static_cast<size_t>(l)].push_back(idx);
        }
        rules_.push_back(std::move(r));
      }
    }
  }
  for (int l = 1; l < text::kLangCount; ++l) {
    if (!(langs_ & text::LangBit(static_cast<Lang>(l)))) continue;
    Status s = Compile(&sets_[static_cast<size_t>(l)].key, key_rules[static_cast<size_t>(l)], o, "templates",
                       static_cast<Lang>(l));
    if (!s.ok()) return s;
    s = Compile(&sets_[static_cast<size_t>(l)].surface, surface_rules[static_cast<size_t>(l)], o, "regexes",
                static_cast<Lang>(l));
    if (!s.ok()) return s;
  }
  return Status::Ok();
}

Status RuleMatcher::Compile(Set* s, const std::vector<int32_t>& rules, const RE2::Options& o,
                            const char* what, Lang lang) {
  if (rules.empty()) return Status::Ok();
  RE2::Options so = o;
  so.set_never_capture(true);
  s->set = std::make_unique<RE2::Set>(so, RE2::UNANCHORED);
  for (int32_t r : rules) {
    std::string error;
    if (s->set->Add(rules_[static_cast<size_t>(r)].re->pattern(), &error) < 0) {
      const Rule& rule = rules_[static_cast<size_t>(r)];
      return Status(Code::kPack, rule.pos.ToString() + ": " + error);
    }
    s->rules.push_back(r);
  }
  if (!s->set->Compile()) {
    return Status(Code::kLimit, std::string("the ") + what + " of language " + std::string(text::LangCode(lang)) +
                                    " exceed RE2's memory budget; simplify them or raise the limit");
  }
  return Status::Ok();
}

void RuleMatcher::Match(const text::Normalized& n, std::vector<RuleHit>* hits) const {
  const size_t before = hits->size();
  if (n.lang != Lang::kUnknown) MatchLang(n, n.lang, hits);
  if (hits->size() > before) return;
  for (int l = 1; l < text::kLangCount; ++l) {
    Lang lang = static_cast<Lang>(l);
    if (lang == n.lang || !(langs_ & text::LangBit(lang))) continue;
    MatchLang(n, lang, hits);
  }
}

void RuleMatcher::MatchLang(const text::Normalized& n, Lang lang, std::vector<RuleHit>* hits) const {
  thread_local std::vector<int> matched;
  const LangSets& ls = sets_[static_cast<size_t>(lang)];
  auto run = [&](const Set& s, std::string_view text) {
    if (!s.set) return;
    matched.clear();
    RE2::Set::ErrorInfo info{RE2::Set::kNoError};
    // Match without the index vector first: RE2 allocates only when asked for it.
    if (s.set->Match(text, nullptr, &info)) {
      s.set->Match(text, &matched, &info);
    }
    if (info.kind == RE2::Set::kOutOfMemory) {
      // The DFA ran out of its memory budget (a pathological pack or input):
      // answer correctly anyway, one rule at a time, and count it.
      dfa_fallbacks_.fetch_add(1, std::memory_order_relaxed);
      matched.clear();
      for (size_t i = 0; i < s.rules.size(); ++i) {
        if (RE2::PartialMatch(text, *rules_[static_cast<size_t>(s.rules[i])].re)) matched.push_back(static_cast<int>(i));
      }
    }
    for (int m : matched) {
      int32_t rule = s.rules[static_cast<size_t>(m)];
      const Rule& r = rules_[static_cast<size_t>(rule)];
      RuleHit hit;
      hit.rule = rule;
      hit.intent = r.intent;
      if (!Span(n, r, &hit)) continue;
      // Keep one hit per intent: the most specific rule.
      auto it = std::find_if(hits->begin(), hits->end(), [&](const RuleHit& h) { return h.intent == r.intent; });
      if (it == hits->end()) {
        hits->push_back(hit);
      } else if (r.specificity > rules_[static_cast<size_t>(it->rule)].specificity) {
        *it = hit;
      }
    }
  };
  run(ls.key, n.key);
  run(ls.surface, n.surface);
}

bool RuleMatcher::Span(const text::Normalized& n, const Rule& r, RuleHit* hit) const {
  std::string_view text = r.is_regex ? std::string_view(n.surface) : std::string_view(n.key);
  re2::StringPiece m;
  if (!r.re->Match(text, 0, text.size(), RE2::UNANCHORED, &m, 1)) return false;
  size_t begin = static_cast<size_t>(m.data() - text.data());
  size_t end = begin + m.size();
  uint16_t tb = 0, te = 0;
  bool first = true;
  for (size_t i = 0; i < n.tokens.size(); ++i) {
    const text::Token& t = n.tokens[i];
    size_t b = r.is_regex ? t.surface_begin : t.key_begin;
    size_t len = r.is_regex ? t.surface_len : t.key_len;
    if (b + len <= begin || b >= end) continue;
    if (first) tb = static_cast<uint16_t>(i), first = false;
    te = static_cast<uint16_t>(i + 1);
  }
  hit->token_begin = tb;
  hit->token_end = te;
  return true;
}

void RuleMatcher::Slots(const text::Normalized& n, const RuleHit& hit, std::vector<Slot>* out) const {
  const Rule& r = rules_[static_cast<size_t>(hit.rule)];
  if (r.slots.empty()) return;
  std::string_view text = r.is_regex ? std::string_view(n.surface) : std::string_view(n.key);
  re2::StringPiece groups[kMaxSlots + 1];
  const int ngroups = static_cast<int>(r.slots.size()) + 1;
  if (!r.re->Match(text, 0, text.size(), RE2::UNANCHORED, groups, ngroups)) return;
  for (size_t i = 0; i < r.slots.size(); ++i) {
    const re2::StringPiece& g = groups[i + 1];
    if (g.data() == nullptr || r.slots[i].name.empty()) continue;
    std::string value;
    if (r.is_regex || r.slots[i].type != pack::SlotType::kText) {
      value.assign(g.data(), g.size());
      if (r.slots[i].type == pack::SlotType::kPhone || r.slots[i].type == pack::SlotType::kDigits) {
        value.erase(std::remove(value.begin(), value.end(), ' '), value.end());
      }
    } else {
      // Text slots report the user's words (surface), not the lossy key.
      size_t begin = static_cast<size_t>(g.data() - text.data()), end = begin + g.size();
      size_t sb = std::string::npos, se = 0;
      for (const text::Token& t : n.tokens) {
        if (t.key_begin + t.key_len <= begin || t.key_begin >= end) continue;
        sb = std::min<size_t>(sb, t.surface_begin);
        se = std::max<size_t>(se, t.surface_begin + t.surface_len);
      }
      if (sb != std::string::npos) value = n.surface.substr(sb, se - sb);
    }
    while (!value.empty() && value.back() == ' ') value.pop_back();
    if (r.slots[i].type == pack::SlotType::kPhone) {
      size_t digits = static_cast<size_t>(std::count_if(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; }));
      if (digits < 7 || digits > 15) continue;
    }
    out->push_back({r.slots[i].name, std::move(value)});
  }
}

void RuleMatcher::AddExactExample(std::string key, int32_t example) {
  if (key.empty()) return;
  exact_.emplace(std::move(key), example);
}

int32_t RuleMatcher::ExactExample(const text::Normalized& n) const {
  auto it = exact_.find(n.BareKey());
  return it == exact_.end() ? -1 : it->second;
}

int32_t RuleMatcher::Dtmf(std::string_view raw) const {
  if (dtmf_.empty()) return -1;
  // Keypad input only: digits, * and #, optionally surrounded by spaces.
  size_t b = raw.find_first_not_of(" \t\r\n"), e = raw.find_last_not_of(" \t\r\n");
  if (b == std::string_view::npos) return -1;
  std::string_view d = raw.substr(b, e - b + 1);
  if (d.size() > 16 || d.find_first_not_of("0123456789*#") != std::string_view::npos) return -1;
  auto it = dtmf_.find(d);
  return it == dtmf_.end() ? -1 : it->second;
}

}  // namespace zari::match
