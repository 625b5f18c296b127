// engine/text/georgian: folding the four scripts, Georgian typed in Latin
// letters (chat digraphs, national-system apostrophes, the keyboard's Shift
// letters) and in Cyrillic, and the lossy ASCII key (LANGUAGE.md §2).
#include <doctest/doctest.h>

#include <string>

#include "text/georgian.h"
#include "text_helpers.h"

using zari::testing::U32;
using zari::testing::U8;
namespace georgian = zari::text::georgian;

namespace {

std::string Latin(std::string_view chat, bool sentence_initial = false) {
  std::u32string out;
  georgian::DecodeLatin(U32(chat), sentence_initial, &out);
  return U8(out);
}

std::string Cyrillic(std::string_view text) {
  std::u32string out;
  georgian::DecodeCyrillic(U32(text), &out);
  return U8(out);
}

std::string KeyOf(std::string_view mkhedruli) {
  std::string key;
  georgian::AppendKey(U32(mkhedruli), &key);
  return key;
}

std::string FoldAll(std::string_view s) {
  std::u32string out;
  for (char32_t c : U32(s)) out.push_back(georgian::Fold(c));
  return U8(out);
}

}  // namespace

TEST_CASE("georgian: Mtavruli, Asomtavruli and Nuskhuri fold to Mkhedruli") {
  CHECK(FoldAll("ᲒᲐᲛᲐᲠᲯᲝᲑᲐ") == "გამარჯობა");   // Mtavruli
  CHECK(FoldAll("ႢႠႫႠႰႿႭႡႠ") == "გამარჯობა");   // Asomtavruli (folds past Nuskhuri)
  CHECK(FoldAll("ⴂⴀⴋⴀⴐⴟⴍⴁⴀ") == "გამარჯობა");   // Nuskhuri
  CHECK(FoldAll("გამარჯობა") == "გამარჯობა");
  // Every letter of each range lands on its Mkhedruli counterpart.
  CHECK(georgian::Fold(0x1C90) == 0x10D0);  // Ა → ა
  CHECK(georgian::Fold(0x1CBA) == 0x10FA);  // Ჺ → ჺ
  CHECK(georgian::Fold(0x1CBF) == 0x10FF);
  CHECK(georgian::Fold(0x10A0) == 0x10D0);  // Ⴀ → ა
  CHECK(georgian::Fold(0x10C5) == 0x10F5);  // Ⴥ → ჵ
  CHECK(georgian::Fold(0x10C7) == 0x10F7);  // Ⴧ → ჷ
  CHECK(georgian::Fold(0x10CD) == 0x10FD);  // Ⴭ → ჽ
  CHECK(georgian::Fold(0x2D00) == 0x10D0);  // ⴀ → ა
  CHECK(georgian::Fold(0x2D25) == 0x10F5);
  CHECK(georgian::Fold(0x2D2D) == 0x10FD);
  for (char32_t c : {U'a', U'ж', U'5', U'ჰ', char32_t{0x10FC}}) CHECK(georgian::Fold(c) == c);
  CHECK(georgian::IsLetter(U'ა'));
  CHECK(georgian::IsLetter(U'Ა'));
  CHECK(georgian::IsLetter(U'ⴀ'));
  CHECK_FALSE(georgian::IsLetter(U'a'));
}

TEST_CASE("georgian: which letters have a key") {
  CHECK(georgian::HasKey(U'ა'));
  CHECK(georgian::HasKey(U'ჰ'));
  CHECK(georgian::HasKey(U'ჱ'));  // archaic letters key as their modern sounds
  CHECK(georgian::HasKey(U'ჼ'));
  for (char32_t c : {U'ჸ', U'ჺ', U'჻', U'ჾ', U'ჿ'}) CHECK_FALSE(georgian::HasKey(c));
  CHECK(georgian::HasKey(U'a'));  // letters of other scripts are kept
  CHECK_FALSE(georgian::HasKey(U'5'));
  CHECK_FALSE(georgian::HasKey(U' '));
}

TEST_CASE("georgian: chat digraphs") {
  CHECK(Latin("shekveta") == "შეკვეთა");
  CHECK(Latin("chemi") == "ჩემი");
  CHECK(Latin("zhurnali") == "ჟურნალი");
  CHECK(Latin("ghvino") == "ღვინო");
  CHECK(Latin("khma") == "ხმა");
  CHECK(Latin("dzma") == "ძმა");
  CHECK(Latin("tsqali") == "ცქალი");
  CHECK(Latin("thbilisi") == "თბილისი");
  CHECK(Latin("phuli") == "ფული");
  CHECK(Latin("gamarjoba") == "გამარჯობა");
  CHECK(Latin("wyali") == "წყალი");
  CHECK(Latin("xar") == "ხარ");
  CHECK(Latin("qartuli") == "ქართული");
  CHECK(Latin("madloba") == "მადლობა");
  // The first letter capitalized: "Sh" is still the digraph.
  CHECK(Latin("Shemdeg", true) == "შემდეგ");
}

TEST_CASE("georgian: national-system apostrophes mark ejectives") {
  CHECK(Latin("ts'q'ali") == "წყალი");
  CHECK(Latin("ch'iqa") == "ჭიქა");
  CHECK(Latin("k'aci") == "კაცი");
  CHECK(Latin("p'uri") == "პური");
  CHECK(Latin("t'ye") == "ტყე");
  CHECK(Latin("TS'Q'ALI") == "წყალი");  // in capitals too
  CHECK(Latin("a'b") == "აბ");           // an apostrophe that marks nothing goes
}

TEST_CASE("georgian: ts and tsh at the end of t-stems") {
  CHECK(Latin("baratshi") == "ბარათში");     // ბარათ + ში, not ბარაც + ჰი
  CHECK(Latin("barats") == "ბარათს");        // word-final ts: the dative of a t-stem
  CHECK(Latin("produkts") == "პროდუკთს");
  CHECK(Latin("rats") == "რათს");            // რაც reads the same way; the key merges them
  CHECK(Latin("tsemi") == "ცემი");           // not at the end: ც
  CHECK(Latin("baratsi") == "ბარაცი");
}

TEST_CASE("georgian: the keyboard's Shift letters") {
  CHECK(Latin("baraTis") == "ბარათის");
  CHECK(Latin("Cemi") == "ჩემი");
  CHECK(Latin("SekveTa") == "შეკვეთა");
  CHECK(Latin("Rirs") == "ღირს");
  CHECK(Latin("Wiqa") == "ჭიქა");
  CHECK(Latin("Jurnali") == "ჟურნალი");
  CHECK(Latin("Zma") == "ძმა");
  CHECK(Latin("baraTSi") == "ბარათში");
  CHECK(Latin("Kargi") == "კარგი");  // K has no Shift letter
  // Capitalized as the first word of a sentence: not the Shift letter.
  CHECK(Latin("Rogor", true) == "როგორ");
  CHECK(Latin("Cemi", true) == "ცემი");
  CHECK(Latin("baraTis", true) == "ბარათის");  // only the first letter is affected
  // ALL-CAPS words carry no case information.
  CHECK(Latin("GAMARJOBA") == "გამარჯობა");
  CHECK(Latin("SHEKVETA") == "შეკვეთა");
  CHECK(Latin("T") == "თ");  // a single capital is a Shift letter
}

TEST_CASE("georgian: other Latin letters in chat") {
  CHECK(Latin("šaxmati") == "შახმათი");
  CHECK(Latin("žurnali") == "ჟურნალი");
  CHECK(Latin("čai") == "ჩაი");
  CHECK(Latin("ǯari") == "ჯარი");
  CHECK(Latin("ɣvino") == "ღვინო");
  CHECK(Latin("kafé") == "კაფე");   // accents: the base letter
  CHECK(Latin("ƙa") == "ა");        // no base letter: dropped
  CHECK(Latin("a\u0301") == "ა");   // combining marks: dropped
  CHECK(Latin("a5") == "ა5");       // other characters stay
}

TEST_CASE("georgian: Georgian typed in Cyrillic") {
  CHECK(Cyrillic("гамарджоба") == "გამარჯობა");
  CHECK(Cyrillic("мадлоба") == "მადლობა");
  CHECK(Cyrillic("Гамарджоба") == "გამარჯობა");
  CHECK(Cyrillic("ГАМАРДЖОБА") == "გამარჯობა");
  CHECK(Cyrillic("дзма") == "ძმა");
  CHECK(Cyrillic("кхма") == "ხმა");
  CHECK(Cyrillic("гхвино") == "ღვინო");
  CHECK(Cyrillic("тсхали") == "ცხალი");
  CHECK(Cyrillic("цхали") == "ცხალი");
  CHECK(Cyrillic("чеми") == "ჩემი");
  CHECK(Cyrillic("шеквета") == "შეკვეთა");
  CHECK(Cyrillic("рогор хар") == "როგორ ხარ");
  CHECK(Cyrillic("диах") == "დიახ");
  CHECK(Cyrillic("юа") == "იუა");
  CHECK(Cyrillic("я") == "ია");
  CHECK(Cyrillic("объект") == "ობეკთ");  // ъ ь carry nothing
  CHECK(Cyrillic("ҝәҹ") == "გეჯ");        // letters of the Azerbaijani alphabet
  CHECK(georgian::DecodesFromCyrillic(U'ж'));
  CHECK(georgian::DecodesFromCyrillic(U'Ж'));
  CHECK(georgian::DecodesFromCyrillic(U'ҹ'));
  CHECK_FALSE(georgian::DecodesFromCyrillic(U'ъ'));
  CHECK_FALSE(georgian::DecodesFromCyrillic(U'Ь'));
  CHECK_FALSE(georgian::DecodesFromCyrillic(U'ѣ'));  // no reading: dropped
}

TEST_CASE("georgian: the key merges what chat typing confuses") {
  CHECK(KeyOf("გამარჯობა") == "gamarjoba");
  CHECK(KeyOf("ჩემი") == "cemi");
  CHECK(KeyOf("შეკვეთა") == "sekveta");
  CHECK(KeyOf("წყალი") == "ckali");
  CHECK(KeyOf("ჭიქა") == "cika");
  CHECK(KeyOf("თბილისში") == "tbilisi");     // სშ → ss → s
  CHECK(KeyOf("ბარათის") == "baratis");
  CHECK(KeyOf("ბარათს") == "barac");         // თს → c, as "barats" is typed
  CHECK(KeyOf("ბარაცს") == "baracs");
  CHECK(KeyOf("ხუთშაბათი") == "xucabati");   // თშ → c ("xutsabati")
  CHECK(KeyOf("ღირს") == "girs");
  CHECK(KeyOf("ძმა") == "zma");
  CHECK(KeyOf("ჟურნალი") == "jurnali");
  CHECK(KeyOf("ფული") == "puli");
  // Every letter pair users confuse keys alike.
  CHECK(KeyOf("თ") == KeyOf("ტ"));
  CHECK(KeyOf("კ") == KeyOf("ქ"));
  CHECK(KeyOf("ქ") == KeyOf("ყ"));
  CHECK(KeyOf("ჩ") == KeyOf("ც"));
  CHECK(KeyOf("წ") == KeyOf("ჭ"));
  CHECK(KeyOf("შ") == KeyOf("ს"));
  CHECK(KeyOf("ძ") == KeyOf("ზ"));
  CHECK(KeyOf("ჟ") == KeyOf("ჯ"));
  CHECK(KeyOf("ღ") == KeyOf("გ"));
  CHECK(KeyOf("ფ") == KeyOf("პ"));
  CHECK(KeyOf("რ") != KeyOf("ღ"));           // kept apart (native text would lose)
  // Mirrors of the chat digraphs: native letter pairs a decoder would merge.
  CHECK(KeyOf("სჰ") == "s");
  CHECK(KeyOf("ცჰ") == "c");
  CHECK(KeyOf("ზჰ") == "j");
  CHECK(KeyOf("კჰ") == "x");
  CHECK(KeyOf("თჰ") == "t");
  CHECK(KeyOf("ფჰ") == "p");
  CHECK(KeyOf("დზ") == "z");
  // Doubled consonants collapse; obsolete letters without a sound vanish.
  CHECK(KeyOf("კკ") == "k");
  CHECK(KeyOf("ააა") == "aaa");
  CHECK(KeyOf("აჸბ") == "ab");
  CHECK(KeyOf("ჱ") == "e");
  CHECK(KeyOf("ჴ") == "x");
  // Other characters stay.
  CHECK(KeyOf("iphone") == "iphone");
  CHECK(KeyOf("ა1") == "a1");
}

TEST_CASE("georgian: every spelling of a word meets in one key") {
  auto key_of_chat = [](std::string_view chat) {
    std::u32string mk;
    georgian::DecodeLatin(U32(chat), false, &mk);
    std::string key;
    georgian::AppendKey(mk, &key);
    return key;
  };
  CHECK(key_of_chat("chemi") == KeyOf("ჩემი"));
  CHECK(key_of_chat("Cemi") == KeyOf("ჩემი"));
  CHECK(key_of_chat("cemi") == KeyOf("ჩემი"));
  CHECK(key_of_chat("ts'q'ali") == KeyOf("წყალი"));
  CHECK(key_of_chat("wyali") == KeyOf("წყალი"));
  CHECK(key_of_chat("barats") == KeyOf("ბარათს"));
  CHECK(key_of_chat("xutshabati") == KeyOf("ხუთშაბათი"));
  CHECK(key_of_chat("xutsabati") == KeyOf("ხუთშაბათი"));
  CHECK(key_of_chat("tbilisshi") == KeyOf("თბილისში"));
}
