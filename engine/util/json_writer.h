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

#include "util/utf8.h"

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
  // The rest: runs of plain bytes and of valid multi-byte letters are copied
  // whole between the bytes that need something (escapes, invalid UTF-8).
  out->push_back('"');
  size_t done = 0;
  auto flush = [&](size_t upto) { out->append(s.data() + done, upto - done); };
  for (size_t i = plain; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      // Letter after letter without a call per letter (Georgian is all
      // three-byte letters).
      if (const size_t len = zari::Utf8SequenceLength(s, i)) {
        i += len;
        continue;
      }
      flush(i);
      zari::AppendUtf8(out, zari::kReplacementChar);
      done = ++i;
      continue;
    }
    if (c >= 0x20 && c != '"' && c != '\\') {
      i = PlainPrefix(s, i + 1);
      continue;
    }
    flush(i);
    done = ++i;
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

// The most bytes WriteNumber writes.
inline constexpr size_t kMaxNumberBytes = 32;

// Writes a number with up to 4 decimals ("0.8125", "1") at p and returns its
// end, as std::to_chars(fixed, 4) writes it without trailing zeros: no
// locale, no printf parsing (this is on the per-message path of classify).
inline char* WriteNumber(char* p, double v) {
  // Scores and confidences (0..1) without to_chars: v × 10^4 rounded half
  // to even, as to_chars rounds; a product that lands near a half is left
  // to to_chars (the product's own rounding could differ from the exact
  // decimal there).
  if (v >= 0 && v < 1e9) {
    const double scaled = v * 1e4;
    const auto whole = static_cast<uint64_t>(scaled);  // floor: scaled is not negative
    const double frac = scaled - static_cast<double>(whole);
    if (std::fabs(frac - 0.5) > 1e-6) {
      const uint64_t units = whole + (frac > 0.5 ? 1 : 0);
      const uint64_t integral = units / 10000;
      char* end = p;
      if (integral < 10) {
        *end++ = static_cast<char>('0' + integral);
      } else {
        end = std::to_chars(p, p + kMaxNumberBytes, integral).ptr;  // below 10^9: fits
      }
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
      return end;
    }
  }
  auto [end, ec] = std::to_chars(p, p + kMaxNumberBytes, v, std::chars_format::fixed, 4);
  if (ec != std::errc()) {
    *p = '0';
    return p + 1;
  }
  std::string_view s(p, static_cast<size_t>(end - p));
  if (s.find('.') != std::string_view::npos) {
    while (s.back() == '0') s.remove_suffix(1);
    if (s.back() == '.') s.remove_suffix(1);
  }
  if (s == "-0") {
    *p = '0';
    return p + 1;
  }
  return p + s.size();
}

// Appends a number as WriteNumber writes it.
inline void AppendNumber(std::string* out, double v) {
  char buf[kMaxNumberBytes];
  out->append(buf, static_cast<size_t>(WriteNumber(buf, v) - buf));
}

// Writes into space reserved up front, for lines of a fixed shape on the
// per-message path (`zari classify`): one resize instead of an append (with
// its capacity check and copy call) per key and value. The caller reserves
// enough for everything it writes; the destructor trims the rest.
class Buffer {
 public:
  Buffer(std::string* out, size_t max_bytes) : out_(out) {
    const size_t start = out->size();
    out->resize(start + max_bytes);
    p_ = out->data() + start;
  }
  ~Buffer() { out_->resize(static_cast<size_t>(p_ - out_->data())); }
  Buffer(const Buffer&) = delete;
  Buffer& operator=(const Buffer&) = delete;

  // A literal: its length is known at compile time, so the copy is inlined.
  template <size_t N>
  void Literal(const char (&s)[N]) {
    std::memcpy(p_, s, N - 1);
    p_ += N - 1;
  }
  // Text that is already JSON (a pre-escaped string, a number, null).
  void Raw(std::string_view s) {
    std::memcpy(p_, s.data(), s.size());
    p_ += s.size();
  }
  // A string that needs no escaping (names the engine defines).
  void PlainString(std::string_view s) {
    *p_++ = '"';
    Raw(s);
    *p_++ = '"';
  }
  void Number(double v) { p_ = WriteNumber(p_, v); }

 private:
  std::string* out_;
  char* p_;
};

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
  // For a value written by other means: the caller appends exactly one
  // JSON value to the string returned.
  std::string* RawValue() { Sep(); return out_; }
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
