// log::Redact: personal data is masked before it is stored, and what a
// support lead needs (order numbers, amounts, USSD codes, dates) is not.
// The cases are the policy of docs/PRIVACY.md.
#include <doctest/doctest.h>

#include <string>

#include "log/redact.h"

using zari::log::LuhnValid;
using zari::log::Redact;

TEST_CASE("Luhn") {
  CHECK(LuhnValid("4111111111111111"));
  CHECK(LuhnValid("4111 1111 1111 1111"));
  CHECK(LuhnValid("5500-0000-0000-0004"));
  CHECK(LuhnValid("378282246310005"));  // Amex, 15 digits
  CHECK_FALSE(LuhnValid("4111111111111112"));
  CHECK_FALSE(LuhnValid(""));
}

TEST_CASE("redact: card numbers with spaces, dashes or none") {
  CHECK(Redact("ბარათი 4111 1111 1111 1111") == "ბარათი [card]");
  CHECK(Redact("kart nömrəm 5500-0000-0000-0004 bloklanıb") == "kart nömrəm [card] bloklanıb");
  CHECK(Redact("card 4111111111111111.") == "card [card].");
  CHECK(Redact("amex 3782 822463 10005") == "amex [card]");
  // Not Luhn-valid: still a long number, still masked, but not called a card.
  CHECK(Redact("card 4111 1111 1111 1112") == "card [number]");
}

TEST_CASE("redact: Georgian phone numbers") {
  CHECK(Redact("ჩემი ნომერია 599 12 34 56, ბარათი 4111 1111 1111 1111") ==
        "ჩემი ნომერია [phone], ბარათი [card]");
  CHECK(Redact("დამირეკეთ 599123456") == "დამირეკეთ [phone]");
  CHECK(Redact("+995 599 12 34 56") == "[phone]");
  CHECK(Redact("995599123456") == "[phone]");
  CHECK(Redact("00995 599 12-34-56 ზე") == "[phone] ზე");
  CHECK(Redact("ოფისის ნომერი 032 2 12 34 56") == "ოფისის ნომერი [phone]");
  CHECK(Redact("(032) 212-34-56") == "[phone]");
  CHECK(Redact("nomeri 555 123 456 ar mushaobs") == "nomeri [phone] ar mushaobs");
}

TEST_CASE("redact: Azerbaijani phone numbers") {
  CHECK(Redact("nömrəm +994 50 123 45 67, FIN 5ZJ8KQ2") == "nömrəm [phone], FIN [id]");
  CHECK(Redact("zəng edin 050 123 45 67") == "zəng edin [phone]");
  CHECK(Redact("051-123-45-67") == "[phone]");
  CHECK(Redact("(055) 123 45 67") == "[phone]");
  CHECK(Redact("070 1234567 nömrəsinə") == "[phone] nömrəsinə");
  CHECK(Redact("077 123 45 67 / 099 765 43 21") == "[phone] / [phone]");
  CHECK(Redact("010 222 33 44") == "[phone]");
  CHECK(Redact("060 555 44 33") == "[phone]");
  CHECK(Redact("Bakı ofisi: 012 498 76 54") == "Bakı ofisi: [phone]");
  CHECK(Redact("994501234567") == "[phone]");
  CHECK(Redact("00994 55 123 45 67") == "[phone]");
  CHECK(Redact("nomrem 50 123 45 67") == "nomrem [phone]");
}

TEST_CASE("redact: international numbers") {
  CHECK(Redact("call me on +44 20 7946 0958") == "call me on [phone]");
  CHECK(Redact("my US number +1 (415) 555-0132") == "my US number [phone]");
  CHECK(Redact("+7 912 345 67 89") == "[phone]");
}

TEST_CASE("redact: e-mail addresses") {
  CHECK(Redact("email me at nino.beridze@gmail.com") == "email me at [email]");
  CHECK(Redact("mail: elvin_m+test@mail.az!") == "mail: [email]!");
  CHECK(Redact("მეილი giorgi1990@yahoo.com არის") == "მეილი [email] არის");
  CHECK(Redact("@zari_support on twitter") == "@zari_support on twitter");
}

TEST_CASE("redact: national ID numbers") {
  CHECK(Redact("პირადი ნომერი 01024056789") == "პირადი ნომერი [id]");
  CHECK(Redact("piradi nomeri 61001012345") == "piradi nomeri [id]");
  CHECK(Redact("şəxsiyyət vəsiqəsi AZE12345678") == "şəxsiyyət vəsiqəsi [id]");
  CHECK(Redact("vəsiqə AA1234567 itib") == "vəsiqə [id] itib");
  CHECK(Redact("FİN kodu: 5ZJ8KQ2") == "FİN kodu: [id]");
  CHECK(Redact("fin kodum 7AB3C9D") == "fin kodum [id]");
  CHECK(Redact("fın 5zj8kq2 dir") == "fın [id] dir");  // as normalized (az: I → ı)
  CHECK(Redact("FIN-5ZJ8KQ2") == "FIN-[id]");
  // The word alone, or followed by a word, is not a code.
  CHECK(Redact("FIN kodunu haradan tapım?") == "FIN kodunu haradan tapım?");
  CHECK(Redact("financial services") == "financial services");
}

TEST_CASE("redact: IBANs") {
  CHECK(Redact("IBAN GE29NB0000000101904917") == "IBAN [account]");
  CHECK(Redact("GE29 NB00 0000 0101 9049 17 ზე გადავრიცხე") == "[account] ზე გადავრიცხე");
  CHECK(Redact("AZ21NABZ00000000137010001944") == "[account]");
  CHECK(Redact("DE89370400440532013000") == "[account]");
}

TEST_CASE("redact: long numbers of other kinds") {
  CHECK(Redact("contract 20261105001") == "contract [id]");  // 11 digits: could be a personal number
  CHECK(Redact("account 12345678") == "account [number]");
  CHECK(Redact("order 1234567") == "order [number]");
  CHECK(Redact("٠٥٩٩١٢٣٤٥٦") == "[phone]");  // Arabic-Indic digits
}

TEST_CASE("redact: what stays") {
  // Order numbers and codes under 7 digits.
  CHECK(Redact("order 123456 not delivered") == "order 123456 not delivered");
  CHECK(Redact("შეკვეთა #48213") == "შეკვეთა #48213");
  // USSD codes.
  CHECK(Redact("balansi *100# ით") == "balansi *100# ით");
  CHECK(Redact("*111*1*2#") == "*111*1*2#");
  // ... but a phone number inside a USSD code is masked.
  CHECK(Redact("*125*599123456#") == "*125*[phone]#");
  // Amounts.
  CHECK(Redact("I paid 25 GEL") == "I paid 25 GEL");
  CHECK(Redact("ვალი 1 500 000 ₾") == "ვალი 1 500 000 ₾");
  CHECK(Redact("kredit 2500000 manat") == "kredit 2500000 manat");
  CHECK(Redact("$2500000 loan") == "$2500000 loan");
  CHECK(Redact("1 500 000,50 AZN ödədim") == "1 500 000,50 AZN ödədim");
  CHECK(Redact("1500000 ლარი") == "1500000 ლარი");
  CHECK(Redact("10.50 lari") == "10.50 lari");
  // Dates and times.
  CHECK(Redact("05.11.2026 დან") == "05.11.2026 დან");
  CHECK(Redact("since 2026-11-05 10:30") == "since 2026-11-05 10:30");
  CHECK(Redact("5/11/2026") == "5/11/2026");
  // Plain text, prices, percentages, versions.
  CHECK(Redact("როგორ შევამოწმო ბალანსი?") == "როგორ შევამოწმო ბალანსი?");
  CHECK(Redact("internet 10 GB 15 manata") == "internet 10 GB 15 manata");
  CHECK(Redact("99.5% uptime, iOS 17.1.2") == "99.5% uptime, iOS 17.1.2");
  CHECK(Redact("") == "");
}

TEST_CASE("redact: a phone next to an amount is still a phone") {
  CHECK(Redact("+995599123456 ₾") == "[phone] ₾");
  CHECK(Redact("send 20 lari to 599123456") == "send 20 lari to [phone]");
}

TEST_CASE("redact: idempotent, and safe on any bytes") {
  const std::string samples[] = {
      "ჩემი ნომერია 599 12 34 56, ბარათი 4111 1111 1111 1111",
      "nömrəm +994 50 123 45 67, FIN 5ZJ8KQ2",
      "email me at nino.beridze@gmail.com",
      "IBAN GE29NB0000000101904917 და 01024056789",
  };
  for (const auto& s : samples) {
    const std::string once = Redact(s);
    CHECK(Redact(once) == once);
  }
  std::string bytes = "599\xff 12 34 56\x00 4111 1111 1111 1111 \xc3";
  bytes.push_back('\0');
  bytes += "nino@x.ge";
  const std::string r = Redact(bytes);
  CHECK(r.find("4111") == std::string::npos);
  CHECK(r.find("nino@") == std::string::npos);
  // Long input: linear, no crash.
  std::string big(1 << 20, '7');
  CHECK(Redact(big) == "[number]");
}

TEST_CASE("FindPhones: the numbers masked as [phone], as written") {
  using zari::log::FindPhones;
  CHECK(FindPhones("დამირეკეთ 599 12 34 56-ზე") == std::vector<std::string>{"599 12 34 56"});
  CHECK(FindPhones("nömrəm +994 50 123 45 67, zəng edin") == std::vector<std::string>{"+994 50 123 45 67"});
  CHECK(FindPhones("call me at 032 2 12 34 56 or 555-12-34-56") ==
        std::vector<std::string>{"032 2 12 34 56", "555-12-34-56"});
  // Cards, amounts, dates, USSD codes and short numbers are not phones.
  CHECK(FindPhones("card 4111 1111 1111 1111, 1 500 000 ₾ on 05.11.2026, *100#, order 12345").empty());
  CHECK(FindPhones("no digits here").empty());
}
