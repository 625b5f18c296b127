// Language identification for one message (LANGUAGE.md §7): script counts,
// Azerbaijani letters, word lists and the cues of Georgian typed in Latin.
#ifndef ZARI_ENGINE_TEXT_LANGID_H_
#define ZARI_ENGINE_TEXT_LANGID_H_

#include <cstdint>
#include <string_view>

#include "text/chars.h"
#include "text/lang.h"

namespace zari::text {

// A token as the language identifier sees it: cleaned code points with the
// user's letter case intact (chat Georgian encodes letters in Shift).
struct LangIdToken {
  std::u32string_view text;
  ScriptClass script;
};

struct LangGuess {
  Lang lang = Lang::kUnknown;
  Script script = Script::kNative;
  float margin = 0;  // best score minus the runner-up; 0 when undecided
  ScriptClass majority = ScriptClass::kOther;  // script of most letters (kOther: none)
};

// Picks the language among `allowed`. Unknown when there is no evidence (only
// digits, or nothing of the allowed languages).
LangGuess DetectLanguage(const LangIdToken* tokens, size_t count, LangSet allowed);

}  // namespace zari::text

#endif  // ZARI_ENGINE_TEXT_LANGID_H_
