#include "session_store.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <random>
#include <stdexcept>

namespace zari::server {

std::string NewSessionId() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

bool IsValidSessionId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

SessionStore::Lease::Lease(Lease&& other) noexcept
    : entry_(std::move(other.entry_)), lock_(std::move(other.lock_)), created_(other.created_) {}

SessionStore::Lease& SessionStore::Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    entry_ = std::move(other.entry_);
    lock_ = std::move(other.lock_);
    created_ = other.created_;
  }
  return *this;
}

void SessionStore::Lease::Release() {
  // Unlock before the last reference can free the mutex.
  if (lock_.owns_lock()) lock_.unlock();
  lock_ = std::unique_lock<std::mutex>();
  entry_.reset();
}

dialog::Session& SessionStore::Lease::session() const { return *entry_->session; }
const std::string& SessionStore::Lease::id() const { return entry_->id; }

SessionStore::SessionStore(Factory factory, Options options)
    : factory_(std::move(factory)), options_(std::move(options)) {
  if (options_.max_sessions == 0) options_.max_sessions = 1;
  stats_.capacity = options_.max_sessions;
}

int64_t SessionStore::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void SessionStore::DropLocked(const std::string& id) {
  auto it = map_.find(id);
  if (it == map_.end()) return;
  lru_.erase(it->second->lru);
  map_.erase(it);  // a Lease still holding the entry keeps it alive
}

void SessionStore::SweepLocked(int64_t now) {
  // lru_ is ordered by last use: expired sessions are at the front.
  while (!lru_.empty()) {
    auto it = map_.find(lru_.front());
    if (it == map_.end()) {  // cannot happen; keep the list consistent anyway
      lru_.pop_front();
      continue;
    }
    if (now - it->second->last_used_ms <= options_.idle_timeout_ms) break;
    DropLocked(lru_.front());
    ++stats_.expired;
  }
}

SessionStore::Lease SessionStore::Acquire(std::string_view id) {
  Lease lease;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const int64_t now = NowMs();
    SweepLocked(now);
    std::shared_ptr<Entry> entry;
    if (!id.empty()) {
      auto it = map_.find(std::string(id));
      if (it != map_.end()) entry = it->second;
    }
    if (!entry) {
      while (map_.size() >= options_.max_sessions && !lru_.empty()) {
        DropLocked(lru_.front());
        ++stats_.evicted;
      }
      std::string fresh = NewSessionId();
      while (map_.count(fresh)) fresh = NewSessionId();
      entry = std::make_shared<Entry>();
      entry->id = fresh;
      entry->session = factory_(fresh);
      entry->lru = lru_.insert(lru_.end(), fresh);
      map_.emplace(fresh, entry);
      ++stats_.created;
      lease.created_ = true;
    } else {
      lru_.splice(lru_.end(), lru_, entry->lru);
    }
    entry->last_used_ms = now;
    lease.entry_ = std::move(entry);
  }
  lease.lock_ = std::unique_lock<std::mutex>(lease.entry_->mu);
  return lease;
}

void SessionStore::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked(NowMs());
}

SessionStoreStats SessionStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  SessionStoreStats s = stats_;
  s.active = map_.size();
  return s;
}

}  // namespace zari::server
