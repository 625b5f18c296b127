// Languages Zari answers in, and the scripts a message may be typed in.
#ifndef ZARI_ENGINE_TEXT_LANG_H_
#define ZARI_ENGINE_TEXT_LANG_H_

#include <cstdint>
#include <string_view>

namespace zari::text {

enum class Lang : uint8_t { kUnknown = 0, kKa = 1, kAz = 2, kEn = 3 };
inline constexpr int kLangCount = 4;  // including kUnknown

// How the message was typed: "ka" in Latin letters is Georgian typed on a
// Latin keyboard ("ka-Latn"), "az" in Cyrillic is old-orthography Azerbaijani.
enum class Script : uint8_t { kNative = 0, kLatin = 1, kCyrillic = 2 };

// A set of languages as a bit mask (bit = 1 << Lang).
using LangSet = uint8_t;
inline constexpr LangSet LangBit(Lang l) { return static_cast<LangSet>(1u << static_cast<int>(l)); }
inline constexpr LangSet kAllLangs = LangBit(Lang::kKa) | LangBit(Lang::kAz) | LangBit(Lang::kEn);

inline std::string_view LangCode(Lang l) {
  switch (l) {
    case Lang::kKa: return "ka";
    case Lang::kAz: return "az";
    case Lang::kEn: return "en";
    default: return "und";
  }
}

// "ka", "az", "en" (case-insensitive, also "ka-GE", "az_AZ", "en-US") → Lang;
// anything else → kUnknown.
inline Lang ParseLang(std::string_view code) {
  if (code.size() < 2) return Lang::kUnknown;
  if (code.size() > 2 && code[2] != '-' && code[2] != '_') return Lang::kUnknown;
  char a = static_cast<char>(code[0] | 0x20), b = static_cast<char>(code[1] | 0x20);
  if (a == 'k' && b == 'a') return Lang::kKa;
  if (a == 'a' && b == 'z') return Lang::kAz;
  if (a == 'e' && b == 'n') return Lang::kEn;
  return Lang::kUnknown;
}

// "ka", "ka-Latn", "ka-Cyrl", "az-Cyrl", … for explanations and `zari normalize`.
inline std::string_view LangTag(Lang l, Script s) {
  if (s == Script::kLatin && l == Lang::kKa) return "ka-Latn";
  if (s == Script::kCyrillic && l == Lang::kKa) return "ka-Cyrl";
  if (s == Script::kCyrillic && l == Lang::kAz) return "az-Cyrl";
  return LangCode(l);
}

}  // namespace zari::text

#endif  // ZARI_ENGINE_TEXT_LANG_H_
