// Azerbaijani: Cyrillic-orthography text to the Latin alphabet (the BGN table
// with ICU 72's quirks fixed, LANGUAGE.md §3.4) as a plain table.
#ifndef ZARI_ENGINE_TEXT_AZERBAIJANI_H_
#define ZARI_ENGINE_TEXT_AZERBAIJANI_H_

#include <string>
#include <string_view>

namespace zari::text::azerbaijani {

// Letters only Azerbaijani Cyrillic has (ә ғ ҝ ҹ һ ө ү ј and capitals):
// their presence separates it from Russian.
bool IsAzCyrillicLetter(char32_t c);

// Appends the lowercase Latin Azerbaijani spelling of a Cyrillic token
// ("Азәрбајҹан" → "azərbaycan").
void DecodeCyrillic(std::u32string_view token, std::u32string* out);

}  // namespace zari::text::azerbaijani

#endif  // ZARI_ENGINE_TEXT_AZERBAIJANI_H_
