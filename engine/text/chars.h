// Per-code-point classes for the cleanup pass, precomputed from ICU once so
// the per-message path does one table lookup per character (BMP) instead of
// several ICU property calls.
#ifndef ZARI_ENGINE_TEXT_CHARS_H_
#define ZARI_ENGINE_TEXT_CHARS_H_

#include <atomic>
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

namespace chars_internal {
// The BMP table (NFKC-stable << 5 | CharClass << 2 | ScriptClass per code
// point), built from ICU on first use. Constant-initialized to null, so it is
// safe to use from any static initializer; after the first call one load and
// one branch.
extern std::atomic<const uint8_t*> g_table;
const uint8_t* BuildTable();
uint8_t BitsAstral(char32_t c);  // the same bits beyond the BMP (computed each time)
inline const uint8_t* Table() {
  const uint8_t* t = g_table.load(std::memory_order_acquire);
  return t ? t : BuildTable();
}
}  // namespace chars_internal

// The classes of many characters: one load of the table, then a lookup per
// character (ClassOf() and friends load it on every call).
class CharTable {
 public:
  CharTable() : t_(chars_internal::Table()) {}
  uint8_t Bits(char32_t c) const { return c < 0x10000 ? t_[c] : chars_internal::BitsAstral(c); }
  static CharClass Class(uint8_t bits) { return static_cast<CharClass>((bits >> 2) & 7); }
  static ScriptClass Script(uint8_t bits) { return static_cast<ScriptClass>(bits & 3); }
  static bool NfkcStable(uint8_t bits) { return (bits & 0x20) != 0; }
  CharClass ClassOf(char32_t c) const { return Class(Bits(c)); }
  ScriptClass ScriptOf(char32_t c) const { return Script(Bits(c)); }

 private:
  const uint8_t* t_;
};

inline CharClass ClassOf(char32_t c) { return CharTable().ClassOf(c); }
inline ScriptClass ScriptOf(char32_t c) { return CharTable().ScriptOf(c); }
// True when c has NFKC_Quick_Check=Yes and combining class 0: a text made only
// of such code points is already in NFKC (UAX #15), so needs no normalizing.
inline bool IsNfkcStable(char32_t c) { return CharTable::NfkcStable(CharTable().Bits(c)); }
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
