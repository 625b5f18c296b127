// Who is waiting for a conversation's next event: the long polls and
// Server-Sent Event streams of /api/v1/events (and the operators' feed).
// A waiter is woken once, when an event of its conversation is announced
// (Notify) or at its deadline; then it reads the events from the store
// itself. Holding 10,000 waiters costs a few hundred bytes each and no
// thread: one timer thread serves every deadline.
//
// Thread-safety: every method, from any thread. Wake callbacks run on the
// thread that called Notify, or on the timer thread, never under the hub's
// lock; they must be quick (they hand work on).
#ifndef ZARI_SERVER_EVENT_HUB_H_
#define ZARI_SERVER_EVENT_HUB_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

namespace zari::server {

class EventHub {
 public:
  using Clock = std::chrono::steady_clock;
  // timed_out: the deadline passed (or the hub shut down) without an event.
  using Wake = std::function<void(bool timed_out)>;

  EventHub();
  ~EventHub();  // Shutdown()
  EventHub(const EventHub&) = delete;
  EventHub& operator=(const EventHub&) = delete;

  // Registers a one-shot waiter; returns its handle (never 0).
  uint64_t Wait(const std::string& id, Clock::time_point deadline, Wake wake);
  // Forgets a waiter that was not woken yet (a client that went away).
  void Cancel(uint64_t handle);
  // Wakes every waiter of conversation `id`.
  void Notify(const std::string& id);
  // Wakes every waiter (not as timed out): they read again. After events
  // may have been missed (a shared store's lost subscription).
  void NotifyAll();
  // Wakes every waiter as timed out and refuses new ones (they are woken at once).
  void Shutdown();
  size_t waiting() const;

 private:
  struct Waiter {
    std::string id;
    Clock::time_point deadline;
    Wake wake;
  };
  void Run();
  // Removes a waiter and returns its callback. REQUIRES: mu_ held.
  Wake TakeLocked(uint64_t handle);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<uint64_t, Waiter> waiters_;
  std::unordered_multimap<std::string, uint64_t> by_id_;
  std::set<std::pair<Clock::time_point, uint64_t>> deadlines_;
  uint64_t next_ = 1;
  bool stop_ = false;
  std::thread timer_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_EVENT_HUB_H_
