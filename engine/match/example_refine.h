// The example matcher's perceptron refinement (build time).
//
// Naive Bayes ranks well but is overconfident and blind to which features
// actually separate intents, so an averaged perceptron corrects the weights
// where NB, scoring each training example *without that example*
// (leave-one-out), ranks a wrong intent too close to the right one.
// Training is deterministic (fixed order, mini-batches whose size depends on
// the pack alone) and bounded (a few epochs), so it fits the load budget and
// gives the same model on any number of threads.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_REFINE_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_REFINE_H_

#include <vector>

#include "match/example_model.h"
#include "match/example_training.h"
#include "util/batch_pool.h"

namespace zari::match {

// Corrects the common rows (m's float rows in the dense layout,
// st.fixed_rows in the large one), the biases and, where the options say so,
// the sparse weights. `mass` is each intent's summed feature weight. Marks
// the features only their example has in st.examples.wk; frees counts.value.
void Refine(TrainingState& st, FeatureCounts& counts, const std::vector<double>& mass, ExampleModel& m,
            BatchPool& pool);

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_REFINE_H_
