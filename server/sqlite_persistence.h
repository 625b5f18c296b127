// `zari serve --store sqlite:PATH`: conversations (their exported state) and
// their events in one SQLite file, so that a restart — or kill -9 — loses at
// most the last second and a visitor's next message continues the same
// conversation.
//
// One writer thread owns the write connection and commits what was queued
// every `interval_ms` in one transaction (WAL, synchronous=NORMAL: a
// committed transaction survives the process; a power cut may lose the
// last ones). A conversation saved several times between two commits is
// written once, in its latest state. A failed commit is retried, with the
// error in last_error(); nothing queued is dropped. Load reads through a
// connection of its own after waiting for what is queued.
//
// File: PRAGMA application_id 0x5A415253 ("ZARS"), user_version 1.
//   conversations(id TEXT PRIMARY KEY, state TEXT, updated INTEGER)
//   events(conversation TEXT, seq INTEGER, type TEXT, ts INTEGER, fields TEXT,
//          PRIMARY KEY(conversation, seq))   -- conversation '@…': a feed
//   records(kind TEXT, key TEXT, value TEXT, PRIMARY KEY(kind, key))
#ifndef ZARI_SERVER_SQLITE_PERSISTENCE_H_
#define ZARI_SERVER_SQLITE_PERSISTENCE_H_

#include <condition_variable>
#include <map>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "session_store.h"

struct sqlite3;

namespace zari::server {

class SqlitePersistence : public Persistence {
 public:
  struct Options {
    std::string path;
    int interval_ms = 200;    // commits at least this often while there is work
    size_t max_events = 256;  // kept per conversation in the file
  };
  // Opens (creating) the file and starts the writer. Errors: kIo (cannot
  // open or create), kState (not a Zari conversation store, or a newer one).
  static Result<std::unique_ptr<SqlitePersistence>> Open(Options options);
  ~SqlitePersistence() override;  // commits what is queued, then stops

  std::string name() const override { return "sqlite"; }
  Result<std::optional<SavedConversation>> Load(const std::string& id) override;
  void Save(const std::string& id, std::string state, int64_t updated) override;
  void SaveEvent(const std::string& id, const Event& event) override;
  void Erase(const std::string& id) override;
  void EraseOlderThan(int64_t cutoff) override;
  void SaveRecord(const std::string& kind, const std::string& key, const std::string* value) override;
  Result<std::vector<std::tuple<std::string, std::string, std::string>>> LoadRecords() override;
  Result<std::vector<std::pair<std::string, Event>>> LoadFeeds() override;
  void Flush() override;
  std::string last_error() const override;
  size_t pending() const override;

 private:
  struct Pending {
    bool erase = false;           // erase first (then anything queued after it)
    bool has_state = false;
    std::string state;
    int64_t updated = 0;
    std::vector<Event> events;
  };
  explicit SqlitePersistence(Options options) : options_(std::move(options)) {}
  Status OpenDb();
  void Run();
  using Records = std::map<std::pair<std::string, std::string>, std::optional<std::string>>;  // nullopt: erase
  Status Commit(std::unordered_map<std::string, Pending>& batch, const Records& records, int64_t erase_before);
  bool CommitRecords(const Records& records);

  Options options_;
  sqlite3* write_db_ = nullptr;  // the writer's
  sqlite3* read_db_ = nullptr;   // Load's, under read_mu_
  std::mutex read_mu_;
  mutable std::mutex mu_;
  std::condition_variable cv_, done_cv_;
  std::unordered_map<std::string, Pending> queue_;
  Records records_;  // queued record writes, newest per key
  int64_t erase_before_ = 0;     // EraseOlderThan, not yet done
  size_t in_flight_ = 0;         // conversations of the batch being committed
  uint64_t queued_gen_ = 0, done_gen_ = 0;  // Flush waits for done_gen_ >= its queued_gen_
  bool stop_ = false;
  bool flush_ = false;  // Flush() wants a commit now
  std::string last_error_;
  std::thread writer_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_SQLITE_PERSISTENCE_H_
