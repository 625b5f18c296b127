// engine/text/azerbaijani: old-orthography Cyrillic to the Latin alphabet
// (the BGN table with ICU 72's quirks fixed, LANGUAGE.md §3.4), and the
// look-alikes typed for ə, through the pipeline (§3.2).
#include <doctest/doctest.h>

#include <string>

#include "text/azerbaijani.h"
#include "text_helpers.h"

using zari::testing::Key;
using zari::testing::Norm;
using zari::testing::Tag;
using zari::testing::U32;
using zari::testing::U8;
using zari::text::Lang;
namespace az = zari::text::azerbaijani;

namespace {

std::string Latin(std::string_view cyrillic) {
  std::u32string out;
  az::DecodeCyrillic(U32(cyrillic), &out);
  return U8(out);
}

}  // namespace

TEST_CASE("azerbaijani: the letters only Azerbaijani Cyrillic has") {
  for (char32_t c : {U'ә', U'Ә', U'ғ', U'Ғ', U'ҝ', U'Ҝ', U'ҹ', U'Ҹ', U'һ', U'Һ', U'ө', U'Ө', U'ү', U'Ү', U'ј', U'Ј'}) {
    CHECK(az::IsAzCyrillicLetter(c));
  }
  for (char32_t c : {U'а', U'г', U'ы', U'й', U'ə', U'ğ', U'j', U'қ'}) CHECK_FALSE(az::IsAzCyrillicLetter(c));
}

TEST_CASE("azerbaijani: Cyrillic to Latin, BGN with fix-ups") {
  CHECK(Latin("Азәрбајҹан") == "azərbaycan");
  CHECK(Latin("Республикасы") == "respublikası");
  CHECK(Latin("Бакы") == "bakı");
  CHECK(Latin("шәһәри") == "şəhəri");
  CHECK(Latin("ҝөзәл") == "gözəl");    // ҝ → g, ө → ö
  CHECK(Latin("гызыл") == "qızıl");    // г → q (right for Azerbaijani)
  CHECK(Latin("дағ") == "dağ");
  CHECK(Latin("үзүм") == "üzüm");
  CHECK(Latin("чај") == "çay");
  CHECK(Latin("ЧӘРШӘНБӘ") == "çərşənbə");
  CHECK(Latin("жетон") == "jeton");
  CHECK(Latin("хеј") == "xey");
  // ICU 72's quirks, fixed: й → y (not ẏ), э → e (not ė), ю → yu, я → ya.
  CHECK(Latin("Юлија") == "yuliya");
  CHECK(Latin("Юлия") == "yuliya");
  CHECK(Latin("јени") == "yeni");
  CHECK(Latin("май") == "may");
  CHECK(Latin("электрик") == "elektrik");
  CHECK(Latin("ёлка") == "yolka");
  CHECK(Latin("цирк") == "tsirk");
  CHECK(Latin("щи") == "şçi");
  CHECK(Latin("объект") == "obekt");  // ъ ь carry nothing
  // Letters of neighbouring Cyrillic alphabets.
  CHECK(Latin("қазақ") == "qazaq");
  CHECK(Latin("ї") == "i");
  CHECK(Latin("ґ") == "g");
  // Cyrillic letters without a reading are dropped; other characters stay.
  CHECK(Latin("аѣб") == "ab");
  CHECK(Latin("а\u0301б") == "ab");
  CHECK(Latin("а5") == "a5");
}

TEST_CASE("azerbaijani: a Cyrillic message with Azerbaijani letters is az-Cyrl") {
  auto n = Norm("Азәрбајҹан Республикасы, Бакы шәһәри");
  CHECK(Tag(n) == "az-Cyrl");
  CHECK(n.surface == "azərbaycan respublikası bakı şəhəri");
  CHECK(Key(n) == "azerbaycan respublikasi baki seheri");
  // Forced az, the same Latin letters either way.
  CHECK(Key(Norm("Бакы", Lang::kAz)) == Key(Norm("Bakı", Lang::kAz)));
}

TEST_CASE("azerbaijani: look-alikes typed for ə") {
  // ǝ (turned e, U+01DD), which NFKC does not fix.
  CHECK(Norm("M\u01DDn Bakıdayam", Lang::kAz).surface == "mən bakıdayam");
  CHECK(Norm("\u018Fli", Lang::kAz).surface == "əli");
  // Cyrillic ә inside a Latin word, either side of it.
  CHECK(Norm("m\u04D9n", Lang::kAz).surface == "mən");
  CHECK(Norm("\u04D9li", Lang::kAz).surface == "əli");
  CHECK(Norm("\u04D8li", Lang::kAz).surface == "əli");
  // ä of the 1991–92 alphabet, in Azerbaijani only.
  CHECK(Norm("Bakı'da Ä ä", Lang::kAz).surface == "bakıda ə ə");
  CHECK(Norm("Mäktäb", Lang::kAz).surface == "məktəb");
  CHECK(Norm("Mäktäb", Lang::kEn).surface == "mäktäb");
  // All of them key as e, like ə itself and its keyboard-less spelling.
  const std::string key = Key(Norm("mən", Lang::kAz));
  CHECK(key == "men");
  for (const char* s : {"m\u01DDn", "m\u04D9n", "män", "men", "MƏN"}) {
    CAPTURE(std::string(s));
    CHECK(Key(Norm(s, Lang::kAz)) == key);
  }
}

TEST_CASE("azerbaijani: Turkic capitals") {
  CHECK(Norm("KARTIMI İTİRDİM, IĞDIR", Lang::kAz).surface == "kartımı itirdim ığdır");
  CHECK(Key(Norm("KARTIMI İTİRDİM", Lang::kAz)) == "kartimi itirdim");
  CHECK(Norm("İSTANBUL", Lang::kAz).surface == "istanbul");
}
