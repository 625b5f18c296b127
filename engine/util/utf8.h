// UTF-8 decoding and encoding without ICU on the hot path.
#ifndef ZARI_ENGINE_UTIL_UTF8_H_
#define ZARI_ENGINE_UTIL_UTF8_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace zari {

inline constexpr char32_t kReplacementChar = 0xFFFD;

// Decodes one code point at s[*i], advancing *i. Invalid or truncated
// sequences, surrogates and overlong forms yield U+FFFD and advance by one
// byte (the WHATWG "maximal subpart" rule is not needed for matching).
inline char32_t DecodeUtf8(std::string_view s, size_t* i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size(), k = *i;
  const unsigned char c = p[k];
  *i = k + 1;  // the invalid case
  if (c < 0x80) return c;
  auto cont = [&](size_t j) { return j < n && (p[j] & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) {  // 2 bytes (C0, C1 would be overlong)
    if (!cont(k + 1)) return kReplacementChar;
    *i = k + 2;
    return (static_cast<char32_t>(c & 0x1F) << 6) | (p[k + 1] & 0x3F);
  }
  if (c >= 0xE0 && c <= 0xEF) {  // 3 bytes: Georgian, Cyrillic-extended, most symbols
    if (!cont(k + 1) || !cont(k + 2)) return kReplacementChar;
    const char32_t cp = (static_cast<char32_t>(c & 0x0F) << 12) | (static_cast<char32_t>(p[k + 1] & 0x3F) << 6) |
                        (p[k + 2] & 0x3F);
    if (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF)) return kReplacementChar;  // overlong, surrogate
    *i = k + 3;
    return cp;
  }
  if (c >= 0xF0 && c <= 0xF4) {  // 4 bytes
    if (!cont(k + 1) || !cont(k + 2) || !cont(k + 3)) return kReplacementChar;
    const char32_t cp = (static_cast<char32_t>(c & 0x07) << 18) | (static_cast<char32_t>(p[k + 1] & 0x3F) << 12) |
                        (static_cast<char32_t>(p[k + 2] & 0x3F) << 6) | (p[k + 3] & 0x3F);
    if (cp < 0x10000 || cp > 0x10FFFF) return kReplacementChar;  // overlong, beyond Unicode
    *i = k + 4;
    return cp;
  }
  return kReplacementChar;
}

// Length of the well-formed multi-byte sequence (2–4 bytes) that starts at
// s[i], or 0 where DecodeUtf8 would give U+FFFD for a bad byte: checks
// without decoding, for text that is passed on as it is (JSON output).
inline size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t avail = s.size() - i;
  auto cont = [&](size_t j) { return j < avail && (p[j] & 0xC0) == 0x80; };
  const unsigned char c = p[0];
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0)) return 0;  // overlong, surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90)) return 0;  // overlong, beyond Unicode
    return 4;
  }
  return 0;
}

// Appends the UTF-8 encoding of cp (assumed a valid scalar value).
// (One append per code point: three push_back calls per Georgian letter
// were a tenth of the pipeline's time.)
inline void AppendUtf8(std::string* out, char32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
    return;
  }
  char b[4];
  size_t n;
  if (cp < 0x800) {
    b[0] = static_cast<char>(0xC0 | (cp >> 6));
    b[1] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    b[0] = static_cast<char>(0xE0 | (cp >> 12));
    b[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    b[2] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    b[0] = static_cast<char>(0xF0 | (cp >> 18));
    b[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    b[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    b[3] = static_cast<char>(0x80 | (cp & 0x3F));
    n = 4;
  }
  out->append(b, n);
}

// Appends the UTF-8 encoding of every code point of s.
inline void AppendUtf8(std::string* out, std::u32string_view s) {
  const size_t start = out->size();
  out->resize(start + 4 * s.size());
  char* const base = out->data();
  char* p = base + start;
  for (char32_t cp : s) {
    if (cp < 0x80) {
      *p++ = static_cast<char>(cp);
    } else if (cp < 0x800) {
      *p++ = static_cast<char>(0xC0 | (cp >> 6));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      *p++ = static_cast<char>(0xE0 | (cp >> 12));
      *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      *p++ = static_cast<char>(0xF0 | (cp >> 18));
      *p++ = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      *p++ = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      *p++ = static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  out->resize(static_cast<size_t>(p - base));
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

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_UTF8_H_
