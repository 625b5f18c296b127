#include "match/example_token_cache.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace zari::match {
namespace {

size_t TokenBudget(const ExampleModel& m) {
  const size_t row_bytes = m.dense ? static_cast<size_t>(m.intents) * 2 * sizeof(float) + 64
                                   : static_cast<size_t>(m.intents) * 2 + 64;
  const size_t budget_bytes = m.dense ? m.options.token_cache_bytes : m.options.candidate_token_cache_bytes;
  return row_bytes ? budget_bytes / row_bytes : 0;
}

// The most frequent tokens first (ties by signature: deterministic), as
// many as the budget holds; an empty table for them.
void ChooseTokens(size_t budget, PendingTokens& pending, TokenTable& table) {
  std::sort(pending.list.begin(), pending.list.end(), [](const PendingTokens::Token& a, const PendingTokens::Token& b) {
    return a.count != b.count ? a.count > b.count : a.sig < b.sig;
  });
  table.count = std::min(budget, pending.list.size());
  size_t cap = 16;
  while (cap < table.count * 2) cap <<= 1;
  table.slots.assign(cap, TokenTable::Slot{0, kNoIndex});
  table.mask = cap - 1;
  table.total.assign(table.count, 0.0f);
}

void FillTokenTable(const PendingTokens& pending, TokenTable& table) {
  for (size_t t = 0; t < table.count; ++t) {
    const uint64_t sig = pending.list[t].sig;
    uint64_t i = sig & table.mask;
    while (table.slots[i].index != kNoIndex) i = (i + 1) & table.mask;
    table.slots[i] = {sig, static_cast<uint32_t>(t)};
  }
}

// ---- dense layout ----------------------------------------------------------

void SumDenseToken(const TrainingState& st, ExampleModel& m, size_t t) {
  const uint32_t intents = m.intents;
  const PendingTokens::Token& p = st.tokens.list[t];
  float* row = &m.dense_layout.token_rows[t * 2 * intents];
  float* seen = row + intents;
  float total = 0;
  for (uint32_t k = p.begin; k < p.end; ++k) {
    const uint32_t id = st.tokens.ids[k];
    const float fw = st.tokens.w[k];
    total += fw;  // every token feature is in the table (Add inserted it)
    const uint32_t r = st.row_of[id];
    if (r != kNoIndex) {
      const float* w = &m.dense_layout.rows[static_cast<size_t>(r) * intents];
      for (uint32_t i = 0; i < intents; ++i) row[i] += fw * w[i];
      m.present.AddTo(r, fw, seen);
      continue;
    }
    const SparseWeights& sp = m.sparse;
    for (uint32_t q = sp.begin[id]; q < sp.begin[id + 1]; ++q) {
      row[sp.intent[q] & ~SparseWeights::kPresent] += fw * sp.weight[q];
      if (sp.intent[q] & SparseWeights::kPresent) seen[sp.intent[q] & ~SparseWeights::kPresent] += fw;
    }
  }
  m.tokens.total[t] = total;
}

// Tokens are independent: each is summed on some build thread into its own
// row (the result does not depend on which).
void CacheDenseTokens(const TrainingState& st, ExampleModel& m, BatchPool& pool) {
  m.dense_layout.token_rows.assign(m.tokens.count * 2 * m.intents, 0.0f);
  pool.Run(m.tokens.count, [&](size_t t, unsigned) { SumDenseToken(st, m, t); });
}

// ---- large layout ----------------------------------------------------------

// One build thread's sums of a token, before they are merged and quantized.
struct LargeSums {
  explicit LargeSums(uint32_t intents)
      : rare(intents, 0.0f), rare_seen(intents, 0.0f), common(intents, 0.0f), common_seen(intents, 0.0f),
        rare_flag(intents, 0) {}
  std::vector<float> rare, rare_seen, common, common_seen;
  std::vector<uint8_t> rare_flag;
  std::vector<uint32_t> rare_touched;
};

// Which tokens have common features decides where their rows go. Returns
// the number of rows.
uint32_t AssignCommonRows(const TrainingState& st, ExampleModel& m) {
  std::vector<uint32_t>& common = m.large_layout.token_common;
  common.assign(m.tokens.count, kNoIndex);
  uint32_t rows = 0;
  for (size_t t = 0; t < m.tokens.count; ++t) {
    const PendingTokens::Token& p = st.tokens.list[t];
    for (uint32_t k = p.begin; k < p.end; ++k) {
      if (st.row_of[st.tokens.ids[k]] != kNoIndex) {
        common[t] = rows++;
        break;
      }
    }
  }
  return rows;
}

void SumLargeToken(const TrainingState& st, ExampleModel& m, size_t t, LargeSums& s) {
  const uint32_t intents = m.intents;
  const PendingTokens::Token& p = st.tokens.list[t];
  float* row = s.common.data();
  float* seen = s.common_seen.data();
  float total = 0;
  for (uint32_t k = p.begin; k < p.end; ++k) {
    const uint32_t id = st.tokens.ids[k];
    const float fw = st.tokens.w[k];
    total += fw;  // every token feature is in the table (Add inserted it)
    const uint32_t r = st.row_of[id];
    if (r != kNoIndex) {
      const int16_t* w = &st.fixed_rows[static_cast<size_t>(r) * intents];
      const float fws = fw / kTrainScale;
      for (uint32_t i = 0; i < intents; ++i) row[i] += fws * static_cast<float>(w[i]);
      m.present.AddTo(r, fw, seen);
      continue;
    }
    const SparseWeights& sp = m.sparse;
    for (uint32_t q = sp.begin[id]; q < sp.begin[id + 1]; ++q) {
      const uint32_t i = sp.intent[q] & ~SparseWeights::kPresent;
      if (!s.rare_flag[i]) s.rare_flag[i] = 1, s.rare_touched.push_back(i);
      s.rare[i] += fw * sp.weight[q];
      if (sp.intent[q] & SparseWeights::kPresent) s.rare_seen[i] += fw;
    }
  }
  m.tokens.total[t] = total;
}

// The rare sums as one list in intent order; the sums cleared.
void MergeRare(LargeSums& s, std::vector<LargeLayout::TokenPosting>* list) {
  std::sort(s.rare_touched.begin(), s.rare_touched.end());
  for (uint32_t i : s.rare_touched) {
    list->push_back({i, s.rare[i], s.rare_seen[i]});
    s.rare[i] = s.rare_seen[i] = 0;
    s.rare_flag[i] = 0;
  }
  s.rare_touched.clear();
}

// The common sums as 8-bit values, quantized like the common rows
// themselves (QuantizeRows); the sums cleared.
void QuantizeCommon(size_t t, LargeSums& s, ExampleModel& m) {
  const uint32_t intents = m.intents;
  LargeLayout& l = m.large_layout;
  float top = 0, top_seen = 0;
  for (uint32_t c = 0; c < intents; ++c) {
    top = std::max(top, std::fabs(s.common[c]));
    top_seen = std::max(top_seen, s.common_seen[c]);
  }
  const float scale = top > 0 ? top / 127.0f : 1.0f;
  const float seen_scale = top_seen > 0 ? top_seen / 255.0f : 1.0f;
  const uint32_t r = l.token_common[t];
  l.token_common_scale[r] = {scale, seen_scale};
  uint8_t* q = &l.token_common_q[static_cast<size_t>(r) * 2 * intents];
  for (uint32_t c = 0; c < intents; ++c) {
    q[2 * c] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(s.common[c] / scale)));
    q[2 * c + 1] = static_cast<uint8_t>(std::lround(s.common_seen[c] / seen_scale));
  }
  std::fill(s.common.begin(), s.common.end(), 0.0f);
  std::fill(s.common_seen.begin(), s.common_seen.end(), 0.0f);
}

void FlattenPostings(const std::vector<std::vector<LargeLayout::TokenPosting>>& lists, LargeLayout& l) {
  l.token_post_begin.assign(lists.size() + 1, 0);
  l.token_post.clear();
  for (size_t t = 0; t < lists.size(); ++t) {
    l.token_post_begin[t] = static_cast<uint32_t>(l.token_post.size());
    l.token_post.insert(l.token_post.end(), lists[t].begin(), lists[t].end());
  }
  l.token_post_begin[lists.size()] = static_cast<uint32_t>(l.token_post.size());
}

// Tokens are independent: each is summed on some build thread into its own
// list and row (the result does not depend on which).
void CacheLargeTokens(const TrainingState& st, ExampleModel& m, BatchPool& pool) {
  LargeLayout& l = m.large_layout;
  const uint32_t rows = AssignCommonRows(st, m);
  l.token_common_q.assign(static_cast<size_t>(rows) * 2 * m.intents, 0);
  l.token_common_scale.assign(rows, LargeLayout::RowScale{1.0f, 1.0f});
  std::vector<std::vector<LargeLayout::TokenPosting>> lists(m.tokens.count);
  std::vector<LargeSums> sums(pool.size(), LargeSums(m.intents));
  pool.Run(m.tokens.count, [&](size_t t, unsigned worker) {
    LargeSums& s = sums[worker];
    SumLargeToken(st, m, t, s);
    MergeRare(s, &lists[t]);
    if (l.token_common[t] != kNoIndex) QuantizeCommon(t, s, m);
  });
  FlattenPostings(lists, l);
}

}  // namespace

void BuildTokenCache(TrainingState& st, ExampleModel& m, BatchPool& pool) {
  m.tokens.count = 0;
  m.tokens.slots.clear();
  const size_t budget = TokenBudget(m);
  if (budget > 0 && !st.tokens.list.empty()) {
    ChooseTokens(budget, st.tokens, m.tokens);
    if (m.dense) {
      CacheDenseTokens(st, m, pool);
    } else {
      CacheLargeTokens(st, m, pool);
    }
    FillTokenTable(st.tokens, m.tokens);
  }
  st.tokens = PendingTokens();
}

}  // namespace zari::match
