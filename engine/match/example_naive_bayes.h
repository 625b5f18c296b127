// Naive Bayes, the example matcher's first model (build time): counts per
// (feature, intent), their log((count + alpha) / alpha) weights and the
// intents' bases, and the sparse weight lists of the features without a
// common row.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_NAIVE_BAYES_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_NAIVE_BAYES_H_

#include <cstdint>
#include <vector>

#include "match/example_model.h"
#include "match/example_training.h"

namespace zari::match {

// Per intent: the summed feature weight of its examples and their number.
struct IntentTotals {
  std::vector<double> mass, docs;
};

// Counts per (feature, intent) of the examples, each feature's intents in
// order. Fills *totals and *of_intent (each intent's examples, in order).
FeatureCounts CountFeatures(const TrainingExamples& ex, uint32_t features, uint32_t intents, IntentTotals* totals,
                            std::vector<std::vector<int32_t>>* of_intent);

// Fills counts->nb and the model's per-intent base, prior and (zero) bias.
// An unseen (feature, intent) pair scores 0, and each known feature adds the
// intent's base.
void NaiveBayes(const IntentTotals& totals, FeatureCounts* counts, ExampleModel* m);

// Fills the sparse weights of the features without a common row: NB values
// plus, with `deltas`, their corrections averaged over `steps` updates.
void BuildSparse(const FeatureCounts& counts, const std::vector<uint32_t>& row_of, const Deltas* deltas, float steps,
                 SparseWeights* out);

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_NAIVE_BAYES_H_
