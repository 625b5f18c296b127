// The per-message JSON writer (util/json_writer.h): what it writes must parse
// back to the same text, whatever bytes the user sent.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <initializer_list>
#include <string>
#include <vector>

#include "util/utf8.h"
#include "util/json_writer.h"

namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  zari::json::AppendString(&out, s);
  return out;
}

// The rule AppendString implements, one code point at a time.
std::string ReferenceQuoted(std::string_view s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const size_t start = i;
    const char32_t c = zari::DecodeUtf8(s, &i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      const char* named = c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\b' ? "\\b" : c == '\f' ? "\\f" : nullptr;
      if (named) {
        out += named;
      } else {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
        out += buf;
      }
    } else if (c == zari::kReplacementChar && i - start == 1) {
      zari::AppendUtf8(&out, c);
    } else {
      out.append(s.substr(start, i - start));
    }
  }
  return out + "\"";
}

}  // namespace

TEST_CASE("strings: plain text copied, quotes, backslashes and control characters escaped") {
  CHECK(Quoted("balance") == "\"balance\"");
  CHECK(Quoted("") == "\"\"");
  CHECK(Quoted(std::string_view()) == "\"\"");  // data() is null
  CHECK(Quoted("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
  CHECK(Quoted("a\nb\tc\rd\be\ff") == "\"a\\nb\\tc\\rd\\be\\ff\"");
  CHECK(Quoted(std::string("x\x01y\x1f", 4)) == "\"x\\u0001y\\u001f\"");
  CHECK(Quoted(std::string("nul\0!", 5)) == "\"nul\\u0000!\"");
}

TEST_CASE("strings: UTF-8 kept, invalid bytes become U+FFFD, the result parses back") {
  CHECK(Quoted("ბალანსი – balansım") == "\"ბალანსი – balansım\"");
  CHECK(Quoted("\xEF\xBF\xBD") == "\"\xEF\xBF\xBD\"");  // a real U+FFFD stays one
  CHECK(Quoted("a\xFF" "b\xC3") == "\"a\xEF\xBF\xBD" "b\xEF\xBF\xBD\"");
  CHECK(Quoted("\xE1\x83") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");  // a cut Georgian letter
  for (const std::string& s : {std::string("ok \"q\" \\ \n ჩემი ბალანსი əşç"), std::string("\x80\x80 x \xF0\x9F\x98\x80 \x7F")}) {
    const auto parsed = nlohmann::json::parse(Quoted(s));
    REQUIRE(parsed.is_string());
    if (s[0] == 'o') CHECK(parsed.get<std::string>() == s);
  }
}

TEST_CASE("numbers: up to four decimals, no locale") {
  std::string out;
  zari::json::AppendNumber(&out, 0.8125);
  out += ' ';
  zari::json::AppendNumber(&out, 1.0);
  out += ' ';
  zari::json::AppendNumber(&out, 0.333333);
  CHECK(out == "0.8125 1 0.3333");
}

TEST_CASE("numbers: the fast path writes what std::to_chars writes (4 decimals, ties to even)") {
  auto reference = [](double v) {
    char buf[64];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
    REQUIRE(ec == std::errc());
    std::string s(buf, end);
    if (s.find('.') != std::string::npos) {
      while (s.back() == '0') s.pop_back();
      if (s.back() == '.') s.pop_back();
    }
    return s == "-0" ? std::string("0") : s;
  };
  std::vector<double> values = {0.0, -0.0, 1.0, 0.5, 0.03125, 0.00005, 0.00015, 0.99995, 0.99994999, 123.45675, 1e8 + 0.25};
  uint64_t x = 88172645463325252ull;  // xorshift: many scores in 0..1, as floats (what replies carry)
  for (int i = 0; i < 200000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    values.push_back(static_cast<float>(static_cast<double>(x % 10000000) / 1e7));
    values.push_back(static_cast<double>(x % 100000) / 1e4 + 0.00005);  // near ties
  }
  size_t mismatches = 0;
  for (double v : values) {
    std::string out;
    zari::json::AppendNumber(&out, v);
    if (out != reference(v)) {
      ++mismatches;
      CAPTURE(v);
      CHECK(out == reference(v));
      if (mismatches > 5) break;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("strings: every byte value at every position of a word is handled like the bytewise rule") {
  // PlainPrefix tests eight bytes at a time; a special byte must stop it
  // wherever it sits, and a run of plain bytes must not.
  for (int b = 0; b < 256; ++b) {
    for (size_t pos = 0; pos < 19; ++pos) {
      std::string s(19, 'a');
      s[pos] = static_cast<char>(b);
      const bool plain = b >= 0x20 && b < 0x80 && b != '"' && b != '\\';
      CHECK(zari::json::PlainPrefix(s) == (plain ? s.size() : pos));
    }
  }
}

TEST_CASE("strings: mixed scripts, escapes and invalid bytes at every position are written as the reference rule") {
  // Runs of ASCII, Georgian (3 bytes), Azerbaijani (2), emoji (4) and bytes
  // that are escaped or replaced, in every order and at every offset from
  // the eight-byte words.
  const std::vector<std::string> pieces = {"a", "balans ", "ბ", "ალანსი", "ə", "😀", " ", "\"", "\\", "\n", "\x01",
                                           "\x7f", "\xff", "\xe1\x83", "\xed\xa0\x80", "\xf0\x9f\x98", "\xc3",
                                           "\xef\xbf\xbd", std::string(1, '\0'), "long plain ascii run "};
  uint64_t x = 0x9E3779B97F4A7C15ull;
  for (int n = 0; n < 20000; ++n) {
    std::string s;
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    const int count = static_cast<int>(x % 9);
    for (int k = 0; k < count; ++k) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      s += pieces[x % pieces.size()];
    }
    if (Quoted(s) != ReferenceQuoted(s)) {
      CAPTURE(s);
      CHECK(Quoted(s) == ReferenceQuoted(s));
      break;
    }
  }
}

TEST_CASE("buffer: literals, raw values, plain strings and numbers in reserved space, trimmed after") {
  std::string out = "{";
  {
    zari::json::Buffer b(&out, 256);
    b.Literal("\"id\":");
    b.Raw("\"a\\\"b\"");
    b.Literal(",\"via\":");
    b.PlainString("example");
    b.Literal(",\"score\":");
    b.Number(0.8125);
    b.Literal(",\"big\":");
    b.Number(1e300);  // too long for four decimals: written as 0, like AppendNumber
  }
  CHECK(out == "{\"id\":\"a\\\"b\",\"via\":\"example\",\"score\":0.8125,\"big\":0");
  std::string number;
  zari::json::AppendNumber(&number, 1e300);
  CHECK(number == "0");
}
