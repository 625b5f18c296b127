// util/batch_pool.h: every item of every batch runs exactly once, on some
// thread, and the caller sees all of a batch's writes when Run returns (the
// pack build relies on both). Run again under TSan by scripts/test.sh.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "util/batch_pool.h"

using zari::BatchPool;

TEST_CASE("batch pool: each item once per batch, results visible to the caller") {
  for (unsigned threads : {1u, 2u, 4u}) {
    BatchPool pool(threads);
    CHECK(pool.size() == threads);
    std::vector<uint64_t> out(97, 0);
    std::vector<std::atomic<int>> runs(out.size());
    std::vector<int> per_worker(pool.size(), 0);
    uint64_t expected_sum = 0;
    for (uint64_t batch = 1; batch <= 300; ++batch) {
      const size_t n = 1 + batch % out.size();  // batches of every size, 1..97
      for (auto& r : runs) r.store(0);
      pool.Run(n, [&](size_t i, unsigned worker) {
        REQUIRE(worker < pool.size());
        out[i] = batch * 1000 + i;  // plain writes, read below after Run
        runs[i].fetch_add(1);
        ++per_worker[worker];       // each worker owns its slot
      });
      for (size_t i = 0; i < n; ++i) {
        CHECK(runs[i].load() == 1);
        CHECK(out[i] == batch * 1000 + i);
      }
      for (size_t i = n; i < out.size(); ++i) CHECK(runs[i].load() == 0);
      expected_sum += n;
    }
    uint64_t sum = 0;
    for (int c : per_worker) sum += static_cast<uint64_t>(c);
    CHECK(sum == expected_sum);
  }
}

TEST_CASE("batch pool: zero threads means one per CPU, bounded") {
  BatchPool pool(0);
  CHECK(pool.size() >= 1);
  CHECK(pool.size() <= BatchPool::kMaxThreads);
  int ran = 0;
  pool.Run(0, [&](size_t, unsigned) { ++ran; });
  CHECK(ran == 0);
}
