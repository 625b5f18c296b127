// A realistic unresolved-query log for the report tests: questions a mobile
// operator's FAQ does not cover, as customers type them in Georgian (native
// and Latin-typed), Azerbaijani (with and without its letters) and English,
// with typos and personal data.
#ifndef ZARI_TESTS_UNIT_REPORT_TEST_DATA_H_
#define ZARI_TESTS_UNIT_REPORT_TEST_DATA_H_

#include <string>
#include <vector>

namespace zari_test {

struct SeedQuestion {
  const char* topic;     // what it is about (one topic per expected cluster and language)
  const char* language;
  const char* text;
  int count;             // how many times it was asked
};

// Topics: esim (activating an eSIM), iphone (price of a phone), office (where
// the office is), fiber (home internet), porting (keeping the number when
// switching operator), charged (card charged twice).
inline const std::vector<SeedQuestion>& SeedQuestions() {
  static const std::vector<SeedQuestion> q = {
      // eSIM activation
      {"esim", "en", "how do I activate esim", 9},
      {"esim", "en", "how to activate esim", 7},
      {"esim", "en", "how to activte esim", 3},
      {"esim", "en", "how do i activate my esim?", 4},
      {"esim", "en", "activate esim", 2},
      {"esim", "ka", "როგორ გავააქტიურო eSIM", 8},
      {"esim", "ka", "როგორ გავააქტიურო esim?", 3},
      {"esim", "ka", "esim rogor gavaaqtiuro", 5},
      {"esim", "ka", "esim rogor gavaaktiuro", 2},
      {"esim", "az", "eSIM necə aktivləşdirim", 6},
      {"esim", "az", "esim nece aktivlesdirim", 4},
      {"esim", "az", "eSIM-i necə aktivləşdirim?", 2},
      // phone prices
      {"iphone", "en", "how much is the iphone 15", 8},
      {"iphone", "en", "how much is iphone 15 pro", 5},
      {"iphone", "en", "how much is the iphon 15", 2},
      {"iphone", "ka", "რა ღირს აიფონი 15", 6},
      {"iphone", "ka", "ra girs aifoni 15", 3},
      {"iphone", "ka", "რა ღირს აიფონ 15 პრო?", 2},
      {"iphone", "az", "iphone 15 neçəyədir", 5},
      {"iphone", "az", "iphone 15 neceyedir", 3},
      {"iphone", "az", "iphone 15 pro neçəyədir?", 2},
      // office addresses
      {"office", "en", "where is your office in batumi", 7},
      {"office", "en", "where is your office in kutaisi", 3},
      {"office", "en", "where is ur office in batumi", 2},
      {"office", "ka", "ბათუმში ოფისი სად არის", 5},
      {"office", "ka", "batumshi ofisi sad aris", 4},
      {"office", "ka", "ქუთაისში ოფისი სად არის?", 2},
      {"office", "az", "Bakıda ofisiniz haradadır", 6},
      {"office", "az", "bakida ofisiniz haradadir", 3},
      {"office", "az", "Gəncədə ofisiniz haradadır?", 2},
      // home fiber internet
      {"fiber", "en", "do you have fiber internet for home", 6},
      {"fiber", "en", "fiber internet for home", 3},
      {"fiber", "en", "do you have fibre internet at home", 2},
      {"fiber", "ka", "სახლის ოპტიკური ინტერნეტი გაქვთ?", 4},
      {"fiber", "ka", "saxlis optikuri interneti gaqvt?", 3},
      {"fiber", "az", "evə fiber internet çəkirsiniz?", 4},
      {"fiber", "az", "eve fiber internet cekirsiniz", 2},
      // number portability
      {"porting", "en", "can i keep my number if i switch from another operator", 5},
      {"porting", "en", "keep my number when switching operator", 3},
      {"porting", "ka", "სხვა ოპერატორიდან ნომრის გადმოტანა", 4},
      {"porting", "ka", "sxva operatoridan nomris gadmotana", 2},
      {"porting", "az", "nömrəmi başqa operatordan keçirmək olar?", 3},
      {"porting", "az", "nomremi basqa operatordan kecirmek olar", 2},
      // charged twice, with personal data
      {"charged", "en", "my card 4111 1111 1111 1111 was charged twice", 3},
      {"charged", "en", "card 5500 0000 0000 0004 charged twice for one top up", 2},
      {"charged", "ka", "ბარათიდან ორჯერ ჩამომეჭრა თანხა, ბარათი 4111 1111 1111 1111", 2},
      {"charged", "az", "kartdan iki dəfə pul çıxılıb, nömrəm 050 123 45 67", 2},
  };
  return q;
}

}  // namespace zari_test

#endif  // ZARI_TESTS_UNIT_REPORT_TEST_DATA_H_
