// The example matcher's compiled model: what ExampleBuilder
// (example_builder.h) makes of a pack's examples and the two scorers
// (example_dense_scorer.cc, example_large_scorer.cc) read. Immutable once
// built; every thread scores against it without locks.
//
// Every intent is a multinomial Naive Bayes class over hashed features
// (match/features.h), its weights corrected by an averaged perceptron. A
// message costs one lookup per feature plus the weights it touches: features
// many intents share keep a row of weights over all intents ("common rows"),
// the rest a sparse list of (intent, weight). Two layouts:
//
// - dense (at most `dense_max_intents` intents): every intent is scored;
//   common rows are floats, and a frequent word's own features are summed
//   into one cached row;
// - large: only candidates are scored, the intents the message's rarer
//   features point to, completed with the common rows, which are 8-bit.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_MODEL_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_MODEL_H_

#include <cstdint>
#include <vector>

#include "match/example_options.h"
#include "text/normalize.h"
#include "util/huge_pages.h"

namespace zari::match {

inline constexpr uint32_t kNoIndex = UINT32_MAX;  // no feature, row or token

// Feature table: open addressing, hash → id and common row, in one slot so
// a lookup of a frequent feature costs one cache miss.
struct FeatureTable {
  struct Slot {
    uint64_t key;
    uint32_t id;   // kNoIndex = empty
    uint32_t row;  // common row or kNoIndex
  };
  HugeVector<Slot> slots;
  uint64_t mask = 0;
  uint32_t size = 0;  // features

  const Slot* Find(uint64_t hash) const {  // nullptr when unknown
    if (slots.empty()) return nullptr;
    uint64_t i = hash & mask;
    while (true) {
      const Slot& s = slots[i];
      if (s.id == kNoIndex) return nullptr;
      if (s.key == hash) return &s;
      i = (i + 1) & mask;
    }
  }
};

// The weights of features without a common row: the entries of feature id
// are [begin[id], begin[id + 1]), sorted by intent.
struct SparseWeights {
  static constexpr uint32_t kPresent = 1u << 31;  // in `intent`: the intent has seen the feature
  std::vector<uint32_t> begin;
  std::vector<uint32_t> intent;  // intent | kPresent
  std::vector<float> weight;
};

// Which intents saw each common row's feature (coverage): a bit per intent.
struct RowPresence {
  std::vector<uint64_t> bits;  // rows × words_per_row
  uint32_t words_per_row = 0;

  const uint64_t* Row(uint32_t row) const { return &bits[static_cast<size_t>(row) * words_per_row]; }
  // seen[c] += w for every intent c that saw the row's feature.
  void AddTo(uint32_t row, float w, float* seen) const {
    const uint64_t* present = Row(row);
    for (uint32_t word = 0; word < words_per_row; ++word) {
      for (uint64_t b = present[word]; b; b &= b - 1) {
        seen[word * 64 + static_cast<uint32_t>(__builtin_ctzll(b))] += w;
      }
    }
  }
};

// Per-token cache: a frequent training word's signature → its index, and the
// total weight of its features (all of them known).
struct TokenTable {
  struct Slot {
    uint64_t sig;
    uint32_t index;  // kNoIndex = empty
  };
  HugeVector<Slot> slots;
  uint64_t mask = 0;
  size_t count = 0;
  std::vector<float> total;

  const Slot* Find(uint64_t sig) const {  // nullptr when not cached
    if (slots.empty()) return nullptr;
    uint64_t i = sig & mask;
    while (true) {
      const Slot& s = slots[i];
      if (s.index == kNoIndex) return nullptr;
      if (s.sig == sig) return &s;
      i = (i + 1) & mask;
    }
  }
};

// What only the dense layout has.
struct DenseLayout {
  HugeVector<float> rows;  // common rows × intents
  // Cached tokens × (2 × intents): a token's summed weights, then the weight
  // of its features each intent has seen, side by side so one prefetch run
  // covers both.
  HugeVector<float> token_rows;
};

// What only the large layout has. The common rows are 8-bit integers with a
// scale per row: scoring reads them only for a message's candidates, a few
// scattered bytes per row, so what costs is cache misses, and a quarter of
// the bytes touches half the cache lines. The error (at most 1/254 of the
// row's largest weight) left top-1 on the scale-1000 set unchanged (0.903).
struct LargeLayout {
  // Scales of a cached token's common row: its weights and its seen weights.
  struct RowScale {
    float w, seen;
  };
  struct TokenPosting {
    uint32_t intent;
    float w;     // summed weight
    float seen;  // weight of the features the intent has seen
  };
  HugeVector<int8_t> rows;  // common rows × intents
  std::vector<float> row_scale;
  // A cached token's rare features merged into one list (one walk instead of
  // one per feature), and its common features summed into one row, read for
  // the candidates only: a token costs one row read per candidate instead of
  // one per common feature (a word has a dozen).
  std::vector<uint32_t> token_post_begin;
  std::vector<TokenPosting> token_post;
  std::vector<uint32_t> token_common;  // token → common row, or kNoIndex
  // Common rows: per intent an int8 weight and a uint8 seen weight, side by
  // side (one cache line per candidate), with their scales.
  HugeVector<uint8_t> token_common_q;
  std::vector<RowScale> token_common_scale;
};

// The examples, for explanations: which example of an intent shares the most
// words with a message.
struct ExampleIndex {
  size_t count = 0;
  std::vector<std::vector<int32_t>> of_intent;  // intent → its examples, in Add order
  std::vector<uint32_t> words_begin;            // example → [words_begin[e], words_begin[e + 1])
  std::vector<uint64_t> words;                  // sorted word-feature hashes

  int32_t Nearest(const text::Normalized& n, int32_t intent, std::vector<uint64_t>* scratch) const;
};

// Word-level features of a text (keys and stems), sorted and unique.
void WordHashes(const text::Normalized& n, std::vector<uint64_t>* out);

struct ExampleModel {
  ExampleMatcherOptions options;
  uint32_t intents = 0;
  bool dense = true;  // which layout
  FeatureTable table;
  SparseWeights sparse;
  size_t common_rows = 0;
  RowPresence present;
  std::vector<float> base;   // per intent: log(alpha / (N_c + alpha V))
  std::vector<float> prior;  // per intent
  std::vector<float> bias;   // per intent, learned by refinement
  TokenTable tokens;
  DenseLayout dense_layout;
  LargeLayout large_layout;
  ExampleIndex examples;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_MODEL_H_
