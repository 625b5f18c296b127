// A few threads that run one batch of independent items at a time, for the
// build steps of a pack load that parallelize (scoring training examples).
//
// Run(n, fn) calls fn(item, worker) for every item in [0, n), spread over
// the pool's threads and the caller's, and returns when all are done.
// Which thread runs which item varies from run to run: callers make each
// item's result depend on the item alone (worker only picks scratch space),
// so what they build is the same for any number of threads.
#ifndef ZARI_ENGINE_UTIL_BATCH_POOL_H_
#define ZARI_ENGINE_UTIL_BATCH_POOL_H_

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace zari {

class BatchPool {
 public:
  // `threads` in all, the caller's included (0: one per CPU, at most
  // kMaxThreads); 1 runs everything on the caller's thread.
  static constexpr unsigned kMaxThreads = 4;
  explicit BatchPool(unsigned threads) {
    if (threads == 0) threads = std::min(kMaxThreads, std::max(1u, std::thread::hardware_concurrency()));
    for (unsigned w = 1; w < threads; ++w) workers_.emplace_back([this, w] { Loop(w); });
  }
  ~BatchPool() {
    stop_ = true;
    generation_.fetch_add(1, std::memory_order_release);
    generation_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()) + 1; }

  template <typename F>
  void Run(size_t n, F&& fn) {
    if (workers_.empty() || n < 2) {
      for (size_t i = 0; i < n; ++i) fn(i, 0u);
      return;
    }
    call_ = [](void* f, size_t i, unsigned w) { (*static_cast<F*>(f))(i, w); };
    fn_ = &fn;
    n_ = n;
    next_.store(0, std::memory_order_relaxed);
    busy_.store(static_cast<unsigned>(workers_.size()), std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);  // publishes the batch
    generation_.notify_all();
    Work(0);
    for (unsigned b; (b = busy_.load(std::memory_order_acquire)) != 0;) busy_.wait(b, std::memory_order_acquire);
  }

 private:
  void Work(unsigned worker) {
    for (size_t i; (i = next_.fetch_add(1, std::memory_order_relaxed)) < n_;) call_(fn_, i, worker);
  }
  void Loop(unsigned worker) {
    uint64_t seen = 0;
    while (true) {
      generation_.wait(seen, std::memory_order_acquire);
      seen = generation_.load(std::memory_order_acquire);
      if (stop_) return;
      Work(worker);
      busy_.fetch_sub(1, std::memory_order_release);
      busy_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  void (*call_)(void*, size_t, unsigned) = nullptr;
  void* fn_ = nullptr;
  size_t n_ = 0;
  bool stop_ = false;
  std::atomic<uint64_t> generation_{0};
  std::atomic<size_t> next_{0};
  std::atomic<unsigned> busy_{0};
};

}  // namespace zari

#endif  // ZARI_ENGINE_UTIL_BATCH_POOL_H_
