// log::LogStore: schema and migrations, batching and flush, faults (full
// disk, read-only, locked, deleted or rotated file), queue overflow,
// kill -9. Waits poll for background progress; nothing asserts timing.
#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "dialog/session.h"
#include "log/log_store.h"
#include "log_test_util.h"
#include "dialog/runtime.h"
#include "util/utf8.h"

using zari::Reply;
using zari::dialog::Runtime;
using zari::dialog::RuntimeOptions;
using zari::dialog::Session;
using zari::log::LogLevel;
using zari::log::LogStore;
using zari::log::UnresolvedRow;
using namespace zari_test;

namespace {

constexpr int64_t kMondayNoonTbilisi = 1793606400;  // 2026-11-02 08:00 UTC, inside hours

UnresolvedRow MakeRow(int i, const std::string& text = "") {
  UnresolvedRow r;
  r.ts = kMondayNoonTbilisi + i;
  r.session = "s" + std::to_string(i % 7);
  r.channel = "web";
  r.language = "en";
  r.action = "fallback";
  r.text = text.empty() ? "question number " + std::to_string(i % 1000) : text;
  r.normalized = r.text;
  r.pack = "Test";
  return r;
}

// Messages a host sends: unresolved ones with personal data, answered ones,
// a request for a person.
const char* const kMessages[] = {
    "ჩემი ნომერია 599 12 34 56, ბარათი 4111 1111 1111 1111",
    "nömrəm +994 50 123 45 67, FIN 5ZJ8KQ2",
    "email me at nino.beridze@gmail.com",
    "my parcel 4111-1111-1111-1111 is lost",
    "how to check my balance",
    "do you sell refrigerators",
    "kredit götürmək olar? 050 123 45 67",
    "რამდენი ღირს აიფონი",
    "can I pay with bitcoin, card 5500 0000 0000 0004",
    "ოპერატორი",
};

struct Expect {
  int64_t unresolved = 0, handoffs = 0, turns = 0, conversations = 0;
  // What the session logged for one reply.
  void Add(const Reply& r) {
    ++turns;
    using zari::Action;
    if (r.action == Action::kClarify || r.action == Action::kFallback ||
        r.handoff_reason == zari::HandoffReason::kMisses) {
      ++unresolved;
    }
    if (r.action == Action::kHandoff || r.action == Action::kAfterHours) ++handoffs;
  }
};

std::shared_ptr<Runtime> MakeRuntime(const std::string& db, RuntimeOptions o = {}) {
  o.log_db = db;
  if (!o.clock) o.clock = [] { return kMondayNoonTbilisi; };
  auto rt = Runtime::Create(PackDir(), std::move(o));
  REQUIRE_MESSAGE(rt.ok(), rt.status().message());
  return rt.value();
}

// Sends `n` messages over `sessions` conversations.
Expect Converse(const std::shared_ptr<Runtime>& rt, int sessions, int n, const std::string& prefix = "v") {
  Expect e;
  std::vector<std::unique_ptr<Session>> ss;
  for (int i = 0; i < sessions; ++i) ss.push_back(std::make_unique<Session>(rt, prefix + std::to_string(i), "web"));
  Reply r;
  for (int i = 0; i < n; ++i) {
    Session& s = *ss[static_cast<size_t>(i % sessions)];
    // Each conversation goes through the messages in its own order.
    s.Respond(kMessages[static_cast<size_t>(i + i / sessions) % std::size(kMessages)], &r);
    e.Add(r);
  }
  e.conversations = std::min(sessions, n);
  return e;
}

void CheckWritten(const std::string& db, const Expect& e) {
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == e.unresolved);
  CHECK(sql.Int("SELECT count(*) FROM handoffs") == e.handoffs);
  CHECK(sql.Int("SELECT coalesce(sum(turns), 0) FROM turn_counts") == e.turns);
  CHECK(sql.Int("SELECT coalesce(sum(conversations), 0) FROM turn_counts") == e.conversations);
}

// Collects the store's messages to the host.
struct Messages {
  std::mutex mu;
  std::vector<std::pair<LogLevel, std::string>> list;
  zari::log::LogCallback Callback() {
    return [this](LogLevel l, const std::string& m) {
      std::lock_guard<std::mutex> lock(mu);
      list.emplace_back(l, m);
    };
  }
  bool Contains(const std::string& part) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& [l, m] : list) {
      if (m.find(part) != std::string::npos) return true;
    }
    return false;
  }
};

// A second connection that holds the write lock.
struct Locker {
  Sql sql;
  explicit Locker(const std::string& path) : sql(path) { REQUIRE(sql.Exec("BEGIN EXCLUSIVE") == ""); }
  void Release() { sql.Exec("COMMIT"); }
};

}  // namespace

TEST_CASE("log store: a new database has schema 4, WAL and every table") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE_MESSAGE(store.ok(), store.status().message());
    store.value()->Add(MakeRow(1));
  }
  Sql sql(db);
  CHECK(sql.Int("PRAGMA user_version") == zari::log::kSchemaVersion);
  CHECK(zari::log::kSchemaVersion == 4);
  CHECK(sql.Int("PRAGMA application_id") == zari::log::kApplicationId);
  CHECK(sql.Column("PRAGMA journal_mode")[0] == "wal");
  const auto tables = sql.Column("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name");
  CHECK(tables == std::vector<std::string>{"handoffs", "log_meta", "takeovers", "turn_counts", "unresolved"});
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 1);
  CHECK(sql.Int("SELECT count(*) FROM log_meta WHERE key='counts_since'") == 1);
}

TEST_CASE("log store: migrates a version 1 database (unresolved, handoffs) and keeps its rows") {
  LogTempDir dir;
  const std::string db = dir.File("v1.db");
  {
    Sql sql(db);
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 1") == "");
    REQUIRE(sql.Exec("INSERT INTO unresolved(ts, session, channel, language, text, normalized, best_intent,"
                     " best_score, pack) VALUES(1700000000, 'a', 'web', 'en', 'old question', 'old question',"
                     " NULL, NULL, 'P'), (1700000100, 'b', 'ivr', 'ka', 'ძველი', 'ძველი', 'balance', 0.3, 'P');"
                     "INSERT INTO handoffs(ts, session, channel, language, reason, intent, within_hours, transcript)"
                     " VALUES(1700000200, 'a', 'web', 'en', 'requested', 'operator', 0, '[]');") == "");
  }
  {
    Sql sql(db);
    auto before = LogStore::Migrate(sql.db());
    REQUIRE(before.ok());
    CHECK(before.value() == 1);
    auto again = LogStore::Migrate(sql.db());
    REQUIRE(again.ok());
    CHECK(again.value() == 4);  // already current: nothing to do
  }
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(2, "new question"));
    store.value()->CountTurn(kMondayNoonTbilisi, "en", "web", "fallback", true);
  }
  Sql sql(db);
  CHECK(sql.Int("PRAGMA user_version") == 4);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 3);
  CHECK(sql.Column("SELECT text FROM unresolved ORDER BY id") ==
        std::vector<std::string>{"old question", "ძველი", "new question"});
  CHECK(sql.Column("SELECT coalesce(action, '-') FROM unresolved ORDER BY id") ==
        std::vector<std::string>{"-", "-", "fallback"});
  CHECK(sql.Int("SELECT count(*) FROM handoffs WHERE next_open IS NULL AND pack IS NULL") == 1);
  CHECK(sql.Int("SELECT turns FROM turn_counts") == 1);
  CHECK(sql.Int("SELECT count(*) FROM sqlite_master WHERE name IN ('unresolved_ts', 'handoffs_ts')") == 2);
}

TEST_CASE("log store: migrates a version 2 database") {
  LogTempDir dir;
  const std::string db = dir.File("v2.db");
  {
    Sql sql(db);
    REQUIRE(sql.Exec("PRAGMA journal_mode=WAL") == "");
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec(kSchemaV2Additions) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 2") == "");
    REQUIRE(sql.Exec("INSERT INTO unresolved(ts, text, normalized, action, pack_version) VALUES"
                     " (1700000000, 'x', 'x', 'clarify', '1');"
                     "INSERT INTO log_meta VALUES('dropped_rows', 5);") == "");
  }
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(1));
  }
  Sql sql(db);
  CHECK(sql.Int("PRAGMA user_version") == 4);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 2);
  CHECK(sql.Int("SELECT value FROM log_meta WHERE key='dropped_rows'") == 5);
  CHECK(sql.Int("SELECT count(*) FROM sqlite_master WHERE name='turn_counts'") == 1);
}

TEST_CASE("log store: migrates a version 3 database: takeovers added, rows and counts kept") {
  LogTempDir dir;
  const std::string db = dir.File("v3.db");
  {
    Sql sql(db);
    REQUIRE(sql.Exec("PRAGMA journal_mode=WAL") == "");
    REQUIRE(sql.Exec(kSchemaV1) == "");
    REQUIRE(sql.Exec(kSchemaV2Additions) == "");
    REQUIRE(sql.Exec(kSchemaV3Additions) == "");
    REQUIRE(sql.Exec("PRAGMA user_version = 3") == "");
    REQUIRE(sql.Exec("INSERT INTO unresolved(ts, text, normalized, action, pack_version) VALUES"
                     " (1700000000, 'x', 'x', 'fallback', '1');"
                     "INSERT INTO turn_counts VALUES(472222, 'en', 'web', 'answer', 7, 2);") == "");
  }
  {
    Sql sql(db);
    auto before = LogStore::Migrate(sql.db());
    REQUIRE(before.ok());
    CHECK(before.value() == 3);
  }
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    zari::log::TakeoverRow row;
    row.session = "s";
    row.operator_id = "op-1";
    row.joined_ts = 1700000100;
    row.left_ts = 1700000200;
    store.value()->Add(std::move(row));
  }
  Sql sql(db);
  CHECK(sql.Int("PRAGMA user_version") == 4);
  CHECK(sql.Int("PRAGMA application_id") == zari::log::kApplicationId);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 1);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == 7);
  CHECK(sql.Int("SELECT value FROM log_meta WHERE key='counts_since'") == 1700000000);
  CHECK(sql.Int("SELECT count(*) FROM takeovers WHERE operator_id = 'op-1' AND resolved = 0") == 1);
  CHECK(sql.Int("SELECT left_ts - joined_ts FROM takeovers") == 100);
  CHECK(sql.Int("SELECT count(*) FROM sqlite_master WHERE name = 'takeovers_ts'") == 1);
}

TEST_CASE("log store: an operator's takeover is one row, its transcript masked; relayed turns are counted") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    std::atomic<int64_t> now{kMondayNoonTbilisi};
    RuntimeOptions o;
    o.clock = [&now] { return now.load(); };
    auto rt = MakeRuntime(db, o);
    Session s(rt, "t-1", "web");
    Reply r;
    s.Respond("I want to talk to an operator", &r);
    REQUIRE(r.action == zari::Action::kHandoff);
    now += 60;
    REQUIRE(s.OperatorJoin("op-7", "Nino").ok());
    now += 30;
    s.Respond("my number is 599 12 34 56, do you sell refrigerators", &r);  // a fallback for the bot
    CHECK(r.action == zari::Action::kRelayed);
    REQUIRE(s.OperatorMessage("Done: card 4111 1111 1111 1111 is blocked").ok());
    now += 30;
    REQUIRE(s.OperatorLeave(true).ok());
    rt->FlushLog();
  }
  Sql sql(db);
  REQUIRE(sql.Int("SELECT count(*) FROM takeovers") == 1);
  CHECK(sql.Column("SELECT session || ' ' || channel || ' ' || language || ' ' || operator_id || ' ' || pack"
                   " FROM takeovers") == std::vector<std::string>{"t-1 web en op-7 Zari Mobile"});
  CHECK(sql.Int("SELECT joined_ts FROM takeovers") == kMondayNoonTbilisi + 60);
  CHECK(sql.Int("SELECT left_ts FROM takeovers") == kMondayNoonTbilisi + 120);
  CHECK(sql.Int("SELECT resolved FROM takeovers") == 1);
  const std::string transcript = sql.Column("SELECT transcript FROM takeovers")[0];
  CHECK(transcript ==
        "[{\"role\":\"user\",\"text\":\"my number is [phone], do you sell refrigerators\",\"ts\":" +
            std::to_string(kMondayNoonTbilisi + 90) +
            "},{\"role\":\"operator\",\"text\":\"Done: card [card] is blocked\",\"ts\":" +
            std::to_string(kMondayNoonTbilisi + 90) + "}]");
  // The relayed message is counted, never unresolved; the handoff before it is a row as always.
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 0);
  CHECK(sql.Int("SELECT count(*) FROM handoffs") == 1);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts WHERE action = 'relayed'") == 1);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == 2);
}

TEST_CASE("log store: a version 0 file made by hand with the version 1 tables is adopted") {
  LogTempDir dir;
  const std::string db = dir.File("v0.db");
  {
    Sql sql(db);
    REQUIRE(sql.Exec(kSchemaV1) == "");
  }
  auto store = LogStore::Open({.path = db});
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  store.value().reset();
  Sql sql(db);
  CHECK(sql.Int("PRAGMA user_version") == 4);
}

TEST_CASE("log store: refuses a newer schema, a foreign database, a non-database and a bad path") {
  LogTempDir dir;
  {
    const std::string db = dir.File("new.db");
    {
      Sql sql(db);
      sql.Exec("CREATE TABLE unresolved(x); PRAGMA user_version = 99;");
    }
    auto store = LogStore::Open({.path = db});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message().find("newer") != std::string::npos);
    Sql sql(db);
    CHECK(sql.Int("PRAGMA user_version") == 99);  // untouched
  }
  {
    const std::string db = dir.File("other.db");
    {
      Sql sql(db);
      sql.Exec("CREATE TABLE customers(name TEXT);");
    }
    auto store = LogStore::Open({.path = db});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message().find("not a Zari log") != std::string::npos);
  }
  {
    const std::string db = dir.File("text.db");
    {
      std::FILE* f = std::fopen(db.c_str(), "w");
      std::fputs("this is not a database, it is a text file with enough bytes in it to have a header\n", f);
      std::fclose(f);
    }
    auto store = LogStore::Open({.path = db});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().message().find(db) != std::string::npos);
  }
  {
    auto store = LogStore::Open({.path = dir.File("no/such/dir/zari.db")});
    REQUIRE_FALSE(store.ok());
    CHECK(store.status().code() == zari::Code::kIo);
  }
}

TEST_CASE("log store: thousands of turns through sessions, then destroy: every row is in the database") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Expect e;
  {
    auto rt = MakeRuntime(db);
    e = Converse(rt, 50, 3000);
    const auto stats = rt->log_stats();
    CHECK(stats.dropped == 0);
    // No flush: the runtime's destruction must write everything.
  }
  REQUIRE(e.unresolved > 1000);
  REQUIRE(e.handoffs > 100);
  CheckWritten(db, e);
  Sql sql(db);
  // Personal data is masked in texts, normalized forms and transcripts.
  for (const char* table_column : {"unresolved.text", "unresolved.normalized", "handoffs.transcript"}) {
    const std::string tc = table_column;
    const std::string table = tc.substr(0, tc.find('.')), column = tc.substr(tc.find('.') + 1);
    INFO(tc);
    for (const char* secret : {"4111", "5500", "599 12", "599", "123 45 67", "nino.beridze", "@gmail", "5ZJ8KQ2",
                               "5zj8kq2"}) {
      INFO(std::string(secret));
      CHECK(sql.Int("SELECT count(*) FROM " + table + " WHERE instr(" + column + ", '" + secret + "') > 0") == 0);
    }
  }
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE text LIKE '%[card]%'") > 0);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE text LIKE '%[phone]%'") > 0);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE text LIKE '%[email]%'") > 0);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE text LIKE '%FIN [id]%'") > 0);
  CHECK(sql.Int("SELECT count(*) FROM handoffs WHERE transcript LIKE '%[card]%'") > 0);
  CHECK(sql.Int("SELECT count(DISTINCT session) FROM unresolved") == 50);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE action NOT IN ('fallback', 'clarify')") == 0);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE pack = 'Zari Mobile' AND pack_version = '2026.11'") ==
        e.unresolved);
  CHECK(sql.Int("SELECT count(DISTINCT hour) FROM turn_counts") == 1);
  CHECK(sql.Int("SELECT hour FROM turn_counts LIMIT 1") == kMondayNoonTbilisi / 3600);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts WHERE action = 'answer'") > 0);
}

TEST_CASE("log store: redaction off keeps texts as typed") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db, .redact = false});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(1, "call 599 12 34 56"));
    store.value()->set_redact(true);
    store.value()->Flush();
    store.value()->Add(MakeRow(2, "call 599 12 34 57"));
  }
  Sql sql(db);
  CHECK(sql.Column("SELECT text FROM unresolved ORDER BY id") ==
        std::vector<std::string>{"call 599 12 34 56", "call [phone]"});
}

TEST_CASE("log store: a session state carries its turn count, so a restored conversation is not new") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto rt = MakeRuntime(db);
    Reply r;
    std::string state;
    {
      Session s(rt, "web-1", "web");
      s.Respond("how to check my balance", &r);
      state = s.Export();
    }
    for (int i = 0; i < 3; ++i) {  // a stateless back end: one process per request
      auto s = Session::Import(rt, state);
      REQUIRE(s.ok());
      s.value()->Respond("do you sell refrigerators", &r);
      state = s.value()->Export();
    }
    // A state written before turns were exported.
    std::string old = state;
    const auto at = old.find("\"turns\":");
    REQUIRE(at != std::string::npos);
    old.erase(at, old.find(',', at) - at + 1);
    auto s = Session::Import(rt, old);
    REQUIRE(s.ok());
    s.value()->Respond("how to check my balance", &r);
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == 5);
  CHECK(sql.Int("SELECT sum(conversations) FROM turn_counts") == 1);
}

TEST_CASE("log store: turn counts add up per hour, language, channel and action") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    LogStore& s = *store.value();
    for (int i = 0; i < 100; ++i) s.CountTurn(7200 + i, "ka", "web", "answer", i % 10 == 0);
    for (int i = 0; i < 30; ++i) s.CountTurn(3600 * 5 + 1, "az", "ivr", "fallback", false);
    s.CountTurn(-1, "en", "web", "handoff", true);  // before 1970: floor, not truncation
    REQUIRE(s.Flush());
    s.CountTurn(7300, "ka", "web", "answer", false);  // merged into the committed row
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT turns FROM turn_counts WHERE hour=2 AND language='ka' AND channel='web' AND action='answer'") ==
        101);
  CHECK(sql.Int("SELECT conversations FROM turn_counts WHERE hour=2") == 10);
  CHECK(sql.Int("SELECT turns FROM turn_counts WHERE hour=5 AND channel='ivr'") == 30);
  CHECK(sql.Int("SELECT turns FROM turn_counts WHERE hour=-1") == 1);
}

TEST_CASE("log store: a full queue drops rows, counts them everywhere, and keeps the rest") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Messages msgs;
  {
    LogStore::Options o{.path = db, .queue_capacity = 10, .busy_timeout_ms = 20};
    o.on_log = msgs.Callback();
    auto store = LogStore::Open(o);
    REQUIRE(store.ok());
    Locker lock(db);  // the writer cannot commit: rows pile up
    for (int i = 0; i < 100; ++i) store.value()->Add(MakeRow(i));
    const auto s = store.value()->stats();
    CHECK(s.enqueued == 10);
    CHECK(s.dropped == 90);
    CHECK(s.pending == 10);
    CHECK(msgs.Contains("log queue full"));
    lock.Release();
    REQUIRE(store.value()->Flush());
    const auto after = store.value()->stats();
    CHECK(after.written == 10);
    CHECK(after.pending == 0);
    CHECK(after.last_error.empty());
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 10);
  CHECK(sql.Int("SELECT value FROM log_meta WHERE key='dropped_rows'") == 90);
}

TEST_CASE("log store: the queue is bounded by bytes too (handoff rows carry transcripts)") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  LogStore::Options o{.path = db, .queue_capacity = 100000, .queue_bytes = 1u << 20, .busy_timeout_ms = 20};
  auto store = LogStore::Open(o);
  REQUIRE(store.ok());
  Locker lock(db);  // rows pile up
  // 40 turns of 2 KB: ~80 KB a row, so about a dozen fit in 1 MiB.
  for (int i = 0; i < 100; ++i) {
    zari::log::HandoffRow row;
    row.ts = 1000 + i;
    row.session = "s" + std::to_string(i);
    row.language = "en";
    row.reason = "misses";
    for (int t = 0; t < 40; ++t) {
      const auto role = t % 2 == 0 ? zari::log::Role::kUser : zari::log::Role::kBot;
      row.transcript.push_back({role, std::string(2048, 'x'), 1000 + i});
    }
    store.value()->Add(std::move(row));
  }
  const auto s = store.value()->stats();
  CHECK(s.enqueued >= 10);
  CHECK(s.enqueued <= 13);
  CHECK(s.dropped == 100 - s.enqueued);
  lock.Release();
  REQUIRE(store.value()->Flush());
  CHECK(store.value()->stats().written == s.enqueued);
  // Room again once written.
  store.value()->Add(MakeRow(1));
  REQUIRE(store.value()->Flush());
  CHECK(store.value()->stats().written == s.enqueued + 1);
}

// Fault injection through the runtime: replies go on while the log cannot
// write, the failures show in stats and the callback, and every row queued
// meanwhile is written once the fault is gone.
namespace {

struct FaultCase {
  std::string name;
  std::string error_part;  // expected in stats().last_error
};

void RunFault(const FaultCase& fc, const std::function<void(sqlite3*)>& inject_on_open, std::atomic<bool>& fault,
              const std::function<void(const std::string& db)>& start = nullptr,
              const std::function<void()>& heal = nullptr) {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Messages msgs;
  RuntimeOptions o;
  o.on_log = msgs.Callback();
  o.log_on_open = [&](sqlite3* c) {
    if (fault.load()) inject_on_open(c);
  };
  Expect before, during, after;
  {
    auto rt = MakeRuntime(db, o);
    if (start) start(db);
    during = Converse(rt, 5, 400, "d");
    REQUIRE_MESSAGE(WaitUntil([&] { return rt->log_stats().failed_writes > 0; }), fc.name);
    // Replies keep coming while the writer retries.
    Expect more = Converse(rt, 5, 100, "m");
    const auto s = rt->log_stats();
    INFO(fc.name << ": " << s.last_error);
    CHECK(s.last_error.find(fc.error_part) != std::string::npos);
    CHECK(s.pending > 0);
    CHECK(msgs.Contains("log write failed"));
    fault = false;
    if (heal) heal();
    REQUIRE(rt->log()->Flush());
    const auto healed = rt->log_stats();
    CHECK(healed.last_error.empty());
    CHECK(healed.dropped == 0);
    CHECK(healed.written == healed.enqueued);
    CHECK(msgs.Contains("writable again"));
    during.unresolved += more.unresolved;
    during.handoffs += more.handoffs;
    during.turns += more.turns;
    during.conversations += more.conversations;
  }
  CheckWritten(db, during);
  CHECK(zari::log::CheckIntegrity(db).value() == "ok");
}

}  // namespace

TEST_CASE("log store faults: disk full") {
  std::atomic<bool> fault{true};
  RunFault({"full", "full"},
           [](sqlite3* c) {
             // No room beyond what the file has now.
             sqlite3_exec(c, "PRAGMA max_page_count = 1", nullptr, nullptr, nullptr);
           },
           fault);
}

TEST_CASE("log store faults: read-only database") {
  std::atomic<bool> fault{true};
  RunFault({"read-only", "readonly"},
           [](sqlite3* c) { sqlite3_exec(c, "PRAGMA query_only = 1", nullptr, nullptr, nullptr); }, fault);
}

TEST_CASE("log store faults: locked by another connection") {
  std::atomic<bool> fault{false};
  std::unique_ptr<Locker> locker;
  RunFault({"locked", "locked"}, [](sqlite3*) {}, fault,
           [&](const std::string& db) { locker = std::make_unique<Locker>(db); },
           [&] { locker->Release(); });
}

TEST_CASE("log store faults: the file is deleted, or rotated, while running") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Messages msgs;
  RuntimeOptions o;
  o.on_log = msgs.Callback();
  auto rt = MakeRuntime(db, o);
  const Expect first = Converse(rt, 3, 60, "a");
  REQUIRE(rt->log()->Flush());

  // Deleted: a new file is created; the old rows are gone with the old file.
  std::filesystem::remove(db);
  const Expect second = Converse(rt, 3, 60, "b");
  REQUIRE(rt->log()->Flush());
  CHECK(msgs.Contains("was moved or deleted"));
  CHECK(std::filesystem::exists(db));
  CheckWritten(db, second);
  CHECK(zari::log::CheckIntegrity(db).value() == "ok");

  // Rotated (renamed, as logrotate or `mv` does): the old file keeps its
  // rows, new rows go to a new file under the configured name.
  const std::string rotated = dir.File("zari.db.1");
  std::filesystem::rename(db, rotated);
  const Expect third = Converse(rt, 3, 60, "c");
  REQUIRE(rt->log()->Flush());
  rt.reset();
  CheckWritten(db, third);
  CheckWritten(rotated, second);
  CHECK(zari::log::CheckIntegrity(rotated).value() == "ok");
  CHECK(first.unresolved > 0);
}

TEST_CASE("log store: a database locked at start opens degraded and catches up") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Messages msgs;
  auto locker = std::make_unique<Sql>(db);
  // A rollback-journal database under an exclusive lock: even the WAL switch must wait.
  REQUIRE(locker->Exec("PRAGMA locking_mode = EXCLUSIVE; CREATE TABLE unresolved(id INTEGER PRIMARY KEY,"
                       " ts INTEGER NOT NULL, session TEXT, channel TEXT, language TEXT, text TEXT NOT NULL,"
                       " normalized TEXT NOT NULL, best_intent TEXT, best_score REAL, pack TEXT);"
                       "BEGIN EXCLUSIVE;") == "");
  LogStore::Options o{.path = db, .busy_timeout_ms = 20};
  o.on_log = msgs.Callback();
  auto store = LogStore::Open(o);
  REQUIRE_MESSAGE(store.ok(), store.status().message());
  CHECK(msgs.Contains("will retry"));
  for (int i = 0; i < 20; ++i) store.value()->Add(MakeRow(i));
  REQUIRE(WaitUntil([&] { return store.value()->stats().failed_writes > 0; }));
  locker->Exec("COMMIT");
  locker.reset();  // exclusive locking mode holds the lock until the connection closes
  REQUIRE(store.value()->Flush());
  store.value().reset();
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 20);
  CHECK(sql.Int("PRAGMA user_version") == 4);
}

TEST_CASE("log store: flush gives up on a failing disk; closing counts what could not be written") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  Messages msgs;
  {
    LogStore::Options o{.path = db, .flush_timeout_ms = 200, .busy_timeout_ms = 10};
    o.on_log = msgs.Callback();
    auto store = LogStore::Open(o);
    REQUIRE(store.ok());
    Locker lock(db);
    for (int i = 0; i < 5; ++i) store.value()->Add(MakeRow(i));
    CHECK_FALSE(store.value()->Flush());
    CHECK(store.value()->stats().pending == 5);
    store.value().reset();  // waits flush_timeout_ms, then gives up
    CHECK(msgs.Contains("log closed while writes fail: 5 rows"));
  }
  // The next run writes normally.
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(1));
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 1);
}

TEST_CASE("log store: kill -9 while writing leaves a consistent database") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db});  // create it before forking
    REQUIRE(store.ok());
  }
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child writes as fast as it can until it is killed.
    auto store = LogStore::Open({.path = db, .batch_size = 256});
    if (!store.ok()) ::_exit(3);
    const std::string text(300, 'x');
    for (int i = 0;; ++i) {
      store.value()->Add(MakeRow(i, text + std::to_string(i)));
      store.value()->CountTurn(kMondayNoonTbilisi, "en", "web", "fallback", i % 5 == 0);
      if (i % 5000 == 0) store.value()->Flush();
    }
  }
  // Kill it mid-stream: once rows are arriving, and without warning.
  const bool started = WaitUntil([&] {
    try {
      Sql sql(db, /*read_only=*/true);
      return sql.Int("SELECT count(*) FROM unresolved") > 20000;
    } catch (const std::exception&) {
      return false;
    }
  });
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  REQUIRE(started);
  REQUIRE(WIFSIGNALED(status));
  CHECK(zari::log::CheckIntegrity(db).value() == "ok");
  int64_t rows;
  {
    Sql sql(db);
    CHECK(sql.Column("PRAGMA integrity_check")[0] == "ok");
    rows = sql.Int("SELECT count(*) FROM unresolved");
    CHECK(rows > 20000);
    // Committed transactions are whole: ids are 1..n without holes.
    CHECK(sql.Int("SELECT max(id) FROM unresolved") == rows);
  }
  // The next process continues the same file.
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(1, "after the crash"));
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == rows + 1);
}

TEST_CASE("log store: stored texts are valid UTF-8, whatever was typed") {
  LogTempDir dir;
  const std::string db = dir.File("zari.db");
  {
    auto store = LogStore::Open({.path = db});
    REQUIRE(store.ok());
    store.value()->Add(MakeRow(1, "cut in the middle of ბ\xe1\x83"));
    store.value()->Add(MakeRow(2, std::string("nul \0 and \xff byte", 16)));
  }
  Sql sql(db);
  for (const auto& t : sql.Column("SELECT text FROM unresolved")) CHECK(zari::IsValidUtf8(t));
  CHECK(sql.Column("SELECT text FROM unresolved ORDER BY id")[0].rfind("cut in the middle of ბ\xEF\xBF\xBD", 0) == 0);
}
