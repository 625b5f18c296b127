// The normalization pipeline (docs/LANGUAGE.md): every user message,
// template and example goes through Normalize(), so they meet in one form.
//
//   bytes → UTF-8 repair, № → # → NFKC (only when needed) → cleanup (emoji,
//   apostrophes, ignorables, digits) → tokens → language → per-language
//   folding/decoding → surface (native script), key (lossy ASCII), stems.
//
// Normalize() is thread-safe and, once a thread's scratch buffers and the
// output object have grown to the message size, allocation-free.
#ifndef ZARI_ENGINE_TEXT_NORMALIZE_H_
#define ZARI_ENGINE_TEXT_NORMALIZE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "text/lang.h"
#include "text/langid.h"
#include "text/stem.h"

namespace zari::text {

struct Token {
  uint32_t surface_begin = 0, surface_len = 0;  // in Normalized::surface
  uint32_t key_begin = 0, key_len = 0;          // in Normalized::key
  uint32_t stem_begin = 0, stem_count = 0;      // in Normalized::stem_spans
  bool numeric = false;                         // digits (and * # + . inside)
};

struct Normalized {
  Lang lang = Lang::kUnknown;   // the language the text was processed as
  Script script = Script::kNative;
  bool detected = false;        // lang came from detection (not forced, hint or default)
  bool truncated = false;       // input was longer than the limit
  LangGuess detection;          // what language identification said (also when forced)
  std::string surface;          // native-script tokens joined by ' '
  std::string key;              // ' ' + key tokens joined by ' ' + ' ' (templates match here)
  std::vector<Token> tokens;
  std::string stem_buf;                  // stem candidates, key form
  std::vector<stem::Span> stem_spans;

  std::string_view SurfaceOf(const Token& t) const {
    return std::string_view(surface).substr(t.surface_begin, t.surface_len);
  }
  std::string_view KeyOf(const Token& t) const {
    return std::string_view(key).substr(t.key_begin, t.key_len);
  }
  std::string_view Stem(uint32_t i) const {
    return std::string_view(stem_buf).substr(stem_spans[i].begin, stem_spans[i].len);
  }
  // The key without its padding spaces ("" for an empty message).
  std::string_view BareKey() const {
    return key.size() >= 2 ? std::string_view(key).substr(1, key.size() - 2) : std::string_view();
  }
  void Clear();
};

struct NormalizeOptions {
  Lang forced = Lang::kUnknown;    // caller-supplied language: wins over detection
  // The conversation's language: wins over a weak guess (LangGuess::confident
  // false, e.g. "ok") and over no guess at all.
  Lang hint = Lang::kUnknown;
  Lang fallback = Lang::kUnknown;  // used when nothing else decides (pack default)
  LangSet allowed = kAllLangs;     // the pack's languages
  // For Georgian: decode Latin letters as chat Georgian (1), keep them as
  // Latin words such as brand names (0), or decide by the text's majority
  // script (-1). Templates use it so every word follows the whole template.
  // Either way a Latin word in Georgian text gets the key of its chat-Georgian
  // reading, so "iphone" in "iphone-ის ბალანსი" and in "iphonis balansi" meet;
  // only its surface differs (Latin when kept, Mkhedruli when decoded).
  int latin_as_georgian = -1;
  size_t max_code_points = 2048;   // longer input is cut (docs/RELIABILITY.md)
  bool stems = true;
};

void Normalize(std::string_view text, const NormalizeOptions& options, Normalized* out);

}  // namespace zari::text

#endif  // ZARI_ENGINE_TEXT_NORMALIZE_H_
