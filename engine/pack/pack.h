// An intent pack as plain structs (docs/PACKS.md). Filled by the loader, which is
// the only code that sees YAML; compiled by the engine into matchers.
#ifndef ZARI_ENGINE_PACK_PACK_H_
#define ZARI_ENGINE_PACK_PACK_H_

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "text/lang.h"

namespace zari::pack {

// Where something was written, for error messages ("file:line:col").
struct SourcePos {
  std::string file;  // as the user named it (relative paths stay relative)
  int line = 0;      // 1-based; 0 = unknown
  int col = 0;

  std::string ToString() const;  // "file:line:col" (or "file" when unknown)
};

struct Text {
  std::string text;
  SourcePos pos;
};

// One list per language. Index with text::Lang; index 0 (kUnknown) holds
// `any:` entries where a key allows them (regex).
using PerLang = std::array<std::vector<Text>, text::kLangCount>;
using PerLangText = std::array<std::string, text::kLangCount>;

// An intent's `suggest:` list (follow-ups offered after its answer) is at
// most this long: the widget shows them as buttons under the answer.
inline constexpr size_t kMaxSuggestions = 5;

struct Intent {
  std::string id;
  SourcePos pos;
  std::string route;
  std::string dtmf;
  PerLangText title;       // quick-reply label per language ("" = none)
  PerLang patterns;        // phrase templates (docs/PACKS.md)
  PerLang regex;           // raw RE2 over the normalized surface; [0] = any language
  PerLang examples;
  PerLang nots;            // phrasings that must not resolve here (`zari check`)
  PerLangText answer;
  std::vector<Text> suggest;  // intent ids, at most kMaxSuggestions
  bool handoff = false;
  int priority = 0;
};

// Minutes since local midnight; `end` may pass 24:00 for overnight ranges
// ("22:00-02:00" is {1320, 1560}).
struct TimeRange {
  int start = 0;
  int end = 0;
};

struct Hours {
  bool always_open = true;                     // no `hours:` key
  std::array<std::vector<TimeRange>, 7> week;  // 0 = Monday … 6 = Sunday
  std::vector<std::string> closed;             // "YYYY-MM-DD", local dates
  SourcePos pos;
};

struct Messages {
  PerLangText welcome, fallback, clarify, handoff, after_hours;
  PerLangText survey, thanks_feedback;  // the satisfaction question, and thanks for an answer
};

struct Pack {
  std::string path;        // what the user passed
  std::string name;
  std::string version;
  std::vector<text::Lang> languages;  // the first is the default
  std::string timezone = "UTC";
  SourcePos timezone_pos;
  Hours hours;
  double answer_threshold = -1;  // < 0: the engine's default
  double suggest_threshold = -1;
  int after_misses = 2;
  std::vector<Text> escalation_intents;
  bool redact = true;
  int transcript_turns = 20;     // turns kept per session for handoffs
  Messages messages;
  std::vector<Intent> intents;

  text::LangSet LanguageSet() const {
    text::LangSet s = 0;
    for (text::Lang l : languages) s |= text::LangBit(l);
    return s;
  }
  text::Lang DefaultLanguage() const {
    return languages.empty() ? text::Lang::kEn : languages.front();
  }
};

// Bounds that keep a hostile or mistaken pack from exhausting the machine
// (docs/RELIABILITY.md). Exceeding one fails the load with a one-line error.
struct Limits {
  size_t max_file_bytes = 32u << 20;     // one YAML file
  size_t max_total_bytes = 256u << 20;   // the whole pack
  size_t max_files = 10000;
  size_t max_yaml_nodes = 8u << 20;      // nodes visited, aliases counted each time
  size_t max_intents = 100000;
  size_t max_texts_per_list = 100000;    // examples/patterns of one intent and language
  size_t max_text_bytes = 4096;          // one template, regex, example or answer
};

}  // namespace zari::pack

#endif  // ZARI_ENGINE_PACK_PACK_H_
