// A minimal JSON writer for the per-message outputs (reply JSON, classify
// lines): appends to a caller-owned string without building a DOM, so the
// hot path stays allocation-free once the string has grown. Parsing (session
// state, HTTP requests) uses nlohmann::json.
#ifndef ZARI_ENGINE_UTIL_JSON_WRITER_H_
#define ZARI_ENGINE_UTIL_JSON_WRITER_H_

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <cstdio>
#include <string>
#include <string_view>

#include "text/utf8.h"

namespace zari::json {

// Length of the leading run of bytes that go into a JSON string as they are
// (printable ASCII other than '"' and '\\'), eight bytes at a time.
inline size_t PlainPrefix(std::string_view s, size_t from = 0) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [&](uint64_t x) { return (x - kOnes) & ~x & kHigh; };
  // A high bit, a byte below 0x20, a '"' or a '\\' somewhere in the word.
  auto special = [&](uint64_t x) {
    return (x & kHigh) | ((x - 0x20 * kOnes) & ~x & kHigh) | has_zero(x ^ (0x22 * kOnes)) | has_zero(x ^ (0x5c * kOnes));
  };
  size_t i = from;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t x;
    std::memcpy(&x, s.data() + i, 8);
    if (special(x)) break;
  }
  if (i + 8 > s.size() && i < s.size()) {  // a short tail, padded with 'a'
    uint64_t x = 0x6161616161616161ull;
    std::memcpy(&x, s.data() + i, s.size() - i);
    if (!special(x)) return s.size();
  }
  auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; };
  while (i < s.size() && plain(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Appends s as a JSON string literal (with quotes): control characters,
// quotes and backslashes escaped, invalid UTF-8 replaced by U+FFFD (user text
// may hold any bytes; JSON must be UTF-8).
inline void AppendString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  // Fast path (keys, intent ids, most English): nothing to escape.
  const size_t plain = PlainPrefix(s);
  if (plain == s.size()) {
    constexpr size_t kShort = 62;
    if (s.size() <= kShort) {  // one append
      char buf[kShort + 2];
      buf[0] = '"';
      if (!s.empty()) std::memcpy(buf + 1, s.data(), s.size());  // data() may be null when empty
      buf[s.size() + 1] = '"';
      out->append(buf, s.size() + 2);
    } else {
      out->push_back('"');
      out->append(s);
      out->push_back('"');
    }
    return;
  }
  // The rest: plain runs are copied whole between the bytes that need
  // something (escapes, invalid UTF-8); a valid multi-byte letter stays as is.
  out->push_back('"');
  size_t done = 0;
  auto flush = [&](size_t upto) { out->append(s.data() + done, upto - done); };
  for (size_t i = plain; i < s.size(); i = PlainPrefix(s, i)) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const size_t seq = i;
      const char32_t cp = text::DecodeUtf8(s, &i);
      if (cp == text::kReplacementChar && i - seq == 1) {
        flush(seq);
        text::AppendUtf8(out, text::kReplacementChar);
        done = i;
      }
      continue;
    }
    flush(i);
    ++i;
    done = i;
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      case '\b': out->append("\\b"); break;
      case '\f': out->append("\\f"); break;
      default:
        out->append("\\u00");
        out->push_back(kHex[c >> 4]);
        out->push_back(kHex[c & 15]);
    }
  }
  flush(s.size());
  out->push_back('"');
}

// Appends a number with up to 4 decimals ("0.8125", "1"), as
// std::to_chars(fixed, 4) writes it without trailing zeros: no locale, no
// printf parsing (this is on the per-message path of classify).
inline void AppendNumber(std::string* out, double v) {
  char buf[32];
  // Scores and confidences (0..1) without to_chars: v × 10^4 rounded half
  // to even, as to_chars rounds; a product that lands near a half is left
  // to to_chars (the product's own rounding could differ from the exact
  // decimal there).
  if (v >= 0 && v < 1e9) {
    const double scaled = v * 1e4;
    const double whole = std::floor(scaled);
    const double frac = scaled - whole;
    if (std::fabs(frac - 0.5) > 1e-6) {
      auto units = static_cast<uint64_t>(whole) + (frac > 0.5 ? 1 : 0);
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, units / 10000);
      if (ec == std::errc()) {
        uint64_t f = units % 10000;
        if (f != 0) {
          int digits = 4;
          while (f % 10 == 0) f /= 10, --digits;
          *end++ = '.';
          for (int d = digits - 1; d >= 0; --d) {
            end[d] = static_cast<char>('0' + f % 10);
            f /= 10;
          }
          end += digits;
        }
        out->append(buf, static_cast<size_t>(end - buf));
        return;
      }
    }
  }
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::fixed, 4);
  if (ec != std::errc()) {
    out->push_back('0');
    return;
  }
  std::string_view s(buf, static_cast<size_t>(end - buf));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") s = "0";
  out->append(s);
}

// Object/array builder that tracks commas.
class Writer {
 public:
  explicit Writer(std::string* out) : out_(out) {}
  Writer& BeginObject() { Sep(); out_->push_back('{'); first_ = true; return *this; }
  Writer& EndObject() { out_->push_back('}'); first_ = false; return *this; }
  Writer& BeginArray() { Sep(); out_->push_back('['); first_ = true; return *this; }
  Writer& EndArray() { out_->push_back(']'); first_ = false; return *this; }
  Writer& Key(std::string_view k) {
    Sep();
    AppendString(out_, k);
    out_->push_back(':');
    first_ = true;  // the value follows without a comma
    return *this;
  }
  Writer& String(std::string_view s) { Sep(); AppendString(out_, s); return *this; }
  Writer& Number(double v) { Sep(); AppendNumber(out_, v); return *this; }
  Writer& Int(long long v) {
    Sep();
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out_->append(buf, ec == std::errc() ? static_cast<size_t>(end - buf) : 0);
    return *this;
  }
  Writer& Bool(bool b) { Sep(); out_->append(b ? "true" : "false"); return *this; }
  Writer& Null() { Sep(); out_->append("null"); return *this; }
  Writer& Raw(std::string_view json) { Sep(); out_->append(json); return *this; }
  // String or null.
  Writer& StringOrNull(const char* s) { return s ? String(s) : Null(); }

 private:
  void Sep() {
    if (!first_) out_->push_back(',');
    first_ = false;
  }
  std::string* out_;
  bool first_ = true;
};

}  // namespace zari::json

#endif  // ZARI_ENGINE_UTIL_JSON_WRITER_H_
