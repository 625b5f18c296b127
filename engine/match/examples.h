// The example matcher (docs/EVALUATION.md): learns from every intent's `examples`, at
// load time.
//
// Model. Each intent is a multinomial Naive Bayes class over sparse hashed
// features (match/features.h). NB alone ranks well but is overconfident and
// blind to which features actually separate intents, so an averaged
// perceptron then corrects the weights where NB, scoring each training
// example *without that example* (leave-one-out), ranks a wrong intent too
// close to the right one. Training is deterministic (fixed order) and bounded
// (a few epochs), so it fits the load budget (docs/PERFORMANCE.md).
//
// Layout. A message costs one hash-table lookup per feature plus the weights
// it touches: features seen with many intents keep a dense row of weights
// (vectorized adds), the rest a sparse list of (intent, weight). Nothing is
// allocated per message once a thread's scratch buffers have grown.
//
// Scores are a softmax posterior (temperature) times coverage (the share of
// the message's feature weight the intent has seen), so unknown words lower
// confidence and `thresholds.answer`/`suggest` mean the same across packs.
#ifndef ZARI_ENGINE_MATCH_EXAMPLES_H_
#define ZARI_ENGINE_MATCH_EXAMPLES_H_

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "match/candidate.h"
#include "match/features.h"
#include "text/normalize.h"
#include "util/batch_pool.h"
#include "util/huge_pages.h"

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

class ExampleMatcher {
 public:
  struct Entry {  // a feature found in a message: id and weight
    uint32_t id;
    float w;
  };
  // Scales of a cached token's 8-bit common row: its weights and its seen
  // weights.
  struct RowScale {
    float w, seen;
  };

  explicit ExampleMatcher(const ExampleMatcherOptions& options = {}) : options_(options) {}

  // Room for `examples` examples (avoids regrowing the build buffers).
  void Reserve(size_t examples);
  // Adds one example (already normalized) of `intent`. Call before Finish().
  void Add(const text::Normalized& n, int32_t intent);
  // Builds the model. `intents` = number of intents in the pack. With a
  // pool, refinement also runs on its threads (same model either way).
  void Finish(size_t intents, BatchPool* pool = nullptr);

  // Appends up to `k` candidates, best first, with calibrated scores.
  void Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const;

  // Index (in Add order) of the example of `intent` sharing the most words
  // with `n`, or -1. Used for explanations, not on the scoring path.
  int32_t Nearest(const text::Normalized& n, int32_t intent) const;

  size_t feature_count() const { return feature_hash_.size(); }
  size_t example_count() const { return example_intent_.size(); }
  size_t dense_rows() const { return dense_rows_; }
  size_t cached_tokens() const { return token_count_; }
  size_t sparse_weights() const { return post_intent_.size(); }

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  static constexpr uint32_t kPresent = 1u << 31;  // in post_intent_: the intent has seen the feature


  uint32_t Insert(uint64_t hash);      // build time
  // Per-feature lists of the intents that saw the feature, in one block:
  // the entries of feature f are [begin[f], begin[f+1]), sorted by intent,
  // each with the summed feature weight (`value`) and its Naive Bayes weight
  // (`nb`). Build time only; Refine() frees `value` once it has used it.
  struct Csr {
    std::vector<uint32_t> begin;
    std::vector<uint32_t> intent;
    std::vector<float> value;
    std::vector<float> nb;
    uint32_t Size(uint32_t f) const { return begin[f + 1] - begin[f]; }
    const float* Find(uint32_t f, uint32_t intent) const;  // into `value`; nullptr if absent
  };
  // Perceptron corrections of a sparse feature for one intent (Daumé's
  // averaging: average = w - u / c).
  struct Delta {
    uint32_t intent;
    float w, u;
  };
  // Chooses dense rows and fills dense weights from the NB weights; then BuildSparse.
  void BuildLayout(const Csr& counts);
  // Fills the sparse weights: NB values plus averaged corrections (if any).
  void BuildSparse(const Csr& counts, const std::vector<std::vector<Delta>>* deltas, float c);
  void Refine(Csr& counts, const std::vector<double>& mass, BatchPool& pool);
  bool Present(uint32_t id, uint32_t intent) const;

  ExampleMatcherOptions options_;
  uint32_t intents_ = 0;
  bool dense_mode_ = true;

  // Build-time examples, flat: feature ids and weights of example e are
  // [ex_begin_[e], ex_begin_[e+1]). A weight is one of a handful of values
  // (word, stem, bigram, n-gram), so it is stored as an index into
  // weight_values_: 5 bytes a feature (the full MASSIVE pack has 2.4 million).
  std::vector<uint32_t> ex_ids_;
  std::vector<uint8_t> ex_wk_;
  std::vector<uint32_t> ex_begin_;
  std::vector<float> weight_values_;
  uint8_t WeightClass(float w);

  // Feature table: open addressing, hash → id and dense row, in one slot so
  // a lookup of a frequent feature costs one cache miss.
  struct Slot {
    uint64_t key;
    uint32_t id;   // kNone = empty
    uint32_t row;  // dense row or kNone
  };
  HugeVector<Slot> table_;
  uint64_t table_mask_ = 0;
  const Slot* Find(uint64_t hash) const;  // nullptr when unknown
  std::vector<uint64_t> feature_hash_;  // id → hash

  // Weights: a dense row per frequent feature, sparse postings otherwise.
  std::vector<uint32_t> row_;          // id → dense row or kNone
  std::vector<uint32_t> begin_;        // id → sparse range [begin_[id], begin_[id+1])
  std::vector<uint32_t> post_intent_;  // intent | kPresent
  std::vector<float> post_weight_;
  HugeVector<float> dense_;            // rows × intents (packs scored densely)
  std::vector<uint64_t> dense_present_;  // rows × words: intents that saw the feature
  // Large packs, during the build: the same rows in fixed point (1/kTrainScale,
  // range ±64), so the rows and refinement's averaging sums take 4 bytes an
  // entry instead of 8: scale-1000's peak while loading is 20 MB lower. A
  // step of 1/512 is 1/50 of the 8-bit step the rows end in (QuantizeRows).
  static constexpr float kTrainScale = 512.0f;
  static int16_t ToFixed(float v);
  HugeVector<int16_t> train_;
  // Large packs, after the build: the dense rows as 8-bit integers with a
  // scale per row (the float rows are freed). Scoring reads them only for a
  // message's candidates, a few scattered bytes per row, so what costs is
  // cache misses: a quarter of the bytes touches half the cache lines and
  // keeps more of the table in cache. The error (at most 1/254 of the row's
  // largest weight) left top-1 on the scale-1000 set unchanged (0.903).
  HugeVector<int8_t> dense_q_;
  std::vector<float> row_scale_;
  void QuantizeRows();
  size_t dense_rows_ = 0;
  uint32_t words_per_row_ = 0;
  std::vector<float> base_;   // per intent: log(alpha / (N_c + alpha V))
  std::vector<float> prior_;  // per intent
  std::vector<float> bias_;   // per intent, learned by Refine()

  // Per-token cache: signature → row of summed weights, plus what coverage
  // and the totals need.
  struct TokenSlot {
    uint64_t sig;
    uint32_t index;  // kNone = empty
  };
  void BuildTokenCache(BatchPool& pool);
  const TokenSlot* FindToken(uint64_t sig) const;
  struct PendingToken {
    uint64_t sig;
    uint32_t count;
    uint32_t begin, end;  // its features in tok_ids_ / tok_w_
  };
  std::vector<uint32_t> tok_ids_;
  std::vector<float> tok_w_;
  std::vector<PendingToken> pending_tokens_;
  std::unordered_map<uint64_t, size_t> pending_token_index_;
  HugeVector<TokenSlot> token_table_;
  uint64_t token_mask_ = 0;
  size_t token_count_ = 0;
  std::vector<float> token_total_;  // all the token's feature weight (all of it known)
  // Dense mode: tokens × (2 × intents): a token's summed weights, then the
  // weight of its features each intent has seen, side by side so one
  // prefetch run covers both.
  HugeVector<float> token_rows_;
  // Candidate mode: the token's rare features merged into one list (one walk
  // instead of one per feature), and its common features summed into one
  // row, read for the candidates only: a token costs one row read per
  // candidate instead of one per common feature (a word has a dozen).
  struct TokenPosting {
    uint32_t intent;
    float w;     // summed weight
    float seen;  // weight of the features the intent has seen
  };
  std::vector<uint32_t> token_post_begin_;
  std::vector<TokenPosting> token_post_;
  std::vector<uint32_t> token_common_;  // token → common row, or kNone
  // Common rows: per intent an int8 weight and a uint8 seen weight, side by
  // side (one cache line per candidate), with their scales.
  HugeVector<uint8_t> token_common_q_;
  std::vector<RowScale> token_common_scale_;

  // Examples for explanations: intent and sorted word-feature hashes.
  std::vector<int32_t> example_intent_;
  std::vector<uint32_t> example_words_begin_;
  std::vector<uint64_t> example_words_;
  std::vector<std::vector<int32_t>> intent_examples_;
};

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLES_H_
