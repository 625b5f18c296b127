#include "match/rules.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>

namespace zari::match {
namespace {

using text::Lang;

constexpr int kMaxSlots = 8;

// A token hash's bit in a 64-bit mask (the high bits: the low ones also pick
// hash-table buckets).
uint64_t NeedBit(uint64_t hash) { return uint64_t{1} << (hash >> 58); }

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
        key_rules[static_cast<size_t>(l)].push_back(static_cast<int32_t>(rules_.size()));
        r.needs = std::move(compiled->needs);
        r.program = std::move(compiled->program);
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
    LangSets& ls = sets_[static_cast<size_t>(l)];
    IndexTemplates(key_rules[static_cast<size_t>(l)], &ls);
    indexed_ |= !ls.entries.empty();
    templates_ |= !key_rules[static_cast<size_t>(l)].empty();
    Status s = Compile(&ls.surface, surface_rules[static_cast<size_t>(l)], o, static_cast<Lang>(l));
    if (!s.ok()) return s;
  }
  FlattenNeeds();
  return Status::Ok();
}

void RuleMatcher::IndexTemplates(const std::vector<int32_t>& rules, LangSets* ls) const {
  std::vector<int32_t>* unindexed = &ls->unindexed;
  // How many templates name each need: a template is indexed under the group
  // whose alternatives the fewest templates share, so common words ("my",
  // "how") point to few templates.
  auto tag = [](const pack::TokenNeed& t) { return (t.prefix ? "*" : " ") + t.token; };
  std::unordered_map<std::string, uint32_t> freq;
  for (int32_t r : rules) {
    for (const auto& group : rules_[static_cast<size_t>(r)].needs) {
      for (const pack::TokenNeed& t : group) ++freq[tag(t)];
    }
  }
  // Need → (rule, the group it is indexed by); ordered: a deterministic layout.
  std::map<std::string, std::vector<std::pair<int32_t, size_t>>> by_need;
  for (int32_t r : rules) {
    const std::vector<pack::TokenNeed>* best = nullptr;
    uint64_t best_cost = UINT64_MAX;
    for (const auto& group : rules_[static_cast<size_t>(r)].needs) {
      uint64_t cost = 0;
      for (const pack::TokenNeed& t : group) cost += freq[tag(t)] + (t.prefix ? 1 : 0);
      if (cost < best_cost) best = &group, best_cost = cost;
    }
    if (!best) {
      unindexed->push_back(r);
      continue;
    }
    const size_t g = static_cast<size_t>(best - rules_[static_cast<size_t>(r)].needs.data());
    for (const pack::TokenNeed& t : *best) {
      auto& list = by_need[tag(t)];
      if (list.empty() || list.back().first != r) list.emplace_back(r, g);
    }
  }
  // Table sizes: a power of two, at most half full.
  size_t word_needs = 0, prefix_needs = 0;
  for (const auto& [need, list] : by_need) ++(need[0] == '*' ? prefix_needs : word_needs);
  auto size_table = [](NeedIndex* index, size_t count) {
    if (count == 0) return;
    size_t cap = 16;
    while (cap < count * 2) cap <<= 1;
    index->slots.assign(cap, NeedIndex::Slot{0, 0, 0});
  };
  size_table(&ls->words, word_needs);
  size_table(&ls->prefixes, prefix_needs);
  for (const auto& [need, list] : by_need) {
    const bool prefix = need[0] == '*';
    const uint32_t begin = static_cast<uint32_t>(ls->entries.size());
    for (const auto& [r, indexed] : list) {
      IndexEntry e{r, {0, 0}};
      size_t m = 0;
      const auto& groups = rules_[static_cast<size_t>(r)].needs;
      for (size_t g = 0; g < groups.size(); ++g) {
        if (g == indexed) continue;
        const auto& group = groups[g];
        uint64_t mask = 0;
        for (const pack::TokenNeed& t : group) {
          if (t.prefix) {
            mask = 0;  // a beginning has no whole-token hash: not maskable
            break;
          }
          mask |= NeedBit(t.hash);
        }
        if (mask != 0 && m < 2) e.masks[m++] = mask;
      }
      ls->entries.push_back(e);
    }
    const std::string_view token = std::string_view(need).substr(1);
    if (!(prefix ? ls->prefixes : ls->words).Insert(pack::TokenHash(token), begin, static_cast<uint32_t>(ls->entries.size()))) {
      // Two needs with one 64-bit hash: never seen, but then these templates
      // are run on every message rather than missed.
      for (const auto& [r, indexed] : list) unindexed->push_back(r);
      ls->entries.resize(begin);
      continue;
    }
    if (prefix) ls->prefix_lengths.push_back(static_cast<uint32_t>(token.size()));
  }
  std::sort(unindexed->begin(), unindexed->end());
  unindexed->erase(std::unique(unindexed->begin(), unindexed->end()), unindexed->end());
  std::sort(ls->prefix_lengths.begin(), ls->prefix_lengths.end());
  ls->prefix_lengths.erase(std::unique(ls->prefix_lengths.begin(), ls->prefix_lengths.end()), ls->prefix_lengths.end());
}

Status RuleMatcher::Compile(Set* s, const std::vector<int32_t>& rules, const RE2::Options& o, Lang lang) {
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
    return Status(Code::kLimit, "the regexes of language " + std::string(text::LangCode(lang)) +
                                    " exceed RE2's memory budget; simplify them or raise the limit");
  }
  return Status::Ok();
}

bool RuleMatcher::NeedIndex::Insert(uint64_t hash, uint32_t begin, uint32_t end) {
  const size_t mask = slots.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& s = slots[i];
    if (s.begin == s.end) {
      s = {hash, begin, end};
      return true;
    }
    if (s.hash == hash) return false;
  }
}

const RuleMatcher::NeedIndex::Slot* RuleMatcher::NeedIndex::Find(uint64_t hash) const {
  if (slots.empty()) return nullptr;
  const size_t mask = slots.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& s = slots[i];
    if (s.begin == s.end) return nullptr;
    if (s.hash == hash) return &s;
  }
}

void RuleMatcher::Match(const text::Normalized& n, std::vector<RuleHit>* hits) const {
  // The tokens' hashes and the key's tokens, once for every language tried.
  thread_local TokenHashes tokens;
  tokens.hashes.clear();
  tokens.mask = 0;
  for (size_t i = 0; indexed_ && i < n.tokens.size(); ++i) {
    tokens.hashes.push_back(pack::TokenHash(n.KeyOf(n.tokens[i])));
    tokens.mask |= NeedBit(tokens.hashes.back());
  }
  if (templates_) tokens.key.Split(n.key);  // only token programs read it
  const size_t before = hits->size();
  if (n.lang != Lang::kUnknown) MatchLang(n, tokens, n.lang, hits);
  if (hits->size() > before) return;
  for (int l = 1; l < text::kLangCount; ++l) {
    Lang lang = static_cast<Lang>(l);
    if (lang == n.lang || !(langs_ & text::LangBit(lang))) continue;
    MatchLang(n, tokens, lang, hits);
  }
}

bool RuleMatcher::NeedsHold(int32_t rule, const text::Normalized& n, const TokenHashes& tokens) const {
  const std::vector<uint64_t>& hashes = tokens.hashes;
  auto holds = [&](const FlatNeed& need) {
    if (!need.prefix) return std::find(hashes.begin(), hashes.end(), need.hash) != hashes.end();
    const char* text = need_text_.data() + need.text;
    for (const text::Token& t : n.tokens) {
      if (t.key_len >= need.len && std::memcmp(n.key.data() + t.key_begin, text, need.len) == 0) return true;
    }
    return false;
  };
  const FlatNeed* p = needs_.data() + need_begin_[static_cast<size_t>(rule)];
  const FlatNeed* end = needs_.data() + need_begin_[static_cast<size_t>(rule) + 1];
  while (p != end) {
    bool held = false;
    for (;; ++p) {
      held = held || holds(*p);
      if (p->closes_group) break;
    }
    ++p;
    if (!held) return false;
  }
  return true;
}

void RuleMatcher::FlattenNeeds() {
  need_begin_.assign(rules_.size() + 1, 0);
  for (size_t r = 0; r < rules_.size(); ++r) {
    need_begin_[r] = static_cast<uint32_t>(needs_.size());
    for (const auto& group : rules_[r].needs) {
      for (size_t i = 0; i < group.size(); ++i) {
        const pack::TokenNeed& t = group[i];
        FlatNeed f{t.hash, static_cast<uint32_t>(need_text_.size()), static_cast<uint16_t>(t.token.size()),
                   static_cast<uint8_t>(t.prefix), static_cast<uint8_t>(i + 1 == group.size())};
        if (t.prefix) need_text_ += t.token;
        needs_.push_back(f);
      }
    }
    std::vector<std::vector<pack::TokenNeed>>().swap(rules_[r].needs);
  }
  need_begin_[rules_.size()] = static_cast<uint32_t>(needs_.size());
}

void RuleMatcher::AddHit(const text::Normalized& n, const pack::KeyTokens& key, int32_t rule,
                         std::vector<RuleHit>* hits) const {
  const Rule& r = rules_[static_cast<size_t>(rule)];
  RuleHit hit;
  hit.rule = rule;
  hit.intent = r.intent;
  if (!Span(n, key, r, &hit)) return;
  // Keep one hit per intent: the most specific rule (the first on a tie).
  auto it = std::find_if(hits->begin(), hits->end(), [&](const RuleHit& h) { return h.intent == r.intent; });
  if (it == hits->end()) {
    hits->push_back(hit);
  } else if (r.specificity > rules_[static_cast<size_t>(it->rule)].specificity) {
    *it = hit;
  }
}

void RuleMatcher::MatchLang(const text::Normalized& n, const TokenHashes& tokens, Lang lang,
                            std::vector<RuleHit>* hits) const {
  thread_local std::vector<int> matched;
  thread_local std::vector<int32_t> candidates;
  const LangSets& ls = sets_[static_cast<size_t>(lang)];
  const uint64_t mask = tokens.mask;
  // Templates the message's tokens point to, in rule order; Span() runs each.
  candidates.clear();
  auto take = [&](const NeedIndex& index, uint64_t hash) {
    const NeedIndex::Slot* slot = index.Find(hash);
    if (!slot) return;
    for (uint32_t i = slot->begin; i < slot->end; ++i) {
      const IndexEntry& e = ls.entries[i];
      if ((e.masks[0] == 0 || (e.masks[0] & mask)) && (e.masks[1] == 0 || (e.masks[1] & mask))) {
        candidates.push_back(e.rule);
      }
    }
  };
  const bool indexed = !ls.entries.empty();  // a pack of examples only has none
  for (size_t i = 0; indexed && i < n.tokens.size(); ++i) {
    const std::string_view key = n.KeyOf(n.tokens[i]);
    if (!ls.words.empty()) take(ls.words, tokens.hashes[i]);
    // Every indexed beginning of the token, hashed in one pass.
    uint64_t h = hash::kFnvOffset;
    size_t hashed = 0;
    for (uint32_t len : ls.prefix_lengths) {
      if (len > key.size()) break;
      h = hash::Fnv(h, key.substr(hashed, len - hashed));
      hashed = len;
      take(ls.prefixes, hash::Avalanche(h));
    }
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (int32_t rule : candidates) {
    if (NeedsHold(rule, n, tokens)) AddHit(n, tokens.key, rule, hits);
  }
  // Templates that need no word run on every message, after the indexed ones
  // and in rule order (of an intent's equally specific hits the first wins).
  for (int32_t rule : ls.unindexed) AddHit(n, tokens.key, rule, hits);

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
    std::sort(matched.begin(), matched.end());
    for (int m : matched) AddHit(n, tokens.key, s.rules[static_cast<size_t>(m)], hits);
  };
  run(ls.surface, n.surface);
}

bool RuleMatcher::Run(const Rule& r, std::string_view text, const pack::KeyTokens& key, std::string_view* groups,
                      int ngroups) {
  if (!r.is_regex) return r.program.Match(key, groups, ngroups);
  re2::StringPiece pieces[kMaxSlots + 1];
  if (!r.re->Match(text, 0, text.size(), RE2::UNANCHORED, pieces, ngroups)) return false;
  for (int i = 0; i < ngroups; ++i) groups[i] = pieces[i];
  return true;
}

bool RuleMatcher::Span(const text::Normalized& n, const pack::KeyTokens& key, const Rule& r, RuleHit* hit) const {
  std::string_view text = r.is_regex ? std::string_view(n.surface) : std::string_view(n.key);
  std::string_view m;
  if (!Run(r, text, key, &m, 1)) return false;
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
  thread_local pack::KeyTokens key;
  if (!r.is_regex) key.Split(n.key);
  std::string_view groups[kMaxSlots + 1];
  const int ngroups = static_cast<int>(r.slots.size()) + 1;
  if (!Run(r, text, key, groups, ngroups)) return;
  for (size_t i = 0; i < r.slots.size(); ++i) {
    const std::string_view g = groups[i + 1];
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

const RuleMatcher::ExactSlot* RuleMatcher::FindExact(std::string_view key, uint64_t hash) const {
  if (exact_table_.empty()) return nullptr;
  const size_t mask = exact_table_.size() - 1;
  for (size_t i = hash & mask;; i = (i + 1) & mask) {
    const ExactSlot& s = exact_table_[i];
    if (s.example < 0) return &s;
    if (s.hash == hash && std::string_view(exact_keys_).substr(s.key_begin, s.key_len) == key) return &s;
  }
}

void RuleMatcher::AddExactExample(std::string_view key, int32_t example) {
  if (key.empty()) return;
  if ((exact_count_ + 1) * 2 > exact_table_.size()) {
    // Grow to keep the load factor at or under 1/2.
    HugeVector<ExactSlot> old = std::move(exact_table_);
    exact_table_.assign(old.empty() ? 1024 : old.size() * 2, ExactSlot{0, 0, 0, -1});
    const size_t mask = exact_table_.size() - 1;
    for (const ExactSlot& s : old) {
      if (s.example < 0) continue;
      size_t i = s.hash & mask;
      while (exact_table_[i].example >= 0) i = (i + 1) & mask;
      exact_table_[i] = s;
    }
  }
  const uint64_t hash = std::hash<std::string_view>()(key);
  ExactSlot* slot = const_cast<ExactSlot*>(FindExact(key, hash));
  if (slot->example >= 0) return;  // the first example with this key wins
  *slot = {hash, static_cast<uint32_t>(exact_keys_.size()), static_cast<uint32_t>(key.size()), example};
  exact_keys_.append(key);
  ++exact_count_;
}

uint64_t RuleMatcher::PrefetchExactExample(const text::Normalized& n) const {
  const uint64_t hash = std::hash<std::string_view>()(n.BareKey());
  if (!exact_table_.empty()) __builtin_prefetch(&exact_table_[hash & (exact_table_.size() - 1)]);
  return hash;
}

int32_t RuleMatcher::ExactExample(const text::Normalized& n, uint64_t hash) const {
  const std::string_view key = n.BareKey();
  if (key.empty() || exact_table_.empty()) return -1;
  return FindExact(key, hash)->example;
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
