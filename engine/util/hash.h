// 64-bit FNV-1a with a final avalanche: the one string hash of the engine's
// tables (features, template needs, fingerprints). Stable across runs and
// platforms; the running state lets a caller hash every prefix of a string
// in one pass.
#ifndef ZARI_ENGINE_UTIL_HASH_H_
#define ZARI_ENGINE_UTIL_HASH_H_

#include <cstdint>
#include <string_view>

namespace zari::hash {

inline constexpr uint64_t kFnvOffset = 1469598103934665603ull;
inline constexpr uint64_t kFnvPrime = 1099511628211ull;

inline uint64_t FnvByte(uint64_t h, unsigned char c) { return (h ^ c) * kFnvPrime; }

inline uint64_t Fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) h = FnvByte(h, c);
  return h;
}

// FNV's low bits are weak for short strings; this spreads every input bit
// over the word so any bits can index a table or fill a mask.
inline uint64_t Avalanche(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

// A string's hash; equals Avalanche(Fnv(kFnvOffset, s)) taken incrementally.
inline uint64_t Of(std::string_view s) { return Avalanche(Fnv(kFnvOffset, s)); }

}  // namespace zari::hash

#endif  // ZARI_ENGINE_UTIL_HASH_H_
