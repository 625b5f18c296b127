// engine/text/chars: the per-code-point classes the cleanup pass and the
// tokenizer rely on (LANGUAGE.md §1 steps 2–4, §6), in and beyond the BMP.
#include <doctest/doctest.h>

#include "text/chars.h"

using zari::text::CharClass;
using zari::text::ClassOf;
using zari::text::DigitValue;
using zari::text::IsAzLetter;
using zari::text::ScriptClass;
using zari::text::ScriptOf;

TEST_CASE("chars: letters, marks and spaces") {
  for (char32_t c : {U'a', U'Z', U'ə', U'ı', U'İ', U'ა', U'Ა', U'Ⴀ', U'ⴀ', U'ж', U'ә', U'ß', U'ǅ',
                     U'ჼ', U'ª', U'ʰ', U'Ⅻ', U'①', U'²', U'中', U'Σ'}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kLetter);  // letters, modifier letters and other numbers
  }
  for (char32_t c : {char32_t{0x0301}, char32_t{0x0307}, char32_t{0x0903}, char32_t{0x20DD}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kMark);
  }
  // White space of every kind, punctuation and symbols break tokens.
  for (char32_t c : {U' ', U'\t', U'\n', char32_t{0xA0}, char32_t{0x202F}, char32_t{0x3000}, U',', U'!',
                     U'?', U'"', U'„', U'“', U'«', U'»', U'(', U'/', U':', U'$', U'€', U'₾', U'©',
                     U'№', U'|', char32_t{0xFFFD}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kSpace);
  }
}

TEST_CASE("chars: emoji and their glue") {
  // Pictographs, skin tones, flags' regional indicators, keycaps and tags
  // (outside the BMP these take the slow path).
  for (char32_t c : {char32_t{0x1F600}, char32_t{0x1F64F}, char32_t{0x1F3FD}, char32_t{0x1F1EC},
                     char32_t{0x20E3}, char32_t{0xE0067}, char32_t{0xE007F}, char32_t{0x2764}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kSpace);
  }
  CHECK(ClassOf(0xFE0F) == CharClass::kDrop);  // variation selector
  CHECK(ClassOf(0xFE0E) == CharClass::kDrop);
  CHECK(ClassOf(0x200D) == CharClass::kDrop);  // ZWJ
}

TEST_CASE("chars: ignorables are dropped") {
  for (char32_t c : {char32_t{0x200B}, char32_t{0x00AD}, char32_t{0x200E}, char32_t{0x200F},
                     char32_t{0xFEFF}, char32_t{0x2060}, char32_t{0x034F}, char32_t{0xE0100}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kDrop);
  }
}

TEST_CASE("chars: apostrophes, joiners and number symbols") {
  for (char32_t c : {U'\'', U'‘', U'’', U'‛', U'ʼ', U'ʻ', U'`', U'´', U'′', U'ʹ'}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kApostrophe);
  }
  for (char32_t c : {U'.', U'-', U'@', U'‐', U'‑'}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ClassOf(c) == CharClass::kJoiner);
  }
  CHECK(ClassOf(U'–') == CharClass::kSpace);  // an en dash separates
  for (char32_t c : {U'*', U'#', U'+'}) CHECK(ClassOf(c) == CharClass::kNumSym);
}

TEST_CASE("chars: decimal digits of every script") {
  CHECK(ClassOf(U'7') == CharClass::kDigit);
  CHECK(DigitValue(U'7') == 7);
  CHECK(ClassOf(U'٣') == CharClass::kDigit);  // Arabic-Indic
  CHECK(DigitValue(U'٣') == 3);
  CHECK(DigitValue(U'۱') == 1);               // Extended Arabic-Indic (Persian)
  CHECK(DigitValue(U'५') == 5);               // Devanagari
  CHECK(ClassOf(0xFF15) == CharClass::kDigit);  // fullwidth 5
  CHECK(DigitValue(0xFF15) == 5);
  CHECK(ClassOf(0x1D7D7) == CharClass::kDigit);  // mathematical bold 9, beyond the BMP
  CHECK(DigitValue(0x1D7D7) == 9);
  // Other numbers are not decimal digits (NFKC turns ① into 1 first).
  CHECK(ClassOf(U'①') != CharClass::kDigit);
}

TEST_CASE("chars: scripts") {
  for (char32_t c : {U'a', U'Z', U'ə', U'ı', U'ş', U'ä', U'ǝ', U'ß', U'ǅ', U'ɣ'}) CHECK(ScriptOf(c) == ScriptClass::kLatin);
  for (char32_t c : {U'ა', U'ჰ', U'Ა', U'Ⴀ', U'ⴀ', U'ჼ'}) CHECK(ScriptOf(c) == ScriptClass::kGeorgian);
  for (char32_t c : {U'а', U'Я', U'ә', U'Ә', U'ҹ', U'ј', U'ё'}) CHECK(ScriptOf(c) == ScriptClass::kCyrillic);
  for (char32_t c : {U'1', U' ', U'\'', U'Σ', U'中', U'٣', char32_t{0x0301}, char32_t{0x1F600}}) {
    CAPTURE(static_cast<unsigned>(c));
    CHECK(ScriptOf(c) == ScriptClass::kOther);
  }
  CHECK(ScriptOf(0x1D400) == ScriptClass::kOther);  // mathematical bold A: Common script
}

TEST_CASE("chars: Azerbaijani letters beyond ASCII") {
  for (char32_t c : {U'ə', U'Ə', U'ı', U'İ', U'ğ', U'Ğ', U'ş', U'Ş', U'ç', U'Ç', U'ö', U'Ö', U'ü', U'Ü'}) {
    CHECK(IsAzLetter(c));
  }
  for (char32_t c : {U'a', U'i', U'I', U'ä', U'é', U'ǝ', U'ә'}) CHECK_FALSE(IsAzLetter(c));
}
