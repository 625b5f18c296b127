// Light, conservative stemming for Georgian and Azerbaijani (LANGUAGE.md §5):
// suffix layers are peeled outside-in, at most one suffix per layer, and every
// intermediate with at least three letters is kept as a candidate. Matching
// then uses the longest shared candidate, so over-stripping costs little.
#ifndef ZARI_ENGINE_TEXT_STEM_H_
#define ZARI_ENGINE_TEXT_STEM_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace zari::text::stem {

// A candidate as [begin, begin+len) in a shared buffer.
struct Span {
  uint32_t begin;
  uint32_t len;
};

// Appends the key forms of the stem candidates of a Mkhedruli word (not the
// word itself), longest first, to *buf / *spans.
void Georgian(std::u32string_view word, std::string* buf, std::vector<Span>* spans);

// Same for an Azerbaijani word given as its Latin key ("kitablarimizdan" →
// kitablarimiz, kitablar, kitab).
void Azerbaijani(std::string_view key, std::string* buf, std::vector<Span>* spans);

// Snowball English stem of a lowercase word when it differs from the word.
void English(std::string_view word, std::string* buf, std::vector<Span>* spans);

}  // namespace zari::text::stem

#endif  // ZARI_ENGINE_TEXT_STEM_H_
