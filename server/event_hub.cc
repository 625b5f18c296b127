#include "event_hub.h"

namespace zari::server {

EventHub::EventHub() : timer_([this] { Run(); }) {}

EventHub::~EventHub() {
  Shutdown();
  if (timer_.joinable()) timer_.join();
}

uint64_t EventHub::Wait(const std::string& id, Clock::time_point deadline, Wake wake) {
  uint64_t handle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    handle = next_++;
    if (!stop_) {
      const bool earliest = deadlines_.empty() || deadline < deadlines_.begin()->first;
      waiters_.emplace(handle, Waiter{id, deadline, std::move(wake)});
      by_id_.emplace(id, handle);
      deadlines_.emplace(deadline, handle);
      if (earliest) cv_.notify_one();
      return handle;
    }
  }
  wake(true);  // shutting down: no more waiting
  return handle;
}

EventHub::Wake EventHub::TakeLocked(uint64_t handle) {
  auto it = waiters_.find(handle);
  if (it == waiters_.end()) return nullptr;
  Wake wake = std::move(it->second.wake);
  deadlines_.erase({it->second.deadline, handle});
  auto range = by_id_.equal_range(it->second.id);
  for (auto i = range.first; i != range.second; ++i) {
    if (i->second == handle) {
      by_id_.erase(i);
      break;
    }
  }
  waiters_.erase(it);
  return wake;
}

void EventHub::Cancel(uint64_t handle) {
  std::lock_guard<std::mutex> lock(mu_);
  TakeLocked(handle);
}

void EventHub::Notify(const std::string& id) {
  std::vector<Wake> woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<uint64_t> handles;
    auto range = by_id_.equal_range(id);
    for (auto i = range.first; i != range.second; ++i) handles.push_back(i->second);
    for (uint64_t h : handles) woken.push_back(TakeLocked(h));
  }
  for (Wake& w : woken) w(false);
}

void EventHub::NotifyAll() {
  std::vector<Wake> woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    while (!waiters_.empty()) woken.push_back(TakeLocked(waiters_.begin()->first));
  }
  for (Wake& w : woken) w(false);
}

void EventHub::Shutdown() {
  std::vector<Wake> woken;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    while (!waiters_.empty()) woken.push_back(TakeLocked(waiters_.begin()->first));
  }
  cv_.notify_all();
  for (Wake& w : woken) w(true);
}

size_t EventHub::waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return waiters_.size();
}

void EventHub::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (deadlines_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const Clock::time_point next = deadlines_.begin()->first;
    if (Clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    std::vector<Wake> expired;
    const Clock::time_point now = Clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      expired.push_back(TakeLocked(deadlines_.begin()->second));
    }
    lock.unlock();
    for (Wake& w : expired) w(true);
    lock.lock();
  }
}

}  // namespace zari::server
