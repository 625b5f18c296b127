// The example matcher's per-token cache (build time): the most frequent
// training words' own features (key, stems, character n-grams) summed, so a
// known word in a message costs one read instead of one per feature.
//
// - dense layout: a float row of summed weights and one of seen weights per
//   token, over every intent;
// - large layout: the token's rare features merged into one list, and its
//   common features summed into one row of (int8 weight, uint8 seen) pairs.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_TOKEN_CACHE_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_TOKEN_CACHE_H_

#include "match/example_model.h"
#include "match/example_training.h"
#include "util/batch_pool.h"

namespace zari::match {

// Fills m.tokens and the layout's token rows from st.tokens, within the
// layout's memory budget, reading the trained weights (st.row_of,
// st.fixed_rows in the large layout). Frees st.tokens.
void BuildTokenCache(TrainingState& st, ExampleModel& m, BatchPool& pool);

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_TOKEN_CACHE_H_
