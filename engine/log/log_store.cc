#include "log/log_store.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iterator>
#include <tuple>

#include "log/redact.h"
#include "log/sqlite.h"
#include "text/normalize.h"
#include "util/utf8.h"

namespace zari::log {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kShards = 16;
constexpr int kMinBackoffMs = 10;
constexpr int kMaxBackoffMs = 1000;
constexpr int kStopRetryMs = 50;  // retry interval while closing on a failing disk

// An SQLite error: the extended result code and its message.
struct DbError {
  int rc = SQLITE_OK;
  std::string message;
};

Status IoError(const std::string& message) { return Status(Code::kIo, message); }

DbError Exec(sqlite3* db, const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
  if (rc == SQLITE_OK) return {};
  DbError e{sqlite3_extended_errcode(db), err ? err : sqlite3_errmsg(db)};
  sqlite3_free(err);
  return e;
}

DbError LastError(sqlite3* db) { return {sqlite3_extended_errcode(db), sqlite3_errmsg(db)}; }

// "busy" and "locked" are another connection's doing: keep the connection.
bool IsBusy(int rc) { return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED; }

// Errors that a retry cannot fix: reported at Open() instead of degrading.
bool IsPermanentOpenError(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_PERM:
    case SQLITE_AUTH:
    case SQLITE_MISUSE:
      return true;
    default:
      return false;
  }
}

bool StatFile(const std::string& path, uint64_t* dev, uint64_t* ino) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return false;
  *dev = static_cast<uint64_t>(st.st_dev);
  *ino = static_cast<uint64_t>(st.st_ino);
  return true;
}

bool IsMemoryPath(const std::string& path) {
  return path.empty() || path == ":memory:" || path.rfind("file:", 0) == 0;
}

// ALTER TABLE … ADD COLUMN unless the column exists (a v0 file made by hand
// from a later schema, or a migration interrupted by hand).
DbError AddColumn(sqlite3* db, const char* table, const char* column, const char* type) {
  if (HasColumn(db, table, column)) return {};
  std::string sql = std::string("ALTER TABLE ") + table + " ADD COLUMN " + column + " " + type;
  return Exec(db, sql.c_str());
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The normalized form of an already redacted text, placeholders kept: the
// pieces between them are normalized as the language they were read in.
// (Masking the session's normalized form instead would miss what the
// normalizer split apart, such as the dots of an e-mail address.)
std::string NormalizeRedacted(std::string_view masked, std::string_view language) {
  static constexpr std::string_view kPlaceholders[] = {"[card]", "[phone]", "[email]",
                                                       "[id]",   "[account]", "[number]"};
  text::NormalizeOptions o;
  o.forced = text::ParseLang(language);
  thread_local text::Normalized n;
  std::string out;
  auto append = [&](std::string_view piece) {
    if (piece.empty()) return;
    if (!out.empty()) out.push_back(' ');
    out.append(piece);
  };
  size_t start = 0, pos = 0;
  while ((pos = masked.find('[', pos)) != std::string_view::npos) {
    std::string_view found;
    for (std::string_view p : kPlaceholders) {
      if (masked.substr(pos, p.size()) == p) found = p;
    }
    if (found.empty()) {
      ++pos;
      continue;
    }
    text::Normalize(masked.substr(start, pos - start), o, &n);
    append(n.surface);
    append(found);
    pos += found.size();
    start = pos;
  }
  text::Normalize(masked.substr(start), o, &n);
  append(n.surface);
  return out;
}

// Makes a row ready to store, on the writer thread: stored text is valid
// UTF-8 (input cut at a byte limit, or invalid as sent), personal data is
// masked with `redact`, a transcript becomes JSON in *transcript.
void Sanitize(std::string* s) {
  if (!zari::IsValidUtf8(*s)) *s = zari::SanitizeUtf8(*s);
}

void PrepareRow(UnresolvedRow& u, bool redact, std::string* /*transcript*/) {
  for (std::string* s : {&u.text, &u.normalized, &u.session, &u.channel}) Sanitize(s);
  if (!redact) return;
  std::string masked = Redact(u.text);
  if (masked != u.text) {
    u.normalized = NormalizeRedacted(masked, u.language);
    u.text = std::move(masked);
  }
  u.normalized = Redact(u.normalized);  // what only normalization reveals (NFKC digits)
}

void PrepareRow(HandoffRow& h, bool redact, std::string* transcript) {
  for (std::string* s : {&h.session, &h.channel}) Sanitize(s);
  log::AppendTranscriptJson(h.transcript, redact, transcript);
}

void PrepareRow(FeedbackRow& f, bool redact, std::string* /*transcript*/) {
  for (std::string* s : {&f.session, &f.channel, &f.operator_id, &f.comment}) Sanitize(s);
  if (redact) f.comment = Redact(f.comment);
}

void PrepareRow(TakeoverRow& t, bool redact, std::string* transcript) {
  for (std::string* s : {&t.session, &t.channel, &t.operator_id}) Sanitize(s);
  log::AppendTranscriptJson(t.transcript, redact, transcript);
}

// Rare reminders: the 1st, 2nd, 4th, 8th … occurrence.
bool PowerOfTwo(uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// One version of the schema: what it added, applied inside the migration's
// transaction to a file of an older version. Each step is idempotent
// (IF NOT EXISTS, AddColumn), so a file made by hand from a later schema is
// adopted; a new version is one more step in kMigrations.
struct MigrationStep {
  int version;
  DbError (*apply)(sqlite3* db);
};

// Version 1: unresolved and handoffs (docs/OPERATIONS.md, Schema).
DbError AddVersion1(sqlite3* db) {
  return Exec(db,
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
// when operators were back, a metadata table, and time indexes for reports.
DbError AddVersion2(sqlite3* db) {
  DbError e;
  for (const auto& [table, column, type] :
       {std::tuple{"unresolved", "action", "TEXT"}, std::tuple{"unresolved", "pack_version", "TEXT"},
        std::tuple{"handoffs", "pack", "TEXT"}, std::tuple{"handoffs", "next_open", "INTEGER"}}) {
    if (e.rc == SQLITE_OK) e = AddColumn(db, table, column, type);
  }
  if (e.rc != SQLITE_OK) return e;
  return Exec(db,
              "CREATE TABLE IF NOT EXISTS log_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
              "CREATE INDEX IF NOT EXISTS unresolved_ts ON unresolved(ts);"
              "CREATE INDEX IF NOT EXISTS handoffs_ts ON handoffs(ts);");
}

// Version 3: every turn counted per hour, language, channel and action, so
// reports can give containment and fallback rates without storing answered
// messages; the file says it is a Zari log.
DbError AddVersion3(sqlite3* db) {
  DbError e = Exec(db,
                   "CREATE TABLE IF NOT EXISTS turn_counts("
                   " hour INTEGER NOT NULL, language TEXT NOT NULL, channel TEXT NOT NULL, action TEXT NOT NULL,"
                   " turns INTEGER NOT NULL DEFAULT 0, conversations INTEGER NOT NULL DEFAULT 0,"
                   " PRIMARY KEY(hour, language, channel, action)) WITHOUT ROWID;");
  if (e.rc == SQLITE_OK) e = Exec(db, ("PRAGMA application_id = " + std::to_string(kApplicationId)).c_str());
  if (e.rc == SQLITE_OK) {
    Statement meta(db, "INSERT OR IGNORE INTO log_meta(key, value) VALUES('counts_since', strftime('%s','now'))");
    if (meta.ok()) meta.Run();
  }
  return e;
}

// Version 4: what became of handoffs: each conversation an operator took
// over, with its transcript, when the operator leaves; and customers' answers
// to "was this helpful?" and to CSAT, CES and NPS questions, one row each,
// for the report's KPIs. One step: no released version had either table.
DbError AddVersion4(sqlite3* db) {
  return Exec(db,
              "CREATE TABLE IF NOT EXISTS takeovers("
              " id INTEGER PRIMARY KEY, session TEXT, channel TEXT, language TEXT,"
              " operator_id TEXT NOT NULL, joined_ts INTEGER NOT NULL, left_ts INTEGER NOT NULL,"
              " resolved INTEGER NOT NULL, transcript TEXT NOT NULL, pack TEXT);"
              "CREATE INDEX IF NOT EXISTS takeovers_ts ON takeovers(left_ts);"
              "CREATE TABLE IF NOT EXISTS feedback("
              " id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
              " session TEXT, channel TEXT, language TEXT,"
              " kind TEXT NOT NULL, value INTEGER NOT NULL,"
              " intent TEXT, operator_id TEXT, comment TEXT, pack TEXT);"
              "CREATE INDEX IF NOT EXISTS feedback_ts ON feedback(ts);");
}

constexpr MigrationStep kMigrations[] = {{1, AddVersion1}, {2, AddVersion2}, {3, AddVersion3}, {4, AddVersion4}};
static_assert(std::size(kMigrations) == kSchemaVersion, "one migration step per schema version");

// Zari's own tables, in any version: a version 0 file with any other table
// is somebody else's database.
constexpr const char* kZariTables = "('unresolved','handoffs','log_meta','turn_counts','takeovers','feedback')";

bool HasForeignTables(sqlite3* db) {
  const std::string sql = std::string("SELECT name FROM sqlite_master WHERE type='table' AND name NOT IN ") +
                          kZariTables + " AND name NOT LIKE 'sqlite_%'";
  Statement q(db, sql);
  return q.ok() && q.Step();
}

}  // namespace

// The writer's statements, prepared once per connection, and the rows they
// insert (`transcript`: the row's transcript as JSON, made by Prepare).
struct LogStore::Statements {
  explicit Statements(sqlite3* db)
      : unresolved(db,
                   "INSERT INTO unresolved(ts, session, channel, language, text, normalized, best_intent,"
                   " best_score, pack, action, pack_version) VALUES(?,?,?,?,?,?,?,?,?,?,?)"),
        handoff(db,
                "INSERT INTO handoffs(ts, session, channel, language, reason, intent, within_hours,"
                " transcript, pack, next_open) VALUES(?,?,?,?,?,?,?,?,?,?)"),
        takeover(db,
                 "INSERT INTO takeovers(session, channel, language, operator_id, joined_ts, left_ts, resolved,"
                 " transcript, pack) VALUES(?,?,?,?,?,?,?,?,?)"),
        count(db,
              "INSERT INTO turn_counts(hour, language, channel, action, turns, conversations)"
              " VALUES(?,?,?,?,?,?) ON CONFLICT(hour, language, channel, action) DO UPDATE SET"
              " turns = turns + excluded.turns, conversations = conversations + excluded.conversations"),
        drops(db,
              "INSERT INTO log_meta(key, value) VALUES('dropped_rows', ?)"
              " ON CONFLICT(key) DO UPDATE SET value = value + excluded.value"),
        feedback(db,
                 "INSERT INTO feedback(ts, session, channel, language, kind, value, intent, operator_id,"
                 " comment, pack) VALUES(?,?,?,?,?,?,?,?,?,?)") {}
  bool ok() const {
    return unresolved.ok() && handoff.ok() && takeover.ok() && count.ok() && drops.ok() &&
           feedback.ok();
  }

  bool Insert(const UnresolvedRow& u, const std::string& /*transcript*/) {
    unresolved.Bind(1, u.ts);
    unresolved.Bind(2, u.session);
    unresolved.Bind(3, u.channel);
    unresolved.Bind(4, u.language);
    unresolved.Bind(5, u.text);
    unresolved.Bind(6, u.normalized);
    unresolved.BindTextOrNull(7, u.best_intent);
    if (u.best_intent.empty()) unresolved.BindNull(8);
    else unresolved.Bind(8, u.best_score);
    unresolved.Bind(9, u.pack);
    unresolved.Bind(10, u.action);
    unresolved.Bind(11, u.pack_version);
    return unresolved.Run();
  }
  bool Insert(const HandoffRow& h, const std::string& transcript) {
    handoff.Bind(1, h.ts);
    handoff.Bind(2, h.session);
    handoff.Bind(3, h.channel);
    handoff.Bind(4, h.language);
    handoff.Bind(5, h.reason);
    handoff.BindTextOrNull(6, h.intent);
    handoff.Bind(7, h.within_hours ? 1 : 0);
    handoff.Bind(8, transcript);
    handoff.Bind(9, h.pack);
    if (h.next_open >= 0) handoff.Bind(10, h.next_open);
    else handoff.BindNull(10);
    return handoff.Run();
  }
  bool Insert(const TakeoverRow& t, const std::string& transcript) {
    takeover.Bind(1, t.session);
    takeover.Bind(2, t.channel);
    takeover.Bind(3, t.language);
    takeover.Bind(4, t.operator_id);
    takeover.Bind(5, t.joined_ts);
    takeover.Bind(6, t.left_ts);
    takeover.Bind(7, t.resolved ? 1 : 0);
    takeover.Bind(8, transcript);
    takeover.Bind(9, t.pack);
    return takeover.Run();
  }
  bool Insert(const FeedbackRow& f, const std::string& /*transcript*/) {
    feedback.Bind(1, f.ts);
    feedback.Bind(2, f.session);
    feedback.Bind(3, f.channel);
    feedback.Bind(4, f.language);
    feedback.Bind(5, f.kind);
    feedback.Bind(6, f.value);
    feedback.BindTextOrNull(7, f.intent);
    feedback.BindTextOrNull(8, f.operator_id);
    feedback.BindTextOrNull(9, f.comment);
    feedback.Bind(10, f.pack);
    return feedback.Run();
  }

  Statement unresolved, handoff, takeover, count, drops, feedback;
};

// Turn counters, sharded so replying threads rarely meet on one mutex.
struct LogStore::Shard {
  std::mutex mu;
  Counts counts;
};

Result<int> LogStore::Migrate(sqlite3* db) {
  const int64_t version = QueryInt(db, "PRAGMA user_version", -1);
  if (version < 0) return IoError(sqlite3_errmsg(db));
  if (version > kSchemaVersion) {
    return IoError("log database has schema version " + std::to_string(version) +
                   ", newer than this Zari understands (" + std::to_string(kSchemaVersion) + ")");
  }
  if (version == kSchemaVersion) return static_cast<int>(version);
  // A fresh file, or one made by hand with Zari's tables. Anything else is
  // somebody else's database: refuse rather than add tables to it.
  if (version == 0 && HasForeignTables(db)) return IoError("not a Zari log database (it has other tables)");
  DbError e = Exec(db, "BEGIN IMMEDIATE");
  if (e.rc != SQLITE_OK) return IoError("cannot migrate log database: " + e.message);
  for (const MigrationStep& step : kMigrations) {
    if (e.rc == SQLITE_OK && step.version > version) e = step.apply(db);
  }
  if (e.rc == SQLITE_OK) e = Exec(db, ("PRAGMA user_version = " + std::to_string(kSchemaVersion)).c_str());
  if (e.rc == SQLITE_OK) e = Exec(db, "COMMIT");
  if (e.rc != SQLITE_OK) {
    Exec(db, "ROLLBACK");
    return IoError("cannot migrate log database: " + e.message);
  }
  return static_cast<int>(version);
}

LogStore::LogStore(const Options& options)
    : options_(options), redact_(options.redact), shards_(new Shard[kShards]) {
  options_.queue_capacity = std::max<size_t>(1, options_.queue_capacity);
  options_.batch_size = std::max<size_t>(1, options_.batch_size);
  wake_rows_ = std::max<size_t>(1, std::min({options_.batch_size, options_.queue_capacity / 4, size_t{1024}}));
}

Result<std::unique_ptr<LogStore>> LogStore::Open(const Options& options) {
  std::unique_ptr<LogStore> store(new LogStore(options));
  Status s = store->OpenDb();
  if (!s.ok()) {
    // Only "this can never work" fails the open; a busy, full or read-only
    // database is retried by the writer like any failed write.
    if (s.code() != Code::kInternal) return s;
    store->stats_.last_error = s.message();
    store->Report(LogLevel::kWarning, s.message() + "; will retry");
  }
  store->writer_ = std::thread([p = store.get()] { p->Run(); });
  return store;
}

// Returns kIo for errors that cannot be fixed by retrying, kInternal for
// transient ones (the caller decides).
Status LogStore::OpenDb() {
  const std::string& path = options_.path;
  int rc = sqlite3_open_v2(path.c_str(), &db_,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                           nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    CloseDb();
    return Status(IsPermanentOpenError(rc) ? Code::kIo : Code::kInternal,
                  path + ": cannot open log database: " + msg);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, options_.busy_timeout_ms);
  DbError e = Exec(db_, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  std::string msg;
  bool permanent = false;
  if (e.rc != SQLITE_OK) {
    msg = e.message;
    permanent = IsPermanentOpenError(e.rc);
  } else {
    auto m = Migrate(db_);
    if (!m.ok()) {
      msg = m.status().message();
      const int code = sqlite3_extended_errcode(db_);
      // A newer schema or somebody else's database is as permanent as it gets.
      permanent = msg.find("newer than") != std::string::npos || msg.find("not a Zari") != std::string::npos ||
                  IsPermanentOpenError(code);
    }
  }
  if (!msg.empty()) {
    CloseDb();
    return Status(permanent ? Code::kIo : Code::kInternal, path + ": " + msg);
  }
  if (!IsMemoryPath(path)) StatFile(path, &db_dev_, &db_ino_);
  if (options_.on_open) options_.on_open(db_);
  return Status::Ok();
}

void LogStore::CloseDb() {
  stmts_.reset();
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
  if (!options_.on_log) return;
  try {
    options_.on_log(level, message);
  } catch (...) {
    // A host callback must not take the writer (or a reply) down.
  }
}

void LogStore::Add(UnresolvedRow row) { Push(Row(std::move(row))); }
void LogStore::Add(HandoffRow row) { Push(Row(std::move(row))); }
void LogStore::Add(FeedbackRow row) { Push(Row(std::move(row))); }
void LogStore::Add(TakeoverRow row) { Push(Row(std::move(row))); }

size_t LogStore::RowBytes(const Row& row) {
  constexpr size_t kFixed = 256;  // the row's own fields and bookkeeping
  auto transcript_bytes = [](const std::vector<log::Turn>& turns) {
    size_t bytes = 0;
    for (const log::Turn& t : turns) bytes += sizeof(log::Turn) + t.text.size();
    return bytes;
  };
  return std::visit(
      [&](const auto& r) {
        size_t bytes = kFixed + r.session.size() + r.channel.size() + r.language.size() + r.pack.size();
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, HandoffRow>) {
          bytes += transcript_bytes(r.transcript) + r.reason.size() + r.intent.size();
        } else if constexpr (std::is_same_v<T, TakeoverRow>) {
          bytes += transcript_bytes(r.transcript) + r.operator_id.size();
        } else if constexpr (std::is_same_v<T, FeedbackRow>) {
          bytes += r.kind.size() + r.intent.size() + r.operator_id.size() + r.comment.size();
        } else {
          bytes += r.text.size() + r.normalized.size() + r.best_intent.size() + r.action.size();
        }
        return bytes;
      },
      row);
}

void LogStore::Push(Row row) {
  uint64_t dropped = 0;
  bool wake = false;
  const size_t bytes = RowBytes(row);
  {
    std::lock_guard<std::mutex> lock(mu_);
    const bool empty = queue_.empty() && in_flight_ == 0;  // one row always fits
    if (queue_.size() + in_flight_ >= options_.queue_capacity ||
        (!empty && waiting_bytes_ + bytes > options_.queue_bytes)) {
      dropped = ++stats_.dropped;
      ++unrecorded_drops_;
    } else {
      waiting_bytes_ += bytes;
      queue_.push_back(Queued{std::move(row), redact_.load(std::memory_order_relaxed), bytes});
      // Otherwise the writer comes by within max_delay_ms.
      wake = queue_.size() == wake_rows_;
      ++seq_enqueued_;
      ++stats_.enqueued;
    }
  }
  if (dropped) {
    if (PowerOfTwo(dropped)) {
      Report(LogLevel::kWarning, "log queue full (" + std::to_string(options_.queue_capacity) + " rows or " +
                                     std::to_string(options_.queue_bytes >> 20) + " MiB waiting): " +
                                     std::to_string(dropped) + " rows dropped so far");
    }
    return;
  }
  if (wake) cv_.notify_one();
}

void LogStore::CountTurn(int64_t ts, std::string_view language, std::string_view channel, std::string_view action,
                         bool new_conversation) {
  static std::atomic<size_t> next_shard{0};
  thread_local const size_t shard_index = next_shard.fetch_add(1, std::memory_order_relaxed);
  Shard& shard = shards_[shard_index % kShards];
  const CountKeyView key{FloorDiv(ts, 3600), language, channel, action};
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.counts.find(key);
  if (it == shard.counts.end()) {
    it = shard.counts
             .emplace(CountKey{key.hour, std::string(language), std::string(channel), std::string(action)},
                      CountValue{})
             .first;
  }
  ++it->second.turns;
  if (new_conversation) ++it->second.conversations;
}

void LogStore::DrainCounts(Counts* into) {
  for (size_t i = 0; i < kShards; ++i) {
    Counts taken;
    {
      std::lock_guard<std::mutex> lock(shards_[i].mu);
      if (shards_[i].counts.empty()) continue;
      taken.swap(shards_[i].counts);
    }
    if (into->empty()) {
      into->swap(taken);
      continue;
    }
    for (auto& [key, value] : taken) {
      CountValue& v = (*into)[key];
      v.turns += value.turns;
      v.conversations += value.conversations;
    }
  }
}

bool LogStore::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t target = seq_enqueued_;
  const uint64_t generation = ++flush_requested_;
  cv_.notify_all();
  const bool done = done_cv_.wait_for(lock, std::chrono::milliseconds(std::max(0, options_.flush_timeout_ms)),
                                      [&] { return seq_finished_ >= target && flush_done_ >= generation; });
  // Closing right after a flush that gave up (zari_engine_destroy flushes,
  // then destroys) does not wait the whole timeout a second time.
  if (!done) flush_gave_up_ = true;
  return done;
}

LogStats LogStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  LogStats s = stats_;
  s.pending = queue_.size() + in_flight_;
  return s;
}

// The writer thread's own state, kept between rounds (no other thread
// touches it).
struct LogStore::Writer {
  std::vector<Queued> rows;              // taken from the queue
  size_t done = 0;                       // rows[0, done) are committed
  std::vector<std::string> transcripts;  // JSON of the handoffs in the current batch
  size_t prepared_end = 0;               // rows[done, prepared_end) are redacted
  Counts counts;                         // drained, not yet committed
  int failures = 0;                      // consecutive failed attempts
  Clock::time_point failing_since;
  Clock::time_point stop_deadline;
  bool stop_seen = false;
  Clock::time_point counts_written;
};

// What one round of the writer read under the lock.
struct LogStore::Round {
  uint64_t drops = 0, generation = 0;
  bool stopping = false, flush_pending = false, flush_gave_up = false;
  bool counts_due = false;  // counts are written this round
};

void LogStore::Run() {
  Writer w;
  w.counts_written = Clock::now();
  if (options_.writer_nice != 0) {
    // Replies first: on a busy machine the scheduler prefers the threads
    // that answer customers. (Linux: the nice value of this thread only.)
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), options_.writer_nice);
  }
  while (true) {
    const Round round = NextRound(&w);
    if (w.rows.empty() && w.counts.empty() && round.drops == 0) {
      if (!FinishIdleRound(round, &w)) break;
      continue;
    }
    const size_t end = std::min(w.rows.size(), w.done + options_.batch_size);
    if (w.prepared_end != end) {
      Prepare(w.rows, w.done, end, &w.transcripts);
      w.prepared_end = end;
    }
    Status s;
    try {
      s = WriteBatch(w.rows, w.done, end, w.transcripts, w.counts, round.drops);
    } catch (const std::exception& ex) {  // bad_alloc: retry later rather than terminate
      s = IoError(std::string("log writer: ") + ex.what());
    }
    if (s.ok()) {
      FinishWrite(round, end, &w);
    } else if (!RetryAfter(s, &w)) {
      break;
    }
  }
}

LogStore::Round LogStore::NextRound(Writer* w) {
  Round round;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (w->done == w->rows.size()) {
      w->rows.clear();
      w->done = w->prepared_end = 0;
      // Rows wait up to `linger` so that replies rarely pay for waking
      // this thread; a fuller queue, a flush or closing wake it at once.
      const auto linger = std::chrono::milliseconds(std::max(1, options_.max_delay_ms));
      cv_.wait_for(lock, linger, [&] {
        return stop_ || queue_.size() >= wake_rows_ || unrecorded_drops_ > 0 || flush_requested_ > flush_done_;
      });
      w->rows.swap(queue_);  // the queue keeps the old vector's capacity
      in_flight_ = w->rows.size();
    }
    round.drops = unrecorded_drops_;
    round.generation = flush_requested_;
    round.stopping = stop_;
    round.flush_pending = flush_requested_ > flush_done_;
    round.flush_gave_up = flush_gave_up_;
  }
  // Counts ride along with rows; on their own they are written every
  // `interval`, or for a flush or closing.
  const auto interval = std::chrono::milliseconds(std::max(1, options_.counter_interval_ms));
  round.counts_due = round.stopping || round.flush_pending || !w->rows.empty() || round.drops > 0 ||
                     Clock::now() - w->counts_written >= interval;
  if (round.counts_due) DrainCounts(&w->counts);  // after reading `generation`: covers every earlier CountTurn
  if (round.stopping && !w->stop_seen) {
    w->stop_seen = true;
    w->stop_deadline =
        Clock::now() + std::chrono::milliseconds(round.flush_gave_up ? 0 : std::max(0, options_.flush_timeout_ms));
  }
  return round;
}

bool LogStore::FinishIdleRound(const Round& round, Writer* w) {
  // Idle: still notice a rotated file, so the new one appears promptly.
  if (w->failures == 0) FollowFile();
  std::lock_guard<std::mutex> lock(mu_);
  if (round.counts_due) {
    w->counts_written = Clock::now();
    flush_done_ = std::max(flush_done_, round.generation);
    done_cv_.notify_all();
  }
  return !(stop_ && queue_.empty() && unrecorded_drops_ == 0);
}

void LogStore::FinishWrite(const Round& round, size_t end, Writer* w) {
  std::unique_lock<std::mutex> lock(mu_);
  const size_t n = end - w->done;
  stats_.written += n;
  seq_finished_ += n;
  in_flight_ -= n;
  for (size_t k = w->done; k < end; ++k) waiting_bytes_ -= w->rows[k].bytes;
  unrecorded_drops_ -= std::min(unrecorded_drops_, round.drops);
  w->done = end;
  if (round.counts_due) w->counts_written = Clock::now();
  w->counts.clear();
  if (w->done == w->rows.size() && round.counts_due) flush_done_ = std::max(flush_done_, round.generation);
  const int attempts = w->failures;
  w->failures = 0;
  flush_gave_up_ = false;
  stats_.last_error.clear();
  done_cv_.notify_all();
  lock.unlock();
  if (attempts > 0) {
    const auto secs = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - w->failing_since).count();
    Report(LogLevel::kInfo, "log database writable again after " + std::to_string(attempts) + " failed attempts (" +
                                std::to_string(secs) + " s)");
  }
}

bool LogStore::RetryAfter(const Status& s, Writer* w) {
  std::unique_lock<std::mutex> lock(mu_);
  ++stats_.failed_writes;
  stats_.last_error = s.message();
  if (w->failures++ == 0) w->failing_since = Clock::now();
  if (stop_ && Clock::now() >= w->stop_deadline) {
    // Closing on a disk that will not take the rows: count them, say so, go.
    const uint64_t lost = (w->rows.size() - w->done) + queue_.size();
    int64_t lost_turns = 0;
    for (const auto& [key, value] : w->counts) lost_turns += value.turns;
    stats_.dropped += lost;
    seq_finished_ += lost;
    in_flight_ = 0;
    waiting_bytes_ = 0;
    queue_.clear();
    done_cv_.notify_all();
    lock.unlock();
    Report(LogLevel::kError, "log closed while writes fail: " + std::to_string(lost) + " rows and " +
                                 std::to_string(lost_turns) + " turn counts not written: " + s.message());
    return false;
  }
  const uint64_t failed = stats_.failed_writes;
  lock.unlock();
  if (PowerOfTwo(static_cast<uint64_t>(w->failures))) {
    Report(LogLevel::kWarning, "log write failed (" + std::to_string(w->failures) + " in a row, " +
                                   std::to_string(failed) + " in all), retrying: " + s.message());
  }
  // Backoff 10 ms, 20 ms … 1 s; short steps once the store is closing.
  int delay = std::min(kMaxBackoffMs, kMinBackoffMs << std::min(w->failures - 1, 7));
  lock.lock();
  if (stop_) delay = std::min(delay, kStopRetryMs);
  cv_.wait_for(lock, std::chrono::milliseconds(delay), [&] { return stop_ && delay > kStopRetryMs; });
  return true;
}

void LogStore::Prepare(std::vector<Queued>& rows, size_t begin, size_t end,
                       std::vector<std::string>* transcripts) {
  transcripts->assign(end - begin, std::string());
  for (size_t i = begin; i < end; ++i) {
    std::visit([&](auto& row) { PrepareRow(row, rows[i].redact, &(*transcripts)[i - begin]); }, rows[i].row);
  }
}

Status LogStore::FollowFile() {
  if (!db_ || IsMemoryPath(options_.path)) return Status::Ok();
  uint64_t dev = 0, ino = 0;
  const bool exists = StatFile(options_.path, &dev, &ino);
  if (exists && dev == db_dev_ && ino == db_ino_) return Status::Ok();
  // Renamed (rotation), deleted, or replaced. Rows committed since then are
  // in the WAL this connection holds under the old name: move them into the
  // old file (SQLite does not checkpoint a moved file on close), so a
  // rotated file is whole, then start a new file under the configured name.
  if (!file_moved_) {
    file_moved_ = true;
    Report(LogLevel::kWarning, options_.path + (exists ? " was replaced" : " was moved or deleted") +
                                   "; finishing the old file and starting a new one");
  }
  int log_frames = 0, checkpointed = 0;
  const int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &log_frames, &checkpointed);
  if (rc != SQLITE_OK) {
    // A reader of the old file holds frames back: retried with the rows.
    return IoError(options_.path + " was moved; cannot finish the old file yet: " + sqlite3_errmsg(db_));
  }
  CloseDb();
  file_moved_ = false;
  // What is left under the old name is an empty journal of the old file: it
  // must not be read as the new file's.
  const std::string wal = options_.path + "-wal";
  struct stat st;
  if (!exists || (::stat(wal.c_str(), &st) == 0 && st.st_size == 0)) {
    ::unlink(wal.c_str());
    ::unlink((options_.path + "-shm").c_str());
  }
  return OpenDb();
}

Status LogStore::WriteBatch(const std::vector<Queued>& rows, size_t begin, size_t end,
                            const std::vector<std::string>& transcripts, const Counts& counts, uint64_t drops) {
  Status follow = FollowFile();
  if (!follow.ok()) return follow;
  if (!db_) {
    Status s = OpenDb();
    if (!s.ok()) return s;
  }
  auto fail = [&](DbError e) {
    if (sqlite3_get_autocommit(db_) == 0) Exec(db_, "ROLLBACK");
    // Another connection's lock passes; anything else may be this
    // connection's state (read-only, a full disk, a moved file): reopen.
    if (!IsBusy(e.rc)) CloseDb();
    return IoError(e.message);
  };
  if (!stmts_) {
    stmts_ = std::make_unique<Statements>(db_);
    if (!stmts_->ok()) {
      const DbError e = LastError(db_);
      stmts_.reset();
      return fail(e);
    }
  }
  DbError e = Exec(db_, "BEGIN IMMEDIATE");
  if (e.rc != SQLITE_OK) return fail(e);
  {
    for (size_t i = begin; i < end; ++i) {
      const std::string& transcript = transcripts[i - begin];
      const bool ok = std::visit([&](const auto& row) { return stmts_->Insert(row, transcript); }, rows[i].row);
      if (!ok) return fail(LastError(db_));
    }
    if (!counts.empty()) {
      Statement& count = stmts_->count;
      for (const auto& [key, value] : counts) {
        count.Bind(1, key.hour);
        count.Bind(2, key.language);
        count.Bind(3, key.channel);
        count.Bind(4, key.action);
        count.Bind(5, value.turns);
        count.Bind(6, value.conversations);
        if (!count.Run()) return fail(LastError(db_));
      }
    }
    if (drops > 0) {
      Statement& meta = stmts_->drops;
      meta.Bind(1, static_cast<int64_t>(drops));
      if (!meta.Run()) return fail(LastError(db_));
    }
  }
  e = Exec(db_, "COMMIT");
  if (e.rc != SQLITE_OK) return fail(e);
  return Status::Ok();
}

Result<std::string> CheckIntegrity(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return IoError(path + ": " + msg);
  }
  std::string out;
  {
    Statement q(db, "PRAGMA integrity_check");
    if (!q.ok()) {
      std::string msg = q.error();
      sqlite3_close_v2(db);
      return IoError(path + ": " + msg);
    }
    while (q.Step()) out += (out.empty() ? "" : "\n") + q.Text(0);
    if (!q.done()) out = "integrity_check failed: " + q.error();
  }
  sqlite3_close_v2(db);
  return out;
}

}  // namespace zari::log
