// Scoring in the large layout (packs of more than `dense_max_intents`
// intents): only candidates are scored, the intents the message's rarer
// features point to (best `candidates` of them by those features), completed
// with the common rows' 8-bit weights.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_LARGE_SCORER_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_LARGE_SCORER_H_

#include <vector>

#include "match/candidate.h"
#include "match/example_model.h"
#include "text/normalize.h"

namespace zari::match {

// Appends up to `k` candidates, best first, with calibrated scores. !m.dense.
void ScoreLarge(const ExampleModel& m, const text::Normalized& n, size_t k, std::vector<Candidate>* out);

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_LARGE_SCORER_H_
