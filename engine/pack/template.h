// Phrase templates (docs/PACKS.md) compiled to RE2 syntax over the normalized key,
// and to a token program that the rule matcher runs instead of the regex.
//
// The key of a message is " tok1 tok2 … tokN " (one space before every token
// and after the last), so a template becomes a regex in which every token is
// followed by a space:  "(check|show) [my] balance"  →
//   " (?:check |show )(?:my )?balance "
// Word boundaries therefore come from Zari's tokenizer, not from RE2's ASCII
// \b, and Georgian, Azerbaijani and English behave the same.
//
// Every part of such a regex matches whole space-delimited tokens, so the
// same template is also a small program over the key's tokens
// (TokenProgram), which matches without a per-template RE2 object (each one's
// lazily built DFA was a chain of cache misses for the few messages that
// reach it). The regex stays the definition: the token program gives the same
// match, span and slots as RE2 running it (tests/unit/template_test.cc and
// tests/fuzz/template_fuzzer.cc compare the two).
#ifndef ZARI_ENGINE_PACK_TEMPLATE_H_
#define ZARI_ENGINE_PACK_TEMPLATE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "text/lang.h"
#include "util/hash.h"
#include "util/status.h"

namespace zari::pack {

enum class SlotType { kText, kNumber, kPhone, kDigits };

struct SlotSpec {
  std::string name;
  SlotType type = SlotType::kText;
};

// One way to satisfy a template's need: a key token equal to `token`, or
// (prefix) beginning with it.
struct TokenNeed {
  std::string token;
  bool prefix = false;
  uint64_t hash = 0;  // TokenHash(token), for whole-token needs
};

// The hash of a key token that TokenNeed::hash holds (the rule matcher
// hashes a message's tokens with it too).
// Hashing a token's prefixes incrementally (hash::Fnv, then Avalanche)
// gives the TokenHash of each prefix: the rule matcher looks up every
// beginning of a word in one pass.
inline uint64_t TokenHash(std::string_view token) { return hash::Of(token); }

// A message key split where a template's regex sees token boundaries: at
// every ' ' of the key string. Normalized::tokens are not used: the regex
// never sees them, and only the key string says where its spaces are. Token
// i is the text between the key's spaces i and i + 1 (for " t1 … tN " these
// are t1 … tN); boundary p is space p, where a match may begin and where one
// that has taken tokens up to p stands. Split once per message, then shared
// by every template tried.
class KeyTokens {
 public:
  void Split(std::string_view key);

  std::string_view key() const { return key_; }
  size_t boundaries() const { return spaces_.size(); }
  size_t size() const { return spaces_.empty() ? 0 : spaces_.size() - 1; }  // tokens
  std::string_view operator[](size_t i) const {
    return key_.substr(spaces_[i] + 1, spaces_[i + 1] - spaces_[i] - 1);
  }
  size_t Space(size_t boundary) const { return spaces_[boundary]; }  // its byte offset

 private:
  std::string_view key_;
  std::vector<uint32_t> spaces_;
};

// One step of a token program. Token steps take one key token that passes
// their test (each is the regex part before a token's space); the others
// move between steps without taking one.
struct TokenInst {
  enum class Op : uint8_t {
    kEqual,   // the token is literal [arg0, arg0 + arg1) of the program
    kPrefix,  // the token begins with that literal          `pre*`: pre[^ ]*
    kAny,     // any token but an empty one                  [^ ]+
    kNumber,  // 12, 12.5                                    [0-9]+(?:\.[0-9]+)?
    kDigits,  // 123                                         [0-9]+
    kPhone,   // 123, +123                                   \+?[0-9]+
    kSplit,   // go to step arg0; if that fails, to arg1 (the regex's preference)
    kJump,    // go to step arg0
    kSave,    // capture register arg0 := the current boundary
    kEnd,     // `$`: the current boundary is the key's last byte
    kMatch,
  };
  Op op = Op::kMatch;
  int32_t memo = -1;  // row of the visited table (steps reached from two places), or -1
  int32_t arg0 = 0, arg1 = 0;
};

// A template as a program over KeyTokens, run by a backtracker that tries
// the alternatives in the regex's preference order (RE2 without
// longest_match returns the match a Perl-style backtracker finds) and
// records the (step, boundary) pairs it has been at, so it never tries one
// twice: time and memory are at most steps × boundaries (RE2's BitState
// does the same), whatever the template or the message.
class TokenProgram {
 public:
  // Above this many steps a template is rejected (a 4,096-byte template, the
  // pack limit, has at most about 12,300).
  static constexpr size_t kMaxSteps = 1 << 16;

  TokenProgram() = default;
  // `steps` end in kMatch and jump by absolute step numbers; `anchored_start`
  // is the template's `^`.
  TokenProgram(std::vector<TokenInst> steps, std::string literals, bool anchored_start);

  // What RE2::Match(key, 0, key.size(), UNANCHORED, groups, ngroups) of the
  // template's regex gives: the leftmost match and, of those, the one the
  // regex prefers; groups[0] the match, groups[i] slot i - 1 (a null view when
  // it took no part). ngroups may be 0. Allocation-free once the thread's
  // scratch has grown to the program and the message.
  bool Match(const KeyTokens& key, std::string_view* groups, int ngroups) const;

  const std::vector<TokenInst>& steps() const { return steps_; }

 private:
  std::vector<TokenInst> steps_;
  std::string literals_;  // the bytes kEqual and kPrefix steps compare with
  int32_t memo_rows_ = 0;
  bool anchored_start_ = false;
};

struct CompiledTemplate {
  std::string regex;            // RE2 syntax over Normalized::key: the definition
  TokenProgram program;         // the same match, span and slots, token by token
  // What every match needs, for the rule matcher's prefilter: each group
  // lists alternatives, one of which must be a key token of the message.
  // Empty when the template has no required word (only optional parts,
  // wildcards or slots), so it must always be run.
  std::vector<std::vector<TokenNeed>> needs;
  std::vector<SlotSpec> slots;  // in capture-group order
  int specificity = 0;          // literal tokens every match needs (tie-break)
  bool anchored_start = false;
  bool anchored_end = false;
};

// Compiles one template written for `lang`. Words are normalized with the
// same pipeline as user text (any case, any script variant). Errors describe
// the problem without a position; the caller prefixes file:line:col.
Result<CompiledTemplate> CompileTemplate(std::string_view source, text::Lang lang);

}  // namespace zari::pack

#endif  // ZARI_ENGINE_PACK_TEMPLATE_H_
