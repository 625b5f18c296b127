#include "match/example_refine.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "match/example_naive_bayes.h"
#include "match/example_scoring.h"

namespace zari::match {
namespace {

// Leave-one-out terms are kept in fixed point (1/kLooScale) in an int16, and
// "only this example has the feature" in the top bit of its weight class:
// three bytes more a feature, not nine.
constexpr float kLooScale = 2048.0f;
constexpr uint8_t kOwn = 0x80;

// The outcome of scoring one example: the best wrong intent, and whether it
// comes within the margin of the right one.
struct Verdict {
  uint32_t best_wrong = kNoIndex;
  bool update = false;
};

// One build thread's buffers for judging examples.
struct JudgeScratch {
  std::vector<float> acc;
  std::vector<uint8_t> touched_flag;
  std::vector<uint32_t> touched, cands;
  std::vector<uint64_t> keys;                          // SelectBest
  std::vector<std::pair<uint32_t, float>> commons;     // large layout: common rows to add
  std::vector<std::pair<const int16_t*, float>> rows;  // the same, resolved

  void Touch(uint32_t i) {
    if (!touched_flag[i]) {
      touched_flag[i] = 1;
      touched.push_back(i);
    }
  }
};

// What both layouts' refinement share, and their shared steps: the examples
// with their leave-one-out terms, the order they are visited in, the sparse
// features' corrections (common rows are trained by the layout), the biases,
// and the step counter c of the averaging (the averaged weight is w - u / c
// at the last step).
struct Perceptron {
  Perceptron(TrainingState& st, FeatureCounts& counts, ExampleModel& m, bool refine_rare);

  void LeaveOneOut(const std::vector<double>& mass, BatchPool& pool);
  void LeaveOneOutOf(size_t e, const std::vector<double>& mass);
  // The scattered reads of judging an example are asked for first, so that
  // their cache misses overlap: a feature's sparse list,
  void PrefetchSparse(uint32_t id) const {
    __builtin_prefetch(&m.sparse.intent[m.sparse.begin[id]]);
    __builtin_prefetch(&m.sparse.weight[m.sparse.begin[id]]);
  }
  // and its corrections' lists, a second scattered read behind their headers
  // (a third of judging's time on MASSIVE before they were prefetched).
  void PrefetchDeltas(uint32_t e) const;
  // acc[i] += w × the feature's sparse weight (or correction) for intent i.
  template <typename Touch>
  void AddSparse(uint32_t id, float w, float* __restrict acc, Touch touch) const;
  template <typename Touch>
  void AddDeltas(uint32_t id, float w, float* __restrict acc, Touch touch) const;
  Verdict Decide(uint32_t e, const std::vector<uint32_t>& scan, const float* acc) const;
  void UpdateSparse(uint32_t fid, uint32_t intent, float amount, float step);
  void UpdateBiases(const std::vector<Verdict>& verdicts, size_t b0, size_t n);
  // The sparse weights and biases averaged (after the layout's rows).
  void Average();

  TrainingState& st;
  TrainingExamples& ex;
  FeatureCounts& counts;
  ExampleModel& m;
  const uint32_t intents;
  const size_t n_ex;
  const bool refine_rare;  // sparse features are corrected too
  const int epochs;
  const float rate;
  Deltas delta;
  std::vector<float> bias_w, bias_u;
  std::vector<uint32_t> order;
  std::vector<int16_t> loo;  // per example feature: w * (weight without - weight with)
  std::vector<float> known_mass, gold_base;  // per example
  float c = 1;
};

Perceptron::Perceptron(TrainingState& st_in, FeatureCounts& counts_in, ExampleModel& m_in, bool rare)
    : st(st_in),
      ex(st_in.examples),
      counts(counts_in),
      m(m_in),
      intents(m_in.intents),
      n_ex(st_in.examples.size()),
      refine_rare(rare),
      epochs(n_ex >= ExampleMatcherOptions::kManyExamples
                 ? std::min(m_in.options.refine_epochs, m_in.options.refine_epochs_many)
                 : m_in.options.refine_epochs),
      rate(m_in.options.refine_rate),
      delta(rare ? m_in.table.size : 0),
      bias_w(intents, 0.0f),
      bias_u(intents, 0.0f),
      order(n_ex) {
  // A fixed interleaving (multiplicative hash of the index) so intents mix.
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](uint32_t a, uint32_t b) {
    uint32_t ha = a * 2654435761u, hb = b * 2654435761u;
    return ha != hb ? ha < hb : a < b;
  });
}

// Leave-one-out terms, computed once and stored beside the flat example
// features: how the gold intent's weight for each feature changes without
// this example, and features only it has (unknown when it is left out).
void Perceptron::LeaveOneOut(const std::vector<double>& mass, BatchPool& pool) {
  loo.assign(ex.ids.size(), 0);
  known_mass.assign(n_ex, 0.0f);
  gold_base.assign(n_ex, 0.0f);
  // Examples are independent here: chunks of them on the build threads.
  constexpr size_t kChunk = 256;
  pool.Run((n_ex + kChunk - 1) / kChunk, [&](size_t chunk, unsigned) {
    for (size_t e = chunk * kChunk; e < std::min(n_ex, (chunk + 1) * kChunk); ++e) LeaveOneOutOf(e, mass);
  });
  std::vector<float>().swap(counts.value);  // only the leave-one-out terms needed the counts
}

void Perceptron::LeaveOneOutOf(size_t e, const std::vector<double>& mass) {
  const double alpha = m.options.alpha;
  const double vocab = static_cast<double>(m.table.size);
  const uint32_t gold = static_cast<uint32_t>(ex.intent[e]);
  double own_mass = 0;
  for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
    const uint32_t id = ex.ids[k];
    const float w = ex.weight_values[ex.wk[k]];
    own_mass += w;
    if (counts.Size(id) == 1 && counts.intent[counts.begin[id]] == gold &&
        counts.value[counts.begin[id]] <= w + 1e-6f) {
      ex.wk[k] |= kOwn;
      continue;
    }
    known_mass[e] += w;
    if (const float* g = counts.Find(id, gold)) {
      // log((g - w + a) / a) - log((g + a) / a), as one logarithm.
      const double change = std::log((std::max(0.0, static_cast<double>(*g) - w) + alpha) / (*g + alpha));
      loo[k] = RoundToInt16(w * change * kLooScale);
    }
  }
  // The gold intent's NB base without this example's mass.
  gold_base[e] = static_cast<float>(std::log(alpha / (std::max(0.0, mass[gold] - own_mass) + alpha * vocab)));
}

void Perceptron::PrefetchDeltas(uint32_t e) const {
  for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
    const std::vector<Delta>& d = delta[ex.ids[k]];
    if (!d.empty()) __builtin_prefetch(d.data());
  }
}

template <typename Touch>
void Perceptron::AddSparse(uint32_t id, float w, float* __restrict acc, Touch touch) const {
  for (uint32_t p = m.sparse.begin[id]; p < m.sparse.begin[id + 1]; ++p) {
    const uint32_t i = m.sparse.intent[p] & ~SparseWeights::kPresent;
    touch(i);
    acc[i] += w * m.sparse.weight[p];
  }
}

template <typename Touch>
void Perceptron::AddDeltas(uint32_t id, float w, float* __restrict acc, Touch touch) const {
  for (const Delta& d : delta[id]) {
    touch(d.intent);
    acc[d.intent] += w * d.w;
  }
}

Verdict Perceptron::Decide(uint32_t e, const std::vector<uint32_t>& scan, const float* acc) const {
  const uint32_t gold = static_cast<uint32_t>(ex.intent[e]);
  const float known = known_mass[e];
  Verdict v;
  float best_wrong_score = -1e30f, gold_score = 0;
  for (uint32_t i : scan) {
    const float score = m.prior[i] + known * (i == gold ? gold_base[e] : m.base[i]) + acc[i] + bias_w[i];
    if (i == gold) gold_score = score;
    else if (score > best_wrong_score) best_wrong_score = score, v.best_wrong = i;
  }
  v.update = v.best_wrong != kNoIndex && gold_score - best_wrong_score < m.options.refine_margin;
  return v;
}

void Perceptron::UpdateSparse(uint32_t fid, uint32_t intent, float amount, float step) {
  for (Delta& d : delta[fid]) {
    if (d.intent == intent) {
      d.w += amount;
      d.u += step * amount;
      return;
    }
  }
  delta[fid].push_back({intent, amount, step * amount});
}

void Perceptron::UpdateBiases(const std::vector<Verdict>& verdicts, size_t b0, size_t n) {
  for (size_t j = 0; j < n; ++j) {
    const Verdict& v = verdicts[j];
    if (v.update) {
      const uint32_t gold = static_cast<uint32_t>(ex.intent[order[b0 + j]]);
      bias_w[gold] += rate;
      bias_u[gold] += c * rate;
      bias_w[v.best_wrong] -= rate;
      bias_u[v.best_wrong] -= c * rate;
    }
    c += 1;
  }
}

void Perceptron::Average() {
  // Without rare corrections the sparse weights are NB's, as laid out.
  if (refine_rare) BuildSparse(counts, st.row_of, &delta, c, &m.sparse);
  for (uint32_t i = 0; i < intents; ++i) m.bias[i] = bias_w[i] - bias_u[i] / c;
}

// The dense layout: every intent scored; the float rows the scorer reads are
// trained in place, with their averaging sums.
class DenseRefine {
 public:
  explicit DenseRefine(Perceptron& p) : p_(p), rows_(p.m.dense_layout.rows), u_(rows_.size(), 0.0f), all_(p.intents) {
    for (uint32_t i = 0; i < p.intents; ++i) all_[i] = i;
  }

  Verdict Judge(uint32_t e, JudgeScratch& r) const {
    Prefetch(e);
    float* __restrict acc = r.acc.data();
    Sum(e, acc);
    const Verdict v = p_.Decide(e, all_, acc);
    std::fill(acc, acc + p_.intents, 0.0f);
    return v;
  }
  void UpdateRow(size_t k, float amount, float step) {
    rows_[k] += amount;
    u_[k] += step * amount;
  }
  void AverageRows(float c) {
    for (size_t k = 0; k < rows_.size(); ++k) rows_[k] -= u_[k] / c;
  }

 private:
  // The rows are scattered over megabytes: ask for all of them first, so
  // their cache misses overlap (as in scoring).
  void Prefetch(uint32_t e) const {
    const TrainingExamples& ex = p_.ex;
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      const uint32_t id = ex.ids[k];
      const uint32_t row = p_.st.row_of[id];
      if (row != kNoIndex) {
        PrefetchBytes(&rows_[static_cast<size_t>(row) * p_.intents], p_.intents * sizeof(float));
      } else {
        p_.PrefetchSparse(id);
      }
      __builtin_prefetch(&p_.delta[id]);
    }
    p_.PrefetchDeltas(e);
  }
  void Sum(uint32_t e, float* __restrict acc) const {
    const TrainingExamples& ex = p_.ex;
    const uint32_t intents = p_.intents;
    const uint32_t gold = static_cast<uint32_t>(ex.intent[e]);
    auto every_intent = [](uint32_t) {};  // all of them are scored anyway
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      if (ex.wk[k] & kOwn) continue;
      const uint32_t id = ex.ids[k];
      const float w = ex.weight_values[ex.wk[k]];
      const uint32_t row = p_.st.row_of[id];
      if (row != kNoIndex) {
        const float* __restrict weights = &rows_[static_cast<size_t>(row) * intents];
        for (uint32_t i = 0; i < intents; ++i) acc[i] += w * weights[i];
      } else {
        p_.AddSparse(id, w, acc, every_intent);
      }
      acc[gold] += static_cast<float>(p_.loo[k]) / kLooScale;
      p_.AddDeltas(id, w, acc, every_intent);
    }
  }

  Perceptron& p_;
  HugeVector<float>& rows_;
  std::vector<float> u_;
  std::vector<uint32_t> all_;  // 0, 1, ... intents - 1
};

// The large layout: the candidates as scoring picks them, plus the right
// intent, completed with the common rows, which are trained in fixed point:
// u holds u / c itself, adding step / c_last of each update.
class LargeRefine {
 public:
  explicit LargeRefine(Perceptron& p)
      : p_(p),
        rows_(p.st.fixed_rows),
        u_(rows_.size(), 0),
        c_last_(1.0f + static_cast<float>(p.epochs) * static_cast<float>(p.n_ex)),
        want_(std::max<size_t>(p.m.options.candidates, 2)) {}

  Verdict Judge(uint32_t e, JudgeScratch& r) const {
    const uint32_t gold = static_cast<uint32_t>(p_.ex.intent[e]);
    r.touched.clear();
    r.commons.clear();
    r.Touch(gold);
    Prefetch(e);
    Sum(e, r);
    PickCandidates(gold, r);
    Complete(r);
    const Verdict v = p_.Decide(e, r.cands, r.acc.data());
    for (uint32_t i : r.touched) {
      r.acc[i] = 0;
      r.touched_flag[i] = 0;
    }
    return v;
  }
  void UpdateRow(size_t k, float amount, float step) {
    AddFixed(rows_[k], amount);
    AddFixed(u_[k], step / c_last_ * amount);
  }
  void AverageRows(float) {
    for (size_t k = 0; k < rows_.size(); ++k) {
      rows_[k] = static_cast<int16_t>(std::clamp(rows_[k] - u_[k], -32767, 32767));
    }
  }

 private:
  static void AddFixed(int16_t& to, float v) {
    to = static_cast<int16_t>(std::clamp(to + ToFixed(v), -32767, 32767));
  }
  // Common rows are read for the candidates only: just the sparse lists.
  void Prefetch(uint32_t e) const {
    const TrainingExamples& ex = p_.ex;
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      const uint32_t id = ex.ids[k];
      if (p_.st.row_of[id] != kNoIndex) continue;
      p_.PrefetchSparse(id);
      if (p_.refine_rare) __builtin_prefetch(&p_.delta[id]);
    }
    if (p_.refine_rare) p_.PrefetchDeltas(e);
  }
  // The rare features' weights; the common ones are collected in r.commons.
  void Sum(uint32_t e, JudgeScratch& r) const {
    const TrainingExamples& ex = p_.ex;
    const uint32_t gold = static_cast<uint32_t>(ex.intent[e]);
    float* __restrict acc = r.acc.data();
    auto touch = [&r](uint32_t i) { r.Touch(i); };
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      if (ex.wk[k] & kOwn) continue;
      const uint32_t id = ex.ids[k];
      const float w = ex.weight_values[ex.wk[k]];
      const uint32_t row = p_.st.row_of[id];
      if (row != kNoIndex) {
        r.commons.emplace_back(row, w);
      } else {
        p_.AddSparse(id, w, acc, touch);
      }
      acc[gold] += static_cast<float>(p_.loo[k]) / kLooScale;
      if (p_.refine_rare) p_.AddDeltas(id, w, acc, touch);
    }
  }
  void PickCandidates(uint32_t gold, JudgeScratch& r) const {
    const bool no_rare = r.touched.size() == 1;
    if (no_rare) {
      for (uint32_t i = 0; i < p_.intents; ++i) r.Touch(i);
    }
    r.cands.assign(r.touched.begin(), r.touched.end());
    if (!no_rare && r.cands.size() > want_) {
      SelectBest(r.acc.data(), want_, &r.cands, &r.keys);  // as in scoring
      if (!std::binary_search(r.cands.begin(), r.cands.end(), gold)) {
        r.cands.insert(std::lower_bound(r.cands.begin(), r.cands.end(), gold), gold);
      }
    }
  }
  // Candidate by candidate (as in scoring): the sums stay in registers and
  // the reads from the rows are independent.
  void Complete(JudgeScratch& r) const {
    r.rows.clear();
    for (const auto& [row, w] : r.commons) {
      r.rows.emplace_back(&rows_[static_cast<size_t>(row) * p_.intents], w / kTrainScale);
    }
    for (uint32_t i : r.cands) {
      float a = 0;
      for (const auto& [rw, w] : r.rows) a += w * static_cast<float>(rw[i]);
      r.acc[i] += a;
    }
  }

  Perceptron& p_;
  HugeVector<int16_t>& rows_;
  std::vector<int16_t> u_;
  const float c_last_;
  const size_t want_;
};

// Each feature's weights belong to one build thread (its id modulo the
// threads), which applies the batch's updates in batch order: every weight
// gets the same sums, in the same order, as on one thread. Example j of the
// batch is step c0 + j.
template <class Layout>
void ApplyUpdates(Perceptron& p, Layout& layout, const std::vector<Verdict>& verdicts, size_t b0, size_t n,
                  BatchPool& pool) {
  const float c0 = p.c;
  const size_t parts = n >= 16 ? pool.size() : 1;  // a lone example is not worth waking threads
  const uint32_t intents = p.intents;
  auto update = [&](uint32_t fid, uint32_t intent, float amount, float step) {
    const uint32_t row = p.st.row_of[fid];
    if (row != kNoIndex) return layout.UpdateRow(static_cast<size_t>(row) * intents + intent, amount, step);
    if (p.refine_rare) p.UpdateSparse(fid, intent, amount, step);
  };
  pool.Run(parts, [&](size_t part, unsigned) {
    for (size_t j = 0; j < n; ++j) {
      const Verdict& v = verdicts[j];
      if (!v.update) continue;
      const uint32_t e = p.order[b0 + j];
      const uint32_t gold = static_cast<uint32_t>(p.ex.intent[e]);
      const float cj = c0 + static_cast<float>(j);
      for (uint32_t k = p.ex.begin[e]; k < p.ex.begin[e + 1]; ++k) {
        const uint32_t id = p.ex.ids[k];
        if (id % parts != part) continue;
        const float w = p.ex.weight_values[p.ex.wk[k] & ~kOwn];
        update(id, gold, p.rate * w, cj);
        update(id, v.best_wrong, -p.rate * w, cj);
      }
    }
  });
}

// Mini-batches: the examples of a batch are scored in parallel against the
// weights as they were at its start, then their updates are applied in
// order. The batch size depends on the pack alone, so the model is the same
// on any number of threads; within a batch an example does not see the
// others' updates.
template <class Layout>
void Train(Perceptron& p, Layout& layout, BatchPool& pool) {
  std::vector<JudgeScratch> scratch(pool.size());
  for (JudgeScratch& r : scratch) {
    r.acc.assign(p.intents, 0.0f);
    r.touched_flag.assign(p.intents, 0);
  }
  const size_t many = ExampleMatcherOptions::kManyExamples;
  const size_t batch = p.m.options.refine_batch ? p.m.options.refine_batch : p.n_ex < many ? 1 : 64;
  std::vector<Verdict> verdicts(batch);
  for (int epoch = 0; epoch < p.epochs; ++epoch) {
    for (size_t b0 = 0; b0 < p.order.size(); b0 += batch) {
      const size_t n = std::min(batch, p.order.size() - b0);
      pool.Run(n, [&](size_t j, unsigned worker) { verdicts[j] = layout.Judge(p.order[b0 + j], scratch[worker]); });
      ApplyUpdates(p, layout, verdicts, b0, n, pool);
      p.UpdateBiases(verdicts, b0, n);
    }
  }
  layout.AverageRows(p.c);
  p.Average();
}

}  // namespace

void Refine(TrainingState& st, FeatureCounts& counts, const std::vector<double>& mass, ExampleModel& m,
            BatchPool& pool) {
  Perceptron p(st, counts, m, m.dense || m.options.refine_rare_in_large_packs);
  if (m.dense) {
    DenseRefine layout(p);
    p.LeaveOneOut(mass, pool);
    Train(p, layout, pool);
  } else {
    LargeRefine layout(p);
    p.LeaveOneOut(mass, pool);
    Train(p, layout, pool);
  }
}

}  // namespace zari::match
