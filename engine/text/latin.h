// Latin-script helpers shared by Azerbaijani, English and chat Georgian:
// casing (Turkic or not), the ASCII base of accented letters, and the Latin
// matching key (LANGUAGE.md §3.3).
#ifndef ZARI_ENGINE_TEXT_LATIN_H_
#define ZARI_ENGINE_TEXT_LATIN_H_

#include <string>
#include <string_view>

namespace zari::text::latin {

// Lowercase one code point. Turkic: I→ı, İ→i; otherwise İ→i and default casing.
char32_t ToLower(char32_t c, bool turkic);

// The lowercase ASCII letter an accented Latin letter is typed as without its
// keyboard (ş→s, ə→e, ä→e, ı→i, é→e, …); 0 when there is none.
char AsciiBase(char32_t c);

// Appends the Latin matching key of a lowercase token: letters reduced to
// ASCII, the digraphs sh/ch/gh merged with s/c/g (how Azerbaijani is typed
// without ş/ç/ğ), doubled consonants collapsed. Non-Latin characters are kept
// as UTF-8. key("Sifarişlərim") = key("sifarishlerim") = "sifarislerim".
void AppendKey(std::u32string_view lower_token, std::string* key);

// Collapses runs of the same ASCII consonant letter in key[start..] to one.
void CollapseDoubledConsonants(std::string* key, size_t start);

}  // namespace zari::text::latin

#endif  // ZARI_ENGINE_TEXT_LATIN_H_
