// engine/text/langid: the script decides first; Latin text goes to the naive
// Bayes model (LANGUAGE.md §7, docs/LANGUAGE.md "Which language").
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "text/langid.h"
#include "text_helpers.h"

using zari::testing::Norm;
using zari::testing::U32;
using zari::text::DetectLanguage;
using zari::text::kAllLangs;
using zari::text::kConfidentMargin;
using zari::text::Lang;
using zari::text::LangBit;
using zari::text::LangGuess;
using zari::text::LangIdToken;
using zari::text::LangSet;
using zari::text::Script;
using zari::text::ScriptClass;
using zari::text::ScriptOf;

namespace {

// Splits at spaces; each token's script is that of its first letter.
LangGuess Detect(std::string_view text, LangSet allowed = kAllLangs) {
  std::vector<std::u32string> words;
  std::u32string all = U32(text);
  size_t b = 0;
  for (size_t i = 0; i <= all.size(); ++i) {
    if (i == all.size() || all[i] == U' ') {
      if (i > b) words.push_back(all.substr(b, i - b));
      b = i + 1;
    }
  }
  std::vector<LangIdToken> tokens;
  for (const auto& w : words) {
    ScriptClass s = ScriptClass::kOther;
    for (char32_t c : w) {
      if (ScriptOf(c) != ScriptClass::kOther) {
        s = ScriptOf(c);
        break;
      }
    }
    tokens.push_back({w, s});
  }
  return DetectLanguage(tokens.data(), tokens.size(), allowed);
}

int Known(std::string_view word) {
  float s[3] = {0, 0, 0};
  return zari::text::ScoreLatinToken(U32(word), s);
}

}  // namespace

TEST_CASE("langid: the script decides first") {
  LangGuess g = Detect("ბარათის დაბლოკვა მინდა");
  CHECK(g.lang == Lang::kKa);
  CHECK(g.script == Script::kNative);
  CHECK(g.confident);
  CHECK(g.majority == ScriptClass::kGeorgian);
  CHECK(g.margin >= 100);
  // Mtavruli and Nuskhuri are Georgian letters too.
  CHECK(Detect("ᲒᲐᲛᲐᲠᲯᲝᲑᲐ").lang == Lang::kKa);
  CHECK(Detect("ⴂⴀⴋⴀⴐⴟⴍⴁⴀ").lang == Lang::kKa);
  // Half or more of the letters decide: a Latin brand inside Georgian text.
  CHECK(Detect("iphone ბალანსი").lang == Lang::kKa);
  // Cyrillic with Azerbaijani letters is old-orthography Azerbaijani.
  g = Detect("Азәрбајҹан Республикасы");
  CHECK(g.lang == Lang::kAz);
  CHECK(g.script == Script::kCyrillic);
  CHECK(g.confident);
  // Other Cyrillic is read as Georgian typed in Cyrillic (Russian is out of scope).
  g = Detect("гамарджоба мадлоба");
  CHECK(g.lang == Lang::kKa);
  CHECK(g.script == Script::kCyrillic);
  CHECK(Detect("Привет мир").lang == Lang::kKa);
  CHECK(Detect("Привет мир", LangBit(Lang::kAz) | LangBit(Lang::kEn)).lang == Lang::kUnknown);
}

TEST_CASE("langid: only the allowed languages") {
  CHECK(Detect("ბალანსი", LangBit(Lang::kEn)).lang == Lang::kEn);  // the only one
  CHECK(Detect("ბალანსი", LangBit(Lang::kAz) | LangBit(Lang::kEn)).lang == Lang::kUnknown);
  CHECK(Detect("Азәрбајҹан", LangBit(Lang::kKa) | LangBit(Lang::kEn)).lang == Lang::kKa);
  CHECK(Detect("balansimi nece yoxlaya bilerem", LangBit(Lang::kKa) | LangBit(Lang::kEn)).lang != Lang::kAz);
  LangGuess g = Detect("where is my order", LangBit(Lang::kKa));
  CHECK(g.lang == Lang::kKa);
  CHECK(g.confident);  // nothing to compare with
}

TEST_CASE("langid: no letters, no guess") {
  CHECK(Detect("").lang == Lang::kUnknown);
  CHECK(Detect("*100# 12:30 +995").lang == Lang::kUnknown);
  CHECK(Detect("123", LangBit(Lang::kAz)).lang == Lang::kAz);  // a single-language pack
  LangGuess g = Detect("!!! ???");
  CHECK(g.majority == ScriptClass::kOther);
  CHECK_FALSE(g.confident);
}

TEST_CASE("langid: English, Azerbaijani and Latin-typed Georgian") {
  struct Case {
    const char* text;
    Lang lang;
  };
  const Case kCases[] = {
      {"where is my money", Lang::kEn},
      {"I can't find my order's tracking number", Lang::kEn},
      {"please block my card", Lang::kEn},
      {"balansımı necə yoxlaya bilərəm", Lang::kAz},
      {"balansimi nece yoxlaya bilerem", Lang::kAz},       // without its letters
      {"Salam kartimi bloklamaq isteyirem", Lang::kAz},
      {"balansi rogor shevamowmo", Lang::kKa},              // chat digraphs
      {"wyali ar aris Cemi SekveTa sad aris", Lang::kKa},   // keyboard layout
      {"gamarjoba madloba", Lang::kKa},
      {"ts'q'ali minda", Lang::kKa},                        // apostrophe ejectives
  };
  for (const Case& c : kCases) {
    CAPTURE(std::string(c.text));
    LangGuess g = Detect(c.text);
    CHECK(g.lang == c.lang);
    CHECK(g.confident);
    CHECK(g.margin >= kConfidentMargin);
    CHECK(g.known_word);
    CHECK(g.majority == ScriptClass::kLatin);
    CHECK(g.script == (c.lang == Lang::kKa ? Script::kLatin : Script::kNative));
  }
}

TEST_CASE("langid: the keyboard's Shift letters are a Georgian cue") {
  float lower[3] = {0, 0, 0}, shifted[3] = {0, 0, 0};
  zari::text::ScoreLatinToken(U32("baratis"), lower);
  zari::text::ScoreLatinToken(U32("baraTis"), shifted);
  // The same letters, with a Shift letter inside the word: more Georgian
  // than Azerbaijani (against English both are clipped to the maximum).
  CHECK(shifted[0] - shifted[1] > lower[0] - lower[1]);
  CHECK(Detect("baraTis daBlokva minda").lang == Lang::kKa);
}

TEST_CASE("langid: Azerbaijani letters make a guess confident without a known word") {
  LangGuess g = Detect("kartımdakılar");
  CHECK(g.lang == Lang::kAz);
  CHECK_FALSE(g.known_word);
  CHECK(g.confident);
  // Without them the same unknown word is a weak guess.
  g = Detect("kartimdakilar");
  CHECK(g.lang == Lang::kAz);
  CHECK_FALSE(g.confident);
}

TEST_CASE("langid: weak guesses") {
  for (const char* t : {"hmm", "pfff", "lol", "zzz xxx yyy", "blah blah qwerty", "asd"}) {
    CAPTURE(std::string(t));
    LangGuess g = Detect(t);
    CHECK(g.lang != Lang::kUnknown);  // a guess is still made
    CHECK_FALSE(g.confident);
  }
  CHECK_FALSE(Detect("zzz xxx yyy").known_word);
  // A known word makes even one short word confident.
  CHECK(Detect("ok").lang == Lang::kEn);
  CHECK(Detect("ok").confident);
}

TEST_CASE("langid: known words and scores per token") {
  CHECK((Known("the") & 4) != 0);       // bit 2: English
  CHECK((Known("THE") & 4) != 0);       // case-insensitive
  CHECK((Known("salam") & 2) != 0);     // bit 1: Azerbaijani
  CHECK((Known("gamarjoba") & 1) != 0); // bit 0: Georgian in Latin letters
  CHECK(Known("zzzqqq") == 0);
  CHECK(Known("123") == 0);             // no letters of the model's alphabet: no score
  float s[3] = {0, 0, 0};
  CHECK(zari::text::ScoreLatinToken(U32("123"), s) == 0);
  CHECK(s[0] == 0);
  CHECK(s[1] == 0);
  CHECK(s[2] == 0);
  // Scores add up over tokens, each token's evidence clipped.
  float one[3] = {0, 0, 0}, two[3] = {0, 0, 0};
  zari::text::ScoreLatinToken(U32("where"), one);
  zari::text::ScoreLatinToken(U32("where"), two);
  zari::text::ScoreLatinToken(U32("where"), two);
  CHECK(two[2] == doctest::Approx(2 * one[2]));
  CHECK(one[2] > one[0]);
  CHECK(one[2] > one[1]);
}

TEST_CASE("langid: through the pipeline") {
  auto n = Norm("baraTis daBlokva minda");
  CHECK(n.lang == Lang::kKa);
  CHECK(n.script == Script::kLatin);
  CHECK(n.detected);
  CHECK(n.detection.latin_scores[0] > n.detection.latin_scores[2]);
  n = Norm("İ want to cancel my cards");  // a Turkish İ is not enough
  CHECK(n.lang == Lang::kEn);
}

TEST_CASE("langid: the per-thread score cache returns what the model computes") {
  const char* tokens[] = {"where", "baraTis", "baratis", "BARATIS", "kartım", "kartim", "Bakı'da",
                          "gamarjoba", "shevamowmo", "x", "ƙa", "internationalizationsing"};
  struct Scores {
    float s[3];
    int known;
  };
  auto score = [](const char* t) {
    Scores r{{0, 0, 0}, 0};
    r.known = zari::text::ScoreLatinToken(U32(t), r.s);
    return r;
  };
  std::vector<Scores> first;
  for (const char* t : tokens) first.push_back(score(t));
  auto same = [&](size_t i) {
    const Scores again = score(tokens[i]);
    CAPTURE(std::string(tokens[i]));
    CHECK(again.known == first[i].known);
    for (int k = 0; k < 3; ++k) CHECK(again.s[k] == first[i].s[k]);  // bit for bit
  };
  for (size_t i = 0; i < std::size(tokens); ++i) same(i);  // cached
  for (int i = 0; i < 20000; ++i) score(("tok" + std::to_string(i)).c_str());  // evicted
  for (size_t i = 0; i < std::size(tokens); ++i) same(i);
  // Case matters only where the model looks at it (the Shift cue).
  CHECK(score("baraTis").s[1] != score("baratis").s[1]);
  for (int k = 0; k < 3; ++k) CHECK(score("BARATIS").s[k] == score("baratis").s[k]);
}
