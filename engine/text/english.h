// English: contractions, possessives and chat spellings (LANGUAGE.md §4), and
// the Snowball "english" stemmer.
#ifndef ZARI_ENGINE_TEXT_ENGLISH_H_
#define ZARI_ENGINE_TEXT_ENGLISH_H_

#include <string>
#include <string_view>

namespace zari::text::english {

// Up to three replacement words for one lowercase token ("can't" → "can",
// "not"; "pls" → "please"; "card's" → "card"). Views point into the token
// or into static storage.
struct Expansion {
  std::u32string_view words[3];
  int count = 0;
};

// Expands a lowercase token that may contain apostrophes (already unified to
// '\''). A token that needs no change comes back as itself.
Expansion Expand(std::u32string_view token);

// Snowball English stem of a lowercase UTF-8 word, appended to *out.
// Thread-safe (one stemmer per thread).
void AppendStem(std::string_view word, std::string* out);

}  // namespace zari::text::english

#endif  // ZARI_ENGINE_TEXT_ENGLISH_H_
