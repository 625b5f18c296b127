#include "match/example_large_scorer.h"

#include <algorithm>

#include "match/example_scoring.h"

namespace zari::match {
namespace {

inline void Touch(uint32_t i, ScoreScratch& s) {
  if (!s.touched_flag[i]) {
    s.touched_flag[i] = 1;
    s.touched.push_back(i);
  }
}

// A known word: its rare features merged into one list; its common row is
// added for the candidates only.
inline void AddToken(const ExampleModel& m, uint32_t tok, float* __restrict acc, float* __restrict seen,
                     ScoreScratch& s) {
  const LargeLayout& l = m.large_layout;
  for (uint32_t p = l.token_post_begin[tok]; p < l.token_post_begin[tok + 1]; ++p) {
    const LargeLayout::TokenPosting& e = l.token_post[p];
    Touch(e.intent, s);
    acc[e.intent] += e.w;
    seen[e.intent] += e.seen;
  }
  if (l.token_common[tok] != kNoIndex) s.token_commons.push_back(l.token_common[tok]);
}

// A rarer feature: the intents it has, which become candidates.
inline void AddSparse(const ExampleModel& m, uint32_t id, float w, float* __restrict acc, float* __restrict seen,
                      ScoreScratch& s) {
  const SparseWeights& sp = m.sparse;
  for (uint32_t p = sp.begin[id]; p < sp.begin[id + 1]; ++p) {
    const uint32_t i = sp.intent[p] & ~SparseWeights::kPresent;
    Touch(i, s);
    acc[i] += w * sp.weight[p];
    if (sp.intent[p] & SparseWeights::kPresent) seen[i] += w;
  }
}

// Pass (4): the rare weights added up in message order; the common rows are
// collected for the candidates.
MessageWeight AddWeights(const ExampleModel& m, size_t tokens, ScoreScratch& s) {
  float* __restrict acc = s.acc.data();
  float* __restrict seen = s.seen.data();
  float total = 0, known = 0;
  size_t f = 0;
  for (size_t t = 0; t < tokens; ++t) {
    if (s.token_index[t] != kNoIndex) {
      const uint32_t tok = s.token_index[t];
      AddToken(m, tok, acc, seen, s);
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
        s.commons.push_back({slot.row, w});
      } else {
        AddSparse(m, slot.id, w, acc, seen, s);
      }
    }
  }
  return {total, known};
}

// The intents the rarer features point to (all intents when there are
// none), the best `candidates` of them by those features, in intent order
// so that candidates sharing a cache line of a row read it one after the
// other.
void PickCandidates(const ExampleModel& m, size_t k, ScoreScratch& s) {
  const bool no_rare = s.touched.empty();
  if (no_rare) {
    for (uint32_t c = 0; c < m.intents; ++c) s.touched.push_back(c), s.touched_flag[c] = 1;
  }
  s.cands.assign(s.touched.begin(), s.touched.end());
  const size_t want = std::max<size_t>(m.options.candidates, k);
  if (!no_rare && s.cands.size() > want) SelectBest(s.acc.data(), want, &s.cands, &s.keys);
}

// Completes the candidates' scores with the common features: the cached
// tokens' rows and the other common features' rows. Candidate by candidate,
// so a candidate's sums stay in registers and its reads from the rows are
// independent of each other (their cache misses overlap).
void CompleteCandidates(const ExampleModel& m, ScoreScratch& s) {
  const LargeLayout& l = m.large_layout;
  const size_t intents = m.intents;
  s.token_rows.clear();
  for (uint32_t row : s.token_commons) {
    s.token_rows.push_back({&l.token_common_q[static_cast<size_t>(row) * 2 * intents], l.token_common_scale[row]});
  }
  s.feature_rows.clear();
  for (const auto& [row, w] : s.commons) {
    const int8_t* q = &l.rows[static_cast<size_t>(row) * intents];
    s.feature_rows.push_back({q, m.present.Row(row), w * l.row_scale[row], w});
  }
  for (uint32_t c : s.cands) {
    float a = 0, sn = 0;
    for (const ScoreScratch::TokenRow& t : s.token_rows) {
      a += t.scale.w * static_cast<float>(static_cast<int8_t>(t.q[2 * c]));
      sn += t.scale.seen * static_cast<float>(t.q[2 * c + 1]);
    }
    for (const ScoreScratch::FeatureRow& row : s.feature_rows) {
      a += row.scale * static_cast<float>(row.q[c]);
      sn += row.w * static_cast<float>((row.present[c / 64] >> (c % 64)) & 1);
    }
    s.acc[c] += a;
    s.seen[c] += sn;
  }
}

}  // namespace

void ScoreLarge(const ExampleModel& m, const text::Normalized& n, size_t k, std::vector<Candidate>* out) {
  ScoreScratch& s = ThreadScratch();
  GrowScratch(m.intents, &s);
  s.touched.clear();
  s.commons.clear();
  s.token_commons.clear();
  const LargeLayout& l = m.large_layout;
  HashTokens(m, n, s);
  ResolveTokens(m, n, s, [&](uint32_t tok) { __builtin_prefetch(&l.token_post[l.token_post_begin[tok]]); });
  ResolveFeatures(m, s, [](uint32_t) {});  // common rows are read for the candidates only
  const MessageWeight mw = AddWeights(m, n.tokens.size(), s);
  if (mw.known > 0) {
    PickCandidates(m, k, s);
    CompleteCandidates(m, s);
    auto candidates = [&s](auto&& fn) {
      for (uint32_t c : s.cands) fn(c);
    };
    AppendBest(m, mw, candidates, k, s, out);
  }
  // Leave the scratch zeroed for the next message.
  for (uint32_t c : s.touched) {
    s.acc[c] = 0;
    s.seen[c] = 0;
    s.touched_flag[c] = 0;
  }
}

}  // namespace zari::match
