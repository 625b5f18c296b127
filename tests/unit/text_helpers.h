// Helpers shared by the text-layer unit tests (engine/text).
#ifndef ZARI_TESTS_UNIT_TEXT_HELPERS_H_
#define ZARI_TESTS_UNIT_TEXT_HELPERS_H_

#include <string>
#include <string_view>
#include <vector>

#include "text/normalize.h"
#include "util/utf8.h"

namespace zari::testing {

// Normalizes with every language allowed; `forced` kUnknown = detect.
inline text::Normalized Norm(std::string_view s, text::Lang forced = text::Lang::kUnknown,
                             text::LangSet allowed = text::kAllLangs) {
  text::NormalizeOptions o;
  o.forced = forced;
  o.allowed = allowed;
  text::Normalized n;
  text::Normalize(s, o, &n);
  return n;
}

inline std::string Tag(const text::Normalized& n) { return std::string(text::LangTag(n.lang, n.script)); }
inline std::string Key(const text::Normalized& n) { return std::string(n.BareKey()); }

// Stem candidates of token i.
inline std::vector<std::string> Stems(const text::Normalized& n, size_t i) {
  std::vector<std::string> out;
  const text::Token& t = n.tokens.at(i);
  for (uint32_t s = 0; s < t.stem_count; ++s) out.emplace_back(n.Stem(t.stem_begin + s));
  return out;
}

inline std::u32string U32(std::string_view utf8) {
  std::u32string out;
  for (size_t i = 0; i < utf8.size();) out.push_back(zari::DecodeUtf8(utf8, &i));
  return out;
}

inline std::string U8(std::u32string_view s) {
  std::string out;
  for (char32_t c : s) zari::AppendUtf8(&out, c);
  return out;
}

}  // namespace zari::testing

#endif  // ZARI_TESTS_UNIT_TEXT_HELPERS_H_
