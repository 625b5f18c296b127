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

// Reads a language tag. Every place that reads one (packs, the C API, HTTP,
// the CLI, session states, the IVR's channel language) reads it here, so
// they all accept the same: a BCP 47 tag whose language subtag is ka, az or
// en, in any case, with or without further subtags ("ka", "KA", "ka-GE",
// "az-Latn-AZ", "en-US"), '_' also separating them as POSIX locales write
// ("en_GB"). Subtags are 1-8 letters or digits. Anything else ("und",
// "kat", "ka-", "en--US", "english") is kUnknown.
inline Lang ParseLang(std::string_view tag) {
  if (tag.size() < 2) return Lang::kUnknown;
  size_t run = 0;  // length of the current subtag
  for (size_t i = 2; i < tag.size(); ++i) {
    const char c = tag[i];
    if (c == '-' || c == '_') {
      if (i > 2 && run == 0) return Lang::kUnknown;  // "en--US"
      run = 0;
      continue;
    }
    const bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (i == 2 || !alnum || ++run > 8) return Lang::kUnknown;  // "kat", bad characters, long subtags
  }
  if (tag.size() > 2 && run == 0) return Lang::kUnknown;  // "ka-"
  const char a = static_cast<char>(tag[0] | 0x20), b = static_cast<char>(tag[1] | 0x20);
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
