// The store of `zari serve --store memory` and `--store sqlite:PATH`:
// conversations live in this process (one dialog::Session per visitor, with
// an idle timeout and a bounded count) and, with a Persistence, are also
// written to a file from which a restarted server brings them back.
//
// Thread-safety: any number of threads. Each conversation has its own
// mutex, held by the Lease that Acquire returns, so one conversation
// answers one request at a time while others run in parallel; its events
// have another, so appending never waits for a running request. The
// store's own mutex is never held while a conversation's is awaited.
//
// Expiry: a conversation idle for longer than the timeout is treated as
// absent (a request naming it starts a new conversation with a new id) and
// dropped, from the file too; when the store is full the least recently
// used one is dropped to make room. A request still running on a dropped
// conversation finishes normally: its Lease keeps it alive until released.
#ifndef ZARI_SERVER_SESSION_STORE_H_
#define ZARI_SERVER_SESSION_STORE_H_

#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "dialog/session.h"
#include "store.h"

namespace zari::server {

// A conversation as a store's file keeps it.
struct SavedConversation {
  std::string state;          // dialog::Session::Export()
  int64_t updated = 0;        // unix seconds of the last request
  uint64_t last_seq = 0;
  std::vector<Event> events;  // the last ones kept, oldest first
};

// Where a SessionStore writes conversations so that they outlive the
// process. Writes are asynchronous (batched; a crash loses at most the
// last second); Load reads what was written, including writes not yet on
// disk. Thread-safe.
class Persistence {
 public:
  virtual ~Persistence() = default;
  virtual std::string name() const = 0;  // "sqlite"
  // nullopt: never saved, or erased. kIo when the file cannot be read.
  virtual Result<std::optional<SavedConversation>> Load(const std::string& id) = 0;
  virtual void Save(const std::string& id, std::string state, int64_t updated) = 0;
  virtual void SaveEvent(const std::string& id, const Event& event) = 0;
  virtual void Erase(const std::string& id) = 0;
  // Erases conversations saved before `cutoff` (unix seconds).
  virtual void EraseOlderThan(int64_t cutoff) = 0;
  // Records (Store::PutRecord): written like the rest, all read at start.
  virtual void SaveRecord(const std::string& kind, const std::string& key, const std::string* value) = 0;  // null: erase
  virtual Result<std::vector<std::tuple<std::string, std::string, std::string>>> LoadRecords() = 0;
  // Events of feeds ('@…'), read at start.
  virtual Result<std::vector<std::pair<std::string, Event>>> LoadFeeds() = 0;
  virtual void Flush() = 0;
  virtual std::string last_error() const = 0;  // "" when the last write succeeded
  virtual size_t pending() const = 0;          // conversations with writes not yet committed
};

// Backward-compatible name of the statistics (tests, /api/v1/health).
using SessionStoreStats = StoreStats;

class SessionStore : public Store {
 public:
  using Factory = std::function<std::unique_ptr<dialog::Session>(const std::string& id)>;
  // A session from its exported state; an error when the state is unusable
  // (another pack version after an upgrade): the conversation starts anew.
  using Restorer = std::function<Result<std::unique_ptr<dialog::Session>>(const std::string& state)>;

  struct Options {
    size_t max_sessions = 10000;
    int64_t idle_timeout_ms = 30 * 60 * 1000;
    // Monotonic milliseconds; empty = std::chrono::steady_clock (tests inject one).
    std::function<int64_t()> now_ms;
    size_t max_events = 256;               // kept per conversation; older ones are dropped
    std::shared_ptr<Persistence> persist;  // null: memory only
    Restorer restore;                      // needed with persist
    std::function<int64_t()> wall_clock;   // unix seconds; empty = the system clock
  };

  SessionStore(Factory factory, Options options);
  SessionStore(const SessionStore&) = delete;
  SessionStore& operator=(const SessionStore&) = delete;

  Lease Acquire(std::string_view id) override;
  Lease AcquireExisting(std::string_view id) override;
  Result<uint64_t> Append(std::string_view id, std::string type, std::string fields, int64_t ts) override;
  Result<EventPage> Read(std::string_view id, uint64_t after, size_t max) override;
  void Sweep() override;
  void Flush() override;
  Status Check() override;
  StoreStats stats() const override;
  void SetListener(EventListener listener) override { listener_ = std::move(listener); }
  Status PutRecord(std::string_view kind, std::string_view key, std::string value) override;
  Result<std::optional<std::string>> GetRecord(std::string_view kind, std::string_view key) override;
  Status DeleteRecord(std::string_view kind, std::string_view key) override;
  Result<std::vector<std::pair<std::string, std::string>>> ListRecords(std::string_view kind) override;
  // Reads the records and feeds a Persistence keeps.
  Status Open() override;

  struct Entry;
  struct Feed {
    std::deque<Event> events;
    uint64_t last_seq = 0;
  };

 private:
  class Holder;
  int64_t NowMs() const;
  int64_t WallNow() const;
  std::shared_ptr<Entry> Find(std::string_view id, int64_t now);  // REQUIRES: mu_ held
  std::shared_ptr<Entry> Restore(const std::string& id, int64_t now);
  std::shared_ptr<Entry> Insert(std::string id, std::unique_ptr<dialog::Session> s, int64_t now);  // REQUIRES: mu_
  Lease Hold(std::shared_ptr<Entry> entry, bool created);
  void SweepLocked(int64_t now);  // REQUIRES: mu_ held
  void DropLocked(std::string id, bool erase);
  void Saved(Entry& entry);

  Factory factory_;
  Options options_;
  EventListener listener_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, std::shared_ptr<Entry>> map_;
  std::list<std::string> lru_;  // front = least recently used
  StoreStats stats_;
  int64_t last_disk_sweep_ = 0;  // WallNow() of the last EraseOlderThan
  std::mutex records_mu_;        // guards records_ and feeds_
  std::map<std::pair<std::string, std::string>, std::string> records_;
  std::unordered_map<std::string, Feed> feeds_;
};

struct SessionStore::Entry {
  std::mutex mu;  // held by the Lease while a request uses the session
  std::unique_ptr<dialog::Session> session;
  std::string id;
  int64_t last_used_ms = 0;
  std::list<std::string>::iterator lru;
  std::mutex events_mu;  // guards the two below
  std::deque<Event> events;
  uint64_t last_seq = 0;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_SESSION_STORE_H_
