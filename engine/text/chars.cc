#include "text/chars.h"

#include <unicode/unorm2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>

#include <array>

namespace zari::text {
namespace {

CharClass Classify(char32_t c) {
  UChar32 u = static_cast<UChar32>(c);
  switch (c) {
    case U'\'': case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x02BB:
    case 0x0060: case 0x00B4: case 0x2032: case 0x02B9:
      return CharClass::kApostrophe;
    case U'.': case U'-': case U'@': case 0x2010: case 0x2011:
      return CharClass::kJoiner;
    case U'*': case U'#': case U'+':
      return CharClass::kNumSym;
    case 0x20E3:
      return CharClass::kSpace;  // keycap: "1️⃣" is the digit 1
    case 0xFE0E: case 0xFE0F: case 0x200D:
      return CharClass::kDrop;  // variation selectors, ZWJ: glue inside emoji sequences
    default:
      break;
  }
  if (c >= 0xE0020 && c <= 0xE007F) return CharClass::kSpace;  // emoji tag sequences
  if (u_hasBinaryProperty(u, UCHAR_EXTENDED_PICTOGRAPHIC) ||
      u_hasBinaryProperty(u, UCHAR_EMOJI_MODIFIER) ||
      u_hasBinaryProperty(u, UCHAR_REGIONAL_INDICATOR)) {
    return CharClass::kSpace;
  }
  if (u_hasBinaryProperty(u, UCHAR_WHITE_SPACE)) return CharClass::kSpace;
  if (u_hasBinaryProperty(u, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) return CharClass::kDrop;
  switch (u_charType(u)) {
    case U_DECIMAL_DIGIT_NUMBER:
      return CharClass::kDigit;
    case U_UPPERCASE_LETTER: case U_LOWERCASE_LETTER: case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER: case U_OTHER_LETTER: case U_LETTER_NUMBER: case U_OTHER_NUMBER:
      return CharClass::kLetter;
    case U_NON_SPACING_MARK: case U_ENCLOSING_MARK: case U_COMBINING_SPACING_MARK:
      return CharClass::kMark;
    default:
      return CharClass::kSpace;  // punctuation and symbols
  }
}

ScriptClass ScriptFor(char32_t c) {
  UErrorCode err = U_ZERO_ERROR;
  UScriptCode s = uscript_getScript(static_cast<UChar32>(c), &err);
  if (U_FAILURE(err)) return ScriptClass::kOther;
  switch (s) {
    case USCRIPT_LATIN: return ScriptClass::kLatin;
    case USCRIPT_GEORGIAN: return ScriptClass::kGeorgian;
    case USCRIPT_CYRILLIC: return ScriptClass::kCyrillic;
    default: return ScriptClass::kOther;
  }
}

// NFKC_Quick_Check=Yes and combining class 0: a text made only of such code
// points is already in NFKC (UAX #15 quick check), whatever their order.
bool NfkcYes(char32_t c) {
  const UChar32 u = static_cast<UChar32>(c);
  return u_getIntPropertyValue(u, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(u) == 0;
}

uint8_t Bits(char32_t c) {
  return static_cast<uint8_t>((NfkcYes(c) ? 0x20 : 0) | (static_cast<int>(Classify(c)) << 2) |
                              static_cast<int>(ScriptFor(c)));
}

struct Tables {
  std::array<uint8_t, 0x10000> cls;     // NFKC-quick-check-yes << 5 | CharClass << 2 | ScriptClass
  Tables() {
    for (char32_t c = 0; c < 0x10000; ++c) cls[c] = Bits(c);
  }
};

}  // namespace

namespace chars_internal {

std::atomic<const uint8_t*> g_table{nullptr};

const uint8_t* BuildTable() {
  static const Tables* tables = new Tables();  // built once, never freed (no exit-time order issues)
  g_table.store(tables->cls.data(), std::memory_order_release);
  return tables->cls.data();
}

uint8_t BitsAstral(char32_t c) { return Bits(c); }

}  // namespace chars_internal

int DigitValue(char32_t c) {
  if (c >= '0' && c <= '9') return static_cast<int>(c - '0');
  int v = u_charDigitValue(static_cast<UChar32>(c));
  return v < 0 ? 0 : v;
}

}  // namespace zari::text
