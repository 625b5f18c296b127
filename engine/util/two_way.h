// Two-way set-associative slots for the small per-thread caches of the text
// layer (English stems, the language model's token scores): a key may sit in
// either slot of its set, the one used last first. Direct-mapped, keys that
// hash alike evict each other on every use.
#ifndef ZARI_ENGINE_UTIL_TWO_WAY_H_
#define ZARI_ENGINE_UTIL_TWO_WAY_H_

#include <utility>

namespace zari::two_way {

// The slot of the set (set[0], set[1]) that holds(slot) accepts, moved to
// the front; nullptr when neither does.
template <typename Slot, typename Holds>
Slot* Find(Slot* set, Holds holds) {
  if (holds(set[0])) return &set[0];
  if (!holds(set[1])) return nullptr;
  std::swap(set[0], set[1]);
  return &set[0];
}

// The slot for a new key: the front one, whose key moves behind (and the one
// behind is dropped).
template <typename Slot>
Slot* Insert(Slot* set) {
  set[1] = set[0];
  return &set[0];
}

}  // namespace zari::two_way

#endif  // ZARI_ENGINE_UTIL_TWO_WAY_H_
