// Builds the example matcher's model (example_model.h) from a pack's
// examples, at load time: the examples' features and tokens as they are
// added; then counts and Naive Bayes weights (example_naive_bayes.h), the
// common rows of the layout, the perceptron refinement (example_refine.h),
// the per-token cache (example_token_cache.h) and, in the large layout, the
// 8-bit common rows.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_BUILDER_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_BUILDER_H_

#include <cstdint>
#include <vector>

#include "match/example_model.h"
#include "match/example_options.h"
#include "match/example_training.h"
#include "match/features.h"
#include "text/normalize.h"
#include "util/batch_pool.h"

namespace zari::match {

class ExampleBuilder {
 public:
  explicit ExampleBuilder(const ExampleMatcherOptions& options);

  // Room for `examples` examples (avoids regrowing the build buffers).
  void Reserve(size_t examples);
  // Adds one example (already normalized) of `intent`.
  void Add(const text::Normalized& n, int32_t intent);
  // The model of the examples added; `intents` = number of intents in the
  // pack. The pool's threads share the work (same model on any number).
  // Leaves the builder empty.
  ExampleModel Build(size_t intents, BatchPool& pool);

 private:
  uint32_t Insert(uint64_t hash);
  void GrowTable();
  void AddTokens(const text::Normalized& n, std::vector<Feature>& scratch);
  void AddWords(const text::Normalized& n);
  void LayOutRows(const FeatureCounts& counts);
  std::vector<uint32_t> CommonFeatures(const FeatureCounts& counts) const;
  void QuantizeRows();

  TrainingState st_;
  ExampleModel m_;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_BUILDER_H_
