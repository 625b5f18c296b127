// The example matcher (docs/EVALUATION.md): learns from every intent's `examples` at load time
// and scores messages against them.
//
// Each intent is a multinomial Naive Bayes class over sparse hashed features
// (match/features.h), corrected by an averaged perceptron where NB, scoring
// each training example without that example, ranks a wrong intent too
// close to the right one. Training is deterministic and bounded, so it fits
// the load budget. Scores are a softmax posterior times coverage (the share
// of the message's feature weight the intent has seen), so unknown words
// lower confidence and `thresholds.answer`/`suggest` mean the same across
// packs.
//
// Where the parts are:
//   example_options.h        the options
//   example_builder.h        Add() and Finish(): the build, step by step
//     example_naive_bayes.h    counts and Naive Bayes weights
//     example_refine.h         the perceptron
//     example_token_cache.h    the per-token cache
//   example_model.h          the compiled model and its two layouts
//   example_dense_scorer.h   Score() when every intent is scored
//   example_large_scorer.h   Score() on candidates (large packs)
//   example_scoring.h        what the two scorers share
#ifndef ZARI_ENGINE_MATCH_EXAMPLES_H_
#define ZARI_ENGINE_MATCH_EXAMPLES_H_

#include <cstdint>
#include <memory>
#include <vector>

#include "match/candidate.h"
#include "match/example_model.h"
#include "match/example_options.h"
#include "text/normalize.h"
#include "util/batch_pool.h"

namespace zari::match {

class ExampleBuilder;

class ExampleMatcher {
 public:
  explicit ExampleMatcher(const ExampleMatcherOptions& options = {});
  ~ExampleMatcher();
  ExampleMatcher(ExampleMatcher&&) noexcept;
  ExampleMatcher& operator=(ExampleMatcher&&) noexcept;

  // Room for `examples` examples (avoids regrowing the build buffers).
  void Reserve(size_t examples);
  // Adds one example (already normalized) of `intent`. Call before Finish().
  void Add(const text::Normalized& n, int32_t intent);
  // Builds the model. `intents` = number of intents in the pack. With a
  // pool, the build also runs on its threads (same model either way).
  void Finish(size_t intents, BatchPool* pool = nullptr);

  // Appends up to `k` candidates, best first, with calibrated scores.
  void Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const;

  // Index (in Add order) of the example of `intent` sharing the most words
  // with `n`, or -1. Used for explanations, not on the scoring path.
  int32_t Nearest(const text::Normalized& n, int32_t intent) const;

  // The model's size, after Finish().
  size_t feature_count() const { return model_.table.size; }
  size_t example_count() const { return model_.examples.count; }
  size_t dense_rows() const { return model_.common_rows; }
  size_t cached_tokens() const { return model_.tokens.count; }
  size_t sparse_weights() const { return model_.sparse.intent.size(); }

 private:
  std::unique_ptr<ExampleBuilder> builder_;  // until Finish()
  ExampleModel model_;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLES_H_
