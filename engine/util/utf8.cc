#include "util/utf8.h"

namespace zari {

std::string SanitizeUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) AppendUtf8(&out, DecodeUtf8(s, &i));
  return out;
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t before = i;
    char32_t cp = DecodeUtf8(s, &i);
    // A genuine U+FFFD is three bytes; a replacement for bad input advances one.
    if (cp == kReplacementChar && i - before == 1) return false;
  }
  return true;
}

}  // namespace zari
