#include "match/example_naive_bayes.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace zari::match {
namespace {

// Pass 1: how many intents saw each feature, as CSR offsets.
void CountPairs(const TrainingExamples& ex, std::vector<uint32_t>& last, FeatureCounts* counts) {
  for (size_t e = 0; e < ex.size(); ++e) {
    const uint32_t intent = static_cast<uint32_t>(ex.intent[e]);
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      const uint32_t f = ex.ids[k];
      if (last[f] != intent) {
        last[f] = intent;
        ++counts->begin[f + 1];
      }
    }
  }
  const size_t nf = counts->begin.size() - 1;
  for (size_t f = 0; f < nf; ++f) counts->begin[f + 1] += counts->begin[f];
}

// Pass 2: the intents and summed weights. Examples arrive intent by intent,
// so a run of one intent's examples adds to the entry it opened.
void FillPairs(const TrainingExamples& ex, std::vector<uint32_t>& last, FeatureCounts* counts, IntentTotals* totals,
               std::vector<std::vector<int32_t>>* of_intent) {
  const uint32_t nf = static_cast<uint32_t>(counts->begin.size() - 1);
  counts->intent.assign(counts->begin[nf], 0);
  counts->value.assign(counts->begin[nf], 0.0f);
  std::vector<uint32_t> pos(counts->begin.begin(), counts->begin.end() - 1);
  std::fill(last.begin(), last.end(), kNoIndex);
  for (size_t e = 0; e < ex.size(); ++e) {
    const uint32_t intent = static_cast<uint32_t>(ex.intent[e]);
    (*of_intent)[intent].push_back(static_cast<int32_t>(e));
    totals->docs[intent] += 1;
    for (uint32_t k = ex.begin[e]; k < ex.begin[e + 1]; ++k) {
      const uint32_t f = ex.ids[k];
      const float w = ex.weight_values[ex.wk[k]];
      if (last[f] != intent) {
        last[f] = intent;
        counts->intent[pos[f]] = intent;
        counts->value[pos[f]] = w;
        ++pos[f];
      } else {
        counts->value[pos[f] - 1] += w;
      }
      totals->mass[intent] += w;
    }
  }
}

// A feature whose intents came out of order (examples of an intent added in
// two places): sort and merge, leaving unused slots at the end.
void MergeOutOfOrder(FeatureCounts* counts) {
  const uint32_t nf = static_cast<uint32_t>(counts->begin.size() - 1);
  std::vector<std::pair<uint32_t, float>> tmp;
  uint32_t out = 0;
  std::vector<uint32_t> begin(nf + 1, 0);
  for (uint32_t f = 0; f < nf; ++f) {
    const uint32_t b = counts->begin[f], e = counts->begin[f + 1];
    begin[f] = out;
    bool sorted = true;
    for (uint32_t k = b + 1; k < e; ++k) sorted &= counts->intent[k - 1] < counts->intent[k];
    if (sorted) {
      for (uint32_t k = b; k < e; ++k, ++out) {
        counts->intent[out] = counts->intent[k];
        counts->value[out] = counts->value[k];
      }
      continue;
    }
    tmp.clear();
    for (uint32_t k = b; k < e; ++k) tmp.emplace_back(counts->intent[k], counts->value[k]);
    std::sort(tmp.begin(), tmp.end());
    for (size_t r = 0; r < tmp.size(); ++r) {
      if (r > 0 && tmp[r].first == tmp[r - 1].first) {
        counts->value[out - 1] += tmp[r].second;
      } else {
        counts->intent[out] = tmp[r].first;
        counts->value[out] = tmp[r].second;
        ++out;
      }
    }
  }
  begin[nf] = out;
  counts->begin = std::move(begin);
  counts->intent.resize(out);
  counts->value.resize(out);
}

// Corrections of feature f for intents NB has no value for, averaged, in
// intent order.
void AveragedCorrections(const std::vector<Delta>& deltas, float steps, std::vector<std::pair<uint32_t, float>>* out) {
  out->clear();
  for (const Delta& d : deltas) {
    const float avg = d.w - d.u / steps;
    if (avg != 0) out->emplace_back(d.intent, avg);
  }
  std::sort(out->begin(), out->end());
}

}  // namespace

FeatureCounts CountFeatures(const TrainingExamples& ex, uint32_t features, uint32_t intents, IntentTotals* totals,
                            std::vector<std::vector<int32_t>>* of_intent) {
  FeatureCounts counts;
  counts.begin.assign(features + 1, 0);
  totals->mass.assign(intents, 0.0);
  totals->docs.assign(intents, 0.0);
  {
    std::vector<uint32_t> last(features, kNoIndex);  // the intent a feature was last seen with
    CountPairs(ex, last, &counts);
    FillPairs(ex, last, &counts, totals, of_intent);
  }
  MergeOutOfOrder(&counts);
  return counts;
}

void NaiveBayes(const IntentTotals& totals, FeatureCounts* counts, ExampleModel* m) {
  const double alpha = m->options.alpha;
  const double vocab = static_cast<double>(counts->begin.size() - 1);
  counts->nb.resize(counts->value.size());
  for (size_t k = 0; k < counts->value.size(); ++k) {
    counts->nb[k] = static_cast<float>(std::log((counts->value[k] + alpha) / alpha));
  }
  const size_t intents = totals.mass.size();
  double total_docs = 0;
  for (double d : totals.docs) total_docs += d;
  m->base.assign(intents, 0.0f);
  m->prior.assign(intents, 0.0f);
  m->bias.assign(intents, 0.0f);
  for (size_t c = 0; c < intents; ++c) {
    m->base[c] = static_cast<float>(std::log(alpha / (totals.mass[c] + alpha * vocab)));
    m->prior[c] = static_cast<float>(m->options.prior_weight * std::log((totals.docs[c] + 1.0) /
                                                                        (total_docs + static_cast<double>(intents))));
  }
}

void BuildSparse(const FeatureCounts& counts, const std::vector<uint32_t>& row_of, const Deltas* deltas, float steps,
                 SparseWeights* out) {
  const uint32_t nf = static_cast<uint32_t>(counts.begin.size() - 1);
  out->begin.assign(nf + 1, 0);
  // Exactly the room needed (large packs keep most pairs in common rows).
  size_t room = 0;
  for (uint32_t f = 0; f < nf; ++f) {
    if (row_of[f] == kNoIndex) room += counts.Size(f) + (deltas ? (*deltas)[f].size() : 0);
  }
  std::vector<uint32_t>().swap(out->intent);
  std::vector<float>().swap(out->weight);
  out->intent.reserve(room);
  out->weight.reserve(room);
  thread_local std::vector<std::pair<uint32_t, float>> extra;
  extra.clear();
  auto put = [&](uint32_t intent, float w) {
    out->intent.push_back(intent);
    out->weight.push_back(w);
  };
  for (uint32_t f = 0; f < nf; ++f) {
    out->begin[f] = static_cast<uint32_t>(out->intent.size());
    if (row_of[f] != kNoIndex) continue;
    if (deltas) AveragedCorrections((*deltas)[f], steps, &extra);
    // The corrections merged in intent order; an intent with a correction
    // but no count was seen by no example of it.
    size_t x = 0;
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      const uint32_t intent = counts.intent[k];
      for (; x < extra.size() && extra[x].first < intent; ++x) put(extra[x].first, extra[x].second);
      float v = counts.nb[k];
      if (x < extra.size() && extra[x].first == intent) v += extra[x++].second;
      put(intent | SparseWeights::kPresent, v);  // every counted pair was seen
    }
    for (; x < extra.size(); ++x) put(extra[x].first, extra[x].second);
  }
  out->begin[nf] = static_cast<uint32_t>(out->intent.size());
}

}  // namespace zari::match
