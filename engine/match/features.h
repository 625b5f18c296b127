// Sparse features of a normalized text for the example matcher: word keys,
// stem candidates, word bigrams and character n-grams of the keys, each a
// 64-bit hash with a weight. One implementation for examples and messages.
#ifndef ZARI_ENGINE_MATCH_FEATURES_H_
#define ZARI_ENGINE_MATCH_FEATURES_H_

#include <cstdint>
#include <vector>

#include "text/normalize.h"

namespace zari::match {

struct Feature {
  uint64_t hash;
  float weight;
};

struct FeatureOptions {
  float word = 1.0f;
  float stem = 0.6f;
  float bigram = 0.5f;
  float chargram = 0.15f;   // per character n-gram
  int chargram_n = 4;       // n-gram length over " key " (0 disables)
};

// Appends the features of `n` to *out, merging repeats (weights add up).
void ExtractFeatures(const text::Normalized& n, const FeatureOptions& options, std::vector<Feature>* out);

// 64-bit FNV-1a with a kind tag, stable across runs and platforms.
uint64_t HashFeature(uint8_t kind, std::string_view a, std::string_view b = {});

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_FEATURES_H_
