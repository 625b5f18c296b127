// engine/text/latin: Turkic and default casing, the ASCII base of accented
// letters, and the Latin matching key (LANGUAGE.md §3.1–3.3).
#include <doctest/doctest.h>

#include <string>

#include "text/latin.h"
#include "text_helpers.h"

using zari::testing::U32;
namespace latin = zari::text::latin;

namespace {

std::string KeyOf(std::string_view lower_utf8) {
  std::string key;
  latin::AppendKey(U32(lower_utf8), &key);
  return key;
}

}  // namespace

TEST_CASE("latin: Turkic casing for Azerbaijani, default casing otherwise") {
  CHECK(latin::ToLower(U'I', true) == U'ı');
  CHECK(latin::ToLower(U'İ', true) == U'i');
  CHECK(latin::ToLower(U'I', false) == U'i');
  CHECK(latin::ToLower(U'İ', false) == U'i');  // never i + combining dot
  for (bool turkic : {true, false}) {
    CHECK(latin::ToLower(U'A', turkic) == U'a');
    CHECK(latin::ToLower(U'a', turkic) == U'a');
    CHECK(latin::ToLower(U'Ə', turkic) == U'ə');
    CHECK(latin::ToLower(U'Ş', turkic) == U'ş');
    CHECK(latin::ToLower(U'Ğ', turkic) == U'ğ');
    CHECK(latin::ToLower(U'Ç', turkic) == U'ç');
    CHECK(latin::ToLower(U'Ö', turkic) == U'ö');
    CHECK(latin::ToLower(U'Ü', turkic) == U'ü');
    CHECK(latin::ToLower(U'Ä', turkic) == U'ä');
    CHECK(latin::ToLower(U'ı', turkic) == U'ı');
    CHECK(latin::ToLower(U'5', turkic) == U'5');
    CHECK(latin::ToLower(U'Ж', turkic) == U'ж');  // any script's capitals
    CHECK(latin::ToLower(U'Ა', turkic) == U'ა');  // Mtavruli lowercases to Mkhedruli
  }
}

TEST_CASE("latin: the letter an accented letter is typed as") {
  CHECK(latin::AsciiBase(U'a') == 'a');
  CHECK(latin::AsciiBase(U'Q') == 'q');
  CHECK(latin::AsciiBase(U'1') == 0);
  CHECK(latin::AsciiBase(U'\'') == 0);
  // Azerbaijani without its keyboard.
  CHECK(latin::AsciiBase(U'ə') == 'e');
  CHECK(latin::AsciiBase(U'Ə') == 'e');
  CHECK(latin::AsciiBase(U'ä') == 'e');  // the 1991 letter for ə, not a
  CHECK(latin::AsciiBase(U'ı') == 'i');
  CHECK(latin::AsciiBase(U'İ') == 'i');
  CHECK(latin::AsciiBase(U'ş') == 's');
  CHECK(latin::AsciiBase(U'Ş') == 's');
  CHECK(latin::AsciiBase(U'ç') == 'c');
  CHECK(latin::AsciiBase(U'ğ') == 'g');
  CHECK(latin::AsciiBase(U'ö') == 'o');
  CHECK(latin::AsciiBase(U'Ü') == 'u');
  CHECK(latin::AsciiBase(U'ǝ') == 'e');
  // Other Latin letters: canonical decompositions, and letters without one.
  CHECK(latin::AsciiBase(U'é') == 'e');
  CHECK(latin::AsciiBase(U'Å') == 'a');
  CHECK(latin::AsciiBase(U'ñ') == 'n');
  CHECK(latin::AsciiBase(U'ǰ') == 'j');
  CHECK(latin::AsciiBase(U'ß') == 's');
  CHECK(latin::AsciiBase(U'ł') == 'l');
  CHECK(latin::AsciiBase(U'Ł') == 'l');
  CHECK(latin::AsciiBase(U'ø') == 'o');
  CHECK(latin::AsciiBase(U'Ħ') == 'h');  // capital of a letter without a decomposition
  CHECK(latin::AsciiBase(U'ǽ') == 'a');  // decomposes to æ + accent
  CHECK(latin::AsciiBase(U'ɣ') == 'g');
  CHECK(latin::AsciiBase(U'ǯ') == 'j');
  CHECK(latin::AsciiBase(U'ṩ') == 's');  // Latin Extended Additional
  // Not Latin, or no base letter.
  CHECK(latin::AsciiBase(U'ж') == 0);
  CHECK(latin::AsciiBase(U'ა') == 0);
  CHECK(latin::AsciiBase(U'ƙ') == 0);
  CHECK(latin::AsciiBase(0x0301) == 0);
  CHECK(latin::AsciiBase(0x1F600) == 0);
}

TEST_CASE("latin: the key is the keyboard-less spelling") {
  CHECK(KeyOf("sifarişlərim") == "sifarislerim");
  CHECK(KeyOf("sifarishlerim") == "sifarislerim");
  CHECK(KeyOf("təşəkkürlər") == "tesekurler");
  CHECK(KeyOf("tesekkurler") == "tesekurler");
  CHECK(KeyOf("bakıda") == "bakida");
  CHECK(KeyOf("ığdır") == "igdir");
  CHECK(KeyOf("iğdir") == "igdir");
  CHECK(KeyOf("café") == "cafe");
}

TEST_CASE("latin: digraphs sh, ch, gh merge with s, c, g") {
  CHECK(KeyOf("şəkil") == KeyOf("shekil"));
  CHECK(KeyOf("çörək") == KeyOf("chorek"));
  CHECK(KeyOf("dağ") == KeyOf("dagh"));
  CHECK(KeyOf("shop") == "sop");  // everywhere: templates and messages share the key
  CHECK(KeyOf("hh") == "h");
  CHECK(KeyOf("h") == "h");
  CHECK(KeyOf("ah") == "ah");     // h after a vowel stays
  CHECK(KeyOf("şh") == "s");      // h after a letter that keys as s
}

TEST_CASE("latin: doubled consonants collapse, vowels do not") {
  CHECK(KeyOf("kassa") == "kasa");
  CHECK(KeyOf("mmm") == "m");
  CHECK(KeyOf("saat") == "saat");
  CHECK(KeyOf("cooperate") == "cooperate");
  CHECK(KeyOf("tt5tt") == "t5t");
  std::string key = "xx ";
  key += "ssaa";
  latin::CollapseDoubledConsonants(&key, 3);  // only from `start`
  CHECK(key == "xx saa");
}

TEST_CASE("latin: combining marks vanish, other scripts pass through") {
  CHECK(KeyOf("i\u0307stanbul") == "istanbul");  // the dot of a non-Turkic İ
  CHECK(KeyOf("e\u0301") == "e");
  CHECK(KeyOf("жa") == "жa");
  CHECK(KeyOf("ƙa") == "ƙa");
  CHECK(KeyOf("") == "");
}
