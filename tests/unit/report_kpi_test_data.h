// A log with known KPIs for the report tests (report_kpi_test.cc,
// report_html_test.cc, report_suggest_test.cc): 60 conversations, 11 with a
// handoff, feedback with known answers, unresolved questions (one of them
// hostile markup), takeovers by two operators,
// and a small pack with opening hours.
#ifndef ZARI_TESTS_UNIT_REPORT_KPI_TEST_DATA_H_
#define ZARI_TESTS_UNIT_REPORT_KPI_TEST_DATA_H_

#include <doctest/doctest.h>

#include <fstream>
#include <memory>
#include <string>

#include "core/engine.h"
#include "log/log_store.h"
#include "log_test_util.h"
#include "report/report.h"

namespace zari_test::kpi {

using zari::log::LogStore;
using zari::report::Report;
using zari::report::ReportOptions;

inline constexpr int64_t kStart = 1793606400;  // Monday 2026-11-02 08:00 UTC, 12:00 in Tbilisi
inline constexpr int64_t kHour = 3600;
inline constexpr int64_t kT = kStart + 3 * kHour;  // when the feedback is given

// Operators online Monday to Friday 09:00-18:00 in Tbilisi (UTC+4).
inline const char* kPackYaml = R"(zari: 1
name: KPI Test
languages: [en, ka]
timezone: Asia/Tbilisi
hours: { mon-fri: "09:00-18:00" }
thresholds: { answer: 0.6, suggest: 0.05 }
intents:
  - id: balance
    title: { en: "Check balance", ka: "ბალანსი" }
    examples: { en: ["how can I check my balance", "what is my balance"], ka: ["როგორ შევამოწმო ბალანსი"] }
    answer: { en: "Dial *100#.", ka: "აკრიფეთ *100#." }
  - id: esim_info
    examples: { en: ["what is an esim", "does my phone support esim", "esim card"], ka: ["რა არის eSIM"] }
    not: { en: ["esim price list"] }
    answer: { en: "An eSIM is built in.", ka: "eSIM ჩაშენებულია." }
  - id: roaming
    patterns: { en: ["roaming"] }
    examples: { en: ["turn on roaming abroad"], ka: ["როუმინგი"] }
    answer: { en: "Dial *121#.", ka: "აკრიფეთ *121#." }
)";

inline void Feedback(LogStore& s, const std::string& session, const char* kind, int value,
                     const std::string& intent = "", const std::string& comment = "") {
  zari::log::FeedbackRow f;
  f.ts = kT;
  f.session = session;
  f.channel = "web";
  f.language = "en";
  f.kind = kind;
  f.value = value;
  f.intent = intent;
  f.comment = comment;
  s.Add(std::move(f));
}

inline void Handoff(LogStore& s, const std::string& session, const char* reason, bool within, const char* lang = "en") {
  zari::log::HandoffRow h;
  h.ts = kStart + 2 * kHour;
  h.session = session;
  h.channel = "web";
  h.language = lang;
  h.reason = reason;
  h.within_hours = within;
  s.Add(std::move(h));
}

inline void Unresolved(LogStore& s, const std::string& text, int times) {
  for (int i = 0; i < times; ++i) {
    zari::log::UnresolvedRow r;
    r.ts = kStart + 60 * i;
    r.session = "u" + std::to_string(i);
    r.channel = "web";
    r.language = "en";
    r.action = "fallback";
    r.text = text;
    r.normalized = text;
    s.Add(std::move(r));
  }
}

// 60 conversations: 40 en at 14:00 Tbilisi (operators online), 20 ka at
// 22:00 (offline). Handoffs in 11 of them; feedback with known answers.
inline std::string SeedKpis(const LogTempDir& dir) {
  const std::string db = dir.File("kpi.db");
  auto store = LogStore::Open({.path = db});
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  LogStore& s = *store.value();
  for (int i = 0; i < 50; ++i) s.CountTurn(kStart + 2 * kHour, "en", "web", "answer", i < 40);
  for (int i = 0; i < 20; ++i) s.CountTurn(kStart + 10 * kHour, "ka", "ivr", "answer", true);
  for (int i = 0; i < 4; ++i) Handoff(s, "w" + std::to_string(i), "requested", true);
  Handoff(s, "w0", "misses", true);
  for (int i = 0; i < 6; ++i) Handoff(s, "i" + std::to_string(i), i % 2 ? "intent" : "requested", i < 2, "ka");
  Handoff(s, "", "requested", false, "ka");
  Feedback(s, "s-a", "helpful", 1, "balance");
  Feedback(s, "s-a", "csat", 5);
  Feedback(s, "s-b", "helpful", 1, "roaming");
  Feedback(s, "s-b", "helpful", 0, "roaming");
  Feedback(s, "s-c", "csat", 4);
  Feedback(s, "w0", "csat", 5);  // handed off: not a confirmed resolution
  Feedback(s, "s-d", "csat", 3);
  Feedback(s, "s-e", "csat", 1, "", "useless, call me at 599 12 34 56");
  for (int v : {7, 5, 2}) Feedback(s, "s-f", "ces", v);
  for (int v : {10, 9, 9, 7, 3}) Feedback(s, "s-g", "nps", v);
  Feedback(s, "s-h", "helpful", 0, "esim_info");
  Feedback(s, "s-i", "helpful", 0, "esim_info");
  Unresolved(s, "activate esim", 5);
  Unresolved(s, "activate my esim", 3);
  Unresolved(s, "activate esim roaming", 1);
  Unresolved(s, "<script>alert('x')</script> & \"fiber\" <img src=x onerror=y>", 2);
  return db;
}

// Conversations operators took over, in the log's takeovers table (schema 4).
inline void AddTakeovers(const std::string& db) {
  Sql sql(db);
  const std::string t = std::to_string(kT);
  REQUIRE(sql.Exec("INSERT INTO takeovers(session, language, operator_id, joined_ts, left_ts, resolved, transcript)"
                   " VALUES ('s-a', 'en', 'op-nino', " + t + " - 100, " + t + " - 1, 1, '[]'),"
                   " ('s-c', 'en', 'op-nino', " + t + " - 50, " + t + " - 1, 1, '[]'),"
                   " ('s-d', 'en', 'op-nino', " + t + " - 20, " + t + " - 15, 0, '[]'),"
                   " ('s-d', 'en', 'op-giorgi', " + t + " - 10, " + t + " - 1, 1, '[]'),"
                   " ('s-e', 'en', 'op-giorgi', " + t + " + 500, " + t + " + 900, 0, '[]')") == "");
}

inline std::shared_ptr<const zari::Engine> Pack(const LogTempDir& dir) {
  const std::string path = dir.File("pack.yaml");
  std::ofstream(path) << kPackYaml;
  auto e = zari::Engine::Load(path);
  REQUIRE_MESSAGE(e.ok(), e.status().message());
  return e.value();
}

inline Report Build(const std::string& db, std::shared_ptr<const zari::Engine> engine = nullptr) {
  ReportOptions o;
  o.databases = {db};
  o.since = kStart;
  o.engine = std::move(engine);
  auto r = zari::report::BuildReport(o);
  REQUIRE_MESSAGE(r.ok(), r.status().message());
  return std::move(r.value());
}

}  // namespace zari_test::kpi

#endif  // ZARI_TESTS_UNIT_REPORT_KPI_TEST_DATA_H_
