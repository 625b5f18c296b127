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
  // Defaults chosen on the MASSIVE/CLINC150/BANKING77 dev splits
  // (docs/EVALUATION.md, bench/tools/tune_matcher.cc).
  float word = 0.7f;
  float stem = 0.6f;
  float bigram = 0.5f;
  float chargram = 0.3f;    // per character n-gram
  int chargram_n = 4;       // longest n-gram over " key " (0 disables)
  int chargram_min_n = 3;   // shortest n-gram length
};

// Appends the features of `n` to *out. A feature may repeat (a word used
// twice); scoring adds its weight each time, as counts would.
void ExtractFeatures(const text::Normalized& n, const FeatureOptions& options, std::vector<Feature>* out);

// The features of token i alone (its key, stems and character n-grams): the
// same for every occurrence of the token, so the matcher can cache their sum.
void ExtractTokenFeatures(const text::Normalized& n, size_t i, const FeatureOptions& options,
                          std::vector<Feature>* out);
// The word feature's hash of token i (its key).
uint64_t WordHash(const text::Normalized& n, size_t i);
// The bigram of two adjacent tokens, from their word hashes.
Feature BigramFeature(uint64_t left_word_hash, uint64_t right_word_hash, const FeatureOptions& options);
// Identifies a token's own features (its key and stem candidates), given its
// word hash.
uint64_t TokenSignature(const text::Normalized& n, size_t i, uint64_t word_hash);

// 64-bit FNV-1a with a kind tag, stable across runs and platforms.
uint64_t HashFeature(uint8_t kind, std::string_view a, std::string_view b = {});

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_FEATURES_H_
