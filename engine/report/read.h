// Reading log databases for the report: read-only, any schema up to this
// zari's (no migration), rows grouped in SQL. Internal to zari_report.
#ifndef ZARI_ENGINE_REPORT_READ_H_
#define ZARI_ENGINE_REPORT_READ_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "report/report.h"
#include "util/status.h"

namespace zari::report {

// One stored question with how often it occurs (rows grouped in SQL).
struct Row {
  std::string language, channel, action, text, normalized, best_intent;
  int64_t count = 0, first_ts = 0, last_ts = 0;
};

struct HandoffGroup {
  std::string language, channel, reason;
  bool within_hours = true;
  int64_t count = 0;
};

struct DbData {
  DatabaseInfo info;
  std::vector<Row> rows;
  std::vector<HandoffGroup> handoffs;
  // (language, channel) → distinct sessions with a handoff
  std::map<std::pair<std::string, std::string>, int64_t> handoff_sessions;
  std::vector<Rates> counts;  // one per (language, channel, action) row, folded below
  // For the KPIs and the charts:
  std::map<int64_t, int64_t> conversations_by_hour;  // schema 3+
  std::vector<HandoffEvent> handoff_events;
  std::vector<FeedbackCount> feedback;               // schema 4+
  std::map<std::string, Answers> helpful_by_intent;
  int64_t confirmed = 0;  // sessions with positive and no negative feedback, and no handoff
  std::map<std::string, int64_t> operator_conversations;  // a takeovers table
  std::map<std::string, Answers> operator_csat;
};

// Reads one database's rows in the period (and language) of `o`. Errors: a
// missing file, a directory, not a Zari log, a newer schema, a failed query.
Status ReadDatabase(const std::string& path, const ReportOptions& o, DbData* out);

}  // namespace zari::report

#endif  // ZARI_ENGINE_REPORT_READ_H_
