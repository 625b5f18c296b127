// engine/text/utf8: decoding (every malformed form becomes U+FFFD and costs
// one byte), encoding at the length boundaries, and the helpers built on them.
#include <doctest/doctest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/utf8.h"

using zari::AppendUtf8;
using zari::CountCodePoints;
using zari::DecodeUtf8;
using zari::IsValidUtf8;
using zari::kReplacementChar;
using zari::SanitizeUtf8;

namespace {

using Decoded = std::vector<std::pair<char32_t, size_t>>;

// Every code point of s with the number of bytes each one consumed.
Decoded DecodeAll(std::string_view s) {
  Decoded out;
  for (size_t i = 0; i < s.size();) {
    size_t before = i;
    char32_t c = DecodeUtf8(s, &i);
    out.emplace_back(c, i - before);
  }
  return out;
}

}  // namespace

TEST_CASE("utf8: well-formed sequences of every length") {
  CHECK(DecodeAll("a") == Decoded{{U'a', 1}});
  CHECK(DecodeAll(std::string("\0", 1)) == Decoded{{0, 1}});
  CHECK(DecodeAll("\x7F") == Decoded{{0x7F, 1}});
  CHECK(DecodeAll("\xC2\x80") == Decoded{{0x80, 2}});            // smallest 2-byte
  CHECK(DecodeAll("ə") == Decoded{{0x259, 2}});
  CHECK(DecodeAll("\xDF\xBF") == Decoded{{0x7FF, 2}});
  CHECK(DecodeAll("\xE0\xA0\x80") == Decoded{{0x800, 3}});        // smallest 3-byte
  CHECK(DecodeAll("ა") == Decoded{{0x10D0, 3}});
  CHECK(DecodeAll("\xEF\xBF\xBD") == Decoded{{0xFFFD, 3}});      // a genuine U+FFFD
  CHECK(DecodeAll("\xEF\xBF\xBF") == Decoded{{0xFFFF, 3}});      // noncharacters are scalars
  CHECK(DecodeAll("\xF0\x90\x80\x80") == Decoded{{0x10000, 4}});  // smallest 4-byte
  CHECK(DecodeAll("😀") == Decoded{{0x1F600, 4}});
  CHECK(DecodeAll("\xF4\x8F\xBF\xBF") == Decoded{{0x10FFFF, 4}});
  CHECK(DecodeAll("aა😀") == Decoded{{U'a', 1}, {0x10D0, 3}, {0x1F600, 4}});
}

TEST_CASE("utf8: malformed input yields U+FFFD and advances one byte") {
  const char32_t R = kReplacementChar;
  SUBCASE("overlong forms") {
    CHECK(DecodeAll("\xC0\x80") == Decoded{{R, 1}, {R, 1}});  // C0/C1 are never lead bytes
    CHECK(DecodeAll("\xC1\xBF") == Decoded{{R, 1}, {R, 1}});
    CHECK(DecodeAll("\xE0\x80\x80") == Decoded{{R, 1}, {R, 1}, {R, 1}});
    CHECK(DecodeAll("\xE0\x9F\xBF") == Decoded{{R, 1}, {R, 1}, {R, 1}});  // U+07FF in 3 bytes
    CHECK(DecodeAll("\xF0\x8F\xBF\xBF") == Decoded{{R, 1}, {R, 1}, {R, 1}, {R, 1}});
  }
  SUBCASE("UTF-16 surrogates") {
    CHECK(DecodeAll("\xED\xA0\x80") == Decoded{{R, 1}, {R, 1}, {R, 1}});
    CHECK(DecodeAll("\xED\xBF\xBF") == Decoded{{R, 1}, {R, 1}, {R, 1}});
    CHECK(DecodeAll("\xED\x9F\xBF") == Decoded{{0xD7FF, 3}});  // just below them
    CHECK(DecodeAll("\xEE\x80\x80") == Decoded{{0xE000, 3}});  // just above them
  }
  SUBCASE("beyond U+10FFFF and impossible lead bytes") {
    CHECK(DecodeAll("\xF4\x90\x80\x80") == Decoded{{R, 1}, {R, 1}, {R, 1}, {R, 1}});
    CHECK(DecodeAll("\xF5\x80\x80\x80")[0] == std::pair<char32_t, size_t>{R, 1});
    CHECK(DecodeAll("\xF8\x88\x80\x80\x80")[0] == std::pair<char32_t, size_t>{R, 1});
    CHECK(DecodeAll("\xFE\xFF") == Decoded{{R, 1}, {R, 1}});
  }
  SUBCASE("lone continuation bytes") {
    CHECK(DecodeAll("\x80") == Decoded{{R, 1}});
    CHECK(DecodeAll("\xBF" "a") == Decoded{{R, 1}, {U'a', 1}});
  }
  SUBCASE("truncated sequences: the next character survives") {
    CHECK(DecodeAll("\xE1\x83") == Decoded{{R, 1}, {R, 1}});
    CHECK(DecodeAll("\xE1\x83" "a") == Decoded{{R, 1}, {R, 1}, {U'a', 1}});
    CHECK(DecodeAll("\xC3" "a") == Decoded{{R, 1}, {U'a', 1}});
    CHECK(DecodeAll("\xF0\x9F\x98") == Decoded{{R, 1}, {R, 1}, {R, 1}});
    CHECK(DecodeAll("\xF0\x9F\x98" "ა") == Decoded{{R, 1}, {R, 1}, {R, 1}, {0x10D0, 3}});
  }
  SUBCASE("a continuation byte replaced by a lead byte") {
    CHECK(DecodeAll("\xE1\xC3\xA4") == Decoded{{R, 1}, {U'ä', 2}});
  }
}

TEST_CASE("utf8: encoding round-trips at every length boundary") {
  for (char32_t c : {char32_t{0}, char32_t{0x7F}, char32_t{0x80}, char32_t{0x7FF}, char32_t{0x800},
                     char32_t{0xD7FF}, char32_t{0xE000}, char32_t{0xFFFD}, char32_t{0xFFFF},
                     char32_t{0x10000}, char32_t{0x1F600}, char32_t{0x10FFFF}}) {
    CAPTURE(static_cast<unsigned>(c));
    std::string s;
    AppendUtf8(&s, c);
    const size_t expected_len = c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4;
    CHECK(s.size() == expected_len);
    size_t i = 0;
    CHECK(DecodeUtf8(s, &i) == c);
    CHECK(i == s.size());
    // The string form appends the same bytes.
    std::string t = "x";
    AppendUtf8(&t, std::u32string(1, c));
    CHECK(t == "x" + s);
  }
  std::string s = "a";
  AppendUtf8(&s, std::u32string_view(U"ბ😀z"));
  CHECK(s == "aბ😀z");
  AppendUtf8(&s, std::u32string_view());
  CHECK(s == "aბ😀z");
}

TEST_CASE("utf8: counting, validating and sanitizing") {
  CHECK(CountCodePoints("") == 0);
  CHECK(CountCodePoints("abc") == 3);
  CHECK(CountCodePoints("გამარჯობა") == 9);
  CHECK(CountCodePoints("mən 😀") == 5);

  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("Bakı'da ბარათი 😀"));
  CHECK(IsValidUtf8("\xEF\xBF\xBD"));  // U+FFFD itself is valid text
  CHECK(IsValidUtf8(std::string("a\0b", 3)));
  CHECK_FALSE(IsValidUtf8("\xFF"));
  CHECK_FALSE(IsValidUtf8("ok\xC3"));
  CHECK_FALSE(IsValidUtf8("\xC0\x80"));
  CHECK_FALSE(IsValidUtf8("\xED\xA0\x80"));

  CHECK(SanitizeUtf8("ok") == "ok");
  CHECK(SanitizeUtf8("a\xFF" "b") == "a\xEF\xBF\xBD" "b");
  CHECK(SanitizeUtf8("\xE1\x83") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(IsValidUtf8(SanitizeUtf8("\xF4\x90\x80\x80 \xED\xA0\x80 \xC3")));
}

namespace {

// The straightforward decoder DecodeUtf8 must agree with.
char32_t ReferenceDecode(std::string_view s, size_t* i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t k = *i;
  const unsigned char c = p[k];
  *i = k + 1;
  if (c < 0x80) return c;
  size_t len;
  char32_t cp, min;
  if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F, min = 0x80;
  else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F, min = 0x800;
  else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07, min = 0x10000;
  else return kReplacementChar;
  if (k + len > s.size()) return kReplacementChar;
  for (size_t j = 1; j < len; ++j) {
    if ((p[k + j] & 0xC0) != 0x80) return kReplacementChar;
    cp = (cp << 6) | (p[k + j] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacementChar;
  *i = k + len;
  return cp;
}

void CheckAgainstReference(const std::string& s) {
  size_t a = 0, b = 0;
  while (a < s.size()) {
    const char32_t x = DecodeUtf8(s, &a);
    const char32_t y = ReferenceDecode(s, &b);
    if (x != y || a != b) {
      CAPTURE(s);
      CHECK(x == y);
      CHECK(a == b);
      return;
    }
  }
}

}  // namespace

TEST_CASE("utf8: every sequence of up to three bytes decodes as the reference does") {
  std::string s;
  for (int a = 0; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    CheckAgainstReference(s);
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      CheckAgainstReference(s);
      if (a < 0xC0) continue;  // a third byte matters only after a lead byte
      for (int c = 0x70; c < 0xD0; ++c) {
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        CheckAgainstReference(s);
      }
    }
  }
  // Four-byte sequences around the limits, truncated and whole.
  for (int a : {0xF0, 0xF3, 0xF4, 0xF5}) {
    for (int b = 0x70; b < 0xD0; ++b) {
      for (int c : {0x3F, 0x80, 0xBF, 0xC0}) {
        for (int d : {0x3F, 0x80, 0xBF, 0xC0}) {
          CheckAgainstReference({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)});
          CheckAgainstReference({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        }
      }
    }
  }
}

TEST_CASE("utf8: Utf8SequenceLength accepts exactly the sequences DecodeUtf8 decodes") {
  // The length DecodeUtf8 consumes for a well-formed multi-byte sequence, 0
  // where it replaces a bad byte (or the byte is ASCII).
  auto decoded_length = [](std::string_view s) -> size_t {
    size_t i = 0;
    const char32_t c = DecodeUtf8(s, &i);
    return c < 0x80 || (c == kReplacementChar && i == 1) ? 0 : i;
  };
  std::string s;
  auto check = [&] {
    if (zari::Utf8SequenceLength(s, 0) != decoded_length(s)) {
      CAPTURE(s);
      CHECK(zari::Utf8SequenceLength(s, 0) == decoded_length(s));
    }
  };
  for (int a = 0x80; a < 256; ++a) {
    s.assign(1, static_cast<char>(a));
    check();
    for (int b = 0; b < 256; ++b) {
      s.assign({static_cast<char>(a), static_cast<char>(b)});
      check();
      for (int c : {0x00, 0x41, 0x7F, 0x80, 0x9F, 0xA0, 0xBF, 0xC0, 0xE1, 0xFF}) {
        s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c)});
        check();
        for (int d : {0x41, 0x80, 0xBF, 0xC0}) {
          s.assign({static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)});
          check();
        }
      }
    }
  }
  // Inside a longer string it looks at its own position only.
  CHECK(zari::Utf8SequenceLength("aა😀", 1) == 3);
  CHECK(zari::Utf8SequenceLength("aა😀", 4) == 4);
  CHECK(zari::Utf8SequenceLength("aა\xF0\x9F\x98", 4) == 0);  // cut at the end
}
