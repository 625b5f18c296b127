// Per-code-point classes for the cleanup pass, precomputed from ICU once so
// the per-message path does one table lookup per character (BMP) instead of
// several ICU property calls.
#ifndef ZARI_ENGINE_TEXT_CHARS_H_
#define ZARI_ENGINE_TEXT_CHARS_H_

#include <cstdint>

namespace zari::text {

enum class CharClass : uint8_t {
  kSpace = 0,    // white space, punctuation, symbols, emoji: token break
  kLetter,       // letters and other numbers (after NFKC)
  kMark,         // combining marks: part of the token
  kDigit,        // a decimal digit in any script (value via DigitValue)
  kDrop,         // default-ignorable (ZWSP, soft hyphen, ZWJ, BOM, …): removed
  kApostrophe,   // ' and its look-alikes: joins letters, marks ejectives, contractions
  kJoiner,       // . - @ : kept between the right neighbours, else a break
  kNumSym,       // * # + : kept in tokens that contain digits (*100#, +995)
};

enum class ScriptClass : uint8_t { kOther = 0, kLatin, kGeorgian, kCyrillic };

CharClass ClassOf(char32_t c);
ScriptClass ScriptOf(char32_t c);
int DigitValue(char32_t c);  // 0..9 for kDigit characters

// Latin letters that Azerbaijani uses beyond ASCII, for language cues.
inline bool IsAzLetter(char32_t c) {
  switch (c) {
    case U'ə': case U'Ə': case U'ı': case U'İ': case U'ğ': case U'Ğ': case U'ş': case U'Ş':
    case U'ç': case U'Ç': case U'ö': case U'Ö': case U'ü': case U'Ü':
      return true;
    default:
      return false;
  }
}

inline bool IsAsciiUpper(char32_t c) { return c >= 'A' && c <= 'Z'; }
inline bool IsAsciiLower(char32_t c) { return c >= 'a' && c <= 'z'; }
inline bool IsAsciiDigit(char32_t c) { return c >= '0' && c <= '9'; }

}  // namespace zari::text

#endif  // ZARI_ENGINE_TEXT_CHARS_H_
