// UTF-8 decoding and encoding without ICU on the hot path.
#ifndef ZARI_ENGINE_TEXT_UTF8_H_
#define ZARI_ENGINE_TEXT_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zari::text {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one code point at s[*i], advancing *i. Invalid or truncated
// sequences, surrogates and overlong forms yield U+FFFD and advance by one
// byte (the WHATWG "maximal subpart" rule is not needed for matching).
inline char32_t DecodeUtf8(std::string_view s, size_t* i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size(), k = *i;
  unsigned char c = p[k];
  if (c < 0x80) {
    *i = k + 1;
    return c;
  }
  char32_t cp;
  size_t len;
  char32_t min;
  if (c >= 0xC2 && c <= 0xDF) {
    cp = c & 0x1F, len = 2, min = 0x80;
  } else if (c >= 0xE0 && c <= 0xEF) {
    cp = c & 0x0F, len = 3, min = 0x800;
  } else if (c >= 0xF0 && c <= 0xF4) {
    cp = c & 0x07, len = 4, min = 0x10000;
  } else {
    *i = k + 1;
    return kReplacementChar;
  }
  if (k + len > n) {
    *i = k + 1;
    return kReplacementChar;
  }
  for (size_t j = 1; j < len; ++j) {
    unsigned char cc = p[k + j];
    if ((cc & 0xC0) != 0x80) {
      *i = k + 1;
      return kReplacementChar;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    *i = k + 1;
    return kReplacementChar;
  }
  *i = k + len;
  return cp;
}

// Appends the UTF-8 encoding of cp (assumed a valid scalar value).
inline void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

// Number of code points in valid UTF-8 (counts lead bytes).
inline size_t CountCodePoints(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

// Returns s with invalid sequences replaced by U+FFFD (for display and logs).
std::string SanitizeUtf8(std::string_view s);

// True when s is well-formed UTF-8.
bool IsValidUtf8(std::string_view s);

}  // namespace zari::text

#endif  // ZARI_ENGINE_TEXT_UTF8_H_
