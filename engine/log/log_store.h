// The unresolved-query log (docs/OPERATIONS.md): every fallback, clarification and
// handoff goes to SQLite so a support team can see what the FAQ misses, and
// every turn is counted (per hour, language, channel and action) so reports
// can give containment and fallback rates; every operator takeover of a
// conversation is a row when the operator leaves.
//
// Threads. The reply path only enqueues: Add() takes a mutex and moves the
// row into a vector; CountTurn() bumps a counter in one of several sharded
// maps. One background thread swaps the queue out, redacts, and writes in
// batched transactions (WAL, synchronous=NORMAL) through the one connection
// it owns. Every method is thread-safe. The on_log callback runs on the
// writer thread, and on the replying thread when a row is dropped because
// the queue is full: it must be thread-safe and must not call back into the
// store.
//
// Bounds and failures. At most `queue_capacity` rows, holding at most
// `queue_bytes` of text, wait (queued or being written); beyond that a row
// is dropped and counted (stats, callback, and
// `log_meta.dropped_rows` in the database once it is writable) — never lost
// silently. A failed transaction (disk full, read-only, locked by another
// connection, I/O error) is rolled back and retried with exponential backoff
// (10 ms … 1 s) for as long as the store lives; the connection is reopened
// after errors other than "busy", and a database file that was deleted or
// renamed (rotation) is created again. Replies never wait for any of this.
//
// Flush() waits until everything queued before it is committed (or until
// `flush_timeout_ms` while writes keep failing). The destructor flushes the
// same way (at once giving up if the last Flush() just did), then counts
// whatever it could not write as dropped. After
// kill -9 the database is consistent (WAL); rows not yet committed, and turn
// counts of the last second or so, are lost.
//
// Schema (PRAGMA user_version = kSchemaVersion, PRAGMA application_id =
// kApplicationId); older versions are migrated forward on open:
//   1  unresolved, handoffs
//   2  unresolved.action, unresolved.pack_version, handoffs.pack,
//      handoffs.next_open, log_meta(key, value), ts indexes
//   3  turn_counts(hour, language, channel, action, turns, conversations),
//      application_id
//   4  takeovers(session, channel, language, operator_id, joined_ts, left_ts,
//      resolved, transcript, pack): conversations an operator took over
// docs/OPERATIONS.md documents every column.
#ifndef ZARI_ENGINE_LOG_LOG_STORE_H_
#define ZARI_ENGINE_LOG_LOG_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "log/transcript.h"
#include "util/status.h"

struct sqlite3;

namespace zari::log {

inline constexpr int kSchemaVersion = 4;
// PRAGMA application_id of a Zari log: "ZARI" in ASCII.
inline constexpr int32_t kApplicationId = 0x5A415249;

struct UnresolvedRow {
  int64_t ts = 0;
  std::string session, channel, language;
  std::string action;          // "fallback" or "clarify"
  std::string text;            // as typed (redacted before it is stored)
  std::string normalized;      // the normalized surface (redacted too)
  std::string best_intent;     // "" = none
  double best_score = 0;
  std::string pack, pack_version;
};

struct HandoffRow {
  int64_t ts = 0;
  std::string session, channel, language;
  std::string reason;          // requested, intent, misses
  std::string intent;          // "" = none
  bool within_hours = true;
  int64_t next_open = -1;
  std::vector<log::Turn> transcript;  // stored as JSON, texts redacted
  std::string pack;
};

// A conversation an operator held, from joining to leaving.
struct TakeoverRow {
  std::string session, channel, language;
  std::string operator_id;
  int64_t joined_ts = 0, left_ts = 0;  // unix seconds
  bool resolved = false;
  std::vector<log::Turn> transcript;  // the takeover's turns, stored as JSON, texts redacted
  std::string pack;
};

struct LogStats {
  uint64_t enqueued = 0;       // rows accepted into the queue
  uint64_t written = 0;        // rows committed
  uint64_t dropped = 0;        // queue full, or still unwritten when the store closed
  uint64_t failed_writes = 0;  // transactions that failed (each is retried)
  uint64_t pending = 0;        // accepted, not yet committed
  std::string last_error;      // "" when the last write succeeded
};

enum class LogLevel { kInfo = 0, kWarning = 1, kError = 2 };
using LogCallback = std::function<void(LogLevel, const std::string&)>;

class LogStore {
 public:
  struct Options {
    std::string path;
    bool redact = true;
    size_t queue_capacity = 100000;  // rows waiting (queued + being written)
    size_t queue_bytes = 64u << 20;  // and their texts' bytes (handoff rows carry transcripts)
    size_t batch_size = 4096;        // rows per transaction
    int flush_timeout_ms = 10000;    // Flush()/destruction stop waiting for a failing disk
    int busy_timeout_ms = 250;       // SQLite busy handler (another connection writing)
    int counter_interval_ms = 1000;  // turn counts are written at least this often
    int max_delay_ms = 50;           // a row waits at most this long before the writer takes it
    int writer_nice = 0;             // > 0: lower the writer thread's priority (rows may then be dropped on a saturated CPU)
    LogCallback on_log;
    // Test hook: runs on every connection the store opens, after the
    // pragmas and migration (e.g. PRAGMA max_page_count, query_only).
    std::function<void(sqlite3*)> on_open;
  };

  // Opens (creating if needed) and migrates the database, starts the writer.
  // Fails for a path that cannot be opened, a file that is not an SQLite
  // database or one with a newer schema; a database that is only busy,
  // full or read-only right now opens in degraded mode (writes are retried).
  static Result<std::unique_ptr<LogStore>> Open(const Options& options);
  ~LogStore();  // flushes, then stops the writer

  LogStore(const LogStore&) = delete;
  LogStore& operator=(const LogStore&) = delete;

  void Add(UnresolvedRow row);
  void Add(HandoffRow row);
  void Add(TakeoverRow row);
  // Counts one turn (every reply of a session, whatever its action);
  // `new_conversation` marks the first turn of a conversation.
  void CountTurn(int64_t ts, std::string_view language, std::string_view channel, std::string_view action,
                 bool new_conversation);

  // Waits until every row and count added before the call is committed.
  // Returns false if writes kept failing for flush_timeout_ms (the rows stay
  // queued and are retried).
  bool Flush();
  LogStats stats() const;
  // The pack's `log.redact`; a reload may change it.
  void set_redact(bool on) { redact_.store(on); }

  // Applies the schema and migrations to an open database (also used by
  // tests). Returns the version found before migrating.
  static Result<int> Migrate(sqlite3* db);

 private:
  using Row = std::variant<UnresolvedRow, HandoffRow, TakeoverRow>;
  struct Queued {
    Row row;
    bool redact;   // `log.redact` when the row was added
    size_t bytes;  // what the row holds, roughly (RowBytes)
  };
  static size_t RowBytes(const Row& row);
  struct CountKey {
    int64_t hour;
    std::string language, channel, action;
  };
  struct CountKeyView {
    int64_t hour;
    std::string_view language, channel, action;
  };
  struct CountLess {
    using is_transparent = void;
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      if (a.hour != b.hour) return a.hour < b.hour;
      if (a.language != b.language) return a.language < b.language;
      if (a.channel != b.channel) return a.channel < b.channel;
      return a.action < b.action;
    }
  };
  struct CountValue {
    int64_t turns = 0, conversations = 0;
  };
  using Counts = std::map<CountKey, CountValue, CountLess>;
  struct Shard;

  explicit LogStore(const Options& options);
  void Push(Row row);
  Status OpenDb();
  void CloseDb();
  Status FollowFile();  // reopens when the file at `path` is no longer the one open
  // The writer thread: rounds of taking the queue, redacting, writing one
  // batch, and on failure backing off and retrying the same rows.
  struct Writer;
  struct Round;
  void Run();
  Round NextRound(Writer* w);                           // waits for work, drains the counts due
  bool FinishIdleRound(const Round& round, Writer* w);  // false: closed
  void FinishWrite(const Round& round, size_t end, Writer* w);
  bool RetryAfter(const Status& s, Writer* w);          // false: closing gave up on the rows
  void DrainCounts(Counts* into);
  void Prepare(std::vector<Queued>& rows, size_t begin, size_t end, std::vector<std::string>* transcripts);
  Status WriteBatch(const std::vector<Queued>& rows, size_t begin, size_t end,
                    const std::vector<std::string>& transcripts, const Counts& counts, uint64_t drops);
  void Report(LogLevel level, const std::string& message);

  Options options_;
  std::atomic<bool> redact_{true};
  sqlite3* db_ = nullptr;      // the writer's connection (owned by the writer thread after Open)
  uint64_t db_dev_ = 0, db_ino_ = 0;  // the file it has open, to notice deletion/rotation
  bool file_moved_ = false;           // reported, not yet handled
  std::unique_ptr<Shard[]> shards_;
  struct Statements;
  std::unique_ptr<Statements> stmts_;  // prepared on db_, by the writer

  mutable std::mutex mu_;
  std::condition_variable cv_;        // the writer waits for work
  std::condition_variable done_cv_;   // Flush waits for progress
  std::vector<Queued> queue_;
  size_t in_flight_ = 0;        // rows taken by the writer, not yet finished
  size_t waiting_bytes_ = 0;    // RowBytes of the queued and in-flight rows
  uint64_t seq_enqueued_ = 0;   // rows accepted into the queue
  uint64_t seq_finished_ = 0;   // rows written or dropped by the writer
  uint64_t unrecorded_drops_ = 0;  // dropped rows not yet added to log_meta
  uint64_t flush_requested_ = 0;   // Flush() generations
  uint64_t flush_done_ = 0;        // the last generation fully committed
  size_t wake_rows_ = 1;           // queue length at which Add() wakes the writer
  bool stop_ = false;
  bool flush_gave_up_ = false;     // the last Flush() timed out, no write succeeded since
  LogStats stats_;
  std::thread writer_;
};

// Opens `path` read-only and runs PRAGMA integrity_check; "ok" when sound
// (used by tests and `zari report`-adjacent tooling).
Result<std::string> CheckIntegrity(const std::string& path);

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_LOG_STORE_H_
