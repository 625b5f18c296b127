// Build-time data of the example matcher, shared by the steps of
// ExampleBuilder (example_builder.h): Naive Bayes (example_naive_bayes.h),
// the perceptron (example_refine.h) and the per-token cache
// (example_token_cache.h). None of it outlives the build; scoring reads only
// the model (example_model.h).
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_TRAINING_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_TRAINING_H_

#include <algorithm>
#include <cstdint>
#include <unordered_map>
#include <vector>

#include "match/example_model.h"
#include "util/huge_pages.h"

namespace zari::match {

// x rounded half away from zero, saturated to ±32767: the fixed-point
// values of training (not std::lround: a libm call).
template <typename T>
int16_t RoundToInt16(T x) {
  x = std::clamp(x, T(-32767), T(32767));
  return static_cast<int16_t>(x + (x < 0 ? T(-0.5) : T(0.5)));
}

// The large layout trains its common rows in fixed point (1/kTrainScale,
// range ±64), so the rows and refinement's averaging sums take 4 bytes an
// entry instead of 8: scale-1000's peak while loading is 20 MB lower. A step
// of 1/512 is 1/50 of the 8-bit step the rows end in (QuantizeRows).
inline constexpr float kTrainScale = 512.0f;
inline int16_t ToFixed(float v) { return RoundToInt16(v * kTrainScale); }

// The examples, flat: feature ids and weights of example e are
// [begin[e], begin[e + 1]). A weight is one of a handful of values (word,
// stem, bigram, n-gram), so it is stored as an index into weight_values: 5
// bytes a feature (the full MASSIVE pack has 2.4 million).
struct TrainingExamples {
  std::vector<uint32_t> ids;
  std::vector<uint8_t> wk;  // weight class; refinement marks a feature only this example has in its top bit
  std::vector<uint32_t> begin;
  std::vector<float> weight_values;
  std::vector<int32_t> intent;  // per example

  size_t size() const { return begin.size() - 1; }
  uint8_t WeightClass(float w) {
    for (size_t i = 0; i < weight_values.size(); ++i) {
      if (weight_values[i] == w) return static_cast<uint8_t>(i);
    }
    weight_values.push_back(w);  // a handful: one per feature kind
    return static_cast<uint8_t>(weight_values.size() - 1);
  }
};

// Per-feature lists of the intents that saw the feature, in one block: the
// entries of feature f are [begin[f], begin[f+1]), sorted by intent, each
// with the summed feature weight (`value`) and its Naive Bayes weight
// (`nb`). Refinement frees `value` once it has used it.
struct FeatureCounts {
  std::vector<uint32_t> begin;
  std::vector<uint32_t> intent;
  std::vector<float> value;
  std::vector<float> nb;

  uint32_t Size(uint32_t f) const { return begin[f + 1] - begin[f]; }
  const float* Find(uint32_t f, uint32_t want) const {  // into `value`; nullptr if absent
    const uint32_t* b = intent.data() + begin[f];
    const uint32_t* e = intent.data() + begin[f + 1];
    const uint32_t* it = std::lower_bound(b, e, want);
    return it != e && *it == want ? &value[static_cast<size_t>(it - intent.data())] : nullptr;
  }
};

// Perceptron corrections of a sparse feature for one intent (Daumé's
// averaging: average = w - u / c).
struct Delta {
  uint32_t intent;
  float w, u;
};
using Deltas = std::vector<std::vector<Delta>>;  // per feature

// The distinct tokens of the examples, for the per-token cache.
struct PendingTokens {
  struct Token {
    uint64_t sig;
    uint32_t count;
    uint32_t begin, end;  // its features in ids / w
  };
  std::vector<uint32_t> ids;
  std::vector<float> w;
  std::vector<Token> list;
  std::unordered_map<uint64_t, size_t> index;  // signature → list
};

// What the build steps share besides the model they fill.
struct TrainingState {
  TrainingExamples examples;
  std::vector<uint64_t> feature_hash;  // id → hash
  std::vector<uint32_t> row_of;        // id → common row, or kNoIndex
  HugeVector<int16_t> fixed_rows;      // large layout: the common rows, until QuantizeRows
  PendingTokens tokens;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_TRAINING_H_
