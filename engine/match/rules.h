// Rule matching (docs/DECISIONS.md): phrase templates over the normalized key and
// raw regexes over the normalized surface.
//
// Templates are prefiltered by their words: each is indexed under the rarest
// group of words one of which every match needs (pack/template.h), so a
// message runs only the templates its tokens point to. One RE2::Set over all
// of a language's templates would cost time in proportion to the templates
// (its DFA meets new states on almost every new message: thousands of
// partially matched templates) and memory for its DFA cache. A template is
// run as its token program (pack::TokenProgram: the same result as its regex,
// without an RE2 object and a cold DFA per template); templates with no
// required word are run on every message. Raw regexes are matched in one
// RE2::Set per language; only its hits are re-run for the span and slots.
// Exact matches of an intent's examples and DTMF digits also count as rules.
#ifndef ZARI_ENGINE_MATCH_RULES_H_
#define ZARI_ENGINE_MATCH_RULES_H_

#include <re2/re2.h>
#include <re2/set.h>

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "match/candidate.h"
#include "pack/pack.h"
#include "pack/template.h"
#include "text/normalize.h"
#include "util/huge_pages.h"
#include "util/status.h"

namespace zari::match {

struct Rule {
  int32_t intent = -1;
  text::Lang lang = text::Lang::kUnknown;  // kUnknown: a regex for any language
  bool is_regex = false;                   // raw regex over the surface
  std::string source;                      // as the author wrote it
  pack::SourcePos pos;
  int specificity = 0;
  std::vector<pack::SlotSpec> slots;
  std::vector<std::vector<pack::TokenNeed>> needs;  // templates, while building: see pack::CompiledTemplate
  pack::TokenProgram program;  // templates
  std::unique_ptr<RE2> re;     // regexes, for the span and captures of a hit
};

struct RuleHit {
  int32_t rule = -1;
  int32_t intent = -1;
  uint16_t token_begin = 0, token_end = 0;
};

// Heterogeneous lookup by string_view in the exact-example and DTMF maps.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
};
using StringMap = std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>>;

class RuleMatcher {
 public:
  struct Options {
    int64_t re2_max_mem = 256 << 20;  // per RE2::Set of raw regexes; Georgian is 3 bytes a letter
  };

  // Compiles every template and regex of the pack. Errors carry file:line:col.
  Status Build(const pack::Pack& pack, const Options& options);

  // Appends the best rule hit of each matching intent to *hits. Rules of
  // `lang` are tried first; the other pack languages only when those miss.
  void Match(const text::Normalized& n, std::vector<RuleHit>* hits) const;

  // Registers an example's exact key (the first example with a key wins).
  void AddExactExample(std::string_view key, int32_t example);
  // Example index whose key equals the message's key, or -1, in two steps
  // so that the table read (a cache miss in a large pack) can overlap other
  // work: PrefetchExactExample starts it and returns the key's hash.
  uint64_t PrefetchExactExample(const text::Normalized& n) const;
  int32_t ExactExample(const text::Normalized& n, uint64_t hash) const;

  // Intent whose `dtmf` equals the message (keypad digits only), or -1.
  int32_t Dtmf(std::string_view raw_text) const;

  // Captured slots of a hit (re-runs the rule; only on hits).
  void Slots(const text::Normalized& n, const RuleHit& hit, std::vector<Slot>* out) const;

  const Rule& rule(int32_t i) const { return rules_[static_cast<size_t>(i)]; }
  size_t rule_count() const { return rules_.size(); }
  // Messages matched rule by rule because RE2's DFA exhausted its memory.
  uint64_t dfa_fallbacks() const { return dfa_fallbacks_.load(std::memory_order_relaxed); }

 private:
  // A message's key tokens as the prefilter sees them: their hashes
  // (pack::TokenHash) and those hashes' bits in one mask (empty when the
  // pack has no indexed templates); and the key as token programs see it.
  struct TokenHashes {
    std::vector<uint64_t> hashes;
    uint64_t mask = 0;
    pack::KeyTokens key;
  };
  struct Set {
    std::unique_ptr<RE2::Set> set;
    std::vector<int32_t> rules;  // set index → rule
  };
  // Prefilter index: a need's token → the templates indexed under it, as a
  // range of `entries`. An entry also carries two of the template's other
  // needs as 64-bit masks of their tokens' hashes (0: none): a message whose
  // token mask misses one cannot match, which rejects most candidates
  // without touching the rule itself.
  struct IndexEntry {
    int32_t rule;
    uint64_t masks[2];
  };
  // Need token's hash (pack::TokenHash) → its range of `entries`; open
  // addressing, no strings: a hash collision can only add candidates, which
  // NeedsHold then rejects.
  struct NeedIndex {
    struct Slot {
      uint64_t hash;
      uint32_t begin, end;  // begin == end: empty
    };
    std::vector<Slot> slots;
    // Returns false when `hash` is already there (the caller then leaves the
    // need's templates unindexed).
    bool Insert(uint64_t hash, uint32_t begin, uint32_t end);
    const Slot* Find(uint64_t hash) const;  // nullptr when absent
    bool empty() const { return slots.empty(); }
  };
  struct LangSets {
    NeedIndex words;     // templates needing a whole token
    NeedIndex prefixes;  // templates needing a token's beginning
    std::vector<uint32_t> prefix_lengths;  // bytes, ascending, distinct
    std::vector<IndexEntry> entries;       // grouped by need token
    std::vector<int32_t> unindexed;        // templates that need no word, ascending
    Set surface;  // raw regexes (own language and `any`)
  };

  // Indexes `rules` (templates of one language) by their rarest need; the
  // ones that need no word go to ls->unindexed.
  void IndexTemplates(const std::vector<int32_t>& rules, LangSets* ls) const;
  // Whether the message may have a token for every need of a template: a
  // filter (a whole word is compared by hash), the token program decides.
  bool NeedsHold(int32_t rule, const text::Normalized& n, const TokenHashes& tokens) const;
  // Lays out every template's needs flat (FlatNeed) and frees Rule::needs.
  void FlattenNeeds();
  Status Compile(Set* s, const std::vector<int32_t>& rules, const RE2::Options& o, text::Lang lang);
  void MatchLang(const text::Normalized& n, const TokenHashes& tokens, text::Lang lang,
                 std::vector<RuleHit>* hits) const;
  void AddHit(const text::Normalized& n, const pack::KeyTokens& key, int32_t rule, std::vector<RuleHit>* hits) const;
  // Runs one rule like RE2::Match(UNANCHORED): a template's program over
  // `key`, a regex over `text` (the surface); groups[0] is the match.
  static bool Run(const Rule& r, std::string_view text, const pack::KeyTokens& key, std::string_view* groups,
                  int ngroups);
  bool Span(const text::Normalized& n, const pack::KeyTokens& key, const Rule& r, RuleHit* hit) const;

  std::vector<Rule> rules_;
  // Every template's needs, flat, for NeedsHold: a template's needs are one
  // run of this array (and its prefixes' bytes one run of need_text_), not
  // vectors of vectors of strings scattered over the heap, so checking a
  // candidate costs a cache miss or two. Rule r's needs are
  // [need_begin_[r], need_begin_[r + 1]); the last alternative of a group
  // closes it.
  struct FlatNeed {
    uint64_t hash;          // a whole word: its pack::TokenHash
    uint32_t text;          // a prefix: its bytes at need_text_[text, text + len)
    uint16_t len;
    uint8_t prefix;
    uint8_t closes_group;
  };
  std::vector<FlatNeed> needs_;
  std::vector<uint32_t> need_begin_;
  std::string need_text_;
  std::array<LangSets, text::kLangCount> sets_;
  text::LangSet langs_ = 0;
  bool indexed_ = false;  // some language has templates in the word index
  bool templates_ = false;  // some language has templates
  // Example keys → example index: open addressing over the keys' hashes
  // (every message looks here; a node-based map costs two cache misses).
  struct ExactSlot {
    uint64_t hash;
    uint32_t key_begin, key_len;  // in exact_keys_
    int32_t example;              // -1: empty
  };
  HugeVector<ExactSlot> exact_table_;  // megabytes in large packs: huge pages spare a TLB miss
  std::string exact_keys_;
  size_t exact_count_ = 0;
  const ExactSlot* FindExact(std::string_view key, uint64_t hash) const;
  StringMap dtmf_;    // digits → intent
  mutable std::atomic<uint64_t> dfa_fallbacks_{0};
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_RULES_H_
