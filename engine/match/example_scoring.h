// What the example matcher's two scorers (example_dense_scorer.cc,
// example_large_scorer.cc) share: the per-thread scratch, the passes that
// find where a message's weights are, and the softmax that turns the
// scored intents' sums into calibrated candidates.
//
// Scores are a softmax posterior (temperature) times coverage (the share of
// the message's feature weight the intent has seen), so unknown words lower
// confidence and `thresholds.answer`/`suggest` mean the same across packs.
// Nothing is allocated per message once a thread's scratch has grown.
#ifndef ZARI_ENGINE_MATCH_EXAMPLE_SCORING_H_
#define ZARI_ENGINE_MATCH_EXAMPLE_SCORING_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>
#include <vector>

#include "match/candidate.h"
#include "match/example_model.h"
#include "match/features.h"
#include "text/normalize.h"

namespace zari::match {

// Per-thread scoring buffers, grown to the largest pack seen. acc, seen and
// touched_flag are left zeroed after every message.
struct ScoreScratch {
  std::vector<Feature> features;
  std::vector<std::pair<uint32_t, float>> commons;  // large layout: common rows to add for candidates
  std::vector<uint32_t> token_commons;              // cached tokens' common rows, the same
  // The rows a message's candidates are completed from, resolved.
  struct TokenRow {
    const uint8_t* q;  // (int8 weight, uint8 seen) per intent
    LargeLayout::RowScale scale;
  };
  struct FeatureRow {
    const int8_t* q;
    const uint64_t* present;
    float scale;  // feature weight × row scale
    float w;      // feature weight (coverage)
  };
  std::vector<TokenRow> token_rows;
  std::vector<FeatureRow> feature_rows;
  std::vector<uint32_t> cands;
  std::vector<uint64_t> keys;  // SelectBest
  std::vector<float> seen;     // per intent: weight of the message's features it has seen (coverage)
  std::vector<float> acc;      // per intent: summed weights, then log-likelihood
  std::vector<uint8_t> touched_flag;
  std::vector<uint32_t> touched;
  std::vector<uint64_t> words;        // Nearest: the message's word features
  std::vector<uint64_t> word_hash;    // per token
  std::vector<uint64_t> sigs;         // per token: its signature in the token cache
  std::vector<uint32_t> token_index;  // per token: its cached token, or kNoIndex
  std::vector<uint32_t> feature_end;  // per token: end of its features (and bigram) in `features`
  std::vector<uint32_t> slots;        // per feature: its slot in the feature table, or kNoIndex
};

ScoreScratch& ThreadScratch();

inline void GrowScratch(uint32_t intents, ScoreScratch* s) {
  if (s->acc.size() < intents) {
    s->acc.resize(intents, 0.0f);
    s->seen.resize(intents, 0.0f);
    s->touched_flag.resize(intents, 0);
  }
}

// Keeps in `cands` the `want` intents with the highest acc (ties: the lower
// intent), in intent order.
void SelectBest(const float* acc, size_t want, std::vector<uint32_t>* cands, std::vector<uint64_t>* keys);

// A message's weights are scattered over tables of many megabytes, so they
// are found in passes whose cache misses overlap instead of queuing:
// (1) hash every token and prefetch its slot in the per-token cache;
// (2) resolve those, prefetching the cached token's weights
//     (`prefetch_token`), and collect the features of the other tokens and
//     the bigrams, prefetching their slots;
// (3) resolve the feature slots, prefetching their weights (`prefetch_row`
//     for a common row, the sparse list otherwise).
// The scorer then adds everything up in message order.
inline void HashTokens(const ExampleModel& m, const text::Normalized& n, ScoreScratch& s) {
  const size_t tokens = n.tokens.size();
  s.word_hash.resize(tokens);
  s.sigs.resize(tokens);
  s.token_index.resize(tokens);
  s.feature_end.resize(tokens);
  s.features.clear();
  for (size_t t = 0; t < tokens; ++t) {
    s.word_hash[t] = WordHash(n, t);
    s.token_index[t] = kNoIndex;
    if (m.tokens.count) {
      const uint64_t sig = TokenSignature(n, t, s.word_hash[t]);
      s.sigs[t] = sig;
      __builtin_prefetch(&m.tokens.slots[sig & m.tokens.mask]);
    }
  }
}

template <typename PrefetchToken>
inline void ResolveTokens(const ExampleModel& m, const text::Normalized& n, ScoreScratch& s,
                          PrefetchToken prefetch_token) {
  const size_t tokens = n.tokens.size();
  const FeatureOptions& fo = m.options.features;
  for (size_t t = 0; t < tokens; ++t) {
    const TokenTable::Slot* cached = m.tokens.count ? m.tokens.Find(s.sigs[t]) : nullptr;
    if (cached) {
      s.token_index[t] = cached->index;
      prefetch_token(cached->index);
    } else {
      const size_t before = s.features.size();
      ExtractTokenFeatures(n, t, fo, &s.features);
      for (size_t f = before; f < s.features.size(); ++f) {
        __builtin_prefetch(&m.table.slots[s.features[f].hash & m.table.mask]);
      }
    }
    if (fo.bigram > 0 && t + 1 < tokens) {
      const Feature b = BigramFeature(s.word_hash[t], s.word_hash[t + 1], fo);
      s.features.push_back(b);
      __builtin_prefetch(&m.table.slots[b.hash & m.table.mask]);
    }
    s.feature_end[t] = static_cast<uint32_t>(s.features.size());
  }
}

template <typename PrefetchRow>
inline void ResolveFeatures(const ExampleModel& m, ScoreScratch& s, PrefetchRow prefetch_row) {
  s.slots.resize(s.features.size());
  for (size_t f = 0; f < s.features.size(); ++f) {
    const FeatureTable::Slot* slot = m.table.Find(s.features[f].hash);
    s.slots[f] = slot ? static_cast<uint32_t>(slot - m.table.slots.data()) : kNoIndex;
    if (!slot) continue;
    if (slot->row != kNoIndex) {
      prefetch_row(slot->row);
    } else {
      __builtin_prefetch(&m.sparse.intent[m.sparse.begin[slot->id]]);
      __builtin_prefetch(&m.sparse.weight[m.sparse.begin[slot->id]]);
    }
  }
}

inline void PrefetchBytes(const void* p, size_t bytes) {
  const char* row = static_cast<const char*>(p);
  for (size_t b = 0; b < bytes; b += 64) __builtin_prefetch(row + b);
}

// The message's feature weight in all, and the part the model knows.
struct MessageWeight {
  float total = 0, known = 0;
};

// Turns the summed weights in s.acc of the intents `for_each_scored` visits
// into log-likelihoods, then (second pass) the softmax normalizer and the
// best few among the intents close enough to the best to matter, and
// appends up to k of them to *out, best first, with calibrated scores.
template <typename ForEachScored>
void AppendBest(const ExampleModel& m, const MessageWeight& mw, ForEachScored for_each_scored, size_t k,
                ScoreScratch& s, std::vector<Candidate>* out) {
  float best = -1e30f;
  for_each_scored([&](uint32_t c) {
    const float ll = m.prior[c] + mw.known * m.base[c] + s.acc[c] + m.bias[c];
    s.acc[c] = ll;
    best = std::max(best, ll);
  });
  constexpr size_t kPool = 5;
  std::pair<float, uint32_t> pool[kPool];
  size_t pooled = 0;
  const float inv_t = 1.0f / m.options.temperature;
  const float cutoff = best - 14.0f * m.options.temperature;  // exp(-14) < 1e-6: noise
  float z = 0;
  for_each_scored([&](uint32_t c) {
    const float ll = s.acc[c];
    if (ll <= cutoff) return;
    z += std::exp((ll - best) * inv_t);
    if (pooled < kPool) {
      pool[pooled++] = {ll, c};
      return;
    }
    size_t worst = 0;
    for (size_t j = 1; j < kPool; ++j) {
      if (pool[j].first < pool[worst].first) worst = j;
    }
    if (ll > pool[worst].first) pool[worst] = {ll, c};
  });
  const size_t before = out->size();
  for (size_t j = 0; j < pooled; ++j) {
    const uint32_t c = pool[j].second;
    const float posterior = std::exp((pool[j].first - best) * inv_t) / z;
    const float coverage = mw.total > 0 ? s.seen[c] / mw.total : 0.0f;
    const float cov = m.options.coverage_power == 1.0f ? coverage : std::pow(coverage, m.options.coverage_power);
    Candidate cand;
    cand.intent = static_cast<int32_t>(c);
    cand.score = std::clamp(posterior * cov, 0.0f, 1.0f);
    cand.via = Via::kExample;
    out->push_back(cand);
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(before), out->end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.intent < b.intent;
  });
  if (out->size() - before > k) out->resize(before + k);
}

}  // namespace zari::match

#endif  // ZARI_ENGINE_MATCH_EXAMPLE_SCORING_H_
