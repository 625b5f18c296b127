// A minimal JSON writer for the per-message outputs (reply JSON, classify
// lines): appends to a caller-owned string without building a DOM, so the
// hot path stays allocation-free once the string has grown. Parsing (session
// state, HTTP requests) uses nlohmann::json.
#ifndef ZARI_ENGINE_UTIL_JSON_WRITER_H_
#define ZARI_ENGINE_UTIL_JSON_WRITER_H_

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>

#include "text/utf8.h"

namespace zari::json {

// Appends s as a JSON string literal (with quotes): control characters,
// quotes and backslashes escaped, invalid UTF-8 replaced by U+FFFD (user text
// may hold any bytes; JSON must be UTF-8).
inline void AppendString(std::string* out, std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  // Bytes that need nothing are copied in runs (the usual case: all of them).
  size_t done = 0;
  auto flush = [&](size_t upto) { out->append(s.data() + done, upto - done); };
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const size_t start = i;
      const char32_t cp = text::DecodeUtf8(s, &i);
      if (cp == text::kReplacementChar && i - start == 1) {
        flush(start);
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

// Appends a number with up to 4 decimals ("0.8125", "1"). std::to_chars: no
// locale, no printf parsing (this is on the per-message path of classify).
inline void AppendNumber(std::string* out, double v) {
  char buf[32];
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
