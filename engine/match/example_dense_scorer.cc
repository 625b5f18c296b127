#include "match/example_dense_scorer.h"

#include <algorithm>

#include "match/example_scoring.h"

namespace zari::match {
namespace {

// A known word: its own features summed in one cached row, then the weight
// each intent has seen.
inline void AddTokenRow(const ExampleModel& m, uint32_t tok, float* __restrict acc, float* __restrict seen) {
  const uint32_t intents = m.intents;
  const float* __restrict row = &m.dense_layout.token_rows[static_cast<size_t>(tok) * 2 * intents];
  const float* __restrict row_seen = row + intents;
  for (uint32_t i = 0; i < intents; ++i) acc[i] += row[i];
  for (uint32_t i = 0; i < intents; ++i) seen[i] += row_seen[i];
}

// A common feature: its row over every intent.
inline void AddCommonRow(const ExampleModel& m, uint32_t r, float w, float* __restrict acc, float* __restrict seen) {
  const uint32_t intents = m.intents;
  const float* __restrict row = &m.dense_layout.rows[static_cast<size_t>(r) * intents];
  for (uint32_t i = 0; i < intents; ++i) acc[i] += w * row[i];
  m.present.AddTo(r, w, seen);
}

// A rarer feature: the intents it has.
inline void AddSparse(const ExampleModel& m, uint32_t id, float w, float* __restrict acc, float* __restrict seen) {
  const SparseWeights& sp = m.sparse;
  for (uint32_t p = sp.begin[id]; p < sp.begin[id + 1]; ++p) {
    const uint32_t i = sp.intent[p] & ~SparseWeights::kPresent;
    acc[i] += w * sp.weight[p];
    if (sp.intent[p] & SparseWeights::kPresent) seen[i] += w;
  }
}

// Pass (4): everything added up in message order (the same sums as one pass
// feature by feature).
MessageWeight AddWeights(const ExampleModel& m, size_t tokens, ScoreScratch& s) {
  float* __restrict acc = s.acc.data();
  float* __restrict seen = s.seen.data();
  float total = 0, known = 0;
  size_t f = 0;
  for (size_t t = 0; t < tokens; ++t) {
    if (s.token_index[t] != kNoIndex) {
      const uint32_t tok = s.token_index[t];
      AddTokenRow(m, tok, acc, seen);
      total += m.tokens.total[tok];
      known += m.tokens.total[tok];
    }
    for (; f < s.feature_end[t]; ++f) {
      const float w = s.features[f].weight;
      total += w;
      if (s.slots[f] == kNoIndex) continue;
      known += w;
      const FeatureTable::Slot& slot = m.table.slots[s.slots[f]];
      if (slot.row != kNoIndex) {
        AddCommonRow(m, slot.row, w, acc, seen);
      } else {
        AddSparse(m, slot.id, w, acc, seen);
      }
    }
  }
  return {total, known};
}

}  // namespace

void ScoreDense(const ExampleModel& m, const text::Normalized& n, size_t k, std::vector<Candidate>* out) {
  ScoreScratch& s = ThreadScratch();
  const uint32_t intents = m.intents;
  GrowScratch(intents, &s);
  HashTokens(m, n, s);
  ResolveTokens(m, n, s, [&](uint32_t tok) {
    PrefetchBytes(&m.dense_layout.token_rows[static_cast<size_t>(tok) * 2 * intents], 2 * intents * sizeof(float));
  });
  ResolveFeatures(m, s, [&](uint32_t row) {
    PrefetchBytes(&m.dense_layout.rows[static_cast<size_t>(row) * intents], intents * sizeof(float));
  });
  const MessageWeight mw = AddWeights(m, n.tokens.size(), s);
  if (mw.known > 0) {
    auto every_intent = [intents](auto&& fn) {
      for (uint32_t c = 0; c < intents; ++c) fn(c);
    };
    AppendBest(m, mw, every_intent, k, s, out);
  }
  // Leave the scratch zeroed for the next message.
  std::fill(s.acc.begin(), s.acc.begin() + intents, 0.0f);
  std::fill(s.seen.begin(), s.seen.begin() + intents, 0.0f);
}

}  // namespace zari::match
