// report::BuildReport and its formats over a realistic mixed-language log:
// clusters (typos, Latin-typed Georgian, Azerbaijani without its letters),
// rates and containment, filters, several databases, old schemas, errors,
// and the paste-ready YAML loading as a pack. Plus `zari report` itself.
#include <doctest/doctest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/engine.h"
#include "log/log_store.h"
#include "report/report.h"
#include "log_test_util.h"
#include "report_test_data.h"
#include "log/redact.h"
#include "text/normalize.h"
#include "util/utf8.h"

using zari::report::BuildReport;
using zari::report::Cluster;
using zari::log::LogStore;
using zari::report::Report;
using zari::report::ReportOptions;
using namespace zari_test;

namespace {

constexpr int64_t kStart = 1793606400;  // 2026-11-02 08:00 UTC
constexpr int64_t kHour = 3600;

// A small pack of our own, so nearest intents do not move with the sample pack.
const char* kPackYaml = R"(zari: 1
name: Report Test
version: "1"
languages: [en, ka, az]
timezone: Asia/Tbilisi
thresholds: { answer: 0.6, suggest: 0.3 }
intents:
  - id: balance
    examples:
      en: ["how can I check my balance", "what is my balance"]
      ka: ["როგორ შევამოწმო ბალანსი"]
      az: ["balansımı necə yoxlayım"]
    answer: { en: "Dial *100#.", ka: "აკრიფეთ *100#.", az: "*100# yığın." }
  - id: esim_info
    examples:
      en: ["what is an esim", "does my phone support esim"]
      ka: ["რა არის eSIM"]
      az: ["eSIM nədir"]
    answer: { en: "An eSIM is a SIM built into the phone.", ka: "eSIM ჩაშენებული SIM-ია.", az: "eSIM telefona quraşdırılmış SIM-dir." }
  - id: roaming
    examples:
      en: ["how do I turn on roaming", "roaming prices"]
      ka: ["როგორ ჩავრთო როუმინგი"]
      az: ["rouminqi necə qoşum"]
    answer: { en: "Dial *121#.", ka: "აკრიფეთ *121#.", az: "*121# yığın." }
)";

std::string WritePack(const LogTempDir& dir) {
  const std::string path = dir.File("pack.yaml");
  std::ofstream(path) << kPackYaml;
  return path;
}

std::string Normalized(const std::string& text, const std::string& language) {
  zari::text::NormalizeOptions o;
  o.forced = zari::text::ParseLang(language);
  zari::text::Normalized n;
  zari::text::Normalize(text, o, &n);
  return n.surface;
}

// Rows of the seed, one per question asked, a minute apart, in the order of
// SeedQuestions(); `only` picks every n-th row (for splitting across files).
struct SeedOptions {
  int64_t start = kStart;
  int modulo = 1, remainder = 0;
  bool counts = true;
};

int64_t SeedQuestionsInto(LogStore& store, const SeedOptions& so = {}) {
  int64_t ts = so.start, k = 0, added = 0;
  for (const auto& q : SeedQuestions()) {
    for (int i = 0; i < q.count; ++i, ++k) {
      ts += 60;
      if (k % so.modulo != so.remainder) continue;
      zari::log::UnresolvedRow r;
      r.ts = ts;
      r.session = "s" + std::to_string(k);
      r.channel = k % 3 == 0 ? "ivr" : "web";
      r.language = q.language;
      r.action = k % 4 == 0 ? "clarify" : "fallback";
      r.text = q.text;
      r.normalized = Normalized(q.text, q.language);
      r.best_intent = "roaming";
      r.best_score = 0.2;
      r.pack = "Report Test";
      store.Add(std::move(r));
      ++added;
    }
  }
  return added;
}

int64_t SeedTotal() {
  int64_t n = 0;
  for (const auto& q : SeedQuestions()) n += q.count;
  return n;
}

// Turn counts and handoffs with known containment:
//   en/web: 100 messages, 40 conversations, handoffs in 4 of them (one twice)
//   ka/ivr:  40 messages, 20 conversations, 6 sessions + 1 without an id
//            hand off, 2 of them after hours
void SeedRates(LogStore& store, int64_t hour_start) {
  auto count = [&](const char* lang, const char* channel, const char* action, int n, int conversations) {
    for (int i = 0; i < n; ++i) store.CountTurn(hour_start + 10, lang, channel, action, i < conversations);
  };
  count("en", "web", "answer", 70, 40);
  count("en", "web", "fallback", 20, 0);
  count("en", "web", "clarify", 10, 0);
  count("ka", "ivr", "answer", 30, 20);
  count("ka", "ivr", "handoff", 5, 0);
  count("ka", "ivr", "after_hours", 5, 0);
  auto handoff = [&](const char* lang, const char* channel, const std::string& session, bool within,
                     const char* reason) {
    zari::log::HandoffRow h;
    h.ts = hour_start + 20;
    h.session = session;
    h.channel = channel;
    h.language = lang;
    h.reason = reason;
    h.within_hours = within;
    h.transcript = {{zari::log::Role::kUser, "operator please, my number is 599 12 34 56", hour_start}};
    store.Add(std::move(h));
  };
  for (int i = 0; i < 4; ++i) handoff("en", "web", "w" + std::to_string(i), true, "requested");
  handoff("en", "web", "w0", true, "misses");
  for (int i = 0; i < 6; ++i) handoff("ka", "ivr", "i" + std::to_string(i), i >= 2, i % 2 ? "intent" : "requested");
  handoff("ka", "ivr", "", true, "requested");
}

// The seeded log: questions from kStart, rates in the hour after them, and
// one old question and count a week before (outside most periods).
std::string SeedLog(const LogTempDir& dir, const std::string& name = "zari.db") {
  const std::string db = dir.File(name);
  auto store = LogStore::Open({.path = db});
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  SeedQuestionsInto(*store.value());
  SeedRates(*store.value(), kStart + 10 * kHour);
  zari::log::UnresolvedRow old;
  old.ts = kStart - 7 * 86400;
  old.language = "en";
  old.channel = "web";
  old.action = "fallback";
  old.text = old.normalized = "an old question about fax machines";
  store.value()->Add(std::move(old));
  store.value()->CountTurn(kStart - 7 * 86400, "en", "web", "answer", true);
  return db;
}

// Topic of each seeded text.
std::map<std::string, std::string> TopicOf() {
  std::map<std::string, std::string> m;
  for (const auto& q : SeedQuestions()) m[zari::log::Redact(q.text)] = q.topic;
  return m;
}

ReportOptions Options(const std::vector<std::string>& dbs) {
  ReportOptions o;
  o.databases = dbs;
  o.since = kStart;
  o.samples = 100;
  return o;
}

}  // namespace

TEST_CASE("report: clusters of a mixed-language log gather typos and script variants, never two topics") {
  LogTempDir dir("report");
  const std::string db = SeedLog(dir);
  auto built = BuildReport(Options({db}));
  REQUIRE_MESSAGE(built.ok(), built.status().message());
  const Report& r = built.value();
  CHECK(r.unresolved == SeedTotal());
  CHECK(r.unresolved_by_language.at("ka") > 0);
  CHECK(r.unresolved_by_language.at("az") > 0);
  CHECK(r.unresolved_by_language.at("en") > 0);

  const auto topic_of = TopicOf();
  std::map<std::pair<std::string, std::string>, std::set<size_t>> clusters_of;  // (topic, language) → clusters
  int64_t total = 0;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    total += c.count;
    std::set<std::string> topics;
    for (const auto& s : c.texts) {
      REQUIRE(topic_of.count(s.text));
      topics.insert(topic_of.at(s.text));
      clusters_of[{topic_of.at(s.text), s.language}].insert(i);
    }
    INFO("cluster " << i + 1 << ": " << c.label);
    CHECK(topics.size() == 1);  // pure
    if (i > 0) CHECK(r.clusters[i - 1].count >= c.count);  // ranked
  }
  CHECK(total == SeedTotal());
  for (const auto& [tl, where] : clusters_of) {
    INFO(tl.first << " in " << tl.second);
    CHECK(where.size() == 1);  // every variant of a question in one language together
  }
  // The biggest cluster: English eSIM questions with their typo.
  const Cluster& top = r.clusters.front();
  CHECK(top.label == "how do I activate esim");
  CHECK(top.count == 25);
  bool typo = false;
  for (const auto& s : top.texts) typo |= s.text == "how to activte esim";
  CHECK(typo);
  // Georgian typed in Latin letters joins the Georgian cluster.
  for (const auto& c : r.clusters) {
    for (const auto& s : c.texts) {
      if (s.text == "esim rogor gavaaqtiuro") CHECK(c.languages.count("ka") == 1);
      if (s.text == "esim rogor gavaaqtiuro") CHECK(c.label == "როგორ გავააქტიურო eSIM");
    }
  }
  // Personal data arrives masked.
  bool masked = false;
  for (const auto& c : r.clusters) masked |= c.label == "my card [card] was charged twice";
  CHECK(masked);
  // What was logged as the nearest intent is kept.
  CHECK(top.logged_best == "roaming");
  CHECK(top.actions.count("fallback") == 1);
  CHECK(top.channels.count("web") == 1);
}

TEST_CASE("report: rates, containment, handoffs and after-hours requests") {
  LogTempDir dir("report");
  const std::string db = SeedLog(dir);
  auto built = BuildReport(Options({db}));
  REQUIRE(built.ok());
  const Report& r = built.value();
  REQUIRE(r.has_rates);
  CHECK(r.total.turns == 140);
  CHECK(r.total.conversations == 60);
  CHECK(r.total.answer == 100);
  CHECK(r.total.fallback == 20);
  CHECK(r.total.clarify == 10);
  CHECK(r.total.handoff == 5);
  CHECK(r.total.after_hours == 5);
  CHECK(r.total.handoff_conversations == 4 + 7);
  CHECK(r.total.Containment() == doctest::Approx(49.0 / 60.0));
  REQUIRE(r.rates.size() == 2);
  CHECK(r.rates[0].language == "en");
  CHECK(r.rates[0].channel == "web");
  CHECK(r.rates[0].Containment() == doctest::Approx(0.9));
  CHECK(r.rates[0].Share(r.rates[0].fallback) == doctest::Approx(0.2));
  CHECK(r.rates[1].language == "ka");
  CHECK(r.rates[1].Containment() == doctest::Approx(13.0 / 20.0));
  CHECK(r.handoffs == 12);
  CHECK(r.handoffs_after_hours == 2);
  CHECK(r.handoffs_within_hours == 10);
  CHECK(r.after_hours_by_language.at("ka") == 2);
  CHECK(r.handoffs_by_reason.at("misses") == 1);
}

TEST_CASE("report: period and language filters") {
  LogTempDir dir("report");
  const std::string db = SeedLog(dir);
  {
    ReportOptions o = Options({db});
    o.since = std::numeric_limits<int64_t>::min();  // all time: the old question too
    auto r = BuildReport(o);
    REQUIRE(r.ok());
    CHECK(r.value().unresolved == SeedTotal() + 1);
    CHECK(r.value().total.turns == 141);
  }
  {
    ReportOptions o = Options({db});
    o.until = kStart + 60 * 26;  // the first 25 questions: English eSIM only
    auto r = BuildReport(o);
    REQUIRE(r.ok());
    CHECK(r.value().unresolved == 25);
    REQUIRE(r.value().clusters.size() == 1);
    CHECK(r.value().total.turns == 0);  // the counts are later
  }
  {
    ReportOptions o = Options({db});
    o.language = "az";
    auto r = BuildReport(o);
    REQUIRE(r.ok());
    for (const auto& c : r.value().clusters) {
      CHECK(c.languages.size() == 1);
      CHECK(c.languages.count("az") == 1);
    }
    CHECK(r.value().total.turns == 0);  // no Azerbaijani turns counted
    CHECK(r.value().handoffs == 0);
  }
  {
    ReportOptions o = Options({db});
    o.min_count = 10;
    o.top = 3;
    auto r = BuildReport(o);
    REQUIRE(r.ok());
    CHECK(r.value().clusters.size() == 3);
    CHECK(r.value().cluster_count > 10);
    for (const auto& c : r.value().clusters) CHECK(c.count >= 10);
  }
  {
    ReportOptions o = Options({db});
    o.language = "fr";
    CHECK_FALSE(BuildReport(o).ok());
    o.language = "";
    o.until = o.since;
    CHECK_FALSE(BuildReport(o).ok());
  }
}

TEST_CASE("report: several databases (one per server) add up to one") {
  LogTempDir dir("report");
  const std::string whole = SeedLog(dir, "whole.db");
  const std::string a = dir.File("a.db"), b = dir.File("b.db");
  {
    auto sa = LogStore::Open({.path = a});
    auto sb = LogStore::Open({.path = b});
    REQUIRE(sa.ok());
    REQUIRE(sb.ok());
    SeedQuestionsInto(*sa.value(), {.modulo = 2, .remainder = 0});
    SeedQuestionsInto(*sb.value(), {.modulo = 2, .remainder = 1});
    SeedRates(*sa.value(), kStart + 10 * kHour);
  }
  auto one = BuildReport(Options({whole}));
  auto two = BuildReport(Options({a, b}));
  REQUIRE(one.ok());
  REQUIRE(two.ok());
  CHECK(two.value().databases.size() == 2);
  CHECK(two.value().unresolved == one.value().unresolved);
  REQUIRE(two.value().clusters.size() == one.value().clusters.size());
  for (size_t i = 0; i < one.value().clusters.size(); ++i) {
    CHECK(two.value().clusters[i].count == one.value().clusters[i].count);
    CHECK(two.value().clusters[i].label == one.value().clusters[i].label);
  }
  CHECK(two.value().total.Containment() == doctest::Approx(one.value().total.Containment()));
}

TEST_CASE("report: with the pack, the nearest intent and what it answers now") {
  LogTempDir dir("report");
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    SeedQuestionsInto(*store.value());
    // Asked before the pack learned it: now an example, so answered.
    for (int i = 0; i < 30; ++i) {
      zari::log::UnresolvedRow r;
      r.ts = kStart + 100000 + i;
      r.language = "en";
      r.channel = "web";
      r.action = "fallback";
      r.text = "how can I check my balance";
      r.normalized = Normalized(r.text, r.language);
      store.value()->Add(std::move(r));
    }
  }
  auto engine = zari::Engine::Load(WritePack(dir));
  REQUIRE_MESSAGE(engine.ok(), engine.status().message());
  ReportOptions o = Options({db});
  o.engine = engine.value();
  auto built = BuildReport(o);
  REQUIRE(built.ok());
  const Report& r = built.value();
  bool saw_balance = false, saw_esim = false;
  for (const auto& c : r.clusters) {
    if (c.label == "how can I check my balance") {
      saw_balance = true;
      CHECK(c.answered_by == "balance");
      CHECK(c.answered_share == doctest::Approx(1.0));
      CHECK(c.nearest_intent == "balance");
    }
    if (c.label == "how do I activate esim") {
      saw_esim = true;
      CHECK(c.nearest_intent == "esim_info");
      CHECK(c.nearest_score > 0);
      CHECK(c.nearest_where.find("pack.yaml:") != std::string::npos);
    }
  }
  CHECK(saw_balance);
  CHECK(saw_esim);

  // The YAML: answered clusters only in a comment; new intents load as a pack.
  const std::string yaml = zari::report::FormatYaml(r);
  CHECK(yaml.find("now answered by balance") != std::string::npos);
  CHECK(yaml.find("add_examples:") != std::string::npos);
  const size_t at = yaml.find("\nintents:");
  REQUIRE(at != std::string::npos);
  std::string intents = yaml.substr(at + 1);
  intents = intents.substr(0, intents.find("\n# Already answered"));
  CHECK(intents.find("- id: todo_") != std::string::npos);
  CHECK(intents.find("როგორ გავააქტიურო eSIM") != std::string::npos);
  LogTempDir pack_dir("report-pack");
  std::ofstream(pack_dir.File("pack.yaml")) << "zari: 1\nname: Pasted\nlanguages: [en, ka, az]\n";
  std::ofstream(pack_dir.File("new.yaml")) << intents;
  auto pasted = zari::Engine::Load(pack_dir.path.string());
  REQUIRE_MESSAGE(pasted.ok(), pasted.status().message() << "\n" << intents);
  CHECK(pasted.value()->intent_count() >= 5);
  // Each skeleton has an answer placeholder in every pack language.
  for (size_t i = 0; i < pasted.value()->intent_count(); ++i) {
    for (auto l : {zari::text::Lang::kEn, zari::text::Lang::kKa, zari::text::Lang::kAz}) {
      REQUIRE(pasted.value()->AnswerText(static_cast<int32_t>(i), l) != nullptr);
      CHECK(pasted.value()->AnswerText(static_cast<int32_t>(i), l)->rfind("TODO", 0) == 0);
    }
  }
}

TEST_CASE("report: table, CSV and JSON") {
  LogTempDir dir("report");
  const std::string db = SeedLog(dir);
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    zari::log::UnresolvedRow r;
    r.ts = kStart + 5000;
    r.language = "en";
    r.channel = "web";
    r.action = "clarify";
    r.text = "is the \"unlimited\" plan, really, unlimited?";
    r.normalized = Normalized(r.text, r.language);
    store.value()->Add(std::move(r));
  }
  ReportOptions o = Options({db});
  o.samples = 3;
  auto built = BuildReport(o);
  REQUIRE(built.ok());
  const Report& r = built.value();

  const std::string table = zari::report::FormatTable(r);
  CHECK(table.find("Unresolved questions: " + std::to_string(r.cluster_count) + " clusters") != std::string::npos);
  CHECK(table.find("containment") != std::string::npos);
  CHECK(table.find("90.0%") != std::string::npos);
  CHECK(table.find("როგორ გავააქტიურო eSIM") != std::string::npos);
  // The question column starts at the same display column on every row,
  // whatever the script of the text before it.
  {
    std::istringstream in(table);
    std::string line;
    size_t column = std::string::npos;
    int rows = 0;
    while (std::getline(in, line)) {
      if (line.find("question") != std::string::npos && line.find("count") != std::string::npos) {
        column = zari::CountCodePoints(line.substr(0, line.find("question")));
        continue;
      }
      const size_t first = line.find_first_not_of(' ');
      if (column == std::string::npos || first == std::string::npos || line[first] < '0' || line[first] > '9') {
        continue;  // not a cluster row (samples start with "·", notes with words)
      }
      ++rows;
      const Cluster& c = r.clusters[static_cast<size_t>(rows - 1)];
      const auto at = line.find(c.label.substr(0, 6));
      REQUIRE(at != std::string::npos);
      CHECK(zari::CountCodePoints(line.substr(0, at)) == column);
    }
    CHECK(rows == static_cast<int>(r.clusters.size()));
  }

  // CSV: a header and one record per cluster, quotes doubled.
  const std::string csv = zari::report::FormatCsv(r);
  {
    size_t records = 0, fields = 1;
    bool quoted = false;
    std::vector<size_t> per_record;
    for (size_t i = 0; i < csv.size(); ++i) {
      const char ch = csv[i];
      if (quoted) {
        if (ch == '"' && i + 1 < csv.size() && csv[i + 1] == '"') ++i;
        else if (ch == '"') quoted = false;
      } else if (ch == '"') {
        quoted = true;
      } else if (ch == ',') {
        ++fields;
      } else if (ch == '\n') {
        per_record.push_back(fields);
        ++records;
        fields = 1;
      }
    }
    CHECK(records == r.clusters.size() + 1);
    for (size_t f : per_record) CHECK(f == 14);
    CHECK(csv.find("\"is the \"\"unlimited\"\" plan, really, unlimited?") != std::string::npos);
  }

  // JSON parses and carries the figures.
  const auto j = nlohmann::json::parse(zari::report::FormatJson(r));
  CHECK(j["summary"]["unresolved"] == SeedTotal() + 1);
  CHECK(j["clusters"].size() == r.clusters.size());
  CHECK(j["clusters"][0]["count"] == 25);
  CHECK(j["clusters"][0]["question"] == "how do I activate esim");
  CHECK(j["summary"]["rates"]["containment"].get<double>() == doctest::Approx(49.0 / 60.0).epsilon(0.001));
  CHECK(j["rates"][0]["language"] == "en");
  CHECK(j["databases"][0]["schema"] == 4);
  CHECK(j["clusters"][0]["nearest_intent"].is_null());
}

TEST_CASE("report: reads schema 1 and 2 files as they are, without touching them") {
  LogTempDir dir("report");
  const std::string v1 = dir.File("v1.db"), v2 = dir.File("v2.db");
  {
    Sql sql(v1);
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 1") == "");
    REQUIRE(sql.Exec("INSERT INTO unresolved(ts, session, channel, language, text, normalized) VALUES"
                     " (1793606500, 'a', 'web', 'en', 'how do I activate esim', 'how do i activate esim'),"
                     " (1793606600, 'b', 'web', 'en', 'how to activate esim', 'how to activate esim');"
                     "INSERT INTO handoffs(ts, session, channel, language, reason, within_hours, transcript)"
                     " VALUES (1793606700, 'a', 'web', 'en', 'requested', 0, '[]');") == "");
  }
  {
    Sql sql(v2);
    REQUIRE(sql.Exec("PRAGMA journal_mode = WAL") == "");
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec(kSchemaV2Additions) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 2") == "");
    REQUIRE(sql.Exec("INSERT INTO unresolved(ts, language, channel, text, normalized, action) VALUES"
                     " (1793606800, 'ka', 'web', 'როგორ გავააქტიურო eSIM', 'როგორ გავააქტიურო esim', 'clarify');"
                     "INSERT INTO log_meta VALUES('dropped_rows', 7);") == "");
  }
  auto built = BuildReport(Options({v1, v2}));
  REQUIRE_MESSAGE(built.ok(), built.status().message());
  const Report& r = built.value();
  CHECK(r.unresolved == 3);
  CHECK_FALSE(r.has_rates);
  CHECK(r.handoffs_after_hours == 1);
  CHECK(r.unresolved_by_action.at("fallback") == 2);  // schema 1 has no action: fallback
  CHECK(r.unresolved_by_action.at("clarify") == 1);
  CHECK(r.databases[0].schema == 1);
  CHECK(r.databases[1].schema == 2);
  CHECK(r.databases[1].dropped_rows == 7);
  bool no_counts_note = false, dropped_note = false;
  for (const auto& n : r.notes) {
    no_counts_note |= n.find("no turn counts") != std::string::npos;
    dropped_note |= n.find("7 log rows were dropped") != std::string::npos;
  }
  CHECK(no_counts_note);
  CHECK(dropped_note);
  CHECK(zari::report::FormatTable(r).find("n/a") != std::string::npos);
  // Untouched: same version, same journal mode, no new tables.
  Sql a(v1), b(v2);
  CHECK(a.Int("PRAGMA user_version") == 1);
  CHECK(a.Column("PRAGMA journal_mode")[0] == "delete");
  CHECK(a.Int("SELECT count(*) FROM sqlite_master WHERE name = 'turn_counts'") == 0);
  CHECK(b.Int("PRAGMA user_version") == 2);
}

TEST_CASE("report: clear errors for a missing file, a foreign file and a newer schema") {
  LogTempDir dir("report");
  const std::string good = SeedLog(dir);
  auto error = [&](const std::string& path) {
    auto r = BuildReport(Options({good, path}));
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().message().find(path) != std::string::npos);
    return r.status().message();
  };
  CHECK(error(dir.File("missing.db")).find("no such file") != std::string::npos);
  {
    const std::string text = dir.File("notes.txt");
    std::ofstream(text) << "these are not the logs you are looking for, just a text file long enough\n";
    CHECK(error(text).find("not a Zari log database") != std::string::npos);
  }
  {
    const std::string other = dir.File("other.db");
    Sql(other).Exec("CREATE TABLE customers(name TEXT)");
    CHECK(error(other).find("not a Zari log database") != std::string::npos);
  }
  {
    const std::string other = dir.File("app.db");
    Sql(other).Exec(std::string(kSchemaV1) + "PRAGMA application_id = 1234;");
    CHECK(error(other).find("not a Zari log database") != std::string::npos);
  }
  {
    const std::string newer = dir.File("newer.db");
    Sql(newer).Exec(std::string(kSchemaV1) + "PRAGMA user_version = 9;");
    CHECK(error(newer).find("newer than this zari reads") != std::string::npos);
  }
  CHECK(error(dir.path.string()).find("directory") != std::string::npos);
  CHECK_FALSE(BuildReport(ReportOptions{}).ok());
}

TEST_CASE("report: progress for long runs") {
  LogTempDir dir("report");
  const std::string db = SeedLog(dir);
  std::vector<std::string> lines;
  ReportOptions o = Options({db});
  o.progress = [&](const std::string& m) { lines.push_back(m); };
  REQUIRE(BuildReport(o).ok());
  REQUIRE(lines.size() >= 3);
  CHECK(lines[0].find("reading " + db) == 0);
}

TEST_CASE("report: times for --since and --until") {
  using zari::report::ParseReportTime;
  const int64_t now = kStart;
  CHECK(ParseReportTime("7d", now).value() == now - 7 * 86400);
  CHECK(ParseReportTime("24h", now).value() == now - 86400);
  CHECK(ParseReportTime("90m", now).value() == now - 5400);
  CHECK(ParseReportTime("2w", now).value() == now - 14 * 86400);
  CHECK(ParseReportTime("2026-11-02", now).value() == kStart - 8 * 3600);
  CHECK(ParseReportTime("2026-11-02T08:00", now).value() == kStart);
  CHECK(ParseReportTime("2026-11-02T08:00:30Z", now).value() == kStart + 30);
  CHECK(ParseReportTime("2026-11-02T12:00+04:00", now).value() == kStart);
  CHECK(ParseReportTime("2026-11-02 08:00", now).value() == kStart);
  for (const char* bad : {"", "7", "7y", "d7", "2026-13-01", "2026-11-02T25:00", "yesterday", "2026-11-02T08:00+4"}) {
    CAPTURE(std::string(bad));
    CHECK_FALSE(ParseReportTime(bad, now).ok());
  }
}

TEST_CASE("zari report: the command") {
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  const auto zari = exe.parent_path() / "zari";
  if (ec || !std::filesystem::exists(zari)) {
    WARN_MESSAGE(false, "bin/zari not built; skipped");
    return;
  }
  LogTempDir dir("report-cli");
  const std::string db = SeedLog(dir);
  const std::string out = dir.File("out"), err = dir.File("err");
  auto run = [&](const std::string& args) {
    const std::string cmd = zari.string() + " report " + args + " > " + out + " 2> " + err;
    const int status = std::system(cmd.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  };
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  CHECK(run("--db " + db + " --since 2026-11-02 --now 2026-11-09 --quiet") == 0);
  CHECK(slurp(out).find("how do I activate esim") != std::string::npos);
  CHECK(slurp(err).empty());
  CHECK(run("--db " + db + " --since 7d --now 2026-11-03 --format json --quiet") == 0);
  const auto j = nlohmann::json::parse(slurp(out));
  CHECK(j["summary"]["unresolved"] == SeedTotal());  // the old question is 7 days and a bit back
  CHECK(run("--db " + db + " --db " + dir.File("nope.db")) == 1);
  CHECK(slurp(out).empty());
  CHECK(slurp(err) == "zari: report: " + dir.File("nope.db") + ": no such file\n");
  CHECK(run("--db " + db + " --since tomorrow") == 2);
  CHECK(slurp(err).find("--since") != std::string::npos);
  CHECK(run("--db " + db + " --format xml") != 0);
  CHECK(run("--db " + db + " --format yaml --pack " + WritePack(dir) + " --progress") == 0);
  CHECK(slurp(out).find("intents:") != std::string::npos);
  CHECK(slurp(err).find("zari report: reading") != std::string::npos);
}
