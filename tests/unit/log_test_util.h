// Helpers for the log, redaction and report tests: scratch directories,
// a tiny SQLite reader, waiting for a condition.
#ifndef ZARI_TESTS_UNIT_LOG_TEST_UTIL_H_
#define ZARI_TESTS_UNIT_LOG_TEST_UTIL_H_

#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace zari_test {

namespace fs = std::filesystem;

inline std::string PackDir(const char* name = "telecom") {
  return std::string(ZARI_SOURCE_DIR) + "/intents/" + name;
}

// A scratch directory removed at the end of the test.
struct LogTempDir {
  fs::path path;
  explicit LogTempDir(const char* tag = "log") {
    static int counter = 0;
    path = fs::temp_directory_path() /
           ("zari-" + std::string(tag) + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~LogTempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string File(const std::string& name) const { return (path / name).string(); }
};

// One SQLite connection for checking what the store wrote.
class Sql {
 public:
  explicit Sql(const std::string& path, bool read_only = false) {
    const int flags = read_only ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
      throw std::runtime_error(path + ": " + sqlite3_errmsg(db_));
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  ~Sql() { sqlite3_close_v2(db_); }
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  sqlite3* db() const { return db_; }

  // Runs statements; returns "" or the error message.
  std::string Exec(const std::string& sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) == SQLITE_OK) return "";
    std::string msg = err ? err : "error";
    sqlite3_free(err);
    return msg;
  }
  // The first column of every row, as text ("" for NULL).
  std::vector<std::string> Column(const std::string& sql) {
    std::vector<std::string> out;
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
      out.emplace_back(t ? t : "");
    }
    sqlite3_finalize(st);
    return out;
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
      throw std::runtime_error(sql + ": " + sqlite3_errmsg(db_));
    }
    int64_t v = -1;
    if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
  }

 private:
  sqlite3* db_ = nullptr;
};

// Waits (polling) until `done()` holds; false after `seconds`. Used to wait
// for background progress, never to assert how long something takes.
template <typename F>
bool WaitUntil(F done, int seconds = 60) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

// The schema version 1 tables exactly (docs/OPERATIONS.md, Schema).
inline const char* kSchemaV1 =
    "CREATE TABLE unresolved(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL,"
    " session TEXT, channel TEXT, language TEXT,"
    " text TEXT NOT NULL, normalized TEXT NOT NULL,"
    " best_intent TEXT, best_score REAL, pack TEXT);"
    "CREATE TABLE handoffs(id INTEGER PRIMARY KEY, ts INTEGER NOT NULL, session TEXT, channel TEXT,"
    " language TEXT, reason TEXT NOT NULL, intent TEXT, within_hours INTEGER NOT NULL,"
    " transcript TEXT NOT NULL);";

// What Zari's schema version 2 added.
inline const char* kSchemaV2Additions =
    "ALTER TABLE unresolved ADD COLUMN action TEXT;"
    "ALTER TABLE unresolved ADD COLUMN pack_version TEXT;"
    "ALTER TABLE handoffs ADD COLUMN pack TEXT;"
    "ALTER TABLE handoffs ADD COLUMN next_open INTEGER;"
    "CREATE TABLE log_meta(key TEXT PRIMARY KEY, value INTEGER NOT NULL);"
    "CREATE INDEX unresolved_ts ON unresolved(ts);"
    "CREATE INDEX handoffs_ts ON handoffs(ts);";

// What Zari's schema version 3 added.
inline const char* kSchemaV3Additions =
    "CREATE TABLE turn_counts(hour INTEGER NOT NULL, language TEXT NOT NULL, channel TEXT NOT NULL,"
    " action TEXT NOT NULL, turns INTEGER NOT NULL DEFAULT 0, conversations INTEGER NOT NULL DEFAULT 0,"
    " PRIMARY KEY(hour, language, channel, action)) WITHOUT ROWID;"
    "PRAGMA application_id = 1514230345;"
    "INSERT INTO log_meta(key, value) VALUES('counts_since', 1700000000);";

}  // namespace zari_test

#endif  // ZARI_TESTS_UNIT_LOG_TEST_UTIL_H_
