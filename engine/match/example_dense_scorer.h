// Scoring in the dense layout (packs of at most `dense_max_intents`
// intents): every intent is scored, a common feature's row and a cached
// token's row are added over all intents (vectorized adds).
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_DENSE_SCORER_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_DENSE_SCORER_H_

#include <vector>

#include "match/candidate.h"
#include "match/example_model.h"
#include "text/normalize.h"

namespace zari::match {

// Appends up to `k` candidates, best first, with calibrated scores. m.dense.
void ScoreDense(const ExampleModel& m, const text::Normalized& n, size_t k, std::vector<Candidate>* out);

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_DENSE_SCORER_H_
