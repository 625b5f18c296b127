#include "util/yaml_text.h"

#include <cstdio>

#include "util/utf8.h"

namespace zari {

std::string YamlQuoted(std::string_view text) {
  const std::string valid = IsValidUtf8(text) ? std::string(text) : SanitizeUtf8(text);
  std::string out = "\"";
  out.reserve(valid.size() + 2);
  for (size_t i = 0; i < valid.size();) {
    const size_t start = i;
    const char32_t cp = DecodeUtf8(valid, &i);
    char escape[16] = "";
    switch (cp) {
      case '"': std::snprintf(escape, sizeof escape, "\\\""); break;
      case '\\': std::snprintf(escape, sizeof escape, "\\\\"); break;
      case '\n': std::snprintf(escape, sizeof escape, "\\n"); break;
      case '\t': std::snprintf(escape, sizeof escape, "\\t"); break;
      case '\r': std::snprintf(escape, sizeof escape, "\\r"); break;
      case 0x2028: std::snprintf(escape, sizeof escape, "\\L"); break;
      case 0x2029: std::snprintf(escape, sizeof escape, "\\P"); break;
      default:
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F)) {
          std::snprintf(escape, sizeof escape, "\\x%02x", static_cast<unsigned>(cp));
        } else if (cp == 0xFEFF || cp == 0xFFFE || cp == 0xFFFF) {
          std::snprintf(escape, sizeof escape, "\\u%04x", static_cast<unsigned>(cp));
        }
    }
    if (escape[0]) out += escape;
    else out.append(valid, start, i - start);
  }
  out += '"';
  return out;
}

std::string YamlKey(std::string_view text) {
  static constexpr std::string_view kSpecial[] = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"};
  bool plain = !text.empty() && ((text[0] >= 'a' && text[0] <= 'z') || text[0] == '_');
  for (char c : text) {
    plain = plain && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-');
  }
  for (std::string_view w : kSpecial) plain = plain && text != w;
  return plain ? std::string(text) : YamlQuoted(text);
}

}  // namespace zari
