#include "match/examples.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

namespace zari::match {
namespace {

// Word-level features of a text (keys and stems), sorted: for explanations.
void WordHashes(const text::Normalized& n, std::vector<uint64_t>* out) {
  out->clear();
  for (const text::Token& t : n.tokens) {
    out->push_back(HashFeature(1, n.KeyOf(t)));
    for (uint32_t s = 0; s < t.stem_count; ++s) out->push_back(HashFeature(2, n.Stem(t.stem_begin + s)));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

// Per-thread scoring buffers, grown to the largest pack seen.
struct ScoreScratch {
  std::vector<Feature> features;
  std::vector<float> acc;        // per intent: sum of w * log_ratio
  std::vector<float> known;      // per intent: weight of message features seen in the intent
  std::vector<uint8_t> touched_flag;
  std::vector<uint32_t> touched;
  std::vector<uint64_t> words;
};

ScoreScratch& Scratch() {
  thread_local ScoreScratch s;
  return s;
}

}  // namespace

void ExampleMatcher::Add(const text::Normalized& n, int32_t intent) {
  std::vector<Feature> f;
  ExtractFeatures(n, options_.features, &f);
  pending_.push_back(std::move(f));
  example_intent_.push_back(intent);
  std::vector<uint64_t> words;
  WordHashes(n, &words);
  example_words_begin_.push_back(static_cast<uint32_t>(example_words_.size()));
  example_words_.insert(example_words_.end(), words.begin(), words.end());
}

void ExampleMatcher::Finish(size_t intents) {
  example_words_begin_.push_back(static_cast<uint32_t>(example_words_.size()));
  intent_examples_.assign(intents, {});
  std::vector<double> docs(intents, 0.0), mass(intents, 0.0);
  // Document frequencies for idf weighting.
  std::unordered_map<uint64_t, float> df;
  if (options_.idf_power > 0) {
    for (const auto& ex : pending_) {
      for (const Feature& f : ex) df[f.hash] += 1;
    }
  }
  const double n_docs = static_cast<double>(pending_.size());
  auto idf_of = [&](uint64_t h) -> float {
    if (options_.idf_power <= 0) return 1.0f;
    auto it = df.find(h);
    double d = it == df.end() ? 1.0 : it->second;
    return static_cast<float>(std::pow(std::log(1.0 + n_docs / d), options_.idf_power));
  };
  // feature → (intent → count)
  std::unordered_map<uint64_t, std::vector<std::pair<uint32_t, float>>> counts;
  counts.reserve(pending_.size() * 8);
  for (size_t e = 0; e < pending_.size(); ++e) {
    const uint32_t intent = static_cast<uint32_t>(example_intent_[e]);
    intent_examples_[intent].push_back(static_cast<int32_t>(e));
    docs[intent] += 1;
    for (Feature& f : pending_[e]) f.weight *= idf_of(f.hash);
    if (options_.length_norm) {
      double norm = 0;
      for (const Feature& f : pending_[e]) norm += static_cast<double>(f.weight) * f.weight;
      norm = std::sqrt(norm);
      if (norm > 0) {
        for (Feature& f : pending_[e]) f.weight = static_cast<float>(f.weight / norm * 4.0);
      }
    }
    for (const Feature& f : pending_[e]) {
      auto& list = counts[f.hash];
      if (!list.empty() && list.back().first == intent) {
        list.back().second += f.weight;
      } else {
        list.emplace_back(intent, f.weight);
      }
      mass[intent] += f.weight;
    }
  }

  // Deterministic feature order (by hash) regardless of hash-map iteration.
  feature_keys_.clear();
  feature_keys_.reserve(counts.size());
  for (const auto& [h, list] : counts) feature_keys_.push_back(h);
  std::sort(feature_keys_.begin(), feature_keys_.end());

  const double alpha = options_.alpha;
  const double vocab = static_cast<double>(feature_keys_.size());
  posting_begin_.assign(feature_keys_.size() + 1, 0);
  postings_.clear();
  idf_.assign(feature_keys_.size(), 1.0f);
  for (size_t i = 0; i < feature_keys_.size(); ++i) idf_[i] = idf_of(feature_keys_[i]);
  for (size_t i = 0; i < feature_keys_.size(); ++i) {
    posting_begin_[i] = static_cast<uint32_t>(postings_.size());
    auto& list = counts[feature_keys_[i]];
    std::sort(list.begin(), list.end());
    // The same intent may appear more than once (examples not contiguous).
    for (size_t k = 0; k < list.size();) {
      uint32_t intent = list[k].first;
      double c = 0;
      while (k < list.size() && list[k].first == intent) c += list[k++].second;
      postings_.push_back({intent, static_cast<float>(std::log((c + alpha) / alpha)), static_cast<float>(c)});
    }
  }
  posting_begin_[feature_keys_.size()] = static_cast<uint32_t>(postings_.size());

  double total_docs = 0;
  for (double d : docs) total_docs += d;
  base_.assign(intents, 0.0f);
  prior_.assign(intents, 0.0f);
  for (size_t c = 0; c < intents; ++c) {
    base_[c] = static_cast<float>(std::log(alpha / (mass[c] + alpha * vocab)));
    prior_[c] = static_cast<float>(options_.prior_weight *
                                   std::log((docs[c] + 1.0) / (total_docs + static_cast<double>(intents))));
  }

  // Open-addressing table at load factor <= 0.5.
  size_t cap = 16;
  while (cap < feature_keys_.size() * 2) cap <<= 1;
  table_mask_ = cap - 1;
  table_keys_.assign(cap, 0);
  table_ids_.assign(cap, UINT32_MAX);
  for (size_t i = 0; i < feature_keys_.size(); ++i) {
    uint64_t slot = feature_keys_[i] & table_mask_;
    while (table_ids_[slot] != UINT32_MAX) slot = (slot + 1) & table_mask_;
    table_keys_[slot] = feature_keys_[i];
    table_ids_[slot] = static_cast<uint32_t>(i);
  }
  bias_.assign(intents, 0.0f);
  if (options_.refine_epochs > 0) Refine(mass);
  pending_.clear();
  pending_.shrink_to_fit();
}

void ExampleMatcher::Refine(const std::vector<double>& mass) {
  const size_t intents = base_.size();
  const size_t nf = feature_keys_.size();
  const double alpha = options_.alpha;
  const double vocab = static_cast<double>(nf);
  // Examples as (feature id, weight) with the weights NB counted.
  struct Item {
    uint32_t id;
    float w;
  };
  std::vector<std::vector<Item>> ex(pending_.size());
  std::vector<float> ex_mass(pending_.size(), 0.0f);
  for (size_t e = 0; e < pending_.size(); ++e) {
    for (const Feature& f : pending_[e]) {
      int64_t id = Find(f.hash);
      if (id < 0) continue;
      ex[e].push_back({static_cast<uint32_t>(id), f.weight});
      ex_mass[e] += f.weight;
    }
  }
  // Averaged perceptron deltas per (feature, intent): w and the running sum
  // for averaging (Daumé's trick: average = w - u / c).
  struct Delta {
    uint32_t intent;
    float w;
    float u;
  };
  std::vector<std::vector<Delta>> delta(nf);
  std::vector<float> bias_w(intents, 0.0f), bias_u(intents, 0.0f);
  std::vector<float> acc(intents, 0.0f);
  std::vector<uint8_t> touched_flag(intents, 0);
  std::vector<uint32_t> touched;
  // A fixed interleaving (by a hash of the index) so classes mix.
  std::vector<uint32_t> order(ex.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](uint32_t a, uint32_t b) {
    return (a * 2654435761u) < (b * 2654435761u) || ((a * 2654435761u) == (b * 2654435761u) && a < b);
  });
  float c = 1;
  const float rate = options_.refine_rate;
  auto update = [&](uint32_t fid, uint32_t intent, float amount) {
    for (Delta& d : delta[fid]) {
      if (d.intent == intent) {
        d.w += amount;
        d.u += c * amount;
        return;
      }
    }
    delta[fid].push_back({intent, amount, c * amount});
  };
  for (int epoch = 0; epoch < options_.refine_epochs; ++epoch) {
    for (uint32_t e : order) {
      const uint32_t gold = static_cast<uint32_t>(example_intent_[e]);
      touched.clear();
      float known = 0;
      auto touch = [&](uint32_t i) {
        if (!touched_flag[i]) {
          touched_flag[i] = 1;
          touched.push_back(i);
        }
      };
      touch(gold);
      for (const Item& it : ex[e]) {
        // Leave this example out: a feature only it has is unknown.
        const uint32_t b = posting_begin_[it.id], en = posting_begin_[it.id + 1];
        if (en - b == 1 && postings_[b].intent == gold && postings_[b].weight <= it.w + 1e-6f) continue;
        const float w = it.w * idf_[it.id];
        known += w;
        for (uint32_t p = b; p < en; ++p) {
          const Posting& post = postings_[p];
          touch(post.intent);
          float lr = post.log_ratio;
          if (post.intent == gold) {
            lr = static_cast<float>(std::log((std::max(0.0, static_cast<double>(post.weight) - it.w) + alpha) / alpha));
          }
          acc[post.intent] += w * lr;
        }
        for (const Delta& d : delta[it.id]) {
          touch(d.intent);
          acc[d.intent] += w * d.w;
        }
      }
      const float gold_base = static_cast<float>(std::log(alpha / (std::max(0.0, mass[gold] - ex_mass[e]) + alpha * vocab)));
      uint32_t best_wrong = UINT32_MAX;
      float best_wrong_score = -1e30f, gold_score = 0;
      for (uint32_t i : touched) {
        float base = i == gold ? gold_base : base_[i];
        float score = prior_[i] + known * base + acc[i] + bias_w[i];
        if (i == gold) gold_score = score;
        else if (score > best_wrong_score) best_wrong_score = score, best_wrong = i;
        acc[i] = 0;
        touched_flag[i] = 0;
      }
      if (best_wrong != UINT32_MAX && gold_score - best_wrong_score < options_.refine_margin) {
        for (const Item& it : ex[e]) {
          const float amount = rate * it.w * idf_[it.id];
          update(it.id, gold, amount);
          update(it.id, best_wrong, -amount);
        }
        bias_w[gold] += rate;
        bias_u[gold] += c * rate;
        bias_w[best_wrong] -= rate;
        bias_u[best_wrong] -= c * rate;
      }
      c += 1;
    }
  }
  // Fold the averaged deltas into the postings.
  std::vector<Posting> merged;
  std::vector<uint32_t> begin(nf + 1, 0);
  merged.reserve(postings_.size());
  for (size_t f = 0; f < nf; ++f) {
    begin[f] = static_cast<uint32_t>(merged.size());
    std::vector<Posting> row(postings_.begin() + posting_begin_[f], postings_.begin() + posting_begin_[f + 1]);
    for (const Delta& d : delta[f]) {
      const float avg = d.w - d.u / c;
      if (avg == 0) continue;
      auto it = std::find_if(row.begin(), row.end(), [&](const Posting& p) { return p.intent == d.intent; });
      if (it != row.end()) it->log_ratio += avg;
      else row.push_back({d.intent, avg, 0.0f});
    }
    std::sort(row.begin(), row.end(), [](const Posting& a, const Posting& b) { return a.intent < b.intent; });
    merged.insert(merged.end(), row.begin(), row.end());
  }
  begin[nf] = static_cast<uint32_t>(merged.size());
  postings_ = std::move(merged);
  posting_begin_ = std::move(begin);
  for (size_t i = 0; i < intents; ++i) bias_[i] = bias_w[i] - bias_u[i] / c;
}

int64_t ExampleMatcher::Find(uint64_t hash) const {
  if (table_ids_.empty()) return -1;
  uint64_t slot = hash & table_mask_;
  while (true) {
    uint32_t id = table_ids_[slot];
    if (id == UINT32_MAX) return -1;
    if (table_keys_[slot] == hash) return id;
    slot = (slot + 1) & table_mask_;
  }
}

void ExampleMatcher::Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const {
  if (feature_keys_.empty() || k == 0) return;
  ScoreScratch& s = Scratch();
  const size_t intents = base_.size();
  if (s.acc.size() < intents) {
    s.acc.resize(intents, 0.0f);
    s.known.resize(intents, 0.0f);
    s.touched_flag.resize(intents, 0);
  }
  s.features.clear();
  ExtractFeatures(n, options_.features, &s.features);
  float total_weight = 0, known_weight = 0;
  s.touched.clear();
  for (const Feature& f : s.features) {
    int64_t id = Find(f.hash);
    if (id < 0) {
      total_weight += f.weight;
      continue;
    }
    const float w = f.weight * idf_[static_cast<size_t>(id)];
    total_weight += w;
    known_weight += w;
    for (uint32_t p = posting_begin_[static_cast<size_t>(id)]; p < posting_begin_[static_cast<size_t>(id) + 1]; ++p) {
      const Posting& post = postings_[p];
      if (!s.touched_flag[post.intent]) {
        s.touched_flag[post.intent] = 1;
        s.touched.push_back(post.intent);
      }
      s.acc[post.intent] += w * post.log_ratio;
      s.known[post.intent] += w;
    }
  }
  if (s.touched.empty()) return;

  // Log-likelihood of each touched intent over the known features, then a
  // softmax posterior among them.
  float best_ll = -1e30f;
  for (uint32_t c : s.touched) {
    float ll = prior_[c] + known_weight * base_[c] + s.acc[c] + bias_[c];
    s.acc[c] = ll;
    best_ll = std::max(best_ll, ll);
  }
  float z = 0;
  const float inv_t = 1.0f / options_.temperature;
  for (uint32_t c : s.touched) z += std::exp((s.acc[c] - best_ll) * inv_t);

  // Keep the top k by log-likelihood.
  size_t before = out->size();
  for (uint32_t c : s.touched) {
    float posterior = std::exp((s.acc[c] - best_ll) * inv_t) / z;
    float coverage = total_weight > 0 ? s.known[c] / total_weight : 0.0f;
    float score = posterior * std::pow(coverage, options_.coverage_power);
    Candidate cand;
    cand.intent = static_cast<int32_t>(c);
    cand.score = std::clamp(score, 0.0f, 1.0f);
    cand.via = Via::kExample;
    if (out->size() - before < k) {
      out->push_back(cand);
    } else {
      auto worst = std::min_element(out->begin() + static_cast<std::ptrdiff_t>(before), out->end(),
                                    [](const Candidate& a, const Candidate& b) { return a.score < b.score; });
      if (cand.score > worst->score) *worst = cand;
    }
    s.acc[c] = 0;
    s.known[c] = 0;
    s.touched_flag[c] = 0;
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(before), out->end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.intent < b.intent;
  });
}

int32_t ExampleMatcher::Nearest(const text::Normalized& n, int32_t intent) const {
  if (intent < 0 || static_cast<size_t>(intent) >= intent_examples_.size()) return -1;
  ScoreScratch& s = Scratch();
  WordHashes(n, &s.words);
  int32_t best = -1;
  double best_score = 0;
  for (int32_t e : intent_examples_[static_cast<size_t>(intent)]) {
    const uint64_t* b = example_words_.data() + example_words_begin_[static_cast<size_t>(e)];
    const uint64_t* end = example_words_.data() + example_words_begin_[static_cast<size_t>(e) + 1];
    size_t shared = 0;
    size_t i = 0;
    for (const uint64_t* p = b; p != end && i < s.words.size();) {
      if (*p == s.words[i]) ++shared, ++p, ++i;
      else if (*p < s.words[i]) ++p;
      else ++i;
    }
    // Jaccard-like overlap, so short exact paraphrases beat long examples.
    size_t uni = static_cast<size_t>(end - b) + s.words.size() - shared;
    double score = uni ? static_cast<double>(shared) / static_cast<double>(uni) : 0;
    if (score > best_score) {
      best_score = score;
      best = e;
    }
  }
  return best;
}

}  // namespace zari::match
