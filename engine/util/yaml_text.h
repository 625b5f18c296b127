// YAML written by Zari (the report's snippets, `zari report --suggest`, the
// learned-examples file): any text as one double-quoted scalar that every
// YAML 1.2 reader, yaml-cpp included, reads back as exactly that text.
#ifndef ZARI_ENGINE_UTIL_YAML_TEXT_H_
#define ZARI_ENGINE_UTIL_YAML_TEXT_H_

#include <string>
#include <string_view>

namespace zari {

// "…" with \" and \\ escaped, and every character YAML does not allow
// printed (C0 and C1 controls, DEL, U+2028/U+2029 line separators, the BOM
// and the non-characters U+FFFE/U+FFFF) written as an escape, so the scalar
// stays on one line. Invalid UTF-8 is repaired first (U+FFFD).
std::string YamlQuoted(std::string_view text);

// A mapping key: `text` as it is when YAML reads it as that plain text
// (lower-case ASCII words such as intent ids), else quoted. Words YAML 1.1
// readers take for booleans or null ("yes", "on", "null", "~") are quoted.
std::string YamlKey(std::string_view text);

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_YAML_TEXT_H_
