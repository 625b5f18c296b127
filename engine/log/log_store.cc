#include "log/log_store.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include "log/redact.h"

namespace zari::log {
namespace {

Status Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return Status(Code::kIo, msg);
  }
  return Status::Ok();
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
  ~Stmt() { sqlite3_finalize(stmt_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  bool ok() const { return rc_ == SQLITE_OK; }
  void Text(int i, const std::string& s) {
    sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT);
  }
  void TextOrNull(int i, const std::string& s) {
    if (s.empty()) sqlite3_bind_null(stmt_, i);
    else Text(i, s);
  }
  void Int(int i, int64_t v) { sqlite3_bind_int64(stmt_, i, v); }
  void Real(int i, double v) { sqlite3_bind_double(stmt_, i, v); }
  void Null(int i) { sqlite3_bind_null(stmt_, i); }
  int Step() {
    int rc = sqlite3_step(stmt_);
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    return rc;
  }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  int rc_ = SQLITE_ERROR;
};

}  // namespace

Result<int> LogStore::Migrate(sqlite3* db) {
  int version = 0;
  {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) != SQLITE_OK) {
      return Status(Code::kIo, sqlite3_errmsg(db));
    }
    if (sqlite3_step(st) == SQLITE_ROW) version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
  }
  if (version > kSchemaVersion) {
    return Status(Code::kIo, "log database has schema version " + std::to_string(version) +
                                 ", newer than this Zari understands (" + std::to_string(kSchemaVersion) + ")");
  }
  if (version == kSchemaVersion) return version;
  Status s = Exec(db, "BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  // Version 1: the tables of DESIGN §9.
  if (version < 1) {
    s = Exec(db,
             "CREATE TABLE IF NOT EXISTS unresolved("
             " id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
             " session TEXT, channel TEXT, language TEXT,"
             " text TEXT NOT NULL, normalized TEXT NOT NULL,"
             " best_intent TEXT, best_score REAL, pack TEXT);"
             "CREATE TABLE IF NOT EXISTS handoffs("
             " id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, session TEXT, channel TEXT,"
             " language TEXT, reason TEXT NOT NULL, intent TEXT, within_hours INTEGER NOT NULL,"
             " transcript TEXT NOT NULL);");
  }
  // Version 2: the decision that left the question unresolved, pack versions,
  // when operators were back, a counter table, and time indexes for reports.
  if (s.ok() && version < 2) {
    s = Exec(db,
             "ALTER TABLE unresolved ADD COLUMN action TEXT;"
             "ALTER TABLE unresolved ADD COLUMN pack_version TEXT;"
             "ALTER TABLE handoffs ADD COLUMN pack TEXT;"
             "ALTER TABLE handoffs ADD COLUMN next_open INTEGER;"
             "CREATE TABLE IF NOT EXISTS log_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
             "CREATE INDEX IF NOT EXISTS unresolved_ts ON unresolved(ts);"
             "CREATE INDEX IF NOT EXISTS handoffs_ts ON handoffs(ts);");
  }
  if (s.ok()) s = Exec(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
  if (s.ok()) s = Exec(db, "COMMIT");
  if (!s.ok()) {
    Exec(db, "ROLLBACK");
    return Status(Code::kIo, "cannot migrate log database: " + s.message());
  }
  return version;
}

LogStore::LogStore(const Options& options) : options_(options), redact_(options.redact) {}

Result<std::unique_ptr<LogStore>> LogStore::Open(const Options& options) {
  std::unique_ptr<LogStore> store(new LogStore(options));
  Status s = store->OpenDb();
  if (!s.ok()) return s;
  store->writer_ = std::thread([p = store.get()] { p->Run(); });
  return store;
}

Status LogStore::OpenDb() {
  int rc = sqlite3_open_v2(options_.path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    CloseDb();
    return Status(Code::kIo, options_.path + ": cannot open log database: " + msg);
  }
  sqlite3_busy_timeout(db_, 250);
  Status s = Exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  if (s.ok()) {
    auto m = Migrate(db_);
    if (!m.ok()) s = m.status();
  }
  if (!s.ok()) {
    CloseDb();
    return Status(Code::kIo, options_.path + ": " + s.message());
  }
  return Status::Ok();
}

void LogStore::CloseDb() {
  if (db_) sqlite3_close_v2(db_);
  db_ = nullptr;
}

LogStore::~LogStore() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  CloseDb();
}

void LogStore::Report(LogLevel level, const std::string& message) {
  if (options_.on_log) options_.on_log(level, message);
}

void LogStore::Add(UnresolvedRow row) { Push(Row(std::move(row))); }
void LogStore::Add(HandoffRow row) { Push(Row(std::move(row))); }

void LogStore::Push(Row row) {
  uint64_t dropped = 0;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= options_.queue_capacity) {
      dropped = ++stats_.dropped;
      ++unrecorded_drops_;
    } else {
      queue_.push_back(std::move(row));
      ++seq_enqueued_;
      ++stats_.enqueued;
    }
  }
  if (dropped) {
    // Powers of two: the first drop and then ever rarer reminders.
    if ((dropped & (dropped - 1)) == 0) {
      Report(LogLevel::kWarning, "log queue full: " + std::to_string(dropped) + " rows dropped so far");
    }
    return;
  }
  cv_.notify_one();
}

void LogStore::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = seq_enqueued_;
  flushing_ = true;
  cv_.notify_one();
  done_cv_.wait_for(lock, std::chrono::milliseconds(options_.flush_timeout_ms + 1000),
                    [&] { return seq_finished_ >= target; });
  flushing_ = false;
}

LogStats LogStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stats_;
}

void LogStore::Run() {
  using Clock = std::chrono::steady_clock;
  std::deque<Row> batch;
  while (true) {
    uint64_t drops = 0;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return stop_ || !queue_.empty() || unrecorded_drops_ > 0; });
      if (queue_.empty() && unrecorded_drops_ == 0 && stop_) break;
      const size_t n = std::min(queue_.size(), options_.batch_size);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      drops = unrecorded_drops_;
    }
    const auto started = Clock::now();
    int attempt = 0;
    while (true) {
      Status s = WriteBatch(batch, drops);
      std::unique_lock<std::mutex> lock(mu_);
      if (s.ok()) {
        stats_.written += batch.size();
        seq_finished_ += batch.size();
        unrecorded_drops_ -= std::min(unrecorded_drops_, drops);
        if (!stats_.last_error.empty()) {
          stats_.last_error.clear();
          lock.unlock();
          Report(LogLevel::kInfo, "log database writable again");
          lock.lock();
        }
        batch.clear();
        done_cv_.notify_all();
        break;
      }
      ++stats_.failed_writes;
      stats_.last_error = s.message();
      const bool give_up = (stop_ || flushing_) &&
                           Clock::now() - started > std::chrono::milliseconds(options_.flush_timeout_ms);
      if (give_up) {
        stats_.dropped += batch.size();
        seq_finished_ += batch.size();
        const size_t lost = batch.size();
        batch.clear();
        done_cv_.notify_all();
        lock.unlock();
        Report(LogLevel::kError, "log write failed, " + std::to_string(lost) + " rows dropped: " + s.message());
        break;
      }
      lock.unlock();
      if (attempt == 0 || (attempt & (attempt - 1)) == 0) {
        Report(LogLevel::kWarning, "log write failed (attempt " + std::to_string(attempt + 1) + "), retrying: " + s.message());
      }
      // Backoff 10 ms, 20 ms … 1 s; wakes early when asked to stop or flush.
      const int delay = std::min(1000, 10 << std::min(attempt, 7));
      ++attempt;
      std::unique_lock<std::mutex> wait_lock(mu_);
      cv_.wait_for(wait_lock, std::chrono::milliseconds(delay), [&] { return stop_ || flushing_; });
      if (stop_ || flushing_) {
        // Still retry, at the short interval, until the deadline above.
        wait_lock.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
  }
}

Status LogStore::WriteBatch(std::deque<Row>& batch, uint64_t drops) {
  // A deleted database file (log rotation, a mistake) is recreated rather
  // than written into an unlinked inode.
  if (db_ && options_.path != ":memory:" && !FileExists(options_.path)) {
    Report(LogLevel::kWarning, options_.path + " disappeared; creating it again");
    CloseDb();
  }
  if (!db_) {
    Status s = OpenDb();
    if (!s.ok()) return s;
  }
  Status s = Exec(db_, "BEGIN IMMEDIATE");
  if (!s.ok()) return s;
  {
    Stmt unresolved(db_,
                    "INSERT INTO unresolved(ts, session, channel, language, text, normalized, best_intent,"
                    " best_score, pack, action, pack_version) VALUES(?,?,?,?,?,?,?,?,?,?,?)");
    Stmt handoff(db_,
                 "INSERT INTO handoffs(ts, session, channel, language, reason, intent, within_hours,"
                 " transcript, pack, next_open) VALUES(?,?,?,?,?,?,?,?,?,?)");
    if (!unresolved.ok() || !handoff.ok()) {
      std::string msg = sqlite3_errmsg(db_);
      Exec(db_, "ROLLBACK");
      return Status(Code::kIo, msg);
    }
    std::string transcript;
    const bool redact = redact_.load();
    for (const Row& row : batch) {
      int rc;
      if (const auto* u = std::get_if<UnresolvedRow>(&row)) {
        unresolved.Int(1, u->ts);
        unresolved.Text(2, u->session);
        unresolved.Text(3, u->channel);
        unresolved.Text(4, u->language);
        unresolved.Text(5, redact ? Redact(u->text) : u->text);
        unresolved.Text(6, redact ? Redact(u->normalized) : u->normalized);
        unresolved.TextOrNull(7, u->best_intent);
        if (u->best_intent.empty()) unresolved.Null(8);
        else unresolved.Real(8, u->best_score);
        unresolved.Text(9, u->pack);
        unresolved.Text(10, u->action);
        unresolved.Text(11, u->pack_version);
        rc = unresolved.Step();
      } else {
        const auto& h = std::get<HandoffRow>(row);
        transcript.clear();
        dialog::AppendTranscriptJson(h.transcript, redact, &transcript);
        handoff.Int(1, h.ts);
        handoff.Text(2, h.session);
        handoff.Text(3, h.channel);
        handoff.Text(4, h.language);
        handoff.Text(5, h.reason);
        handoff.TextOrNull(6, h.intent);
        handoff.Int(7, h.within_hours ? 1 : 0);
        handoff.Text(8, transcript);
        handoff.Text(9, h.pack);
        if (h.next_open >= 0) handoff.Int(10, h.next_open);
        else handoff.Null(10);
        rc = handoff.Step();
      }
      if (rc != SQLITE_DONE) {
        std::string msg = sqlite3_errmsg(db_);
        Exec(db_, "ROLLBACK");
        return Status(Code::kIo, msg);
      }
    }
    if (drops > 0) {
      Stmt meta(db_,
                "INSERT INTO log_meta(key, value) VALUES('dropped_rows', ?)"
                " ON CONFLICT(key) DO UPDATE SET value = value + excluded.value");
      if (meta.ok()) {
        meta.Int(1, static_cast<int64_t>(drops));
        if (meta.Step() != SQLITE_DONE) {
          std::string msg = sqlite3_errmsg(db_);
          Exec(db_, "ROLLBACK");
          return Status(Code::kIo, msg);
        }
      }
    }
  }
  s = Exec(db_, "COMMIT");
  if (!s.ok()) {
    Exec(db_, "ROLLBACK");
    return s;
  }
  return Status::Ok();
}

}  // namespace zari::log
