#include "text/latin.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include <array>

#include "util/utf8.h"

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

}  // namespace

char32_t ToLowerNonAscii(char32_t c) {
  if (c == U'İ') return 'i';
  return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
}

char AsciiBaseNonAscii(char32_t c) {
  if (c < kTableEnd) return Bases().base[c];
  return 0;
}

void AppendKey(std::u32string_view s, std::string* key) {
  // One pass over the output, equivalent to three in turn (each only looks at
  // the byte the one before kept last): the keyboard-less letters; sh→s,
  // ch→c, gh→g (keyboard-less Azerbaijani, and harmless elsewhere, since
  // templates and messages share the key); doubled consonants collapse.
  KeyWriter out(key, 4 * s.size());
  for (char32_t c : s) {
    if (c < 0x80) {
      out.PutLatin(static_cast<char>(c));
    } else if (char b = AsciiBase(c)) {
      out.PutLatin(b);
    } else if (c >= 0x0300 && c <= 0x036F) {
      // combining diacritics (e.g. the dot above of a non-Turkic İ): the key
      // is the keyboard-less spelling, they add nothing
    } else {
      out.PutUtf8(c);
    }
  }
}

void KeyWriter::PutUtf8(char32_t c) {
  if (c < 0x80) {
    Put(static_cast<char>(c));
    return;
  }
  char b[4];
  size_t n;
  if (c < 0x800) {
    b[0] = static_cast<char>(0xC0 | (c >> 6));
    b[1] = static_cast<char>(0x80 | (c & 0x3F));
    n = 2;
  } else if (c < 0x10000) {
    b[0] = static_cast<char>(0xE0 | (c >> 12));
    b[1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    b[2] = static_cast<char>(0x80 | (c & 0x3F));
    n = 3;
  } else {
    b[0] = static_cast<char>(0xF0 | (c >> 18));
    b[1] = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    b[2] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    b[3] = static_cast<char>(0x80 | (c & 0x3F));
    n = 4;
  }
  for (size_t k = 0; k < n; ++k) *p_++ = b[k];
  last_ = b[n - 1];
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
