// The per-message JSON writer (util/json_writer.h): what it writes must parse
// back to the same text, whatever bytes the user sent.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <charconv>
#include <initializer_list>
#include <string>
#include <vector>

#include "util/json_writer.h"

namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  zari::json::AppendString(&out, s);
  return out;
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
