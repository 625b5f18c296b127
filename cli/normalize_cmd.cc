// zari normalize: how Zari reads a text (for pack authors and debugging).
//
// For every line (or the arguments joined) it shows the language the text is
// processed as and why, the surface (native script, folded), the matching key
// (lossy ASCII; what templates and examples are compared on), and each token
// with its key and stem candidates. --json prints the same as one object per
// line.
#include <cstdio>
#include <iostream>
#include <string>

#include "commands.h"
#include "common.h"
#include "text/normalize.h"
#include "util/utf8.h"
#include "util/json_writer.h"

namespace zari::cli {
namespace {

// "ka 12.3, az -4.1, en -8.2"
std::string Scores(const text::LangGuess& g) {
  char buf[96];
  std::snprintf(buf, sizeof buf, "ka %.1f, az %.1f, en %.1f", static_cast<double>(g.latin_scores[0]),
                static_cast<double>(g.latin_scores[1]), static_cast<double>(g.latin_scores[2]));
  return buf;
}

const char* Majority(text::ScriptClass s) {
  switch (s) {
    case text::ScriptClass::kGeorgian: return "Georgian";
    case text::ScriptClass::kLatin: return "Latin";
    case text::ScriptClass::kCyrillic: return "Cyrillic";
    default: return "none";
  }
}

// Why the text was processed in its language, in words.
std::string Why(const text::Normalized& n, const text::LangGuess& g, text::Lang forced) {
  std::string why;
  if (forced != text::Lang::kUnknown) {
    why = "forced";
  } else if (n.detected) {
    why = g.confident ? "detected" : "detected, weak";
  } else {
    why = "not detected";
  }
  if (g.majority == text::ScriptClass::kOther) return why + "; no letters";
  why += std::string("; mostly ") + Majority(g.majority) + " letters";
  if (g.majority == text::ScriptClass::kLatin) {
    char buf[48];
    std::snprintf(buf, sizeof buf, ", margin %.1f", static_cast<double>(g.margin));
    why += "; model " + Scores(g) + buf;
  }
  if (forced != text::Lang::kUnknown && g.lang != text::Lang::kUnknown && g.lang != n.lang) {
    why += "; detection said " + std::string(text::LangTag(g.lang, g.script));
  }
  return why;
}

// `g` is what identification says about the text (computed without the
// forced language, so a forced run still shows it).
void Print(const std::string& input, const text::Normalized& n, const text::LangGuess& g, text::Lang forced,
           bool json) {
  if (json) {
    std::string out;
    json::Writer w(&out);
    w.BeginObject();
    w.Key("text").String(zari::SanitizeUtf8(input));
    w.Key("language").String(text::LangCode(n.lang));
    w.Key("typed_as").String(text::LangTag(n.lang, n.script));
    w.Key("forced").Bool(forced != text::Lang::kUnknown);
    w.Key("detected").Bool(n.detected);
    w.Key("detection").BeginObject();
    w.Key("language").String(text::LangTag(g.lang, g.script));
    w.Key("script").String(Majority(g.majority));
    w.Key("confident").Bool(g.confident);
    w.Key("margin").Number(static_cast<double>(g.margin));
    if (g.majority == text::ScriptClass::kLatin) {
      w.Key("scores").BeginObject();
      w.Key("ka").Number(static_cast<double>(g.latin_scores[0]));
      w.Key("az").Number(static_cast<double>(g.latin_scores[1]));
      w.Key("en").Number(static_cast<double>(g.latin_scores[2]));
      w.EndObject();
    }
    w.EndObject();
    w.Key("truncated").Bool(n.truncated);
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
      if (t.numeric) w.Key("numeric").Bool(true);
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    std::cout << out << "\n";
    return;
  }
  std::cout << "input:    " << zari::SanitizeUtf8(input) << "\n";
  std::cout << "language: " << text::LangTag(n.lang, n.script) << " (" << Why(n, g, forced) << ")\n";
  if (n.truncated) std::cout << "          (input cut at the length limit)\n";
  std::cout << "surface:  " << n.surface << "\n";
  std::cout << "key:      " << n.BareKey() << "\n";
  if (!n.tokens.empty()) std::cout << "tokens:   surface -> key [stem candidates]\n";
  for (const text::Token& t : n.tokens) {
    std::cout << "          " << n.SurfaceOf(t) << " -> " << n.KeyOf(t);
    if (t.stem_count > 0) {
      std::cout << " [";
      for (uint32_t s = 0; s < t.stem_count; ++s) std::cout << (s ? ", " : "") << n.Stem(t.stem_begin + s);
      std::cout << "]";
    }
    if (t.numeric) std::cout << " (number)";
    std::cout << "\n";
  }
  std::cout << "\n";
}

}  // namespace

int RunNormalize(const NormalizeOptions& o) {
  auto lang = ParseLangOption(o.lang);
  if (!lang) return 2;
  text::NormalizeOptions opts;
  opts.forced = *lang;
  opts.fallback = text::Lang::kUnknown;
  text::NormalizeOptions detect = opts;
  detect.forced = text::Lang::kUnknown;
  text::Normalized n, d;
  auto one = [&](const std::string& s) {
    text::Normalize(s, opts, &n);
    const text::LangGuess* g = &n.detection;
    if (opts.forced != text::Lang::kUnknown) {
      text::Normalize(s, detect, &d);
      g = &d.detection;
    }
    Print(s, n, *g, *lang, o.json);
  };
  if (!o.text.empty()) {
    std::string joined;
    for (const auto& t : o.text) joined += (joined.empty() ? "" : " ") + t;
    one(joined);
    return 0;
  }
  std::string line;
  while (std::getline(std::cin, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    one(line);
  }
  return 0;
}

}  // namespace zari::cli
