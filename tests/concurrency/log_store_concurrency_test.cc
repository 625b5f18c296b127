// The log under many replying threads: rows and turn counts from every
// thread arrive exactly once, Flush() and stats() may be called from any
// thread meanwhile, and a bounded queue counts every row it refuses.
// Run again under TSan by scripts/test.sh.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "../unit/log_test_util.h"
#include "dialog/session.h"
#include "log/log_store.h"
#include "dialog/runtime.h"

using namespace zari_test;
using zari::log::LogStore;

namespace {

const char* const kMessages[] = {
    "do you sell refrigerators? call 599 12 34 56",
    "how to check my balance",
    "kredit götürmək olar? nömrəm 050 123 45 67",
    "რამდენი ღირს აიფონი",
    "email me at nino.beridze@gmail.com about the bitcoin payment",
    "ოპერატორი",
    "card 4111 1111 1111 1111 blocked in an ATM abroad what now",
};

}  // namespace

TEST_CASE("log: eight replying threads, flushes and stats meanwhile, every row once") {
  LogTempDir dir("logconc");
  const std::string db = dir.File("zari.db");
  constexpr int kThreads = 8, kSessionsPerThread = 5, kPerThread = 600;
  std::atomic<int64_t> unresolved{0}, handoffs{0};
  {
    zari::dialog::RuntimeOptions o;
    o.log_db = db;
    o.clock = [] { return int64_t{1793606400}; };
    auto created = zari::dialog::Runtime::Create(PackDir(), o);
    REQUIRE(created.ok());
    std::shared_ptr<zari::dialog::Runtime> rt = created.value();
    std::atomic<bool> done{false};
    std::thread observer([&] {
      while (!done.load()) {
        rt->log()->Flush();
        const auto s = rt->log_stats();
        CHECK(s.written <= s.enqueued);
        std::this_thread::yield();
      }
    });
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        std::vector<std::unique_ptr<zari::dialog::Session>> sessions;
        for (int i = 0; i < kSessionsPerThread; ++i) {
          sessions.push_back(std::make_unique<zari::dialog::Session>(
              rt, "t" + std::to_string(t) + "-" + std::to_string(i), t % 2 ? "web" : "ivr"));
        }
        zari::Reply r;
        for (int i = 0; i < kPerThread; ++i) {
          sessions[static_cast<size_t>(i % kSessionsPerThread)]->Respond(
              kMessages[static_cast<size_t>(i + t) % std::size(kMessages)], &r);
          if (r.action == zari::Action::kClarify || r.action == zari::Action::kFallback ||
              r.handoff_reason == zari::HandoffReason::kMisses) {
            ++unresolved;
          }
          if (r.action == zari::Action::kHandoff || r.action == zari::Action::kAfterHours) ++handoffs;
        }
      });
    }
    for (auto& th : threads) th.join();
    done = true;
    observer.join();
    CHECK(rt->log_stats().dropped == 0);
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == unresolved.load());
  CHECK(sql.Int("SELECT count(*) FROM handoffs") == handoffs.load());
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == kThreads * kPerThread);
  CHECK(sql.Int("SELECT sum(conversations) FROM turn_counts") == kThreads * kSessionsPerThread);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts WHERE channel = 'ivr'") == kThreads / 2 * kPerThread);
  CHECK(sql.Int("SELECT count(*) FROM unresolved WHERE instr(text, '599 12') > 0") == 0);
}

TEST_CASE("log: operators take conversations over on eight threads: every takeover once, masked") {
  LogTempDir dir("logconc");
  const std::string db = dir.File("zari.db");
  constexpr int kThreads = 8, kSessionsPerThread = 4, kRounds = 25;
  {
    zari::dialog::RuntimeOptions o;
    o.log_db = db;
    o.clock = [] { return int64_t{1793606400}; };  // Monday noon in Tbilisi: operators online
    auto created = zari::dialog::Runtime::Create(PackDir(), o);
    REQUIRE(created.ok());
    std::shared_ptr<zari::dialog::Runtime> rt = created.value();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        zari::Reply r;
        for (int i = 0; i < kSessionsPerThread; ++i) {
          zari::dialog::Session s(rt, "op-t" + std::to_string(t) + "-" + std::to_string(i), "web");
          for (int round = 0; round < kRounds; ++round) {
            s.Respond("I want to talk to an operator", &r);
            CHECK(s.OperatorJoin("op-" + std::to_string(t), "").ok());
            for (int m = 0; m < 3; ++m) {
              s.Respond(kMessages[static_cast<size_t>(m + round) % std::size(kMessages)], &r);
              CHECK(r.action == zari::Action::kRelayed);
            }
            CHECK(s.OperatorMessage("card 4111 1111 1111 1111 is blocked").ok());
            CHECK(s.OperatorLeave(round % 2 == 0).ok());
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    CHECK(rt->log_stats().dropped == 0);
  }
  constexpr int64_t kTakeovers = kThreads * kSessionsPerThread * kRounds;
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM takeovers") == kTakeovers);
  CHECK(sql.Int("SELECT count(*) FROM takeovers WHERE resolved = 1") ==
        kThreads * kSessionsPerThread * ((kRounds + 1) / 2));  // the even rounds
  CHECK(sql.Int("SELECT count(*) FROM handoffs") == kTakeovers);
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts WHERE action = 'relayed'") == 3 * kTakeovers);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == 0);
  CHECK(sql.Int("SELECT count(*) FROM takeovers WHERE instr(transcript, '4111') > 0 OR "
                "instr(transcript, '599 12') > 0") == 0);
  CHECK(sql.Int("SELECT count(DISTINCT session) FROM takeovers") == kThreads * kSessionsPerThread);
}

TEST_CASE("log: a small queue under eight writers: accepted + dropped = sent, all recorded") {
  LogTempDir dir("logconc");
  const std::string db = dir.File("zari.db");
  constexpr int kThreads = 8, kPerThread = 5000;
  zari::log::LogStats final_stats;
  {
    auto store = LogStore::Open({.path = db, .queue_capacity = 64, .batch_size = 16});
    REQUIRE(store.ok());
    LogStore& s = *store.value();
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          zari::log::UnresolvedRow row;
          row.ts = 1793606400 + i;
          row.session = "t" + std::to_string(t);
          row.language = "en";
          row.action = "fallback";
          row.text = row.normalized = "question " + std::to_string(i);
          s.Add(std::move(row));
          s.CountTurn(row.ts, "en", "web", "fallback", i == 0);
        }
      });
    }
    for (auto& th : threads) th.join();
    REQUIRE(s.Flush());
    final_stats = s.stats();
  }
  CHECK(final_stats.enqueued + final_stats.dropped == kThreads * kPerThread);
  CHECK(final_stats.written == final_stats.enqueued);
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM unresolved") == static_cast<int64_t>(final_stats.enqueued));
  const int64_t recorded = sql.Int("SELECT coalesce((SELECT value FROM log_meta WHERE key='dropped_rows'), 0)");
  CHECK(recorded == static_cast<int64_t>(final_stats.dropped));
  // Counters are never dropped.
  CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == kThreads * kPerThread);
  CHECK(sql.Int("SELECT sum(conversations) FROM turn_counts") == kThreads);
}
