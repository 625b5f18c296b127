// Options of the example matcher (match/examples.h): training, layout and
// scoring. Read by its builder and its scorers alike.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_OPTIONS_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_OPTIONS_H_

#include <cstddef>
#include <cstdint>

#include "match/features.h"

namespace zari::match {

struct ExampleMatcherOptions {
  // Defaults chosen on the MASSIVE/CLINC150/BANKING77 dev splits
  // (docs/EVALUATION.md, bench/tools/tune_matcher.cc).
  FeatureOptions features;
  float alpha = 0.1f;           // additive smoothing of feature counts
  float prior_weight = 0.0f;    // 0: every intent equally likely a priori
  float temperature = 2.0f;     // softmax temperature of the posterior
  float coverage_power = 1.0f;  // how much unexplained words lower the score
  int refine_epochs = 3;        // perceptron passes over the examples (0: plain NB)
  // Packs of kManyExamples examples or more: each pass makes more updates,
  // and the third pass moved top-1 by at most 0.02 points on the dev splits
  // (MASSIVE 0.8383 with 2, 0.8385 with 3; scale-1000 0.9022 / 0.9021) for
  // ~15% of their load time.
  int refine_epochs_many = 2;
  static constexpr size_t kManyExamples = 16384;
  float refine_rate = 1.0f;
  float refine_margin = 10.0f;  // update when right - best wrong < margin
  // Refinement scores this many examples at a time, in parallel, against
  // the weights as they were before the batch (the result does not depend
  // on the number of threads; 1 = strictly one example after another).
  // 0: packs under kManyExamples examples (they load in well under a second)
  // train example after example; bigger ones in batches of 64 (MASSIVE's
  // 34,542 examples: top-1 0.8385 instead of 0.8396; 16 gave 0.8408, 256
  // 0.8382: the order of updates, not a trend).
  uint32_t refine_batch = 0;
  // Packs with at most this many intents score every intent (dense rows and a
  // per-token cache). Larger packs score candidates: the intents the
  // message's rarer features point to, best `candidates` of them, completed
  // with the common features' weights.
  uint32_t dense_max_intents = 512;
  // 16, not more: forcing this layout on the dev splits, top-1 with 8, 16,
  // 24 or 32 candidates stays within 0.3 points (CLINC150 0.917-0.919,
  // MASSIVE 0.830-0.832, scale-1000 0.902), while the cost of completing
  // them (scattered reads) is proportional.
  uint32_t candidates = 16;
  uint32_t candidate_row_divisor = 32;  // large packs: a dense row for features of >= intents/32 intents
  // Large packs correct only the common features' weights (and the intents'
  // biases) during refinement: rare features keep their NB weights.
  bool refine_rare_in_large_packs = false;
  // Memory for the dense rows of common features in large packs.
  size_t dense_budget_bytes = 48u << 20;
  // Memory for the per-token cache (dense mode): the summed weights of the
  // most frequent training words' own features, so a known word costs one
  // row add instead of one per character n-gram.
  size_t token_cache_bytes = 24u << 20;
  // The same for large packs: a token's common features summed into one
  // row of 8-bit values, so completing a candidate costs one read per word
  // instead of one per common feature.
  size_t candidate_token_cache_bytes = 8u << 20;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_OPTIONS_H_
