#include "sqlite_persistence.h"

#include <sqlite3.h>

#include <chrono>

#include "log/sqlite.h"

namespace zari::server {

namespace {

constexpr int kApplicationId = 0x5A415253;  // "ZARS"
constexpr int kSchemaVersion = 1;

using log::Statement;

bool Exec(sqlite3* db, const char* sql) { return sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK; }

Status OpenConnection(const std::string& path, sqlite3** out) {
  const int rc = sqlite3_open_v2(path.c_str(), out, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 nullptr);
  if (rc != SQLITE_OK) {
    std::string why = *out ? sqlite3_errmsg(*out) : sqlite3_errstr(rc);
    return Status(Code::kIo, "cannot open the conversation store " + path + ": " + why);
  }
  sqlite3_busy_timeout(*out, 1000);
  Exec(*out, "PRAGMA journal_mode=WAL");
  Exec(*out, "PRAGMA synchronous=NORMAL");
  return Status::Ok();
}

// Creates the tables of a new file; refuses a file that is something else.
Status Prepare(sqlite3* db, const std::string& path) {
  const int64_t app = log::QueryInt(db, "PRAGMA application_id", -1);
  const int64_t version = log::QueryInt(db, "PRAGMA user_version", -1);
  const int64_t tables = log::QueryInt(db, "SELECT count(*) FROM sqlite_master", -1);
  if (app == -1 || tables == -1) return Status(Code::kState, path + " is not an SQLite database");
  if (tables > 0 && app != kApplicationId) {
    return Status(Code::kState, path + " is not a Zari conversation store (it holds other tables)");
  }
  if (version > kSchemaVersion) {
    return Status(Code::kState, path + " was written by a newer Zari (store version " + std::to_string(version) + ")");
  }
  const bool ok = Exec(db,
                       "BEGIN;"
                       "PRAGMA application_id=1514230355;"  // kApplicationId
                       "PRAGMA user_version=1;"
                       "CREATE TABLE IF NOT EXISTS conversations(id TEXT PRIMARY KEY, state TEXT NOT NULL,"
                       " updated INTEGER NOT NULL) WITHOUT ROWID;"
                       "CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated);"
                       "CREATE TABLE IF NOT EXISTS events(conversation TEXT NOT NULL, seq INTEGER NOT NULL,"
                       " type TEXT NOT NULL, ts INTEGER NOT NULL, fields TEXT NOT NULL,"
                       " PRIMARY KEY(conversation, seq)) WITHOUT ROWID;"
                       "CREATE TABLE IF NOT EXISTS records(kind TEXT NOT NULL, key TEXT NOT NULL,"
                       " value TEXT NOT NULL, PRIMARY KEY(kind, key)) WITHOUT ROWID;"
                       "COMMIT;");
  if (!ok) return Status(Code::kIo, "cannot prepare the conversation store " + path + ": " + sqlite3_errmsg(db));
  return Status::Ok();
}

}  // namespace

static_assert(kApplicationId == 1514230355, "the PRAGMA literal in Prepare");

Result<std::unique_ptr<SqlitePersistence>> SqlitePersistence::Open(Options options) {
  std::unique_ptr<SqlitePersistence> p(new SqlitePersistence(std::move(options)));
  if (Status s = p->OpenDb(); !s.ok()) return s;
  p->writer_ = std::thread([raw = p.get()] { raw->Run(); });
  return p;
}

Status SqlitePersistence::OpenDb() {
  if (Status s = OpenConnection(options_.path, &write_db_); !s.ok()) return s;
  if (Status s = Prepare(write_db_, options_.path); !s.ok()) return s;
  return OpenConnection(options_.path, &read_db_);
}

SqlitePersistence::~SqlitePersistence() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  sqlite3_close_v2(read_db_);
  sqlite3_close_v2(write_db_);
}

void SqlitePersistence::Save(const std::string& id, std::string state, int64_t updated) {
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = queue_[id];
  p.has_state = true;
  p.state = std::move(state);
  p.updated = updated;
  ++queued_gen_;
}

void SqlitePersistence::SaveEvent(const std::string& id, const Event& event) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_[id].events.push_back(event);
  ++queued_gen_;
}

void SqlitePersistence::Erase(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  Pending& p = queue_[id];
  p = Pending();
  p.erase = true;
  ++queued_gen_;
}

void SqlitePersistence::EraseOlderThan(int64_t cutoff) {
  std::lock_guard<std::mutex> lock(mu_);
  erase_before_ = std::max(erase_before_, cutoff);
  ++queued_gen_;
}

void SqlitePersistence::SaveRecord(const std::string& kind, const std::string& key, const std::string* value) {
  std::lock_guard<std::mutex> lock(mu_);
  records_[{kind, key}] = value ? std::optional<std::string>(*value) : std::nullopt;
  ++queued_gen_;
}

void SqlitePersistence::Flush() {
  std::unique_lock<std::mutex> lock(mu_);
  const uint64_t want = queued_gen_;
  flush_ = true;
  cv_.notify_all();
  // A disk that keeps failing does not hang the caller for good.
  done_cv_.wait_for(lock, std::chrono::seconds(10), [&] { return done_gen_ >= want || stop_; });
}

size_t SqlitePersistence::pending() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size() + in_flight_;
}

std::string SqlitePersistence::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

void SqlitePersistence::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  int backoff_ms = options_.interval_ms;
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(backoff_ms), [&] { return stop_ || flush_; });
    flush_ = false;
    if (queue_.empty() && records_.empty() && erase_before_ == 0) {
      done_gen_ = queued_gen_;
      done_cv_.notify_all();
      if (stop_) return;
      continue;
    }
    std::unordered_map<std::string, Pending> batch;
    batch.swap(queue_);
    Records records;
    records.swap(records_);
    const int64_t erase_before = erase_before_;
    erase_before_ = 0;
    const uint64_t gen = queued_gen_;
    in_flight_ = batch.size() + records.size();
    lock.unlock();
    Status s = Commit(batch, records, erase_before);
    lock.lock();
    in_flight_ = 0;
    if (s.ok()) {
      last_error_.clear();
      done_gen_ = gen;
      done_cv_.notify_all();
      backoff_ms = options_.interval_ms;
      continue;
    }
    // Put the batch back under anything queued since (newer wins), retry later.
    last_error_ = s.message();
    for (auto& [id, p] : batch) {
      auto [it, fresh] = queue_.emplace(id, std::move(p));
      if (fresh) continue;
      Pending& newer = it->second;
      if (!newer.erase) {
        if (!newer.has_state) {
          newer.has_state = p.has_state;
          newer.state = std::move(p.state);
          newer.updated = p.updated;
        }
        newer.events.insert(newer.events.begin(), p.events.begin(), p.events.end());
        newer.erase = p.erase;
      }
    }
    records_.merge(records);  // keys written since keep their newer value
    erase_before_ = std::max(erase_before_, erase_before);
    backoff_ms = std::min(backoff_ms * 2, 5000);
    if (stop_) return;
  }
}

bool SqlitePersistence::CommitRecords(const Records& records) {
  Statement put(write_db_, "INSERT OR REPLACE INTO records(kind, key, value) VALUES(?1, ?2, ?3)");
  Statement del(write_db_, "DELETE FROM records WHERE kind=?1 AND key=?2");
  if (!put.ok() || !del.ok()) return false;
  for (const auto& [k, v] : records) {
    const bool ok = v ? put.Bind(1, k.first).Bind(2, k.second).Bind(3, *v).Run() : del.Bind(1, k.first).Bind(2, k.second).Run();
    if (!ok) return false;
  }
  return true;
}

Status SqlitePersistence::Commit(std::unordered_map<std::string, Pending>& batch, const Records& records,
                                 int64_t erase_before) {
  sqlite3* db = write_db_;
  if (!Exec(db, "BEGIN IMMEDIATE")) return Status(Code::kIo, std::string("store: ") + sqlite3_errmsg(db));
  Statement del_conv(db, "DELETE FROM conversations WHERE id=?1");
  Statement del_events(db, "DELETE FROM events WHERE conversation=?1");
  Statement put(db, "INSERT OR REPLACE INTO conversations(id, state, updated) VALUES(?1, ?2, ?3)");
  Statement add(db, "INSERT OR REPLACE INTO events(conversation, seq, type, ts, fields) VALUES(?1, ?2, ?3, ?4, ?5)");
  Statement prune(db, "DELETE FROM events WHERE conversation=?1 AND seq<=?2");
  bool ok = del_conv.ok() && del_events.ok() && put.ok() && add.ok() && prune.ok();
  for (auto& [id, p] : batch) {
    if (!ok) break;
    if (p.erase) ok = del_conv.Bind(1, id).Run() && del_events.Bind(1, id).Run();
    if (ok && p.has_state) ok = put.Bind(1, id).Bind(2, p.state).Bind(3, p.updated).Run();
    for (const Event& e : p.events) {
      if (!ok) break;
      ok = add.Bind(1, id).Bind(2, static_cast<int64_t>(e.seq)).Bind(3, e.type).Bind(4, e.ts).Bind(5, e.fields).Run();
    }
    if (ok && !p.events.empty() && p.events.back().seq > options_.max_events) {
      ok = prune.Bind(1, id).Bind(2, static_cast<int64_t>(p.events.back().seq - options_.max_events)).Run();
    }
  }
  if (ok) ok = CommitRecords(records);
  if (ok && erase_before > 0) {
    Statement old_events(db, "DELETE FROM events WHERE conversation IN (SELECT id FROM conversations WHERE updated<?1)");
    Statement old(db, "DELETE FROM conversations WHERE updated<?1");
    ok = old_events.ok() && old.ok() && old_events.Bind(1, erase_before).Run() && old.Bind(1, erase_before).Run();
  }
  if (ok && Exec(db, "COMMIT")) return Status::Ok();
  std::string why = sqlite3_errmsg(db);
  Exec(db, "ROLLBACK");
  return Status(Code::kIo, "store: " + why);
}

Result<std::optional<SavedConversation>> SqlitePersistence::Load(const std::string& id) {
  Flush();  // what was queued for this conversation is in the file
  std::lock_guard<std::mutex> lock(read_mu_);
  Statement get(read_db_, "SELECT state, updated FROM conversations WHERE id=?1");
  if (!get.ok()) return Status(Code::kIo, std::string("store: ") + sqlite3_errmsg(read_db_));
  get.Bind(1, id);
  if (!get.Step()) return std::optional<SavedConversation>();
  SavedConversation c;
  c.state = get.Text(0);
  c.updated = get.Int(1);
  Statement events(read_db_, "SELECT seq, type, ts, fields FROM events WHERE conversation=?1 ORDER BY seq");
  if (!events.ok()) return Status(Code::kIo, std::string("store: ") + sqlite3_errmsg(read_db_));
  events.Bind(1, id);
  while (events.Step()) {
    c.events.push_back({static_cast<uint64_t>(events.Int(0)), events.Text(1), events.Int(2), events.Text(3)});
  }
  c.last_seq = c.events.empty() ? 0 : c.events.back().seq;
  return std::optional<SavedConversation>(std::move(c));
}

}  // namespace zari::server

namespace zari::server {

Result<std::vector<std::tuple<std::string, std::string, std::string>>> SqlitePersistence::LoadRecords() {
  std::vector<std::tuple<std::string, std::string, std::string>> out;
  std::lock_guard<std::mutex> lock(read_mu_);
  Statement st(read_db_, "SELECT kind, key, value FROM records");
  if (!st.ok()) return Status(Code::kIo, std::string("store: ") + sqlite3_errmsg(read_db_));
  while (st.Step()) out.emplace_back(st.Text(0), st.Text(1), st.Text(2));
  return out;
}

Result<std::vector<std::pair<std::string, Event>>> SqlitePersistence::LoadFeeds() {
  std::vector<std::pair<std::string, Event>> out;
  std::lock_guard<std::mutex> lock(read_mu_);
  Statement st(read_db_,
          "SELECT conversation, seq, type, ts, fields FROM events WHERE conversation LIKE '@%' "
          "ORDER BY conversation, seq");
  if (!st.ok()) return Status(Code::kIo, std::string("store: ") + sqlite3_errmsg(read_db_));
  while (st.Step()) {
    out.emplace_back(st.Text(0),
                     Event{static_cast<uint64_t>(st.Int(1)), st.Text(2), st.Int(3), st.Text(4)});
  }
  return out;
}

}  // namespace zari::server
