// The unresolved-query log (DESIGN §9): every fallback, clarification and
// handoff goes to SQLite so a support team can see what the FAQ misses.
//
// The reply path only enqueues (a mutex and a move); one background thread
// redacts and writes in batched transactions (WAL, synchronous=NORMAL). The
// queue is bounded: when it is full the row is counted as dropped and
// reported (callback, stats, and a counter row in the database) — never lost
// silently. Write failures (busy, full, read-only, deleted file) are retried
// with backoff. Flush()/destruction wait until everything queued is written.
// The only sqlite3.h user in Zari besides the report reader.
#ifndef ZARI_ENGINE_LOG_LOG_STORE_H_
#define ZARI_ENGINE_LOG_LOG_STORE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "dialog/transcript.h"
#include "util/status.h"

struct sqlite3;

namespace zari::log {

inline constexpr int kSchemaVersion = 2;

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
  std::vector<dialog::Turn> transcript;  // stored as JSON, texts redacted
  std::string pack;
};

struct LogStats {
  uint64_t enqueued = 0;
  uint64_t written = 0;
  uint64_t dropped = 0;        // queue full, or given up after retries
  uint64_t failed_writes = 0;  // transactions that failed and were retried
  std::string last_error;      // "" when the last write succeeded
};

enum class LogLevel { kInfo = 0, kWarning = 1, kError = 2 };
using LogCallback = std::function<void(LogLevel, const std::string&)>;

class LogStore {
 public:
  struct Options {
    std::string path;
    bool redact = true;
    size_t queue_capacity = 100000;
    size_t batch_size = 1024;
    int flush_timeout_ms = 10000;   // Flush() gives up (counting drops) after this
    LogCallback on_log;
  };

  // Opens (creating if needed) and migrates the database, starts the writer.
  static Result<std::unique_ptr<LogStore>> Open(const Options& options);
  ~LogStore();  // flushes, then stops the writer

  void Add(UnresolvedRow row);
  void Add(HandoffRow row);
  // Waits until every row queued before the call is written or dropped.
  void Flush();
  LogStats stats() const;
  // The pack's `log.redact`; a reload may change it.
  void set_redact(bool on) { redact_.store(on); }

  // Applies the schema and migrations to an open database (also used by the
  // report reader and tests). Returns the version found before migrating.
  static Result<int> Migrate(sqlite3* db);

 private:
  using Row = std::variant<UnresolvedRow, HandoffRow>;
  explicit LogStore(const Options& options);
  void Push(Row row);
  Status OpenDb();
  void CloseDb();
  void Run();
  Status WriteBatch(std::deque<Row>& batch, uint64_t dropped_to_record);
  void Report(LogLevel level, const std::string& message);

  Options options_;
  std::atomic<bool> redact_{true};
  sqlite3* db_ = nullptr;
  mutable std::mutex mu_;
  std::condition_variable cv_;        // writer waits for work
  std::condition_variable done_cv_;   // Flush waits for progress
  std::deque<Row> queue_;
  uint64_t seq_enqueued_ = 0;   // rows accepted into the queue
  uint64_t seq_finished_ = 0;   // rows written or dropped by the writer
  uint64_t unrecorded_drops_ = 0;
  bool stop_ = false;
  bool flushing_ = false;
  LogStats stats_;
  std::thread writer_;
};

}  // namespace zari::log

#endif  // ZARI_ENGINE_LOG_LOG_STORE_H_
