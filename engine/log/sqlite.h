// The few things every SQLite user in Zari needs: a prepared statement that
// finalizes itself, and questions about a file's schema. One implementation
// for the log writer (log/), its reader (report/) and the server's
// conversation store (server/sqlite_persistence.cc).
//
// Thread-safety: a Statement is used by one thread at a time, like the
// connection it was prepared on.
#ifndef ZARI_LOG_SQLITE_H_
#define ZARI_LOG_SQLITE_H_

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace zari::log {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql) : db_(db) {
    rc_ = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &st_, nullptr);
  }
  ~Statement() { sqlite3_finalize(st_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Prepared: false for SQL the file's schema cannot run (error() says why).
  bool ok() const { return st_ != nullptr; }
  std::string error() const { return sqlite3_errmsg(db_); }

  // Parameters are numbered from 1. Texts are copied (SQLITE_TRANSIENT).
  Statement& Bind(int i, std::string_view v) {
    sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& Bind(int i, const char* v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, const std::string& v) { return Bind(i, std::string_view(v)); }
  Statement& Bind(int i, int64_t v) {
    sqlite3_bind_int64(st_, i, v);
    return *this;
  }
  Statement& Bind(int i, int v) { return Bind(i, static_cast<int64_t>(v)); }
  Statement& Bind(int i, double v) {
    sqlite3_bind_double(st_, i, v);
    return *this;
  }
  Statement& BindNull(int i) {
    sqlite3_bind_null(st_, i);
    return *this;
  }
  // An empty text is stored as NULL (an optional column).
  Statement& BindTextOrNull(int i, std::string_view v) { return v.empty() ? BindNull(i) : Bind(i, v); }

  // Reading rows: true while there is one; at the end done() tells an
  // exhausted query from an error.
  bool Step() {
    rc_ = sqlite3_step(st_);
    return rc_ == SQLITE_ROW;
  }
  bool done() const { return rc_ == SQLITE_DONE; }
  std::string Text(int i) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(st_, i));
    return p ? std::string(p, static_cast<size_t>(sqlite3_column_bytes(st_, i))) : std::string();
  }
  int64_t Int(int i) const { return sqlite3_column_int64(st_, i); }
  double Real(int i) const { return sqlite3_column_double(st_, i); }

  // Writing: runs a statement that returns no rows and makes it ready for
  // the next bindings. False on an error (error() says it).
  bool Run() {
    rc_ = sqlite3_step(st_);
    sqlite3_reset(st_);
    sqlite3_clear_bindings(st_);
    return rc_ == SQLITE_DONE;
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  int rc_ = SQLITE_OK;
};

// The first column of the first row of `sql`, or `fallback` (no row, or SQL
// the file cannot run).
inline int64_t QueryInt(sqlite3* db, std::string_view sql, int64_t fallback) {
  Statement q(db, sql);
  return q.ok() && q.Step() ? q.Int(0) : fallback;
}

inline bool HasTable(sqlite3* db, std::string_view name) {
  Statement q(db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?1");
  return q.ok() && q.Bind(1, name).Step();
}

inline bool HasColumn(sqlite3* db, std::string_view table, std::string_view column) {
  Statement q(db, "SELECT 1 FROM pragma_table_info(?1) WHERE name=?2");
  return q.ok() && q.Bind(1, table).Bind(2, column).Step();
}

}  // namespace zari::log

#endif  // ZARI_LOG_SQLITE_H_
