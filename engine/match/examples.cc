#include "match/examples.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>

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
  std::vector<std::pair<uint32_t, float>> commons;  // dense rows to add for candidates (large packs)
  std::vector<uint32_t> token_commons;              // cached tokens' common rows, the same
  // The rows a message's candidates are completed from, resolved.
  struct TokenRow {
    const uint8_t* q;  // (int8 weight, uint8 seen) per intent
    ExampleMatcher::RowScale scale;
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
  std::vector<float> seen;
  std::vector<float> acc;
  std::vector<uint8_t> touched_flag;
  std::vector<uint32_t> touched;
  std::vector<uint64_t> words;      // Nearest: the message's word features
  std::vector<uint64_t> word_hash;  // per token
  std::vector<uint64_t> sigs;       // per token: its signature in the token cache
  std::vector<uint32_t> token_index;  // per token: its cached row, or UINT32_MAX
  std::vector<uint32_t> feature_end;  // per token: end of its features (and bigram) in `features`
  std::vector<uint32_t> slots;        // per feature: its slot in the feature table, or UINT32_MAX
};

ScoreScratch& Scratch() {
  thread_local ScoreScratch s;
  return s;
}

// x rounded half away from zero, saturated to ±32767: the fixed-point
// values of training (not std::lround: a libm call).
template <typename T>
int16_t RoundToInt16(T x) {
  x = std::clamp(x, T(-32767), T(32767));
  return static_cast<int16_t>(x + (x < 0 ? T(-0.5) : T(0.5)));
}

// Keeps in `cands` the `want` intents with the highest acc (ties: the lower
// intent), in intent order. The comparisons run on packed keys (the score's
// bits made orderable, then the intent), not on acc[] through the index:
// a scan and a select over hundreds of scattered intents, half the time.
void SelectBest(const float* acc, size_t want, std::vector<uint32_t>* cands, std::vector<uint64_t>* keys) {
  keys->resize(cands->size());
  uint64_t* k = keys->data();
  for (size_t j = 0; j < cands->size(); ++j) {
    const uint32_t c = (*cands)[j];
    uint32_t bits;
    const float v = acc[c] + 0.0f;  // -0 as +0: equal scores tie on the intent
    std::memcpy(&bits, &v, sizeof bits);
    bits = (bits & 0x80000000u) ? ~bits : bits | 0x80000000u;  // float order as unsigned order
    k[j] = (static_cast<uint64_t>(bits) << 32) | (~c);             // higher first; ties: lower intent first
  }
  std::nth_element(k, k + want, k + keys->size(), std::greater<uint64_t>());
  cands->resize(want);
  for (size_t j = 0; j < want; ++j) (*cands)[j] = ~static_cast<uint32_t>(k[j]);
  std::sort(cands->begin(), cands->end());
}


}  // namespace

const ExampleMatcher::Slot* ExampleMatcher::Find(uint64_t hash) const {
  if (table_.empty()) return nullptr;
  uint64_t i = hash & table_mask_;
  while (true) {
    const Slot& s = table_[i];
    if (s.id == kNone) return nullptr;
    if (s.key == hash) return &s;
    i = (i + 1) & table_mask_;
  }
}

uint32_t ExampleMatcher::Insert(uint64_t hash) {
  if ((feature_hash_.size() + 1) * 10 > table_.size() * 7) {
    // Grow to keep the load factor at or under 0.7: 16-byte slots, four to a
    // cache line, so a probe run rarely leaves the first line, and MASSIVE's
    // 148,000 features take 4 MiB instead of 8.
    size_t cap = table_.empty() ? 1024 : table_.size() * 2;
    table_.assign(cap, Slot{0, kNone, kNone});
    table_mask_ = cap - 1;
    for (uint32_t id = 0; id < feature_hash_.size(); ++id) {
      uint64_t i = feature_hash_[id] & table_mask_;
      while (table_[i].id != kNone) i = (i + 1) & table_mask_;
      table_[i] = {feature_hash_[id], id, kNone};
    }
  }
  uint64_t i = hash & table_mask_;
  while (table_[i].id != kNone) {
    if (table_[i].key == hash) return table_[i].id;
    i = (i + 1) & table_mask_;
  }
  const uint32_t id = static_cast<uint32_t>(feature_hash_.size());
  table_[i] = {hash, id, kNone};
  feature_hash_.push_back(hash);
  return id;
}

void ExampleMatcher::Reserve(size_t examples) {
  // About 70 features an example (words, stems, bigrams, 3- and 4-grams).
  ex_ids_.reserve(examples * 72);
  ex_wk_.reserve(examples * 72);
  ex_begin_.reserve(examples + 1);
  example_intent_.reserve(examples);
}

uint8_t ExampleMatcher::WeightClass(float w) {
  for (size_t i = 0; i < weight_values_.size(); ++i) {
    if (weight_values_[i] == w) return static_cast<uint8_t>(i);
  }
  weight_values_.push_back(w);  // a handful: one per feature kind
  return static_cast<uint8_t>(weight_values_.size() - 1);
}

void ExampleMatcher::Add(const text::Normalized& n, int32_t intent) {
  thread_local std::vector<Feature> f;
  f.clear();
  ExtractFeatures(n, options_.features, &f);
  if (ex_begin_.empty()) ex_begin_.push_back(0);
  for (const Feature& x : f) {
    ex_ids_.push_back(Insert(x.hash));
    ex_wk_.push_back(WeightClass(x.weight));
  }
  ex_begin_.push_back(static_cast<uint32_t>(ex_ids_.size()));
  // Distinct tokens for the per-token cache (built after training).
  for (size_t i = 0; i < n.tokens.size(); ++i) {
    const uint64_t sig = TokenSignature(n, i, WordHash(n, i));
    auto it = pending_token_index_.find(sig);
    if (it != pending_token_index_.end()) {
      ++pending_tokens_[it->second].count;
      continue;
    }
    pending_token_index_.emplace(sig, pending_tokens_.size());
    PendingToken t{sig, 1, static_cast<uint32_t>(tok_ids_.size()), 0};
    f.clear();
    ExtractTokenFeatures(n, i, options_.features, &f);
    for (const Feature& x : f) {
      tok_ids_.push_back(Insert(x.hash));
      tok_w_.push_back(x.weight);
    }
    t.end = static_cast<uint32_t>(tok_ids_.size());
    pending_tokens_.push_back(t);
  }
  example_intent_.push_back(intent);
  std::vector<uint64_t> words;
  WordHashes(n, &words);
  example_words_begin_.push_back(static_cast<uint32_t>(example_words_.size()));
  example_words_.insert(example_words_.end(), words.begin(), words.end());
}

void ExampleMatcher::Finish(size_t intents, BatchPool* threads) {
  BatchPool alone(1);
  BatchPool& pool = threads ? *threads : alone;
  intents_ = static_cast<uint32_t>(intents);
  dense_mode_ = intents_ <= options_.dense_max_intents;
  example_words_begin_.push_back(static_cast<uint32_t>(example_words_.size()));
  intent_examples_.assign(intents, {});

  // Counts per (feature, intent) as CSR, in two passes over the examples.
  // Examples arrive intent by intent, so a feature's intents come in order;
  // the rare exception is sorted and merged below.
  if (ex_begin_.empty()) ex_begin_.push_back(0);
  // Reserve() guessed the number of features; a pack with longer examples
  // doubled the buffers, and they live through refinement: give back the rest.
  if (ex_ids_.capacity() > ex_ids_.size() + ex_ids_.size() / 64) {
    ex_ids_.shrink_to_fit();
    ex_wk_.shrink_to_fit();
  }
  const uint32_t nf = static_cast<uint32_t>(feature_hash_.size());
  const size_t n_ex = ex_begin_.size() - 1;
  Csr counts;
  counts.begin.assign(nf + 1, 0);
  std::vector<double> mass(intents, 0.0), docs(intents, 0.0);
  {
    std::vector<uint32_t> last(nf, kNone);
    for (size_t e = 0; e < n_ex; ++e) {
      const uint32_t intent = static_cast<uint32_t>(example_intent_[e]);
      for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
        const uint32_t f = ex_ids_[k];
        if (last[f] != intent) {
          last[f] = intent;
          ++counts.begin[f + 1];
        }
      }
    }
    for (uint32_t f = 0; f < nf; ++f) counts.begin[f + 1] += counts.begin[f];
    counts.intent.assign(counts.begin[nf], 0);
    counts.value.assign(counts.begin[nf], 0.0f);
    std::vector<uint32_t> pos(counts.begin.begin(), counts.begin.end() - 1);
    std::fill(last.begin(), last.end(), kNone);
    for (size_t e = 0; e < n_ex; ++e) {
      const uint32_t intent = static_cast<uint32_t>(example_intent_[e]);
      intent_examples_[intent].push_back(static_cast<int32_t>(e));
      docs[intent] += 1;
      for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
        const uint32_t f = ex_ids_[k];
        const float w = weight_values_[ex_wk_[k]];
        if (last[f] != intent) {
          last[f] = intent;
          counts.intent[pos[f]] = intent;
          counts.value[pos[f]] = w;
          ++pos[f];
        } else {
          counts.value[pos[f] - 1] += w;
        }
        mass[intent] += w;
      }
    }
  }
  // A feature whose intents came out of order (examples of an intent added
  // in two places): sort and merge, leaving unused slots at the end.
  {
    std::vector<std::pair<uint32_t, float>> tmp;
    uint32_t out = 0;
    std::vector<uint32_t> begin(nf + 1, 0);
    for (uint32_t f = 0; f < nf; ++f) {
      const uint32_t b = counts.begin[f], e = counts.begin[f + 1];
      begin[f] = out;
      bool sorted = true;
      for (uint32_t k = b + 1; k < e; ++k) sorted &= counts.intent[k - 1] < counts.intent[k];
      if (sorted) {
        for (uint32_t k = b; k < e; ++k, ++out) {
          counts.intent[out] = counts.intent[k];
          counts.value[out] = counts.value[k];
        }
        continue;
      }
      tmp.clear();
      for (uint32_t k = b; k < e; ++k) tmp.emplace_back(counts.intent[k], counts.value[k]);
      std::sort(tmp.begin(), tmp.end());
      for (size_t r = 0; r < tmp.size(); ++r) {
        if (r > 0 && tmp[r].first == tmp[r - 1].first) {
          counts.value[out - 1] += tmp[r].second;
        } else {
          counts.intent[out] = tmp[r].first;
          counts.value[out] = tmp[r].second;
          ++out;
        }
      }
    }
    begin[nf] = out;
    counts.begin = std::move(begin);
    counts.intent.resize(out);
    counts.value.resize(out);
  }

  // Naive Bayes: log((count + alpha) / alpha) for each seen (feature, intent);
  // an unseen pair scores 0, and each known feature adds the intent's base.
  const double alpha = options_.alpha;
  const double vocab = static_cast<double>(nf);
  counts.nb.resize(counts.value.size());
  for (size_t k = 0; k < counts.value.size(); ++k) {
    counts.nb[k] = static_cast<float>(std::log((counts.value[k] + alpha) / alpha));
  }
  double total_docs = 0;
  for (double d : docs) total_docs += d;
  base_.assign(intents, 0.0f);
  prior_.assign(intents, 0.0f);
  bias_.assign(intents, 0.0f);
  for (size_t c = 0; c < intents; ++c) {
    base_[c] = static_cast<float>(std::log(alpha / (mass[c] + alpha * vocab)));
    prior_[c] = static_cast<float>(options_.prior_weight *
                                   std::log((docs[c] + 1.0) / (total_docs + static_cast<double>(intents))));
  }
  BuildLayout(counts);
  if (options_.refine_epochs > 0 && intents > 1) Refine(counts, mass, pool);
  std::vector<uint32_t>().swap(ex_ids_);
  std::vector<uint8_t>().swap(ex_wk_);
  std::vector<uint32_t>().swap(ex_begin_);
  BuildTokenCache(pool);
  if (!dense_mode_) QuantizeRows();
}

int16_t ExampleMatcher::ToFixed(float v) { return RoundToInt16(v * kTrainScale); }

void ExampleMatcher::QuantizeRows() {
  dense_q_.assign(train_.size(), 0);
  row_scale_.assign(dense_rows_, 0.0f);
  for (size_t r = 0; r < dense_rows_; ++r) {
    const int16_t* row = &train_[r * intents_];
    int top = 0;
    for (uint32_t c = 0; c < intents_; ++c) top = std::max(top, std::abs(static_cast<int>(row[c])));
    const float scale = top > 0 ? static_cast<float>(top) / (127.0f * kTrainScale) : 1.0f;
    row_scale_[r] = scale;
    int8_t* q = &dense_q_[r * intents_];
    for (uint32_t c = 0; c < intents_; ++c) {
      q[c] = static_cast<int8_t>(std::lround(static_cast<float>(row[c]) / kTrainScale / scale));
    }
  }
  HugeVector<int16_t>().swap(train_);
}

void ExampleMatcher::BuildTokenCache(BatchPool& pool) {
  token_count_ = 0;
  token_table_.clear();
  // Dense mode: a float row of summed weights and one of seen weights per
  // token. Candidate mode: the token's rare features merged into one list,
  // and its common features into one row of (int8 weight, uint8 seen) pairs.
  const size_t row_bytes = dense_mode_ ? static_cast<size_t>(intents_) * 2 * sizeof(float) + 64
                                       : static_cast<size_t>(intents_) * 2 + 64;
  const size_t budget_bytes = dense_mode_ ? options_.token_cache_bytes : options_.candidate_token_cache_bytes;
  const size_t budget = row_bytes ? budget_bytes / row_bytes : 0;
  if (budget > 0 && !pending_tokens_.empty()) {
    // The most frequent tokens first; ties by signature (deterministic).
    std::sort(pending_tokens_.begin(), pending_tokens_.end(), [](const PendingToken& a, const PendingToken& b) {
      return a.count != b.count ? a.count > b.count : a.sig < b.sig;
    });
    token_count_ = std::min(budget, pending_tokens_.size());
    size_t cap = 16;
    while (cap < token_count_ * 2) cap <<= 1;
    token_table_.assign(cap, TokenSlot{0, kNone});
    token_mask_ = cap - 1;
    token_total_.assign(token_count_, 0.0f);
    std::vector<std::vector<TokenPosting>> lists;  // candidate mode, per token
    if (dense_mode_) {
      token_rows_.assign(token_count_ * 2 * intents_, 0.0f);
    } else {
      // Which tokens have common features decides where their rows go.
      token_common_.assign(token_count_, kNone);
      uint32_t rows = 0;
      for (size_t t = 0; t < token_count_; ++t) {
        const PendingToken& p = pending_tokens_[t];
        for (uint32_t k = p.begin; k < p.end; ++k) {
          if (row_[tok_ids_[k]] != kNone) {
            token_common_[t] = rows++;
            break;
          }
        }
      }
      token_common_q_.assign(static_cast<size_t>(rows) * 2 * intents_, 0);
      token_common_scale_.assign(rows, RowScale{1.0f, 1.0f});
      lists.resize(token_count_);
    }
    // Tokens are independent: each is summed on some build thread into its
    // own slots (the result does not depend on which).
    struct Sums {
      std::vector<float> rare, rare_seen, common, common_seen;
      std::vector<uint8_t> rare_flag;
      std::vector<uint32_t> rare_touched;
    };
    std::vector<Sums> sums(pool.size());
    if (!dense_mode_) {
      for (Sums& m : sums) {
        m.rare.assign(intents_, 0.0f);
        m.rare_seen.assign(intents_, 0.0f);
        m.rare_flag.assign(intents_, 0);
        m.common.assign(intents_, 0.0f);
        m.common_seen.assign(intents_, 0.0f);
      }
    }
    pool.Run(token_count_, [&](size_t t, unsigned worker) {
      Sums& m = sums[worker];
      const PendingToken& p = pending_tokens_[t];
      float* row = dense_mode_ ? &token_rows_[t * 2 * intents_] : m.common.data();
      float* seen = dense_mode_ ? row + intents_ : m.common_seen.data();
      float total = 0;
      for (uint32_t k = p.begin; k < p.end; ++k) {
        const uint32_t id = tok_ids_[k];
        const float fw = tok_w_[k];
        total += fw;  // every token feature is in the table (Add inserted it)
        if (row_[id] != kNone) {
          if (dense_mode_) {
            const float* w = &dense_[static_cast<size_t>(row_[id]) * intents_];
            for (uint32_t i = 0; i < intents_; ++i) row[i] += fw * w[i];
          } else {
            const int16_t* w = &train_[static_cast<size_t>(row_[id]) * intents_];
            const float fws = fw / kTrainScale;
            for (uint32_t i = 0; i < intents_; ++i) row[i] += fws * static_cast<float>(w[i]);
          }
          const uint64_t* present = &dense_present_[static_cast<size_t>(row_[id]) * words_per_row_];
          for (uint32_t word = 0; word < words_per_row_; ++word) {
            for (uint64_t bits = present[word]; bits; bits &= bits - 1) {
              seen[word * 64 + static_cast<uint32_t>(__builtin_ctzll(bits))] += fw;
            }
          }
        } else if (dense_mode_) {
          for (uint32_t q = begin_[id]; q < begin_[id + 1]; ++q) {
            row[post_intent_[q] & ~kPresent] += fw * post_weight_[q];
            if (post_intent_[q] & kPresent) seen[post_intent_[q] & ~kPresent] += fw;
          }
        } else {
          for (uint32_t q = begin_[id]; q < begin_[id + 1]; ++q) {
            const uint32_t i = post_intent_[q] & ~kPresent;
            if (!m.rare_flag[i]) m.rare_flag[i] = 1, m.rare_touched.push_back(i);
            m.rare[i] += fw * post_weight_[q];
            if (post_intent_[q] & kPresent) m.rare_seen[i] += fw;
          }
        }
      }
      token_total_[t] = total;
      if (dense_mode_) return;
      std::sort(m.rare_touched.begin(), m.rare_touched.end());
      for (uint32_t i : m.rare_touched) {
        lists[t].push_back({i, m.rare[i], m.rare_seen[i]});
        m.rare[i] = m.rare_seen[i] = 0;
        m.rare_flag[i] = 0;
      }
      m.rare_touched.clear();
      if (token_common_[t] == kNone) return;
      // Quantized like the common rows themselves (QuantizeRows).
      float top = 0, top_seen = 0;
      for (uint32_t c = 0; c < intents_; ++c) {
        top = std::max(top, std::fabs(m.common[c]));
        top_seen = std::max(top_seen, m.common_seen[c]);
      }
      const float scale = top > 0 ? top / 127.0f : 1.0f;
      const float seen_scale = top_seen > 0 ? top_seen / 255.0f : 1.0f;
      const uint32_t r = token_common_[t];
      token_common_scale_[r] = {scale, seen_scale};
      uint8_t* q = &token_common_q_[static_cast<size_t>(r) * 2 * intents_];
      for (uint32_t c = 0; c < intents_; ++c) {
        q[2 * c] = static_cast<uint8_t>(static_cast<int8_t>(std::lround(m.common[c] / scale)));
        q[2 * c + 1] = static_cast<uint8_t>(std::lround(m.common_seen[c] / seen_scale));
      }
      std::fill(m.common.begin(), m.common.end(), 0.0f);
      std::fill(m.common_seen.begin(), m.common_seen.end(), 0.0f);
    });
    if (!dense_mode_) {
      token_post_begin_.assign(token_count_ + 1, 0);
      token_post_.clear();
      for (size_t t = 0; t < token_count_; ++t) {
        token_post_begin_[t] = static_cast<uint32_t>(token_post_.size());
        token_post_.insert(token_post_.end(), lists[t].begin(), lists[t].end());
      }
      token_post_begin_[token_count_] = static_cast<uint32_t>(token_post_.size());
    }
    for (size_t t = 0; t < token_count_; ++t) {
      const uint64_t sig = pending_tokens_[t].sig;
      uint64_t i = sig & token_mask_;
      while (token_table_[i].index != kNone) i = (i + 1) & token_mask_;
      token_table_[i] = {sig, static_cast<uint32_t>(t)};
    }
  }
  std::vector<PendingToken>().swap(pending_tokens_);
  std::vector<uint32_t>().swap(tok_ids_);
  std::vector<float>().swap(tok_w_);
  std::unordered_map<uint64_t, size_t>().swap(pending_token_index_);
}

const ExampleMatcher::TokenSlot* ExampleMatcher::FindToken(uint64_t sig) const {
  if (token_table_.empty()) return nullptr;
  uint64_t i = sig & token_mask_;
  while (true) {
    const TokenSlot& s = token_table_[i];
    if (s.index == kNone) return nullptr;
    if (s.sig == sig) return &s;
    i = (i + 1) & token_mask_;
  }
}

const float* ExampleMatcher::Csr::Find(uint32_t f, uint32_t want) const {
  const uint32_t* b = intent.data() + begin[f];
  const uint32_t* e = intent.data() + begin[f + 1];
  const uint32_t* it = std::lower_bound(b, e, want);
  return it != e && *it == want ? &value[static_cast<size_t>(it - intent.data())] : nullptr;
}

void ExampleMatcher::BuildLayout(const Csr& counts) {
  const uint32_t nf = static_cast<uint32_t>(counts.begin.size() - 1);
  // Scoring every intent, a row pays off for features an eighth of the
  // intents share; scoring candidates, rows are only read for the candidates,
  // so features shared by a thirty-second of them get one too.
  const uint32_t min_dense = dense_mode_ ? std::max<uint32_t>(4, intents_ / 8)
                                         : std::max<uint32_t>(8, intents_ / options_.candidate_row_divisor);
  words_per_row_ = (intents_ + 63) / 64;
  row_.assign(nf, kNone);
  dense_rows_ = 0;
  // Common features get a dense row. Large packs take the most common first,
  // within the memory budget; the rest keep their (long) sparse lists.
  std::vector<uint32_t> common;
  for (uint32_t f = 0; f < nf; ++f) {
    if (counts.Size(f) >= min_dense) common.push_back(f);
  }
  if (!dense_mode_) {
    const size_t row_bytes = static_cast<size_t>(intents_) * sizeof(float) + words_per_row_ * 8;
    const size_t max_rows = row_bytes ? options_.dense_budget_bytes / row_bytes : 0;
    if (common.size() > max_rows) {
      std::stable_sort(common.begin(), common.end(), [&](uint32_t a, uint32_t b) { return counts.Size(a) > counts.Size(b); });
      common.resize(max_rows);
      std::sort(common.begin(), common.end());
    }
  }
  for (uint32_t f : common) row_[f] = static_cast<uint32_t>(dense_rows_++);
  (dense_mode_ ? dense_.assign(dense_rows_ * intents_, 0.0f) : train_.assign(dense_rows_ * intents_, 0));
  dense_present_.assign(dense_rows_ * words_per_row_, 0);
  for (uint32_t f = 0; f < nf; ++f) {
    if (row_[f] == kNone) continue;
    const size_t at = static_cast<size_t>(row_[f]) * intents_;
    uint64_t* present = &dense_present_[static_cast<size_t>(row_[f]) * words_per_row_];
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      if (dense_mode_) dense_[at + counts.intent[k]] = counts.nb[k];
      else train_[at + counts.intent[k]] = ToFixed(counts.nb[k]);
    }
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      present[counts.intent[k] / 64] |= 1ull << (counts.intent[k] % 64);
    }
  }
  for (Slot& slot : table_) {
    if (slot.id != kNone) slot.row = row_[slot.id];
  }
  BuildSparse(counts, nullptr, 1.0f);
}

void ExampleMatcher::BuildSparse(const Csr& counts, const std::vector<std::vector<Delta>>* deltas, float c) {
  const uint32_t nf = static_cast<uint32_t>(counts.begin.size() - 1);
  begin_.assign(nf + 1, 0);
  // Exactly the room needed (large packs keep most pairs in dense rows).
  size_t room = 0;
  for (uint32_t f = 0; f < nf; ++f) {
    if (row_[f] == kNone) room += counts.Size(f) + (deltas ? (*deltas)[f].size() : 0);
  }
  std::vector<uint32_t>().swap(post_intent_);
  std::vector<float>().swap(post_weight_);
  post_intent_.reserve(room);
  post_weight_.reserve(room);
  thread_local std::vector<std::pair<uint32_t, float>> extra;
  for (uint32_t f = 0; f < nf; ++f) {
    begin_[f] = static_cast<uint32_t>(post_intent_.size());
    if (row_[f] != kNone) continue;
    // Averaged corrections for intents NB has no value for, merged in order.
    extra.clear();
    if (deltas) {
      for (const Delta& d : (*deltas)[f]) {
        const float avg = d.w - d.u / c;
        if (avg != 0) extra.emplace_back(d.intent, avg);
      }
      std::sort(extra.begin(), extra.end());
    }
    size_t x = 0;
    for (uint32_t k = counts.begin[f]; k < counts.begin[f + 1]; ++k) {
      const uint32_t intent = counts.intent[k];
      while (x < extra.size() && extra[x].first < intent) {
        post_intent_.push_back(extra[x].first);  // seen by no example of the intent
        post_weight_.push_back(extra[x].second);
        ++x;
      }
      float v = counts.nb[k];
      if (x < extra.size() && extra[x].first == intent) v += extra[x++].second;
      post_intent_.push_back(intent | kPresent);  // every counted pair was seen
      post_weight_.push_back(v);
    }
    for (; x < extra.size(); ++x) {
      post_intent_.push_back(extra[x].first);
      post_weight_.push_back(extra[x].second);
    }
  }
  begin_[nf] = static_cast<uint32_t>(post_intent_.size());
}

bool ExampleMatcher::Present(uint32_t id, uint32_t intent) const {
  if (row_[id] != kNone) {
    return (dense_present_[static_cast<size_t>(row_[id]) * words_per_row_ + intent / 64] >> (intent % 64)) & 1;
  }
  // Sparse postings are sorted by intent.
  const uint32_t* b = post_intent_.data() + begin_[id];
  const uint32_t* e = post_intent_.data() + begin_[id + 1];
  const uint32_t* it =
      std::lower_bound(b, e, intent, [](uint32_t p, uint32_t want) { return (p & ~kPresent) < want; });
  return it != e && (*it & ~kPresent) == intent && (*it & kPresent) != 0;
}

void ExampleMatcher::Refine(Csr& counts, const std::vector<double>& mass, BatchPool& pool) {
  const uint32_t intents = intents_;
  const double alpha = options_.alpha;
  const double vocab = static_cast<double>(feature_hash_.size());
  const bool refine_rare = dense_mode_ || options_.refine_rare_in_large_packs;
  const size_t n_ex = ex_begin_.size() - 1;
  // Sparse features' corrections (dense rows are trained in place).
  std::vector<std::vector<Delta>> delta(refine_rare ? feature_hash_.size() : 0);
  std::vector<float> bias_w(intents, 0.0f), bias_u(intents, 0.0f);
  // A fixed interleaving (multiplicative hash of the index) so intents mix.
  std::vector<uint32_t> order(n_ex);
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [](uint32_t a, uint32_t b) {
    uint32_t ha = a * 2654435761u, hb = b * 2654435761u;
    return ha != hb ? ha < hb : a < b;
  });
  float c = 1;
  const float rate = options_.refine_rate;
  // Dense rows are trained in place (with their averaging sums); sparse
  // features collect small per-intent delta lists. The averaged weight is
  // w - u / c at the last step c; large packs keep u / c itself, in the
  // fixed point of their rows (train_), adding step / c_last of each update.
  std::vector<float> dense_u(dense_.size(), 0.0f);
  std::vector<int16_t> train_u(train_.size(), 0);
  const int epochs = n_ex >= ExampleMatcherOptions::kManyExamples ? std::min(options_.refine_epochs, options_.refine_epochs_many)
                                                                 : options_.refine_epochs;
  const float c_last = 1.0f + static_cast<float>(epochs) * static_cast<float>(n_ex);
  auto add_fixed = [](int16_t& to, float v) {
    to = static_cast<int16_t>(std::clamp(to + ToFixed(v), -32767, 32767));
  };
  // One correction of feature fid's weight for an intent, at step `step`.
  auto update = [&](uint32_t fid, uint32_t intent, float amount, float step) {
    if (row_[fid] == kNone && !refine_rare) return;
    if (row_[fid] != kNone) {
      const size_t k = static_cast<size_t>(row_[fid]) * intents + intent;
      if (dense_mode_) {
        dense_[k] += amount;
        dense_u[k] += step * amount;
      } else {
        add_fixed(train_[k], amount);
        add_fixed(train_u[k], step / c_last * amount);
      }
      return;
    }
    for (Delta& d : delta[fid]) {
      if (d.intent == intent) {
        d.w += amount;
        d.u += step * amount;
        return;
      }
    }
    delta[fid].push_back({intent, amount, step * amount});
  };
  // Leave-one-out terms, computed once and stored beside the flat example
  // features: how the gold intent's weight for each feature changes without
  // this example, and features only it has (unknown when it is left out).
  // The change is kept in fixed point (1/kLooScale) in an int16, and "only
  // this example has the feature" in the top bit of its weight class: three
  // bytes more a feature, not nine.
  constexpr float kLooScale = 2048.0f;
  constexpr uint8_t kOwn = 0x80;
  std::vector<int16_t> loo(ex_ids_.size(), 0);  // w * (weight without - weight with)
  std::vector<float> known_mass(n_ex, 0.0f), gold_base(n_ex, 0.0f);
  // Examples are independent here: chunks of them on the build threads.
  constexpr size_t kChunk = 256;
  pool.Run((n_ex + kChunk - 1) / kChunk, [&](size_t chunk, unsigned) {
    for (size_t e = chunk * kChunk; e < std::min(n_ex, (chunk + 1) * kChunk); ++e) {
      const uint32_t gold = static_cast<uint32_t>(example_intent_[e]);
      double own_mass = 0;
      for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
        const uint32_t id = ex_ids_[k];
        const float w = weight_values_[ex_wk_[k]];
        own_mass += w;
        if (counts.Size(id) == 1 && counts.intent[counts.begin[id]] == gold &&
            counts.value[counts.begin[id]] <= w + 1e-6f) {
          ex_wk_[k] |= kOwn;
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
  });
  std::vector<float>().swap(counts.value);  // only the leave-one-out terms needed the counts

  // Scoring an example against the current weights: the best wrong intent,
  // and whether it comes within the margin of the right one.
  struct Scratch {
    std::vector<float> acc;
    std::vector<uint8_t> touched_flag;
    std::vector<uint32_t> touched, cands;
    std::vector<uint64_t> keys;  // SelectBest
    std::vector<std::pair<uint32_t, float>> commons;  // candidate mode: dense rows to add
    std::vector<std::pair<const int16_t*, float>> rows;  // the same, resolved
  };
  struct Verdict {
    uint32_t best_wrong = kNone;
    bool update = false;
  };
  const size_t want = std::max<size_t>(options_.candidates, 2);
  auto judge = [&](uint32_t e, Scratch& r) {
    const uint32_t gold = static_cast<uint32_t>(example_intent_[e]);
    float* __restrict acc = r.acc.data();
    auto touch = [&](uint32_t i) {
      if (!r.touched_flag[i]) {
        r.touched_flag[i] = 1;
        r.touched.push_back(i);
      }
    };
    r.touched.clear();
    r.commons.clear();
    if (dense_mode_) {
      for (uint32_t i = 0; i < intents; ++i) touch(i);
    }
    touch(gold);
    // The rows are scattered over megabytes: ask for all of them first, so
    // their cache misses overlap (as in Score).
    for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
      const uint32_t id = ex_ids_[k];
      if (row_[id] != kNone) {
        if (!dense_mode_) continue;  // read for the candidates only
        const char* row = reinterpret_cast<const char*>(&dense_[static_cast<size_t>(row_[id]) * intents]);
        for (size_t b = 0; b < intents * sizeof(float); b += 64) __builtin_prefetch(row + b);
      } else {
        __builtin_prefetch(&post_intent_[begin_[id]]);
        __builtin_prefetch(&post_weight_[begin_[id]]);
      }
      if (refine_rare) __builtin_prefetch(&delta[id]);
    }
    // The corrections' lists are a second scattered read behind those
    // headers (a third of this function's time on MASSIVE before).
    if (refine_rare) {
      for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
        const std::vector<Delta>& d = delta[ex_ids_[k]];
        if (!d.empty()) __builtin_prefetch(d.data());
      }
    }
    for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
      if (ex_wk_[k] & kOwn) continue;
      const uint32_t id = ex_ids_[k];
      const float w = weight_values_[ex_wk_[k]];
      if (row_[id] != kNone && !dense_mode_) {
        r.commons.emplace_back(row_[id], w);
      } else if (row_[id] != kNone) {
        const float* __restrict row = &dense_[static_cast<size_t>(row_[id]) * intents];
        for (uint32_t i = 0; i < intents; ++i) acc[i] += w * row[i];
      } else {
        for (uint32_t p = begin_[id]; p < begin_[id + 1]; ++p) {
          const uint32_t i = post_intent_[p] & ~kPresent;
          touch(i);
          acc[i] += w * post_weight_[p];
        }
      }
      acc[gold] += static_cast<float>(loo[k]) / kLooScale;
      if (!refine_rare) continue;
      for (const Delta& d : delta[id]) {
        touch(d.intent);
        acc[d.intent] += w * d.w;
      }
    }
    // Large packs: the candidates as Score picks them, plus the right
    // intent, completed with the common features.
    if (!dense_mode_) {
      const bool no_rare = r.touched.size() == 1;
      if (no_rare) {
        for (uint32_t i = 0; i < intents; ++i) touch(i);
      }
      r.cands.assign(r.touched.begin(), r.touched.end());
      if (!no_rare && r.cands.size() > want) {
        SelectBest(acc, want, &r.cands, &r.keys);  // as in Score
        if (!std::binary_search(r.cands.begin(), r.cands.end(), gold)) {
          r.cands.insert(std::lower_bound(r.cands.begin(), r.cands.end(), gold), gold);
        }
      }
      // Candidate by candidate (as in Score): the sums stay in registers and
      // the reads from the rows are independent.
      r.rows.clear();
      for (const auto& [row, w] : r.commons) r.rows.emplace_back(&train_[static_cast<size_t>(row) * intents], w / kTrainScale);
      for (uint32_t i : r.cands) {
        float a = 0;
        for (const auto& [rw, w] : r.rows) a += w * static_cast<float>(rw[i]);
        acc[i] += a;
      }
    }
    const std::vector<uint32_t>& scan = dense_mode_ ? r.touched : r.cands;
    const float known = known_mass[e];
    Verdict v;
    float best_wrong_score = -1e30f, gold_score = 0;
    for (uint32_t i : scan) {
      const float score = prior_[i] + known * (i == gold ? gold_base[e] : base_[i]) + acc[i] + bias_w[i];
      if (i == gold) gold_score = score;
      else if (score > best_wrong_score) best_wrong_score = score, v.best_wrong = i;
    }
    for (uint32_t i : r.touched) {
      acc[i] = 0;
      r.touched_flag[i] = 0;
    }
    v.update = v.best_wrong != kNone && gold_score - best_wrong_score < options_.refine_margin;
    return v;
  };

  // Mini-batches: the examples of a batch are scored in parallel against
  // the weights as they were at its start, then their updates are applied
  // in order. The batch size depends on the pack alone, so the model is the
  // same on any number of threads; within a batch an example does not see
  // the others' updates.
  std::vector<Scratch> scratch(pool.size());
  for (Scratch& r : scratch) {
    r.acc.assign(intents, 0.0f);
    r.touched_flag.assign(intents, 0);
  }
  const size_t batch = options_.refine_batch ? options_.refine_batch : n_ex < ExampleMatcherOptions::kManyExamples ? 1 : 64;
  std::vector<Verdict> verdicts(batch);
  for (int epoch = 0; epoch < epochs; ++epoch) {
    for (size_t b0 = 0; b0 < order.size(); b0 += batch) {
      const size_t n = std::min(batch, order.size() - b0);
      pool.Run(n, [&](size_t j, unsigned worker) { verdicts[j] = judge(order[b0 + j], scratch[worker]); });
      // Then their updates. Each feature's weights belong to one build
      // thread (its id modulo the threads), which applies their updates in
      // batch order: every weight gets the same sums, in the same order, as
      // on one thread. Example j of the batch is step c0 + j.
      const float c0 = c;
      const size_t parts = n >= 16 ? pool.size() : 1;  // a lone example is not worth waking threads
      pool.Run(parts, [&](size_t part, unsigned) {
        for (size_t j = 0; j < n; ++j) {
          const Verdict& v = verdicts[j];
          if (!v.update) continue;
          const uint32_t e = order[b0 + j];
          const uint32_t gold = static_cast<uint32_t>(example_intent_[e]);
          const float cj = c0 + static_cast<float>(j);
          for (uint32_t k = ex_begin_[e]; k < ex_begin_[e + 1]; ++k) {
            const uint32_t id = ex_ids_[k];
            if (id % parts != part) continue;
            const float w = weight_values_[ex_wk_[k] & ~kOwn];
            update(id, gold, rate * w, cj);
            update(id, v.best_wrong, -rate * w, cj);
          }
        }
      });
      for (size_t j = 0; j < n; ++j) {
        const Verdict& v = verdicts[j];
        if (v.update) {
          const uint32_t gold = static_cast<uint32_t>(example_intent_[order[b0 + j]]);
          bias_w[gold] += rate;
          bias_u[gold] += c * rate;
          bias_w[v.best_wrong] -= rate;
          bias_u[v.best_wrong] -= c * rate;
        }
        c += 1;
      }
    }
  }
  // Average: dense rows in place; sparse features get NB plus their
  // averaged corrections.
  for (size_t k = 0; k < dense_.size(); ++k) dense_[k] -= dense_u[k] / c;
  for (size_t k = 0; k < train_.size(); ++k) {
    train_[k] = static_cast<int16_t>(std::clamp(train_[k] - train_u[k], -32767, 32767));
  }
  if (refine_rare) BuildSparse(counts, &delta, c);  // else the sparse weights are NB's, as laid out
  for (uint32_t i = 0; i < intents; ++i) bias_[i] = bias_w[i] - bias_u[i] / c;
}

void ExampleMatcher::Score(const text::Normalized& n, size_t k, std::vector<Candidate>* out) const {
  if (feature_hash_.empty() || k == 0) return;
  ScoreScratch& s = Scratch();
  const uint32_t intents = intents_;
  if (s.acc.size() < intents) {
    s.acc.resize(intents, 0.0f);
    s.seen.resize(intents, 0.0f);
    s.touched_flag.resize(intents, 0);
  }
  float total = 0, known = 0;
  s.touched.clear();
  s.commons.clear();
  s.token_commons.clear();
  float* __restrict acc = s.acc.data();
  // seen[c]: weight of the message's features intent c has seen (coverage).
  float* __restrict seen = s.seen.data();
  // A message's reads are scattered over tables of many megabytes, so they
  // are issued in passes whose cache misses overlap instead of queuing:
  // (1) hash every token and prefetch its slot in the per-token cache;
  // (2) resolve those, prefetching the cached rows, and collect the features
  //     of the other tokens and the bigrams, prefetching their slots;
  // (3) resolve the feature slots, prefetching their weights;
  // (4) add everything up in message order (the same sums as one pass).
  const size_t tokens = n.tokens.size();
  s.word_hash.resize(tokens);
  s.sigs.resize(tokens);
  s.token_index.resize(tokens);
  s.feature_end.resize(tokens);
  s.features.clear();
  for (size_t t = 0; t < tokens; ++t) {
    s.word_hash[t] = WordHash(n, t);
    s.token_index[t] = kNone;
    if (token_count_) {
      const uint64_t sig = TokenSignature(n, t, s.word_hash[t]);
      s.sigs[t] = sig;
      __builtin_prefetch(&token_table_[sig & token_mask_]);
    }
  }
  for (size_t t = 0; t < tokens; ++t) {
    const TokenSlot* cached = token_count_ ? FindToken(s.sigs[t]) : nullptr;
    if (cached) {
      const uint32_t tok = cached->index;
      s.token_index[t] = tok;
      if (dense_mode_) {
        const char* row = reinterpret_cast<const char*>(&token_rows_[static_cast<size_t>(tok) * 2 * intents]);
        for (size_t b = 0; b < 2 * intents * sizeof(float); b += 64) __builtin_prefetch(row + b);
      } else {
        __builtin_prefetch(&token_post_[token_post_begin_[tok]]);
      }
    } else {
      const size_t before = s.features.size();
      ExtractTokenFeatures(n, t, options_.features, &s.features);
      for (size_t f = before; f < s.features.size(); ++f) __builtin_prefetch(&table_[s.features[f].hash & table_mask_]);
    }
    if (options_.features.bigram > 0 && t + 1 < tokens) {
      const Feature b = BigramFeature(s.word_hash[t], s.word_hash[t + 1], options_.features);
      s.features.push_back(b);
      __builtin_prefetch(&table_[b.hash & table_mask_]);
    }
    s.feature_end[t] = static_cast<uint32_t>(s.features.size());
  }
  s.slots.resize(s.features.size());
  for (size_t f = 0; f < s.features.size(); ++f) {
    const Slot* slot = Find(s.features[f].hash);
    s.slots[f] = slot ? static_cast<uint32_t>(slot - table_.data()) : kNone;
    if (!slot) continue;
    if (slot->row != kNone) {
      if (dense_mode_) {
        const char* row = reinterpret_cast<const char*>(&dense_[static_cast<size_t>(slot->row) * intents]);
        for (size_t b = 0; b < intents * sizeof(float); b += 64) __builtin_prefetch(row + b);
      }
    } else {
      __builtin_prefetch(&post_intent_[begin_[slot->id]]);
      __builtin_prefetch(&post_weight_[begin_[slot->id]]);
    }
  }
  // One feature: its weights over the intents it has.
  auto add = [&](uint32_t at, float w) {
    total += w;
    if (at == kNone) return;
    const Slot* slot = &table_[at];
    const uint32_t id = slot->id;
    known += w;
    if (slot->row != kNone && !dense_mode_) {
      s.commons.push_back({slot->row, w});  // added for the candidates only
      return;
    }
    if (slot->row != kNone) {
      const float* __restrict row = &dense_[static_cast<size_t>(slot->row) * intents];
      for (uint32_t i = 0; i < intents; ++i) acc[i] += w * row[i];
      const uint64_t* present = &dense_present_[static_cast<size_t>(slot->row) * words_per_row_];
      for (uint32_t word = 0; word < words_per_row_; ++word) {
        for (uint64_t bits = present[word]; bits; bits &= bits - 1) {
          seen[word * 64 + static_cast<uint32_t>(__builtin_ctzll(bits))] += w;
        }
      }
    } else {
      for (uint32_t p = begin_[id]; p < begin_[id + 1]; ++p) {
        const uint32_t i = post_intent_[p] & ~kPresent;
        if (!dense_mode_ && !s.touched_flag[i]) {
          s.touched_flag[i] = 1;
          s.touched.push_back(i);
        }
        acc[i] += w * post_weight_[p];
        if (post_intent_[p] & kPresent) seen[i] += w;
      }
    }
  };
  size_t f = 0;
  for (size_t t = 0; t < tokens; ++t) {
    // A known word: its own features in one cached row.
    if (s.token_index[t] != kNone && dense_mode_) {
      const uint32_t tok = s.token_index[t];
      const float* __restrict row = &token_rows_[static_cast<size_t>(tok) * 2 * intents];
      const float* __restrict row_seen = row + intents;
      for (uint32_t i = 0; i < intents; ++i) acc[i] += row[i];
      for (uint32_t i = 0; i < intents; ++i) seen[i] += row_seen[i];
      total += token_total_[tok];
      known += token_total_[tok];
    } else if (s.token_index[t] != kNone) {
      const uint32_t tok = s.token_index[t];
      for (uint32_t p = token_post_begin_[tok]; p < token_post_begin_[tok + 1]; ++p) {
        const TokenPosting& e = token_post_[p];
        if (!s.touched_flag[e.intent]) {
          s.touched_flag[e.intent] = 1;
          s.touched.push_back(e.intent);
        }
        acc[e.intent] += e.w;
        seen[e.intent] += e.seen;
      }
      if (token_common_[tok] != kNone) s.token_commons.push_back(token_common_[tok]);
      total += token_total_[tok];
      known += token_total_[tok];
    }
    for (; f < s.feature_end[t]; ++f) add(s.slots[f], s.features[f].weight);
  }
  const bool found = known > 0;
  if (!found) {
    if (dense_mode_) {
      std::fill(s.acc.begin(), s.acc.begin() + intents, 0.0f);
      std::fill(s.seen.begin(), s.seen.begin() + intents, 0.0f);
    } else {
      for (uint32_t c : s.touched) s.acc[c] = s.seen[c] = 0, s.touched_flag[c] = 0;
    }
    return;
  }
  if (!dense_mode_) {
    // Candidates: the intents the rarer features point to (all intents when
    // there are none), the best `candidates` of them by those features.
    const bool no_rare = s.touched.empty();
    if (no_rare) {
      for (uint32_t c = 0; c < intents; ++c) s.touched.push_back(c), s.touched_flag[c] = 1;
    }
    s.cands.assign(s.touched.begin(), s.touched.end());
    const size_t want = std::max<size_t>(options_.candidates, k);
    if (!no_rare && s.cands.size() > want) {
      // In intent order, so candidates that share a cache line of a row
      // read it once, one after the other.
      SelectBest(acc, want, &s.cands, &s.keys);
    }
    // Complete their scores with the common features: the cached tokens'
    // rows and the other common features' rows. Candidate by candidate, so
    // a candidate's sums stay in registers and its reads from the rows are
    // independent of each other (their cache misses overlap).
    s.token_rows.clear();
    for (uint32_t row : s.token_commons) {
      s.token_rows.push_back({&token_common_q_[static_cast<size_t>(row) * 2 * intents], token_common_scale_[row]});
    }
    s.feature_rows.clear();
    for (const auto& [row, w] : s.commons) {
      s.feature_rows.push_back({&dense_q_[static_cast<size_t>(row) * intents],
                                &dense_present_[static_cast<size_t>(row) * words_per_row_], w * row_scale_[row], w});
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
      acc[c] += a;
      seen[c] += sn;
    }
  }
  // Log-likelihoods, then (second pass) the softmax normalizer and the best
  // few among the intents close enough to the best to matter.
  float best = -1e30f;
  auto ll_of = [&](uint32_t c) {
    const float ll = prior_[c] + known * base_[c] + s.acc[c] + bias_[c];
    s.acc[c] = ll;
    best = std::max(best, ll);
  };
  if (dense_mode_) {
    for (uint32_t c = 0; c < intents; ++c) ll_of(c);
  } else {
    for (uint32_t c : s.cands) ll_of(c);
  }
  constexpr size_t kPool = 5;
  std::pair<float, uint32_t> pool[kPool];
  size_t pooled = 0;
  const float inv_t = 1.0f / options_.temperature;
  const float cutoff = best - 14.0f * options_.temperature;  // exp(-14) < 1e-6: noise
  float z = 0;
  auto near = [&](uint32_t c) {
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
  };
  if (dense_mode_) {
    for (uint32_t c = 0; c < intents; ++c) near(c);
  } else {
    for (uint32_t c : s.cands) near(c);
  }
  // Calibrated scores for the pool.
  const size_t before = out->size();
  for (size_t j = 0; j < pooled; ++j) {
    const uint32_t c = pool[j].second;
    const float posterior = std::exp((pool[j].first - best) * inv_t) / z;
    const float coverage = total > 0 ? seen[c] / total : 0.0f;
    const float cov = options_.coverage_power == 1.0f ? coverage : std::pow(coverage, options_.coverage_power);
    Candidate cand;
    cand.intent = static_cast<int32_t>(c);
    cand.score = std::clamp(posterior * cov, 0.0f, 1.0f);
    cand.via = Via::kExample;
    out->push_back(cand);
  }
  // Leave the scratch zeroed for the next message.
  if (dense_mode_) {
    std::fill(s.acc.begin(), s.acc.begin() + intents, 0.0f);
    std::fill(s.seen.begin(), s.seen.begin() + intents, 0.0f);
  } else {
    for (uint32_t c : s.touched) {
      s.acc[c] = 0;
      s.seen[c] = 0;
      s.touched_flag[c] = 0;
    }
  }
  std::sort(out->begin() + static_cast<std::ptrdiff_t>(before), out->end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.intent < b.intent;
  });
  if (out->size() - before > k) out->resize(before + k);
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
