#include "match/example_model.h"

#include <algorithm>

#include "match/features.h"

namespace zari::match {

void WordHashes(const text::Normalized& n, std::vector<uint64_t>* out) {
  out->clear();
  for (const text::Token& t : n.tokens) {
    out->push_back(HashFeature(1, n.KeyOf(t)));
    for (uint32_t s = 0; s < t.stem_count; ++s) out->push_back(HashFeature(2, n.Stem(t.stem_begin + s)));
  }
  std::sort(out->begin(), out->end());
  out->erase(std::unique(out->begin(), out->end()), out->end());
}

int32_t ExampleIndex::Nearest(const text::Normalized& n, int32_t intent, std::vector<uint64_t>* message_words) const {
  if (intent < 0 || static_cast<size_t>(intent) >= of_intent.size()) return -1;
  std::vector<uint64_t>& mine = *message_words;
  WordHashes(n, &mine);
  int32_t best = -1;
  double best_score = 0;
  for (int32_t e : of_intent[static_cast<size_t>(intent)]) {
    const uint64_t* b = words.data() + words_begin[static_cast<size_t>(e)];
    const uint64_t* end = words.data() + words_begin[static_cast<size_t>(e) + 1];
    size_t shared = 0;
    size_t i = 0;
    for (const uint64_t* p = b; p != end && i < mine.size();) {
      if (*p == mine[i]) ++shared, ++p, ++i;
      else if (*p < mine[i]) ++p;
      else ++i;
    }
    // Jaccard-like overlap, so short exact paraphrases beat long examples.
    size_t uni = static_cast<size_t>(end - b) + mine.size() - shared;
    double score = uni ? static_cast<double>(shared) / static_cast<double>(uni) : 0;
    if (score > best_score) {
      best_score = score;
      best = e;
    }
  }
  return best;
}

}  // namespace zari::match
