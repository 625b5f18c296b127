// The example matcher (DESIGN §7): learns from every intent's `examples`, at
// load time, without a training step. Each intent is a multinomial Naive
// Bayes class over sparse hashed features (match/features.h); a message costs
// one table lookup per feature plus the postings it touches, independent of
// the number of examples. Scores are calibrated to 0..1 so the pack's
// thresholds mean the same across packs; the explanation names the nearest
// example of the chosen intent.
#ifndef ZARI_ENGINE_MATCH_EXAMPLES_H_
#define ZARI_ENGINE_MATCH_EXAMPLES_H_

#include <cstdint>
#include <vector>

#include "match/candidate.h"
#include "match/features.h"
#include "text/normalize.h"

namespace zari::match {

struct ExampleMatcherOptions {
  FeatureOptions features;
  float alpha = 0.05f;          // additive smoothing of feature counts
  float prior_weight = 0.0f;    // 0: every intent equally likely a priori
  float temperature = 2.0f;     // softmax temperature of the posterior
  float coverage_power = 1.0f;  // how much unexplained words lower the score
  float idf_power = 0.0f;       // weight features by idf^p (0: plain counts)
  bool length_norm = false;     // each example contributes unit L2 mass
  // Discriminative refinement at load: an averaged perceptron corrects the
  // Naive Bayes weights where NB, scoring each example without it (leave-one-
  // out), ranks a wrong intent within `refine_margin` of the right one.
  int refine_epochs = 5;
  float refine_rate = 1.0f;
  float refine_margin = 10.0f;
};

class ExampleMatcher {
 public:
  explicit ExampleMatcher(const ExampleMatcherOptions& options = {}) : options_(options) {}

  // Adds one example (already normalized) of `intent`. Call before Finish().
  void Add(const text::Normalized& n, int32_t intent);
  // Builds the index. `intents` = number of intents in the pack.
  void Finish(size_t intents);

  // Appends up to `k` candidates, best first, with calibrated scores.
  void Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const;

  // Index (in Add order) of the example of `intent` sharing the most words
  // with `n`, or -1. Used for explanations, not on the scoring path.
  int32_t Nearest(const text::Normalized& n, int32_t intent) const;

  size_t feature_count() const { return feature_keys_.size(); }
  size_t example_count() const { return example_intent_.size(); }

 private:
  struct Posting {
    uint32_t intent;
    float log_ratio;   // log((count + alpha) / alpha)
    float weight;      // the feature's count in the intent (for coverage)
  };

  int64_t Find(uint64_t hash) const;  // feature id or -1
  void Refine(const std::vector<double>& mass);

  ExampleMatcherOptions options_;
  // Build-time accumulation.
  std::vector<std::vector<Feature>> pending_;
  // Open-addressing table: hash → feature id.
  std::vector<uint64_t> table_keys_;
  std::vector<uint32_t> table_ids_;
  uint64_t table_mask_ = 0;
  std::vector<uint64_t> feature_keys_;
  std::vector<uint32_t> posting_begin_;  // per feature, plus one end sentinel
  std::vector<Posting> postings_;
  std::vector<float> base_;    // per intent: log(alpha / (N_c + alpha V))
  std::vector<float> prior_;   // per intent
  std::vector<float> idf_;     // per feature (idf^p), 1 when idf_power = 0
  std::vector<float> bias_;    // per intent, learned by Refine()
  // Examples for explanations: intent and sorted word-feature hashes.
  std::vector<int32_t> example_intent_;
  std::vector<uint32_t> example_words_begin_;
  std::vector<uint64_t> example_words_;
  std::vector<std::vector<int32_t>> intent_examples_;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLES_H_
