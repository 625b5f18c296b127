#include "match/example_builder.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "match/example_naive_bayes.h"
#include "match/example_refine.h"
#include "match/example_token_cache.h"

namespace zari::match {
namespace {

// Each common feature's NB weights, converted, into its row of `rows`
// (common rows × intents).
template <typename T, typename Convert>
void FillRows(const FeatureCounts& counts, const std::vector<uint32_t>& row_of, uint32_t intents, Convert convert,
              T* rows) {
  for (uint32_t f = 0; f < row_of.size(); ++f) {
    if (row_of[f] == kNoIndex) continue;
    const size_t at = static_cast<size_t>(row_of[f]) * intents;
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      rows[at + counts.intent[k]] = convert(counts.nb[k]);
    }
  }
}

void FillPresence(const FeatureCounts& counts, const std::vector<uint32_t>& row_of, RowPresence* present) {
  for (uint32_t f = 0; f < row_of.size(); ++f) {
    if (row_of[f] == kNoIndex) continue;
    uint64_t* bits = &present->bits[static_cast<size_t>(row_of[f]) * present->words_per_row];
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      bits[counts.intent[k] / 64] |= 1ull << (counts.intent[k] % 64);
    }
  }
}

}  // namespace

ExampleBuilder::ExampleBuilder(const ExampleMatcherOptions& options) { m_.options = options; }

void ExampleBuilder::Reserve(size_t examples) {
  // About 70 features an example (words, stems, bigrams, 3- and 4-grams).
  TrainingExamples& ex = st_.examples;
  ex.ids.reserve(examples * 72);
  ex.wk.reserve(examples * 72);
  ex.begin.reserve(examples + 1);
  ex.intent.reserve(examples);
}

void ExampleBuilder::GrowTable() {
  // Keeps the load factor at or under 0.7: 16-byte slots, four to a cache
  // line, so a probe run rarely leaves the first line, and MASSIVE's
  // 148,000 features take 4 MiB instead of 8.
  FeatureTable& table = m_.table;
  const size_t cap = table.slots.empty() ? 1024 : table.slots.size() * 2;
  table.slots.assign(cap, FeatureTable::Slot{0, kNoIndex, kNoIndex});
  table.mask = cap - 1;
  for (uint32_t id = 0; id < st_.feature_hash.size(); ++id) {
    uint64_t i = st_.feature_hash[id] & table.mask;
    while (table.slots[i].id != kNoIndex) i = (i + 1) & table.mask;
    table.slots[i] = {st_.feature_hash[id], id, kNoIndex};
  }
}

uint32_t ExampleBuilder::Insert(uint64_t hash) {
  FeatureTable& table = m_.table;
  if ((st_.feature_hash.size() + 1) * 10 > table.slots.size() * 7) GrowTable();
  uint64_t i = hash & table.mask;
  while (table.slots[i].id != kNoIndex) {
    if (table.slots[i].key == hash) return table.slots[i].id;
    i = (i + 1) & table.mask;
  }
  const uint32_t id = static_cast<uint32_t>(st_.feature_hash.size());
  table.slots[i] = {hash, id, kNoIndex};
  st_.feature_hash.push_back(hash);
  table.size = id + 1;
  return id;
}

void ExampleBuilder::Add(const text::Normalized& n, int32_t intent) {
  thread_local std::vector<Feature> f;
  f.clear();
  ExtractFeatures(n, m_.options.features, &f);
  TrainingExamples& ex = st_.examples;
  if (ex.begin.empty()) ex.begin.push_back(0);
  for (const Feature& x : f) {
    ex.ids.push_back(Insert(x.hash));
    ex.wk.push_back(ex.WeightClass(x.weight));
  }
  ex.begin.push_back(static_cast<uint32_t>(ex.ids.size()));
  AddTokens(n, f);
  ex.intent.push_back(intent);
  AddWords(n);
}

// Distinct tokens for the per-token cache (built after training).
void ExampleBuilder::AddTokens(const text::Normalized& n, std::vector<Feature>& f) {
  PendingTokens& pending = st_.tokens;
  for (size_t i = 0; i < n.tokens.size(); ++i) {
    const uint64_t sig = TokenSignature(n, i, WordHash(n, i));
    auto it = pending.index.find(sig);
    if (it != pending.index.end()) {
      ++pending.list[it->second].count;
      continue;
    }
    pending.index.emplace(sig, pending.list.size());
    PendingTokens::Token t{sig, 1, static_cast<uint32_t>(pending.ids.size()), 0};
    f.clear();
    ExtractTokenFeatures(n, i, m_.options.features, &f);
    for (const Feature& x : f) {
      pending.ids.push_back(Insert(x.hash));
      pending.w.push_back(x.weight);
    }
    t.end = static_cast<uint32_t>(pending.ids.size());
    pending.list.push_back(t);
  }
}

// The example's words, for explanations (Nearest).
void ExampleBuilder::AddWords(const text::Normalized& n) {
  std::vector<uint64_t> words;
  WordHashes(n, &words);
  ExampleIndex& index = m_.examples;
  index.words_begin.push_back(static_cast<uint32_t>(index.words.size()));
  index.words.insert(index.words.end(), words.begin(), words.end());
}

ExampleModel ExampleBuilder::Build(size_t intents, BatchPool& pool) {
  ExampleModel& m = m_;
  TrainingExamples& ex = st_.examples;
  m.intents = static_cast<uint32_t>(intents);
  m.dense = m.intents <= m.options.dense_max_intents;
  m.examples.words_begin.push_back(static_cast<uint32_t>(m.examples.words.size()));
  m.examples.of_intent.assign(intents, {});
  if (ex.begin.empty()) ex.begin.push_back(0);
  // Reserve() guessed the number of features; a pack with longer examples
  // doubled the buffers, and they live through refinement: give back the rest.
  if (ex.ids.capacity() > ex.ids.size() + ex.ids.size() / 64) {
    ex.ids.shrink_to_fit();
    ex.wk.shrink_to_fit();
  }
  IntentTotals totals;
  FeatureCounts counts = CountFeatures(ex, m.table.size, m.intents, &totals, &m.examples.of_intent);
  NaiveBayes(totals, &counts, &m);
  LayOutRows(counts);
  if (m.options.refine_epochs > 0 && intents > 1) Refine(st_, counts, totals.mass, m, pool);
  std::vector<uint32_t>().swap(ex.ids);
  std::vector<uint8_t>().swap(ex.wk);
  std::vector<uint32_t>().swap(ex.begin);
  BuildTokenCache(st_, m, pool);
  if (!m.dense) QuantizeRows();
  m.examples.count = ex.intent.size();
  st_ = TrainingState();
  return std::move(m_);
}

// Common features get a row. Large packs take the most common first, within
// the memory budget; the rest keep their (long) sparse lists.
std::vector<uint32_t> ExampleBuilder::CommonFeatures(const FeatureCounts& counts) const {
  const ExampleModel& m = m_;
  const uint32_t nf = static_cast<uint32_t>(counts.begin.size() - 1);
  // Scoring every intent, a row pays off for features an eighth of the
  // intents share; scoring candidates, rows are only read for the
  // candidates, so features shared by a thirty-second of them get one too.
  const uint32_t min_common = m.dense ? std::max<uint32_t>(4, m.intents / 8)
                                      : std::max<uint32_t>(8, m.intents / m.options.candidate_row_divisor);
  std::vector<uint32_t> common;
  for (uint32_t f = 0; f < nf; ++f) {
    if (counts.Size(f) >= min_common) common.push_back(f);
  }
  if (m.dense) return common;
  const size_t row_bytes = static_cast<size_t>(m.intents) * sizeof(float) + m.present.words_per_row * 8;
  const size_t max_rows = row_bytes ? m.options.dense_budget_bytes / row_bytes : 0;
  if (common.size() > max_rows) {
    std::stable_sort(common.begin(), common.end(),
                     [&](uint32_t a, uint32_t b) { return counts.Size(a) > counts.Size(b); });
    common.resize(max_rows);
    std::sort(common.begin(), common.end());
  }
  return common;
}

// The common rows, filled with the NB weights (floats in the dense layout,
// fixed point while training in the large one), and the sparse weights of
// the other features.
void ExampleBuilder::LayOutRows(const FeatureCounts& counts) {
  ExampleModel& m = m_;
  const uint32_t nf = static_cast<uint32_t>(counts.begin.size() - 1);
  m.present.words_per_row = (m.intents + 63) / 64;
  st_.row_of.assign(nf, kNoIndex);
  m.common_rows = 0;
  for (uint32_t f : CommonFeatures(counts)) st_.row_of[f] = static_cast<uint32_t>(m.common_rows++);
  const size_t cells = m.common_rows * m.intents;
  if (m.dense) {
    m.dense_layout.rows.assign(cells, 0.0f);
    FillRows(counts, st_.row_of, m.intents, [](float nb) { return nb; }, m.dense_layout.rows.data());
  } else {
    st_.fixed_rows.assign(cells, 0);
    FillRows(counts, st_.row_of, m.intents, ToFixed, st_.fixed_rows.data());
  }
  m.present.bits.assign(m.common_rows * m.present.words_per_row, 0);
  FillPresence(counts, st_.row_of, &m.present);
  for (FeatureTable::Slot& slot : m.table.slots) {
    if (slot.id != kNoIndex) slot.row = st_.row_of[slot.id];
  }
  BuildSparse(counts, st_.row_of, nullptr, 1.0f, &m.sparse);
}

// The large layout's common rows as 8-bit integers with a scale per row;
// the fixed-point rows are freed.
void ExampleBuilder::QuantizeRows() {
  ExampleModel& m = m_;
  const HugeVector<int16_t>& fixed = st_.fixed_rows;
  LargeLayout& l = m.large_layout;
  l.rows.assign(fixed.size(), 0);
  l.row_scale.assign(m.common_rows, 0.0f);
  for (size_t r = 0; r < m.common_rows; ++r) {
    const int16_t* row = &fixed[r * m.intents];
    int top = 0;
    for (uint32_t c = 0; c < m.intents; ++c) top = std::max(top, std::abs(static_cast<int>(row[c])));
    const float scale = top > 0 ? static_cast<float>(top) / (127.0f * kTrainScale) : 1.0f;
    l.row_scale[r] = scale;
    int8_t* q = &l.rows[r * m.intents];
    for (uint32_t c = 0; c < m.intents; ++c) {
      q[c] = static_cast<int8_t>(std::lround(static_cast<float>(row[c]) / kTrainScale / scale));
    }
  }
  HugeVector<int16_t>().swap(st_.fixed_rows);
}

}  // namespace zari::match
