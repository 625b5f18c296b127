// Phrase templates (DESIGN §5) compiled to RE2 syntax over the normalized key.
//
// The key of a message is " tok1 tok2 … tokN " (one space before every token
// and after the last), so a template becomes a regex in which every token is
// followed by a space:  "(check|show) [my] balance"  →
//   " (?:check |show )(?:my )?balance "
// Word boundaries therefore come from Zari's tokenizer, not from RE2's ASCII
// \b, and Georgian, Azerbaijani and English behave the same.
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

struct CompiledTemplate {
  std::string regex;            // RE2 syntax over Normalized::key
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
