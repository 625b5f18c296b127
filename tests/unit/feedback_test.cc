// Customer feedback through dialog::Session: the scales, the answer a
// "helpful" rates (also across export and import), what lands in the log,
// and the pack's survey and thanks messages with Zari's defaults.
#include <doctest/doctest.h>

#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "core/engine.h"
#include "dialog/runtime.h"
#include "dialog/session.h"
#include "log_test_util.h"
#include "util/utf8.h"

using zari::Code;
using zari::MessageKind;
using zari::Reply;
using zari::dialog::FeedbackKind;
using zari::dialog::Runtime;
using zari::dialog::RuntimeOptions;
using zari::dialog::Session;
using zari::text::Lang;
using namespace zari_test;

namespace {

constexpr int64_t kNow = 1795590000;  // Wednesday 11:00 in Tbilisi

std::shared_ptr<Runtime> MakeRuntime(const std::string& db) {
  RuntimeOptions o;
  o.log_db = db;
  o.clock = [] { return kNow; };
  auto rt = Runtime::Create(PackDir(), std::move(o));
  REQUIRE_MESSAGE(rt.ok(), rt.status().message());
  return rt.value();
}

}  // namespace

TEST_CASE("feedback: every scale's ends are kept, anything outside is refused") {
  LogTempDir dir("feedback");
  const std::string db = dir.File("zari.db");
  {
    auto rt = MakeRuntime(db);
    Session s(rt, "scales", "web");
    for (auto [kind, lo, hi] : {std::tuple{FeedbackKind::kHelpful, 0, 1}, std::tuple{FeedbackKind::kCsat, 1, 5},
                                std::tuple{FeedbackKind::kCes, 1, 7}, std::tuple{FeedbackKind::kNps, 0, 10}}) {
      CAPTURE(static_cast<int>(kind));
      CHECK(s.Feedback(kind, lo).ok());
      CHECK(s.Feedback(kind, hi).ok());
      const zari::Status below = s.Feedback(kind, lo - 1), above = s.Feedback(kind, hi + 1);
      CHECK(below.code() == Code::kInvalid);
      CHECK(above.code() == Code::kInvalid);
      CHECK(above.message().find(" must be " + std::to_string(lo) + " to " + std::to_string(hi)) !=
            std::string::npos);
    }
    CHECK(s.Feedback(static_cast<FeedbackKind>(9), 1).code() == Code::kInvalid);
    rt->FlushLog();
  }
  Sql sql(db);
  CHECK(sql.Int("SELECT count(*) FROM feedback") == 8);
  CHECK(sql.Column("SELECT kind || value FROM feedback ORDER BY id") ==
        std::vector<std::string>{"helpful0", "helpful1", "csat1", "csat5", "ces1", "ces7", "nps0", "nps10"});
  // Before any message the conversation has no language and no answer.
  CHECK(sql.Int("SELECT count(*) FROM feedback WHERE language = 'und' AND intent IS NULL AND session = 'scales'"
                " AND channel = 'web' AND ts = 1795590000 AND pack = 'Zari Mobile'") == 8);
}

TEST_CASE("feedback: helpful rates the last answer, in its language; a restored session keeps it") {
  LogTempDir dir("feedback");
  const std::string db = dir.File("zari.db");
  {
    auto rt = MakeRuntime(db);
    Session s(rt, "v1", "web");
    Reply r;
    s.Respond("როგორ შევამოწმო ბალანსი?", &r);
    REQUIRE(r.action == zari::Action::kAnswer);
    CHECK(s.answered() == "balance");
    s.Respond("asdf qwerty zxcv", &r);  // a fallback does not change what was last answered
    REQUIRE(r.action == zari::Action::kFallback);
    CHECK(s.Feedback(FeedbackKind::kHelpful, 0, "ბალანსი არ ჩანს").ok());
    CHECK(s.Feedback(FeedbackKind::kCsat, 2).ok());  // about the conversation: no intent
    const std::string state = s.Export();
    CHECK(state.find("\"answered\":\"balance\"") != std::string::npos);
    auto restored = Session::Import(rt, state);
    REQUIRE(restored.ok());
    CHECK(restored.value()->answered() == "balance");
    restored.value()->Respond("How do I turn on roaming?", &r);
    REQUIRE(r.action == zari::Action::kAnswer);
    CHECK(restored.value()->Feedback(FeedbackKind::kHelpful, 1).ok());
    // A state naming an intent the pack does not have is corrupt.
    std::string bad = state;
    bad.replace(bad.find("\"answered\":\"balance\""), 20, "\"answered\":\"nothing\"");
    auto refused = Session::Import(rt, bad);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.status().message().find("answered") != std::string::npos);
    rt->FlushLog();
  }
  Sql sql(db);
  CHECK(sql.Column("SELECT kind || ' ' || value || ' ' || coalesce(intent, '-') || ' ' || language FROM feedback"
                   " ORDER BY id") ==
        std::vector<std::string>{"helpful 0 balance ka", "csat 2 - ka", "helpful 1 roaming en"});
  CHECK(sql.Column("SELECT comment FROM feedback WHERE id = 1")[0] == "ბალანსი არ ჩანს");
  CHECK(sql.Int("SELECT count(*) FROM feedback WHERE operator_id IS NOT NULL") == 0);
}

TEST_CASE("feedback: a comment is cut at 4 KB on a character boundary; no log, nothing kept") {
  LogTempDir dir("feedback");
  const std::string db = dir.File("zari.db");
  {
    auto rt = MakeRuntime(db);
    Session s(rt, "long", "ivr");
    std::string comment(4095, 'a');
    comment += "ბბბ";  // the cut at 4,096 bytes falls inside a character
    CHECK(s.Feedback(FeedbackKind::kNps, 3, comment).ok());
    rt->FlushLog();
  }
  Sql sql(db);
  const std::string stored = sql.Column("SELECT comment FROM feedback")[0];
  CHECK(stored.size() <= 4096 + 2);
  CHECK(zari::IsValidUtf8(stored));
  CHECK(stored.rfind(std::string(4095, 'a'), 0) == 0);

  auto rt = Runtime::Create(PackDir(), RuntimeOptions{});
  REQUIRE(rt.ok());
  Session s(rt.value(), "no-log", "web");
  CHECK(s.Feedback(FeedbackKind::kCsat, 5).ok());
  CHECK(s.Feedback(FeedbackKind::kCsat, 6).code() == Code::kInvalid);  // checked all the same
}

TEST_CASE("feedback: the survey question and the thanks, the pack's or Zari's own in each language") {
  auto telecom = zari::Engine::Load(PackDir());
  REQUIRE(telecom.ok());
  auto bare = zari::Engine::Load(std::string(ZARI_SOURCE_DIR) + "/tests/data/packs/nightshift");
  REQUIRE_MESSAGE(bare.ok(), bare.status().message());
  for (MessageKind kind : {MessageKind::kSurvey, MessageKind::kThanksFeedback}) {
    std::set<std::string> seen;
    for (Lang l : {Lang::kKa, Lang::kAz, Lang::kEn}) {
      const std::string zari_default(zari::DefaultMessage(kind, l));
      CHECK_FALSE(zari_default.empty());
      CHECK(seen.insert(zari_default).second);  // a text of its own in each language
      CHECK(telecom.value()->Message(kind, l) != zari_default);  // the sample pack writes its own
    }
  }
  CHECK(std::string(zari::DefaultMessage(MessageKind::kSurvey, Lang::kKa)).find("1-დან 5-მდე") != std::string::npos);
  CHECK(std::string(zari::DefaultMessage(MessageKind::kSurvey, Lang::kAz)).find("1-dən 5-ə") != std::string::npos);
  CHECK(std::string(zari::DefaultMessage(MessageKind::kSurvey, Lang::kEn)).find("from 1 to 5") != std::string::npos);
  const auto& pack = bare.value()->pack();
  for (Lang l : pack.languages) {
    CHECK(bare.value()->Message(MessageKind::kThanksFeedback, l) == zari::DefaultMessage(MessageKind::kThanksFeedback, l));
  }
}
