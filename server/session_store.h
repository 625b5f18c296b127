// Conversations of the HTTP server (docs/HTTP.md): one dialog::Session per
// visitor, kept in memory with an idle timeout and a bounded count.
//
// Thread-safety: a SessionStore may be used by any number of threads. Each
// session has its own mutex, held by the Lease that Acquire returns, so one
// session answers one request at a time while other sessions run in
// parallel. The store's own mutex is never held while a session's is awaited.
//
// Expiry: a session idle for longer than the timeout is treated as absent
// (a request naming it starts a new conversation with a new id) and its state
// is dropped; when the store is full the least recently used session is
// dropped to make room. A request still running on a dropped session finishes
// normally: the Lease keeps the session alive until it is released.
#ifndef ZARI_SERVER_SESSION_STORE_H_
#define ZARI_SERVER_SESSION_STORE_H_

#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "dialog/session.h"

namespace zari::server {

// A fresh unguessable session id: 32 hex digits from the kernel's CSPRNG.
std::string NewSessionId();

// Session ids a client may send back: 1..128 of [A-Za-z0-9_.-].
bool IsValidSessionId(std::string_view id);

struct SessionStoreStats {
  size_t active = 0;     // sessions held now
  size_t capacity = 0;
  uint64_t created = 0;  // since start
  uint64_t expired = 0;  // dropped after the idle timeout
  uint64_t evicted = 0;  // dropped because the store was full
};

class SessionStore {
 public:
  using Factory = std::function<std::unique_ptr<dialog::Session>(const std::string& id)>;

  struct Options {
    size_t max_sessions = 10000;
    int64_t idle_timeout_ms = 30 * 60 * 1000;
    // Monotonic milliseconds; empty = std::chrono::steady_clock (tests inject one).
    std::function<int64_t()> now_ms;
  };

  SessionStore(Factory factory, Options options);
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  struct Entry;

  // Exclusive use of one session until destroyed (or moved from).
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease() { Release(); }
    // Unlocks the session (then drops the reference that kept it alive).
    void Release();
    dialog::Session& session() const;
    const std::string& id() const;
    bool created() const { return created_; }  // a new conversation started here
    explicit operator bool() const { return entry_ != nullptr; }

   private:
    friend class SessionStore;
    std::shared_ptr<Entry> entry_;
    std::unique_lock<std::mutex> lock_;
    bool created_ = false;
  };

  // The live session `id`, or (id empty, unknown or expired) a new session
  // with a fresh id. Blocks while another request holds the same session.
  Lease Acquire(std::string_view id);

  // Drops expired sessions now (Acquire also does it as it goes).
  void Sweep();

  SessionStoreStats stats() const;

 private:
  int64_t NowMs() const;
  void SweepLocked(int64_t now);  // REQUIRES: mu_ held
  void DropLocked(const std::string& id);

  Factory factory_;
  Options options_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> map_;
  std::list<std::string> lru_;  // front = least recently used
  SessionStoreStats stats_;
};

struct SessionStore::Entry {
  std::mutex mu;  // held by the Lease while a request uses the session
  std::unique_ptr<dialog::Session> session;
  std::string id;
  int64_t last_used_ms = 0;
  std::list<std::string>::iterator lru;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_SESSION_STORE_H_
