// zari normalize: how Zari reads a text (for pack authors and debugging).
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "text/normalize.h"
#include "util/json_writer.h"

namespace zari::cli {
namespace {

void Print(const std::string& input, const text::Normalized& n, bool json) {
  if (json) {
    std::string out;
    json::Writer w(&out);
    w.BeginObject();
    w.Key("text").String(input);
    w.Key("language").String(text::LangCode(n.lang));
    w.Key("typed_as").String(text::LangTag(n.lang, n.script));
    w.Key("detected").Bool(n.detected);
    w.Key("surface").String(n.surface);
    w.Key("key").String(n.BareKey());
    w.Key("tokens").BeginArray();
    for (const text::Token& t : n.tokens) {
      w.BeginObject();
      w.Key("surface").String(n.SurfaceOf(t));
      w.Key("key").String(n.KeyOf(t));
      w.Key("stems").BeginArray();
      for (uint32_t s = 0; s < t.stem_count; ++s) w.String(n.Stem(t.stem_begin + s));
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << out << "\n";
    return;
  }
  std::cout << "input:    " << input << "\n";
  std::cout << "language: " << text::LangTag(n.lang, n.script) << (n.detected ? "" : " (not detected)") << "\n";
  std::cout << "surface:  " << n.surface << "\n";
  std::cout << "key:      " << n.BareKey() << "\n";
  std::cout << "tokens:  ";
  for (const text::Token& t : n.tokens) {
    std::cout << " " << n.SurfaceOf(t) << " [" << n.KeyOf(t);
    for (uint32_t s = 0; s < t.stem_count; ++s) std::cout << (s ? ", " : "; ") << n.Stem(t.stem_begin + s);
    std::cout << "]";
  }
  std::cout << "\n\n";
}

}  // namespace

int RunNormalize(const NormalizeOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  text::NormalizeOptions opts;
  opts.forced = *lang;
  opts.fallback = text::Lang::kUnknown;
  text::Normalized n;
  auto one = [&](const std::string& s) {
    text::Normalize(s, opts, &n);
    Print(s, n, o.json);
  };
  if (!o.text.empty()) {
    std::string joined;
    for (const auto& t : o.text) joined += (joined.empty() ? "" : " ") + t;
    one(joined);
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) one(line);
  return 0;
}

}  // namespace zari::cli
