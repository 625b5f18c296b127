// Language tags: one reader (text::ParseLang) for packs, the C API, HTTP,
// the CLI, session states and the IVR.
#include <doctest/doctest.h>

#include "text/lang.h"

using zari::text::Lang;
using zari::text::ParseLang;

TEST_CASE("language tags: Zari's three languages as BCP 47 tags, in any case") {
  CHECK(ParseLang("ka") == Lang::kKa);
  CHECK(ParseLang("AZ") == Lang::kAz);
  CHECK(ParseLang("En") == Lang::kEn);
  CHECK(ParseLang("ka-GE") == Lang::kKa);
  CHECK(ParseLang("az-Latn-AZ") == Lang::kAz);
  CHECK(ParseLang("az-Cyrl") == Lang::kAz);
  CHECK(ParseLang("en-US") == Lang::kEn);
  CHECK(ParseLang("en_GB") == Lang::kEn);  // POSIX locales, as Asterisk and browsers may send
  CHECK(ParseLang("en-419") == Lang::kEn);
}

TEST_CASE("language tags: anything else is unknown") {
  for (const char* bad : {"", "k", "und", "kat", "geo", "ru", "ka-", "ka_", "en--US", "en-US-", "-en", "english",
                          "ka GE", "ka-ABCDEFGHI", "ka-G!", "\xe1\x83\xa5\xe1\x83\x90"}) {
    CAPTURE(bad);
    CHECK(ParseLang(bad) == Lang::kUnknown);
  }
}
