// engine/text/english: contractions, possessives and chat spellings
// (LANGUAGE.md §4), the Snowball stems, and both through the pipeline.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "text/english.h"
#include "text_helpers.h"

using zari::testing::Key;
using zari::testing::Norm;
using zari::testing::Stems;
using zari::testing::U32;
using zari::testing::U8;
using zari::text::Lang;
namespace english = zari::text::english;

namespace {

std::vector<std::string> Expand(std::string_view token) {
  const std::u32string t = U32(token);
  english::Expansion e = english::Expand(t);
  std::vector<std::string> out;
  for (int i = 0; i < e.count; ++i) out.push_back(U8(e.words[i]));
  return out;
}

std::string Stem(std::string_view word) {
  std::string out;
  english::AppendStem(word, &out);
  return out;
}

using Words = std::vector<std::string>;

}  // namespace

TEST_CASE("english: whole-word contractions") {
  CHECK(Expand("won't") == Words{"will", "not"});
  CHECK(Expand("can't") == Words{"can", "not"});
  CHECK(Expand("shan't") == Words{"shall", "not"});
  CHECK(Expand("ain't") == Words{"is", "not"});
  CHECK(Expand("let's") == Words{"let", "us"});
}

TEST_CASE("english: contraction suffixes") {
  CHECK(Expand("isn't") == Words{"is", "not"});
  CHECK(Expand("doesn't") == Words{"does", "not"});
  CHECK(Expand("you're") == Words{"you", "are"});
  CHECK(Expand("i'm") == Words{"i", "am"});
  CHECK(Expand("we'll") == Words{"we", "will"});
  CHECK(Expand("they've") == Words{"they", "have"});
  CHECK(Expand("he'd") == Words{"he", "would"});
  CHECK(Expand("card's") == Words{"card"});   // possessive or "is": dropped
  CHECK(Expand("where's") == Words{"where"});
  // Nothing to expand: the token itself (the caller drops the apostrophe).
  CHECK(Expand("o'clock") == Words{"o'clock"});
  CHECK(Expand("'s") == Words{"'s"});         // a suffix alone is not a contraction
}

TEST_CASE("english: chat spellings") {
  CHECK(Expand("dont") == Words{"do", "not"});
  CHECK(Expand("cant") == Words{"can", "not"});
  CHECK(Expand("cannot") == Words{"can", "not"});
  CHECK(Expand("im") == Words{"i", "am"});
  CHECK(Expand("u") == Words{"you"});
  CHECK(Expand("ur") == Words{"your"});
  CHECK(Expand("r") == Words{"are"});
  CHECK(Expand("pls") == Words{"please"});
  CHECK(Expand("plz") == Words{"please"});
  CHECK(Expand("thx") == Words{"thanks"});
  CHECK(Expand("ty") == Words{"thank", "you"});
  CHECK(Expand("wanna") == Words{"want", "to"});
  CHECK(Expand("gonna") == Words{"going", "to"});
  CHECK(Expand("msg") == Words{"message"});
  CHECK(Expand("acct") == Words{"account"});
  CHECK(Expand("asap") == Words{"as", "soon", "as"});
  CHECK(Expand("shouldnt") == Words{"should", "not"});
  // Words that merely look similar are left alone.
  for (const char* w : {"do", "done", "dots", "card", "us", "your", "please", "i", "a", "urn", "ima"}) {
    CHECK(Expand(w) == Words{w});
  }
}

TEST_CASE("english: Snowball stems") {
  CHECK(Stem("tracking") == "track");
  CHECK(Stem("cards") == "card");
  CHECK(Stem("running") == "run");
  CHECK(Stem("payments") == "payment");
  CHECK(Stem("charged") == "charg");
  CHECK(Stem("happiness") == "happi");
  CHECK(Stem("generously") == "generous");
  CHECK(Stem("card") == "card");
  CHECK(Stem("") == "");
  std::string out = "x ";
  english::AppendStem("balances", &out);  // appends
  CHECK(out == "x balanc");
}

TEST_CASE("english: through the pipeline") {
  auto n = Norm("I can't find my order's tracking number!!! 😡", Lang::kEn);
  CHECK(n.surface == "i can not find my order tracking number");
  REQUIRE(n.tokens.size() == 8);
  CHECK(Stems(n, 6) == std::vector<std::string>{"track"});
  CHECK(Stems(n, 5).empty());  // "order": its stem is itself
  CHECK(Norm("Where's my card? It’s been 3 days", Lang::kEn).surface == "where my card it been 3 days");
  CHECK(Norm("dont u know, thx", Lang::kEn).surface == "do not you know thanks");
  CHECK(Norm("u'm", Lang::kEn).surface == "you am");          // a chat form before a contraction
  CHECK(Norm("can't've", Lang::kEn).surface == "can not have");  // a contraction before one
  CHECK(Norm("d'ont", Lang::kEn).surface == "do not");          // read as typed without it
  CHECK(Norm("y'all", Lang::kEn).surface == "yall");
  CHECK(Norm("sooooo goooood", Lang::kEn).surface == "soo good");
  CHECK(Norm("uu'uuuu", Lang::kEn).surface == "uu");            // the run is squeezed once joined
  // Curly and typewriter apostrophes and their look-alikes are one.
  for (const char* s : {"can't", "can’t", "canʼt", "can`t", "can´t"}) {
    CAPTURE(std::string(s));
    CHECK(Key(Norm(s, Lang::kEn)) == "can not");
  }
  // Turkic capitals are not Turkic in English.
  CHECK(Norm("I WANT İT", Lang::kEn).surface == "i want it");
}

TEST_CASE("english: the per-thread stem cache returns what Snowball returns") {
  const char* words[] = {"tracking", "cards", "running", "payments", "happiness", "generously",
                         "balances", "card", "the", "international", "roaming", "activated"};
  std::vector<std::string> first;
  for (const char* w : words) first.push_back(Stem(w));  // computed (or cached by earlier tests)
  for (size_t i = 0; i < std::size(words); ++i) CHECK(Stem(words[i]) == first[i]);  // from the cache
  // Thousands of other words evict them; the stems come back the same.
  for (int i = 0; i < 20000; ++i) Stem("word" + std::to_string(i) + "ing");
  for (size_t i = 0; i < std::size(words); ++i) CHECK(Stem(words[i]) == first[i]);
  CHECK(Stem("tracking") == "track");
  // Words longer than a cache slot are stemmed every time.
  CHECK(Stem("internationalizationsing") == Stem("internationalizationsing"));
  CHECK(Stem("internationalizations") == "internation");
}
