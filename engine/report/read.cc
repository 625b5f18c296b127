#include "report/read.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <limits>

#include "log/feedback.h"
#include "log/log_store.h"
#include "log/sqlite.h"
#include "util/numbers.h"

namespace zari::report {
namespace {

struct Db {
  sqlite3* db = nullptr;
  ~Db() { sqlite3_close_v2(db); }
};

using log::HasColumn;
using log::HasTable;
using log::Statement;

// The report's period and language in a query: "ts >= ?1 AND ts < ?2" and
// then Language() ("" or " AND language = ?3").
class Filter {
 public:
  explicit Filter(const ReportOptions& o) : o_(o) {}
  std::string Language(const char* column = "language") const {
    return o_.language.empty() ? "" : std::string(" AND ") + column + " = ?3";
  }
  void Bind(Statement& q) const { Bind(q, o_.since, o_.until); }
  void Bind(Statement& q, int64_t from, int64_t to) const {
    q.Bind(1, from);
    q.Bind(2, to);
    if (!o_.language.empty()) q.Bind(3, o_.language);
  }

 private:
  const ReportOptions& o_;
};

Status OpenReadOnly(const std::string& path, Db* db) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return Status(Code::kNotFound, path + ": no such file");
  if (S_ISDIR(st.st_mode)) return Status(Code::kInvalid, path + ": is a directory, not a log database");
  if (sqlite3_open_v2(path.c_str(), &db->db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    return Status(Code::kIo, path + ": cannot open: " + (db->db ? sqlite3_errmsg(db->db) : "out of memory"));
  }
  sqlite3_busy_timeout(db->db, 5000);
  return Status::Ok();
}

// A Zari log of a schema this zari reads (older ones as they are). Sets
// *version to its schema version (0 before versions were recorded).
Status CheckLog(const std::string& path, sqlite3* db, int64_t* version) {
  auto not_zari = [&](const std::string& why) {
    return Status(Code::kInvalid, path + ": not a Zari log database (" + why + ")");
  };
  int64_t app = 0;
  {
    Statement q(db, "PRAGMA user_version");
    if (!q.ok() || !q.Step()) return not_zari(q.error());
    *version = q.Int(0);
  }
  {
    Statement q(db, "PRAGMA application_id");
    if (q.ok() && q.Step()) app = q.Int(0);
  }
  if (app != 0 && app != log::kApplicationId) return not_zari("another application's file");
  if (*version > log::kSchemaVersion) {
    return Status(Code::kInvalid, path + ": log schema version " + std::to_string(*version) +
                                      " is newer than this zari reads (" + std::to_string(log::kSchemaVersion) +
                                      "); use a newer zari");
  }
  if (!HasTable(db, "unresolved") || !HasColumn(db, "unresolved", "normalized")) {
    return not_zari("no unresolved table");
  }
  return Status::Ok();
}

void ReadMeta(sqlite3* db, DatabaseInfo* info) {
  if (!HasTable(db, "log_meta")) return;
  Statement q(db, "SELECT key, value FROM log_meta WHERE key IN ('dropped_rows', 'counts_since')");
  while (q.ok() && q.Step()) {
    if (q.Text(0) == "dropped_rows") info->dropped_rows = q.Int(1);
    else info->counts_since = q.Int(1);
  }
}

void ShowProgress(sqlite3* db, const std::string& path, const ReportOptions& o, const Filter& filter) {
  Statement q(db, "SELECT count(*) FROM unresolved WHERE ts >= ?1 AND ts < ?2" + filter.Language());
  if (!q.ok()) return;
  filter.Bind(q);
  if (q.Step()) o.progress("reading " + path + ": " + GroupThousands(q.Int(0)) + " unresolved questions");
}

// The unresolved questions, grouped by language, channel, action and text.
Status ReadUnresolved(sqlite3* db, const std::string& path, const Filter& filter, bool has_action, DbData* out) {
  Statement q(db, std::string("SELECT coalesce(language, ''), coalesce(channel, ''), ") +
                  (has_action ? "coalesce(action, 'fallback')" : "'fallback'") +
                  ", text, normalized, count(*), min(ts), max(ts), max(coalesce(best_intent, ''))"
                  " FROM unresolved WHERE ts >= ?1 AND ts < ?2" + filter.Language() +
                  " GROUP BY 1, 2, 3, 4, 5");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  while (q.Step()) {
    Row r;
    r.language = q.Text(0);
    r.channel = q.Text(1);
    r.action = q.Text(2);
    r.text = q.Text(3);
    r.normalized = q.Text(4);
    r.count = q.Int(5);
    r.first_ts = q.Int(6);
    r.last_ts = q.Int(7);
    r.best_intent = q.Text(8);
    out->info.unresolved += r.count;
    out->rows.push_back(std::move(r));
  }
  if (!q.done()) return Status(Code::kIo, path + ": " + q.error());
  return Status::Ok();
}

// Pack names seen in the period (at most 20).
void ReadPacks(sqlite3* db, const Filter& filter, DatabaseInfo* info) {
  Statement q(db, "SELECT DISTINCT coalesce(pack, '') FROM unresolved WHERE ts >= ?1 AND ts < ?2" + filter.Language() +
                  " LIMIT 20");
  if (!q.ok()) return;
  filter.Bind(q);
  while (q.Step()) {
    if (!q.Text(0).empty()) info->packs.push_back(q.Text(0));
  }
}

Status ReadHandoffs(sqlite3* db, const std::string& path, const Filter& filter, DbData* out) {
  Statement q(db, "SELECT coalesce(language, ''), coalesce(channel, ''), reason, within_hours, count(*)"
              " FROM handoffs WHERE ts >= ?1 AND ts < ?2" + filter.Language() + " GROUP BY 1, 2, 3, 4");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  while (q.Step()) {
    out->handoffs.push_back({q.Text(0), q.Text(1), q.Text(2), q.Int(3) != 0, q.Int(4)});
    out->info.handoffs += q.Int(4);
  }
  // Conversations with a handoff: distinct session ids; rows without an id
  // count one conversation each.
  Statement s(db, "SELECT coalesce(language, ''), coalesce(channel, ''),"
              " count(DISTINCT CASE WHEN coalesce(session, '') <> '' THEN session END)"
              " + sum(CASE WHEN coalesce(session, '') = '' THEN 1 ELSE 0 END)"
              " FROM handoffs WHERE ts >= ?1 AND ts < ?2" + filter.Language() + " GROUP BY 1, 2");
  if (!s.ok()) return Status(Code::kIo, path + ": " + s.error());
  filter.Bind(s);
  while (s.Step()) out->handoff_sessions[{s.Text(0), s.Text(1)}] += s.Int(2);
  return Status::Ok();
}

// The first hour bucket starting at or after t; an open end stays open.
int64_t FirstHourFrom(int64_t t) {
  if (t == std::numeric_limits<int64_t>::min() || t == std::numeric_limits<int64_t>::max()) return t;
  return t >= 0 ? (t + 3599) / 3600 : t / 3600;
}

// Turn counters of the hourly buckets whose start lies in [since, until).
Status ReadTurnCounts(sqlite3* db, const std::string& path, const ReportOptions& o, const Filter& filter,
                      DbData* out) {
  Statement q(db, "SELECT language, channel, action, sum(turns), sum(conversations) FROM turn_counts"
              " WHERE hour >= ?1 AND hour < ?2" + filter.Language() + " GROUP BY 1, 2, 3");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q, FirstHourFrom(o.since), FirstHourFrom(o.until));
  while (q.Step()) {
    Rates r;
    r.language = q.Text(0);
    r.channel = q.Text(1);
    const std::string action = q.Text(2);
    const int64_t n = q.Int(3);
    r.turns = n;
    r.conversations = q.Int(4);
    if (action == "answer") r.answer = n;
    else if (action == "clarify") r.clarify = n;
    else if (action == "fallback") r.fallback = n;
    else if (action == "handoff") r.handoff = n;
    else if (action == "after_hours") r.after_hours = n;
    out->counts.push_back(r);
  }
  return Status::Ok();
}

// Conversations begun per hour, for the KPIs' denominators and the charts.
Status ReadConversationHours(sqlite3* db, const std::string& path, const ReportOptions& o, const Filter& filter,
                             DbData* out) {
  Statement q(db, "SELECT hour, sum(conversations) FROM turn_counts WHERE hour >= ?1 AND hour < ?2" + filter.Language() +
                  " GROUP BY hour");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q, FirstHourFrom(o.since), FirstHourFrom(o.until));
  while (q.Step()) {
    if (q.Int(1) > 0) out->conversations_by_hour[q.Int(0)] += q.Int(1);
  }
  return q.done() ? Status::Ok() : Status(Code::kIo, path + ": " + q.error());
}

// Every handoff row: escalation by reason and by day count conversations.
Status ReadHandoffEvents(sqlite3* db, const std::string& path, const Filter& filter, DbData* out) {
  Statement q(db, "SELECT coalesce(session, ''), ts, reason, within_hours FROM handoffs WHERE ts >= ?1 AND ts < ?2" +
                  filter.Language());
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  while (q.Step()) out->handoff_events.push_back({q.Text(0), q.Int(1), q.Text(2), q.Int(3) != 0});
  return q.done() ? Status::Ok() : Status(Code::kIo, path + ": " + q.error());
}

// Conversations whose customer said the bot helped (a "helpful" yes or a
// satisfied CSAT) and never that it did not (a "helpful" no or a
// dissatisfied CSAT), and that had no handoff in the period.
Status ReadConfirmed(sqlite3* db, const std::string& path, const Filter& filter, DbData* out) {
  const std::string positive = "(kind = 'helpful' AND value = 1) OR (kind = 'csat' AND value >= " +
                               std::to_string(log::kCsatSatisfiedFrom) + ")";
  const std::string negative = "(kind = 'helpful' AND value = 0) OR (kind = 'csat' AND value <= " +
                               std::to_string(log::kCsatDissatisfiedTo) + ")";
  Statement q(db, "SELECT count(*) FROM (SELECT session FROM feedback WHERE ts >= ?1 AND ts < ?2" + filter.Language() +
                  " AND coalesce(session, '') <> '' AND kind IN ('helpful', 'csat') GROUP BY session"
                  " HAVING max(" + positive + ") = 1 AND max(" + negative + ") = 0)"
                  " WHERE session NOT IN (SELECT session FROM handoffs"
                  " WHERE ts >= ?1 AND ts < ?2 AND session IS NOT NULL)");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  if (q.Step()) out->confirmed += q.Int(0);
  return Status::Ok();
}

// Feedback answers by kind, value and hour; "helpful" answers by intent.
Status ReadFeedback(sqlite3* db, const std::string& path, const Filter& filter, DbData* out) {
  Statement q(db, "SELECT kind, value, ts / 3600, count(*) FROM feedback WHERE ts >= ?1 AND ts < ?2" + filter.Language() +
                  " GROUP BY 1, 2, 3");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  while (q.Step()) {
    out->feedback.push_back({q.Text(0), static_cast<int>(q.Int(1)), q.Int(2), q.Int(3)});
    out->info.feedback += q.Int(3);
  }
  if (!q.done()) return Status(Code::kIo, path + ": " + q.error());
  Statement h(db, "SELECT coalesce(intent, ''), value, count(*) FROM feedback WHERE kind = 'helpful'"
              " AND ts >= ?1 AND ts < ?2" + filter.Language() + " GROUP BY 1, 2");
  if (!h.ok()) return Status(Code::kIo, path + ": " + h.error());
  filter.Bind(h);
  while (h.Step()) out->helpful_by_intent[h.Text(0)].by_value[static_cast<int>(h.Int(1))] += h.Int(2);
  if (!h.done()) return Status(Code::kIo, path + ": " + h.error());
  return ReadConfirmed(db, path, filter, out);
}

// Per operator (the takeovers table): the conversations taken in the
// period, and the CSAT answers given after an operator joined. A feedback
// row names its operator (the session's, when the answer was given); rows
// without one (written by other tools) go to the session's latest operator
// by then.
Status ReadTakeovers(sqlite3* db, const std::string& path, const Filter& filter, bool has_feedback, DbData* out) {
  Statement q(db, "SELECT operator_id, count(DISTINCT session) FROM takeovers WHERE joined_ts >= ?1 AND joined_ts < ?2" +
                  filter.Language() + " GROUP BY 1");
  if (!q.ok()) return Status(Code::kIo, path + ": " + q.error());
  filter.Bind(q);
  while (q.Step()) out->operator_conversations[q.Text(0)] += q.Int(1);
  if (!q.done()) return Status(Code::kIo, path + ": " + q.error());
  if (!has_feedback) return Status::Ok();
  Statement c(db, "SELECT op, value FROM (SELECT f.value AS value, coalesce(nullif(f.operator_id, ''),"
              " (SELECT t.operator_id FROM takeovers t WHERE t.session = f.session AND t.joined_ts <= f.ts"
              " ORDER BY t.joined_ts DESC LIMIT 1)) AS op FROM feedback f"
              " WHERE f.kind = 'csat' AND f.ts >= ?1 AND f.ts < ?2" + filter.Language("f.language") + ")"
              " WHERE op IS NOT NULL");
  if (!c.ok()) return Status(Code::kIo, path + ": " + c.error());
  filter.Bind(c);
  while (c.Step()) ++out->operator_csat[c.Text(0)].by_value[static_cast<int>(c.Int(1))];
  return c.done() ? Status::Ok() : Status(Code::kIo, path + ": " + c.error());
}

}  // namespace

Status ReadDatabase(const std::string& path, const ReportOptions& o, DbData* out) {
  Db db;
  if (Status s = OpenReadOnly(path, &db); !s.ok()) return s;
  int64_t version = 0;
  if (Status s = CheckLog(path, db.db, &version); !s.ok()) return s;
  DatabaseInfo& info = out->info;
  info.path = path;
  info.schema = static_cast<int>(std::max<int64_t>(version, 1));
  const bool has_action = HasColumn(db.db, "unresolved", "action");
  const bool has_handoffs = HasTable(db.db, "handoffs");
  info.has_counts = HasTable(db.db, "turn_counts");
  ReadMeta(db.db, &info);
  const Filter filter(o);
  if (o.progress) ShowProgress(db.db, path, o, filter);
  Status s = ReadUnresolved(db.db, path, filter, has_action, out);
  if (s.ok()) ReadPacks(db.db, filter, &info);
  if (s.ok() && has_handoffs) s = ReadHandoffs(db.db, path, filter, out);
  if (s.ok() && info.has_counts) s = ReadTurnCounts(db.db, path, o, filter, out);
  if (s.ok() && info.has_counts) s = ReadConversationHours(db.db, path, o, filter, out);
  if (s.ok() && has_handoffs) s = ReadHandoffEvents(db.db, path, filter, out);
  info.has_feedback = HasTable(db.db, "feedback");
  info.has_takeovers = HasTable(db.db, "takeovers");
  if (s.ok() && info.has_feedback) s = ReadFeedback(db.db, path, filter, out);
  if (s.ok() && info.has_takeovers) s = ReadTakeovers(db.db, path, filter, info.has_feedback, out);
  return s;
}

}  // namespace zari::report
