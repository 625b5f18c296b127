#include "match/features.h"

#include <algorithm>

#include "util/hash.h"

namespace zari::match {
namespace {

enum Kind : uint8_t { kWord = 1, kStem = 2, kBigram = 3, kCharGram = 4 };

}  // namespace

uint64_t HashFeature(uint8_t kind, std::string_view a, std::string_view b) {
  uint64_t h = hash::Fnv(hash::FnvByte(hash::kFnvOffset, kind), a);
  if (!b.empty()) h = hash::Fnv(hash::FnvByte(h, 0xFF), b);  // 0xFF cannot occur in UTF-8
  return hash::Avalanche(h);
}

void ExtractTokenFeatures(const text::Normalized& n, size_t i, const FeatureOptions& o, std::vector<Feature>* out) {
  const text::Token& t = n.tokens[i];
  std::string_view key = n.KeyOf(t);
  if (o.word > 0) out->push_back({HashFeature(kWord, key), o.word});
  if (o.stem > 0) {
    for (uint32_t s = 0; s < t.stem_count; ++s) {
      std::string_view stem = n.Stem(t.stem_begin + s);
      if (stem != key) out->push_back({HashFeature(kStem, stem), o.stem});
    }
  }
  if (o.chargram > 0 && o.chargram_n > 0 && !t.numeric) {
    // N-grams over " key " in the padded key string (the spaces are there).
    std::string_view padded = std::string_view(n.key).substr(t.key_begin - 1, t.key_len + 2);
    for (int len = std::max(1, o.chargram_min_n); len <= o.chargram_n; ++len) {
      const size_t g = static_cast<size_t>(len);
      if (padded.size() < g) break;
      for (size_t k = 0; k + g <= padded.size(); ++k) {
        // Skip n-grams that start inside a UTF-8 sequence (keys are mostly ASCII).
        if ((static_cast<unsigned char>(padded[k]) & 0xC0) == 0x80) continue;
        out->push_back({HashFeature(static_cast<uint8_t>(kCharGram + len), padded.substr(k, g)), o.chargram});
      }
    }
  }
}

uint64_t WordHash(const text::Normalized& n, size_t i) { return HashFeature(kWord, n.KeyOf(n.tokens[i])); }

Feature BigramFeature(uint64_t left, uint64_t right, const FeatureOptions& o) {
  // Combines the two word hashes (already avalanched) instead of hashing the
  // text again; the kind tag keeps bigrams apart from every other feature.
  uint64_t h = (left * 0x9E3779B97F4A7C15ull) ^ (right + 0x632BE59BD9B4E019ull) ^ (uint64_t{kBigram} << 56);
  h ^= h >> 29;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 32;
  return {h, o.bigram};
}

uint64_t TokenSignature(const text::Normalized& n, size_t i, uint64_t word_hash) {
  const text::Token& t = n.tokens[i];
  uint64_t h = word_hash;
  for (uint32_t s = 0; s < t.stem_count; ++s) h = h * 0x9E3779B97F4A7C15ull ^ HashFeature(kStem, n.Stem(t.stem_begin + s));
  return h ^ (static_cast<uint64_t>(t.numeric) << 63);
}

void ExtractFeatures(const text::Normalized& n, const FeatureOptions& o, std::vector<Feature>* out) {
  const size_t count = n.tokens.size();
  uint64_t next = count ? WordHash(n, 0) : 0;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t here = next;
    ExtractTokenFeatures(n, i, o, out);
    if (i + 1 < count) {
      next = WordHash(n, i + 1);
      if (o.bigram > 0) out->push_back(BigramFeature(here, next, o));
    }
  }
}

}  // namespace zari::match
