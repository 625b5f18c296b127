// `zari serve --store redis://HOST:PORT[/DB][?prefix=NAME]`: conversations
// shared by several servers behind a load balancer. A visitor's next
// message, an operator's reply or a waiting event may reach any of them.
//
// Keys (all under PREFIX:, so several packs or tenants share one Redis):
//   s:ID         the session's exported state, expiring with the session TTL
//   lock:ID      who holds the conversation now: a random token with a lease
//                (PX), so a server that dies holding it blocks nobody for long
//   seq:ID ev:ID the conversation's event counter and its last events
//                ("SEQ TYPE TS FIELDS"), expiring with the session; feeds
//                (@operators) do not expire
//   rec:KIND     a hash of records (operators' tokens, the queue)
//   events       the pub/sub channel: a conversation id per appended event
//
// Messages of one conversation that reach two servers at once are applied
// one after the other: Acquire takes lock:ID (SET NX PX) and waits for it;
// saving the state and releasing the lock is one script that checks the
// token (a server whose lease ran out does not overwrite the next one's
// state). Appending an event is one script: INCR, RPUSH, LTRIM, PUBLISH —
// so events are numbered in the order they were stored, once.
//
// Redis down: every call fails within a second (short timeouts, no retry
// storm) with kIo, which the handlers turn into 503; the clients reconnect
// by themselves. What Redis stored is Redis's to keep (its own persistence
// settings, docs/OPERATIONS.md).
#ifndef ZARI_SERVER_REDIS_STORE_H_
#define ZARI_SERVER_REDIS_STORE_H_

#include <memory>
#include <mutex>
#include <utility>
#include <vector>
#include <string>

#include "redis.h"
#include "session_store.h"

namespace zari::server {

class RedisStore : public Store {
 public:
  struct Options {
    RedisAddress address;
    int64_t idle_timeout_ms = 30 * 60 * 1000;
    size_t max_events = 256;
    // A request holds its conversation for milliseconds; a dead server's
    // lock (or one whose SET reached Redis while we gave up waiting) is free
    // after this. Requests wait up to lock_wait_ms, longer than the lease.
    int lock_lease_ms = 3000;
    int lock_wait_ms = 5000;      // a conversation held longer: 503
  };

  RedisStore(SessionStore::Factory factory, SessionStore::Restorer restore, Options options);
  ~RedisStore() override;

  Status Open() override;
  Lease Acquire(std::string_view id) override;
  Lease AcquireExisting(std::string_view id) override;
  Result<uint64_t> Append(std::string_view id, std::string type, std::string fields, int64_t ts) override;
  Result<EventPage> Read(std::string_view id, uint64_t after, size_t max) override;
  Status PutRecord(std::string_view kind, std::string_view key, std::string value) override;
  Result<std::optional<std::string>> GetRecord(std::string_view kind, std::string_view key) override;
  Status DeleteRecord(std::string_view kind, std::string_view key) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListRecords(std::string_view kind) override;
  void Sweep() override {}  // keys expire in Redis
  void Flush() override {}  // every write is in Redis when the call returns
  Status Check() override;
  StoreStats stats() const override;
  void SetListener(EventListener listener) override { listener_ = std::move(listener); }

 private:
  class Holder;
  std::string Key(std::string_view kind, std::string_view id) const;
  // Takes lock:ID; the token, or "" when the conversation stays busy. kIo.
  Result<std::string> Lock(const std::string& id);
  void Unlock(const std::string& id, const std::string& token);
  void ReleaseStale();  // locks whose SET may have reached Redis after we gave up
  Lease Load(const std::string& id, bool create_if_missing);
  Lease Create();

  SessionStore::Factory factory_;
  SessionStore::Restorer restore_;
  Options options_;
  std::unique_ptr<RedisClient> redis_;
  std::unique_ptr<RedisSubscriber> subscriber_;
  EventListener listener_;
  std::atomic<uint64_t> created_{0}, restored_{0};
  std::mutex stale_mu_;
  std::vector<std::pair<std::string, std::string>> stale_;  // (id, token)
};

}  // namespace zari::server

#endif  // ZARI_SERVER_REDIS_STORE_H_
