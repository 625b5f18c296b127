#include "match/example_scoring.h"

#include <cstring>
#include <functional>

namespace zari::match {

ScoreScratch& ThreadScratch() {
  thread_local ScoreScratch s;
  return s;
}

// The comparisons run on packed keys (the score's bits made orderable, then
// the intent), not on acc[] through the index: a scan and a select over
// hundreds of scattered intents, half the time.
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

}  // namespace zari::match
