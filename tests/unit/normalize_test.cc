// The whole normalization pipeline: LANGUAGE.md §8 golden vectors, language
// choice (forced > detected > hint > default), tokens and spans, and property
// tests (never crashes on arbitrary bytes, idempotent, allocation-free).
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "text/normalize.h"
#include "util/utf8.h"
#include "text_helpers.h"

using zari::testing::Key;
using zari::testing::Norm;
using zari::testing::Stems;
using zari::testing::Tag;
using zari::text::Lang;
using zari::text::LangBit;
using zari::text::Normalize;
using zari::text::Normalized;
using zari::text::NormalizeOptions;
using zari::text::Script;

// ------------------------------------------------------------ allocation count
// Replaceable global operator new: counts allocations while `g_counting` is on.
// Not in sanitizer builds, whose runtimes own operator new.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ZARI_COUNT_ALLOCS 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define ZARI_COUNT_ALLOCS 0
#endif
#endif
#ifndef ZARI_COUNT_ALLOCS
#define ZARI_COUNT_ALLOCS 1
#endif

#if ZARI_COUNT_ALLOCS
namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocs{0};
}  // namespace

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocs.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
#endif

namespace {

struct Vector {
  const char* input;
  const char* tag;      // language as typed: ka, ka-Latn, ka-Cyrl, az, az-Cyrl, en (nullptr: any)
  const char* surface;
  const char* key;
  Lang forced = Lang::kUnknown;
};

// LANGUAGE.md §8, detected with all three languages allowed. Differences from
// the table, following the data and the tokenizer:
//  - "x²" gives the two tokens "x 2": letters and digits are always split
//    (4g → 4 g, 100mb → 100 mb), so templates and messages split alike.
//  - "ბარათს"/"barats" key as "barac": "ts" is typed both for ც and for თს
//    (რაც "rats", ბარათს "barats") and, without Shift, for თშ (ხუთშაბათი
//    "xutsabati"), so the key merges თს/ტს/თშ/ტშ with ც.
//  - The Cyrillic-typed Georgian row is "ka-Cyrl" (the table's "ru|ka-Cyrl").
//  - "abcde" (the ignorables row) is not "und": any Latin word gets the Latin
//    model's guess (here ka-Latn), so the row is run as English.
const Vector kVectors[] = {
    {"ᲒᲐᲛᲐᲠᲯᲝᲑᲐ", "ka", "გამარჯობა", "gamarjoba"},
    {"ⴂⴀⴋⴀⴐⴟⴍⴁⴀ", "ka", "გამარჯობა", "gamarjoba"},
    {"„ბარათის“ დაბლოკვა მინდა 🙏", "ka", "ბარათის დაბლოკვა მინდა", "baratis dablokva minda"},
    {"baraTis daBlokva minda", "ka-Latn", "ბარათის დაბლოკვა მინდა", "baratis dablokva minda"},
    {"wyali ar aris, Cemi SekveTa sad aris?", "ka-Latn", "წყალი არ არის ჩემი შეკვეთა სად არის",
     "ckali ar aris cemi sekveta sad aris"},
    {"GAMARJOBA MADLOBA", "ka-Latn", "გამარჯობა მადლობა", "gamarjoba madloba"},
    {"baratebshi barats produkts mec isic", "ka-Latn", "ბარათებში ბარათს პროდუკთს მეც ისიც",
     "baratebsi barac produkc mec isic"},
    {"ბარათს და პროდუქტს", "ka", "ბარათს და პროდუქტს", "barac da produkc"},
    {"ra Rirs miwodeba?", "ka-Latn", "რა ღირს მიწოდება", "ra girs micodeba"},
    {"гамарджоба, мадлоба", "ka-Cyrl", "გამარჯობა მადლობა", "gamarjoba madloba"},
    {"KARTIMI İTİRDİM, IĞDIR", "az", "kartımı itirdim ığdır", "kartimi itirdim igdir"},
    {"Salam! Kartimi bloklamaq isteyirem", "az", "salam kartimi bloklamaq isteyirem",
     "salam kartimi bloklamaq isteyirem"},
    {"M\u01DDn Bakıdayam", "az", "mən bakıdayam", "men bakidayam"},
    {"Bakı'da Ä ä", "az", "bakıda ə ə", "bakida e e"},
    {"Азәрбајҹан Республикасы, Бакы шәһәри", "az-Cyrl", "azərbaycan respublikası bakı şəhəri",
     "azerbaycan respublikasi baki seheri"},
    {"Where's my card? It’s been 3 days", "en", "where my card it been 3 days", "where my card it been 3 days"},
    {"Sifariş ٣٤٥ və ۱۲۳ və ２０２４ x² ①", "az", "sifariş 345 və 123 və 2024 x 2 1",
     "sifaris 345 ve 123 ve 2024 x 2 1"},
    {"a\u200Bb\u00ADc\u200Ed\uFEFFe", nullptr, "abcde", "abcde", Lang::kEn},
};

// Every invariant a Normalized must satisfy, whatever the input.
void CheckWellFormed(const Normalized& n) {
  REQUIRE(zari::IsValidUtf8(n.surface));
  REQUIRE(zari::IsValidUtf8(n.key));
  if (n.tokens.empty()) {
    CHECK(n.surface.empty());
    CHECK(n.key == " ");
    return;
  }
  REQUIRE(n.key.size() >= 2);
  CHECK(n.key.front() == ' ');
  CHECK(n.key.back() == ' ');
  uint32_t prev_key_end = 0;
  for (const auto& t : n.tokens) {
    REQUIRE(t.surface_begin + t.surface_len <= n.surface.size());
    REQUIRE(t.key_begin + t.key_len <= n.key.size());
    REQUIRE(t.stem_begin + t.stem_count <= n.stem_spans.size());
    CHECK(t.surface_len > 0);
    CHECK(t.key_len > 0);
    CHECK(t.key_begin > prev_key_end);
    CHECK(n.key[t.key_begin - 1] == ' ');
    CHECK(n.key[t.key_begin + t.key_len] == ' ');
    prev_key_end = t.key_begin + t.key_len;
    CHECK(n.KeyOf(t).find(' ') == std::string_view::npos);
    CHECK(n.SurfaceOf(t).find(' ') == std::string_view::npos);
    for (uint32_t s = 0; s < t.stem_count; ++s) {
      const auto& sp = n.stem_spans[t.stem_begin + s];
      REQUIRE(sp.begin + sp.len <= n.stem_buf.size());
      CHECK(sp.len > 0);
    }
  }
}

// The property tests' seed: fixed, or ZARI_TEST_SEED to explore others.
unsigned Seed(unsigned fixed) {
  const char* e = std::getenv("ZARI_TEST_SEED");
  return e && *e ? static_cast<unsigned>(std::strtoul(e, nullptr, 10)) : fixed;
}

std::string RandomBytes(std::mt19937& rng, size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xFF);
  return s;
}

// Random valid UTF-8 drawn from the ranges that matter here (ASCII, Latin,
// Georgian in all its scripts, Cyrillic, Arabic digits, marks, emoji,
// ignorables, punctuation) plus any scalar value.
std::string RandomText(std::mt19937& rng, size_t cps) {
  static const std::pair<char32_t, char32_t> kRanges[] = {
      {0x20, 0x7E},     {0x20, 0x7E},     {0xA0, 0x24F},    {0x10A0, 0x10FF}, {0x1C90, 0x1CBF},
      {0x2D00, 0x2D2F}, {0x400, 0x4FF},   {0x660, 0x669},   {0x6F0, 0x6F9},   {0x300, 0x36F},
      {0x1F300, 0x1F6FF}, {0x2000, 0x206F}, {0xFE00, 0xFE0F}, {0xFF00, 0xFFEF}, {0x1, 0x10FFFF},
  };
  std::string s;
  std::uniform_int_distribution<size_t> pick(0, std::size(kRanges) - 1);
  for (size_t i = 0; i < cps; ++i) {
    auto [lo, hi] = kRanges[pick(rng)];
    char32_t c = lo + static_cast<char32_t>(rng() % (hi - lo + 1));
    if (c >= 0xD800 && c <= 0xDFFF) c = 'x';
    zari::AppendUtf8(&s, c);
  }
  return s;
}

}  // namespace

TEST_CASE("LANGUAGE.md §8 vectors: language, surface and key") {
  for (const Vector& v : kVectors) {
    const std::string input = v.input;
    CAPTURE(input);
    Normalized n = Norm(v.input, v.forced);
    if (v.tag) CHECK(Tag(n) == v.tag);
    CHECK(n.surface == v.surface);
    CHECK(Key(n) == v.key);
    CheckWellFormed(n);
  }
}

TEST_CASE("the same words typed every way meet in one key") {
  // Native Georgian, chat digraphs, the keyboard layout, its lowercase form.
  const char* kGroups[][4] = {
      {"ჩემი შეკვეთა", "chemi shekveta", "Cemi SekveTa", "cemi sekveta"},
      {"ბალანსი როგორ შევამოწმო", "balansi rogor shevamowmo", "balansi rogor Sevamowmo",
       "balansi rogor sevamowmo"},
      {"ბარათის დაბლოკვა", "baratis dablokva", "baraTis dablokva", "baratis dablokva"},
      {"წყალი", "ts'q'ali", "wyali", "wyali"},
      {"თბილისში", "tbilisshi", "Tbilisshi", "tbilisSi"},
      {"რაც", "rats", "rac", "rac"},
      {"ხუთშაბათს", "khutshabats", "xuTSabaTs", "xutsabats"},
  };
  for (const auto& g : kGroups) {
    const std::string native = Key(Norm(g[0], Lang::kKa));
    for (int i = 1; i < 4; ++i) {
      const std::string typed = g[i];
      CAPTURE(typed);
      CHECK(Key(Norm(g[i], Lang::kKa)) == native);
    }
  }
  // Azerbaijani with and without its letters, in capitals.
  const char* kAz[] = {"balansımı necə yoxlaya bilərəm", "balansimi nece yoxlaya bilerem",
                       "BALANSIMI NECƏ YOXLAYA BİLƏRƏM", "Balansimi nece yoxlaya bilerem?"};
  const std::string az = Key(Norm(kAz[0], Lang::kAz));
  for (const char* s : kAz) CHECK(Key(Norm(s, Lang::kAz)) == az);
  CHECK(Key(Norm("Sifarişlərim üçün təşəkkürlər", Lang::kAz)) ==
        Key(Norm("Sifarishlerim ucun tesekkurler", Lang::kAz)));
}

TEST_CASE("a Latin word in Georgian text keys like its chat-Georgian reading") {
  Normalized native = Norm("youtube-ზე მუსიკა ჩართე", Lang::kKa);
  Normalized chat = Norm("youtube ze musika charte", Lang::kKa);
  REQUIRE(native.tokens.size() == 4);
  REQUIRE(chat.tokens.size() == 4);
  CHECK(native.SurfaceOf(native.tokens[0]) == "youtube");  // the brand keeps its spelling
  CHECK(chat.SurfaceOf(chat.tokens[0]) == "ყოუთუბე");
  CHECK(Key(native) == Key(chat));
  // Typed with the hyphen, the suffix joins the word; a stem candidate is the brand.
  Normalized joined = Norm("youtube-ze musika charte", Lang::kKa);
  REQUIRE(joined.tokens.size() == 3);
  const auto stems = Stems(joined, 0);
  CHECK(std::find(stems.begin(), stems.end(), std::string(native.KeyOf(native.tokens[0]))) != stems.end());
}

TEST_CASE("language: forced > detected > hint > default") {
  NormalizeOptions o;
  Normalized n;
  SUBCASE("forced wins over a clear detection") {
    o.forced = Lang::kEn;
    Normalize("ბალანსი", o, &n);
    CHECK(n.lang == Lang::kEn);
    CHECK_FALSE(n.detected);
    CHECK(n.detection.lang == Lang::kUnknown);  // identification is skipped
    CHECK(Key(n) == "balansi");            // Georgian letters always key as Georgian
  }
  SUBCASE("a confident detection wins over the hint") {
    o.hint = Lang::kEn;
    Normalize("balansimi nece yoxlaya bilerem", o, &n);
    CHECK(n.lang == Lang::kAz);
    CHECK(n.detected);
  }
  SUBCASE("the hint wins over a weak guess") {
    // Whatever the model says about these, the rule holds.
    for (const char* t : {"ok", "zzz xxx yyy", "asd", "pfff", "hmm", "kart", "data"}) {
      o.hint = Lang::kAz;
      Normalize(t, o, &n);
      CAPTURE(std::string(t));
      if (n.detection.confident) {
        CHECK(n.lang == n.detection.lang);
        CHECK(n.detected);
      } else {
        CHECK(n.lang == Lang::kAz);
        CHECK_FALSE(n.detected);
      }
    }
  }
  SUBCASE("without a hint a weak guess is used, but not as detected") {
    for (const char* t : {"ok", "zzz xxx yyy", "asd", "pfff", "hmm"}) {
      Normalize(t, o, &n);
      CAPTURE(std::string(t));
      CHECK(n.lang == n.detection.lang);
      CHECK(n.detected == (n.detection.confident || n.detection.margin >= zari::text::kConfidentMargin));
    }
  }
  SUBCASE("with a hint, leaving it takes a known word of the new language") {
    o.hint = Lang::kKa;
    Normalize("zzz xxx yyy", o, &n);  // the model leans to az, but knows none of it
    CHECK_FALSE(n.detection.known_word);
    CHECK(n.lang == Lang::kKa);
    Normalize("blah blah qwerty", o, &n);
    CHECK(n.lang == Lang::kKa);
    Normalize("where is my money", o, &n);
    CHECK(n.lang == Lang::kEn);
  }
  SUBCASE("no letters: hint, then default") {
    o.fallback = Lang::kKa;
    Normalize("*100# 12:30", o, &n);
    CHECK(n.lang == Lang::kKa);
    CHECK_FALSE(n.detected);
    o.hint = Lang::kEn;
    Normalize("*100#", o, &n);
    CHECK(n.lang == Lang::kEn);
  }
  SUBCASE("only the pack's languages are detected") {
    o.allowed = LangBit(Lang::kKa) | LangBit(Lang::kEn);
    Normalize("balansimi nece yoxlaya bilerem", o, &n);
    CHECK(n.lang != Lang::kAz);
    o.allowed = LangBit(Lang::kKa);
    Normalize("where is my order", o, &n);
    CHECK(n.lang == Lang::kKa);
    CHECK(n.script == Script::kLatin);
  }
}

TEST_CASE("latin_as_georgian decides for a whole template") {
  NormalizeOptions o;
  o.forced = Lang::kKa;
  Normalized n;
  o.latin_as_georgian = 1;
  Normalize("SIM ბარათი", o, &n);
  CHECK(n.surface == "სიმ ბარათი");
  o.latin_as_georgian = 0;
  Normalize("balansi", o, &n);
  CHECK(n.surface == "balansi");
  CHECK(Key(n) == "balansi");
}

TEST_CASE("tokens: numbers, codes, joiners and scripts") {
  CHECK(Norm("*100# ან +995 599 12-34-56", Lang::kKa).surface == "*100# ან +995 599 12 34 56");
  Normalized n = Norm("*100#", Lang::kEn);
  REQUIRE(n.tokens.size() == 1);
  CHECK(n.tokens[0].numeric);
  // * # + stay in a number where their chunk has a digit, before or after them.
  CHECK(Norm("a*b 1 x*1 #5 # 5 1+ +1 2*3#", Lang::kEn).surface == "a b 1 x *1 #5 5 1+ +1 2*3#");
  CHECK(Norm("5GB 4g 100mb", Lang::kEn).surface == "5 gb 4 g 100 mb");
  CHECK(Norm("1.5 lari", Lang::kKa).tokens.size() == 2);
  CHECK(Norm("e-mail: a.b@mail.ge", Lang::kEn).surface == "email a b@mail ge");
  CHECK(Norm("SIMბარათი", Lang::kKa).tokens.size() == 2);
  CHECK(Norm("Microsoft-un hesabı", Lang::kAz).surface == "microsoftun hesabı");
  CHECK(Norm("¡¿...!!!??? --- ''' “”„«»", Lang::kEn).tokens.empty());
  CHECK(Norm("madlobaaaa", Lang::kKa).surface == "მადლობა");
  CHECK(Norm("sooooo goooood", Lang::kEn).surface == "soo good");
  CHECK(Norm("１２３ ① ②③", Lang::kEn).surface == "123 1 23");
  CHECK(Norm("№5", Lang::kEn).surface == "#5");
  CHECK(Norm("1️⃣ 2️⃣", Lang::kEn).surface == "1 2");
}

TEST_CASE("a decoding that drops letters leaves no stray joiner") {
  // љ and ƙ have no Georgian reading: the @ beside them goes, one between two
  // letters stays.
  CHECK(Norm("щ@љ@һ", Lang::kKa).surface == "შ@ჰ");
  CHECK(Norm("щ@@һ", Lang::kKa).surface == "შ ჰ");  // the tokenizer splits at @@
  CHECK(Norm("ƙ@a", Lang::kKa).surface == "ა");
  CHECK(Norm("a@ƙ", Lang::kKa).surface == "ა");
}

TEST_CASE("emoji, flags, skin tones, ZWJ sequences and tags are spaces") {
  CHECK(Norm("👍🏽ok👨‍👩‍👧🇬🇪🏴󠁧󠁢󠁳󠁣󠁴󠁿done", Lang::kEn).surface == "ok done");
  CHECK(Norm("😀😀😀", Lang::kEn).tokens.empty());
  CHECK(Norm("ბალანსი🙏🙏", Lang::kKa).surface == "ბალანსი");
}

TEST_CASE("Turkic casing only for Azerbaijani") {
  CHECK(Norm("İSTANBUL IĞDIR", Lang::kAz).surface == "istanbul ığdır");
  CHECK(Norm("I WANT İT", Lang::kEn).surface == "i want it");
  CHECK(Norm("İ want to cancel my cards").lang == Lang::kEn);
}

TEST_CASE("the input is cut at max_code_points") {
  NormalizeOptions o;
  o.forced = Lang::kEn;
  o.max_code_points = 10;
  Normalized n;
  Normalize("hello world again", o, &n);
  CHECK(n.truncated);
  CHECK(n.surface == "hello worl");
  Normalize("hello", o, &n);
  CHECK_FALSE(n.truncated);
}

TEST_CASE("property: arbitrary bytes never crash and give well-formed output") {
  std::mt19937 rng(Seed(20261125));
  const Lang kLangs[] = {Lang::kUnknown, Lang::kKa, Lang::kAz, Lang::kEn};
  for (int i = 0; i < 3000; ++i) {
    std::string s = (i % 2) ? RandomBytes(rng, rng() % 200) : RandomText(rng, rng() % 120);
    for (Lang l : kLangs) {
      Normalized n = Norm(s, l);
      CheckWellFormed(n);
    }
  }
}

TEST_CASE("property: adversarial inputs") {
  std::vector<std::string> inputs = {
      std::string(),
      std::string("\0\0\0", 3),
      std::string("ab\0cd", 5),
      "\xC0\x80\xE0\x80\x80\xF0\x80\x80\x80",  // overlong NUL and friends
      "\xED\xA0\x80\xED\xBF\xBF",              // UTF-16 surrogates
      "\xF4\x90\x80\x80\xF5\xFF",              // beyond U+10FFFF
      "\x80\x80\x80\xBF",                      // lone continuation bytes
      "\xE1\x83",                              // truncated Georgian letter
      "ბალ\xFFანსი\xC3",
      std::string(5000, '\''),
      std::string(5000, '-'),
      std::string(5000, '#'),
      "a\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301",  // stacked marks
      "\u0301\u0301 start with marks",
      "\u200D\u200D\u200D\uFE0F\uFE0F",
      "ﷺ ﷽ ㍱ ﬁ ǅ ǈ Ǳ",                     // long NFKC expansions, titlecase digraphs
      "ⓐⓑⓒ ⒜⒝ ㈀",
      "a-ბ-в-a'ბ'в",
  };
  std::string emoji;
  for (int i = 0; i < 20000; ++i) emoji += "😀";
  inputs.push_back(emoji);
  std::string flags;
  for (int i = 0; i < 5000; ++i) flags += "🇬🇪";
  inputs.push_back(flags);
  std::string alternating;
  for (int i = 0; i < 4000; ++i) alternating += (i % 2) ? "a" : "ბ";
  inputs.push_back(alternating);
  std::string digits_letters;
  for (int i = 0; i < 4000; ++i) digits_letters += (i % 2) ? "1" : "x";
  inputs.push_back(digits_letters);
  std::string mb(1 << 20, 'a');
  inputs.push_back(mb);
  std::string mb_mixed;
  while (mb_mixed.size() < (1u << 20)) mb_mixed += "Sifariş №12-345 ჩემი შეკვეთა 😀 can't ";
  inputs.push_back(mb_mixed);
  std::string mb_bad(1 << 20, '\xFF');
  inputs.push_back(mb_bad);

  for (const std::string& s : inputs) {
    for (Lang l : {Lang::kUnknown, Lang::kKa, Lang::kAz, Lang::kEn}) {
      Normalized n = Norm(s, l);
      CheckWellFormed(n);
      if (s.size() >= (1u << 20) && s[0] != '\xFF') CHECK(n.truncated);
      CHECK(zari::CountCodePoints(n.surface) <= 3 * 2048);
    }
  }
  Normalized n = Norm(mb);
  CHECK(n.surface == "a");  // one run of a letter squeezes to one
}

TEST_CASE("property: normalizing the surface again changes nothing") {
  std::vector<std::string> inputs;
  for (const Vector& v : kVectors) inputs.emplace_back(v.input);
  const char* extra[] = {
      "I can't find my order's tracking number!!! 😡", "dont u know", "thx, ty, pls", "let's go",
      "balansi rogor shevamowmo", "baraTis daBlokva minda", "Rogor xar?", "ts'q'ali ch'ika",
      "youtube chartva", "iphone-ის ბალანსი", "ok iphone ბალანსი", "KARTIMI İTİRDİM",
      "Mǝn Bakı'dayam", "Microsoft-un hesabı", "гамарджоба", "Азәрбајҹан", "Привет мир",
      "e-mail: a.b@mail.ge *100# +995 599", "ǅemal ǈubljana ﬁle", "Straße ÆØÅ", "ΣΊΣΥΦΟΣ",
      // Fuzz findings (tests/fuzz/corpora/normalize): joiners next to letters a
      // decoding drops, apostrophes inside letter runs, nested contractions.
      "щ@љ@һ ƙ@a љ@a", "uu'uuuu aa'aaa", "can't've d'ont y'all a@n't can´t",
  };
  for (const char* e : extra) inputs.emplace_back(e);
  std::mt19937 rng(Seed(7));
  for (int i = 0; i < 3000; ++i) inputs.push_back(RandomText(rng, rng() % 60));

  for (const std::string& s : inputs) {
    for (Lang l : {Lang::kKa, Lang::kAz, Lang::kEn}) {
      Normalized a = Norm(s, l);
      Normalized b = Norm(a.surface, l);
      CAPTURE(s);
      CAPTURE(static_cast<int>(l));
      CHECK(b.surface == a.surface);
      CHECK(b.key == a.key);
    }
  }
}

TEST_CASE("property: text NFKC leaves alone reads the same by either path") {
  // Normalize takes one pass over text in which NFKC has nothing to do, and
  // the longer way (copy, NFKC, tokenize) otherwise. "①" (NFKC: 1) sends any
  // text the longer way; as its own number token it changes nothing else.
  std::mt19937 rng(Seed(11));
  std::vector<std::string> inputs;
  for (const Vector& v : kVectors) inputs.emplace_back(v.input);
  for (int i = 0; i < 2000; ++i) inputs.push_back(RandomText(rng, rng() % 40));
  for (const std::string& s : inputs) {
    for (Lang l : {Lang::kUnknown, Lang::kKa, Lang::kAz, Lang::kEn}) {
      Normalized a = Norm(s, l);
      Normalized b = Norm(s + " \u2460", l);
      CAPTURE(s);
      CAPTURE(static_cast<int>(l));
      REQUIRE(b.tokens.size() == a.tokens.size() + 1);
      CHECK(b.surface == (a.surface.empty() ? "1" : a.surface + " 1"));
      CHECK(b.key == (a.tokens.empty() ? " 1 " : a.key + "1 "));
      CHECK(b.lang == a.lang);
      CHECK(b.script == a.script);
      CHECK(b.stem_buf == a.stem_buf);
    }
  }
}

#if ZARI_COUNT_ALLOCS
TEST_CASE("after warm-up Normalize does not allocate") {
  const char* texts[] = {
      "„ბარათის“ დაბლოკვა მინდა 🙏", "baraTis daBlokva minda", "гамарджоба, мадлоба",
      "KARTIMI İTİRDİM, IĞDIR", "Азәрбајҹан Республикасы, Бакы шәһәри",
      "I can't find my order's tracking number!!! 😡", "Sifariş ٣٤٥ və ۱۲۳ və ２０２４ x² ①",
      "youtube ჩართე", "where is my card, it's been 3 days", "ᲒᲐᲛᲐᲠᲯᲝᲑᲐ",
  };
  NormalizeOptions o;
  Normalized n;
  for (int warm = 0; warm < 2; ++warm) {
    for (const char* t : texts) Normalize(t, o, &n);
  }
  g_allocs = 0;
  g_counting = true;
  for (int rep = 0; rep < 10; ++rep) {
    for (const char* t : texts) Normalize(t, o, &n);
  }
  g_counting = false;
  CHECK(g_allocs.load() == 0);
}
#endif
