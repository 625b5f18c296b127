#include "text/latin.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>

#include "text/utf8.h"

namespace zari::text::latin {
namespace {

constexpr char32_t kTableEnd = 0x1F00;  // Latin-1 Supplement .. Latin Extended Additional

struct BaseTable {
  std::array<char, kTableEnd> base{};
  BaseTable() {
    UErrorCode err = U_ZERO_ERROR;
    const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(err);
    for (char32_t c = 0x80; c < kTableEnd; ++c) {
      char32_t lc = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      icu::UnicodeString d;
      if (U_SUCCESS(err) && nfd->getDecomposition(static_cast<UChar32>(lc), d) && d.length() > 0) {
        UChar32 first = d.char32At(0);
        if (first < 0x80 && ((first >= 'a' && first <= 'z'))) base[c] = static_cast<char>(first);
      }
    }
    // Letters without a canonical decomposition.
    auto set = [&](char32_t c, char b) {
      if (c < kTableEnd) base[c] = b;
    };
    set(U'ə', 'e'); set(U'Ə', 'e'); set(U'ä', 'e'); set(U'Ä', 'e');  // az: ä is the 1991 ə
    set(U'ı', 'i'); set(U'İ', 'i');
    set(U'ß', 's'); set(U'æ', 'a'); set(U'Æ', 'a'); set(U'ø', 'o'); set(U'Ø', 'o');
    set(U'đ', 'd'); set(U'Đ', 'd'); set(U'ł', 'l'); set(U'Ł', 'l'); set(U'ħ', 'h');
    set(U'œ', 'o'); set(U'Œ', 'o'); set(U'ŋ', 'n'); set(U'ǝ', 'e'); set(U'Ǝ', 'e');
    set(U'ɣ', 'g'); set(U'ǯ', 'j');
    // Capitals of the letters set above (Ħ, Ŋ, Ɣ, Ǯ).
    for (char32_t c = 0x80; c < kTableEnd; ++c) {
      char32_t lc = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      if (!base[c] && lc != c && lc < kTableEnd) base[c] = base[lc];
    }
    // Letters whose decomposition starts with one of the above (ǽ = æ + ́).
    for (char32_t c = 0x80; c < kTableEnd; ++c) {
      if (base[c] || !U_SUCCESS(err)) continue;
      icu::UnicodeString d;
      char32_t lc = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      if (nfd->getDecomposition(static_cast<UChar32>(lc), d) && d.length() > 0) {
        UChar32 first = d.char32At(0);
        if (first >= 0x80 && first < static_cast<UChar32>(kTableEnd)) base[c] = base[static_cast<size_t>(first)];
      }
    }
  }
};

const BaseTable& Bases() {
  static const BaseTable* t = new BaseTable();
  return *t;
}

inline bool IsAsciiConsonant(char c) {
  return c >= 'a' && c <= 'z' && c != 'a' && c != 'e' && c != 'i' && c != 'o' && c != 'u';
}

}  // namespace

char32_t ToLower(char32_t c, bool turkic) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') return (turkic && c == 'I') ? U'ı' : c + 32;
    return c;
  }
  if (c == U'İ') return 'i';
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
}

char AsciiBase(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? static_cast<char>(c)
                       : (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : 0;
  if (c < kTableEnd) return Bases().base[c];
  return 0;
}

void AppendKey(std::u32string_view s, std::string* key) {
  const size_t start = key->size();
  for (char32_t c : s) {
    if (c < 0x80) {
      key->push_back(static_cast<char>(c));
    } else if (char b = AsciiBase(c)) {
      key->push_back(b);
    } else if (c >= 0x0300 && c <= 0x036F) {
      // combining diacritics (e.g. the dot above of a non-Turkic İ): the key
      // is the keyboard-less spelling, they add nothing
    } else {
      AppendUtf8(key, c);
    }
  }
  // sh→s, ch→c, gh→g: keyboard-less Azerbaijani (and harmless elsewhere,
  // since templates and messages share the key).
  size_t w = start;
  for (size_t r = start; r < key->size(); ++r) {
    char c = (*key)[r];
    if (c == 'h' && w > start) {
      char p = (*key)[w - 1];
      if (p == 's' || p == 'c' || p == 'g') continue;
    }
    (*key)[w++] = c;
  }
  key->resize(w);
  CollapseDoubledConsonants(key, start);
}

void CollapseDoubledConsonants(std::string* key, size_t start) {
  size_t w = start;
  for (size_t r = start; r < key->size(); ++r) {
    char c = (*key)[r];
    if (w > start && c == (*key)[w - 1] && IsAsciiConsonant(c)) continue;
    (*key)[w++] = c;
  }
  key->resize(w);
}

}  // namespace zari::text::latin
