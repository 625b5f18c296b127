// util/two_way.h: the two slots of a set behind the text layer's per-thread
// caches keep the two keys used last, the latest first.
#include <doctest/doctest.h>

#include "util/two_way.h"

namespace {

struct Slot {
  int key = 0;  // 0: empty
  int value = 0;
};

const Slot* Lookup(Slot* set, int key) {
  return zari::two_way::Find(set, [&](const Slot& s) { return s.key == key; });
}

void Put(Slot* set, int key, int value) {
  Slot& s = *zari::two_way::Insert(set);
  s.key = key;
  s.value = value;
}

}  // namespace

TEST_CASE("two_way: two keys of one set both stay; a third drops the one used longest ago") {
  Slot set[2];
  CHECK(Lookup(set, 1) == nullptr);
  Put(set, 1, 10);
  Put(set, 2, 20);
  REQUIRE(Lookup(set, 1) != nullptr);  // found behind, moved to the front
  CHECK(Lookup(set, 1)->value == 10);
  CHECK(set[0].key == 1);
  CHECK(Lookup(set, 2)->value == 20);
  CHECK(set[0].key == 2);
  Put(set, 3, 30);  // 1 was used longest ago
  CHECK(Lookup(set, 1) == nullptr);
  CHECK(Lookup(set, 2)->value == 20);
  CHECK(Lookup(set, 3)->value == 30);
}
