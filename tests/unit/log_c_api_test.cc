// The log as a host sees it through the C API: thousands of unresolved
// messages full of card numbers, phones and e-mails go in, the engine is
// destroyed, and every one is in the database with the personal data masked.
// The test loads libzari.so (next to this binary's bin/, in lib/) with
// dlopen, so it runs the exported C functions themselves.
#include <dlfcn.h>
#include <doctest/doctest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/engine.h"
#include "report/report.h"
#include "log_test_util.h"

using namespace zari_test;

namespace {

// The zari.h functions used here, looked up by name.
struct Api {
  void* lib = nullptr;
  void* (*options_create)() = nullptr;
  void (*options_destroy)(void*) = nullptr;
  int (*options_set_log_db)(void*, const char*) = nullptr;
  int (*options_set_clock)(void*, int64_t (*)(void*), void*) = nullptr;
  int (*engine_load)(void**, const char*, const void*) = nullptr;
  void (*engine_destroy)(void*) = nullptr;
  int (*engine_stats_json)(char**, const void*) = nullptr;
  int (*session_create)(void**, void*, const char*, const char*) = nullptr;
  void (*session_destroy)(void*) = nullptr;
  int (*session_respond)(void**, void*, const char*, size_t) = nullptr;
  int (*reply_action)(const void*) = nullptr;
  void (*reply_destroy)(void*) = nullptr;
  void (*string_free)(char*) = nullptr;
  const char* (*last_error)() = nullptr;

  template <typename F>
  bool Get(F* f, const char* name) {
    *f = reinterpret_cast<F>(dlsym(lib, name));
    return *f != nullptr;
  }
  bool Load() {
    std::error_code ec;
    const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
    if (ec) return false;
    const auto so = exe.parent_path().parent_path() / "lib" / "libzari.so";
    lib = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!lib) return false;
    return Get(&options_create, "zari_options_create") && Get(&options_destroy, "zari_options_destroy") &&
           Get(&options_set_log_db, "zari_options_set_log_db") && Get(&options_set_clock, "zari_options_set_clock") &&
           Get(&engine_load, "zari_engine_load") && Get(&engine_destroy, "zari_engine_destroy") &&
           Get(&engine_stats_json, "zari_engine_stats_json") && Get(&session_create, "zari_session_create") &&
           Get(&session_destroy, "zari_session_destroy") && Get(&session_respond, "zari_session_respond") &&
           Get(&reply_action, "zari_reply_action") && Get(&reply_destroy, "zari_reply_destroy") &&
           Get(&string_free, "zari_string_free") && Get(&last_error, "zari_last_error");
  }
};

constexpr int kAnswer = 1;  // ZARI_ACTION_ANSWER

int64_t FixedClock(void*) { return 1793606400; }  // Monday 12:00 in Tbilisi: operators online

std::string CardNumber(std::mt19937& rng) {
  std::string d = "4";
  for (int i = 0; i < 14; ++i) d.push_back(static_cast<char>('0' + rng() % 10));
  for (char check = '0'; check <= '9'; ++check) {  // the digit that makes it Luhn-valid
    int sum = 0;
    bool dbl = true;
    for (size_t i = d.size(); i-- > 0;) {
      int v = d[i] - '0';
      if (dbl) v = v * 2 > 9 ? v * 2 - 9 : v * 2;
      sum += v;
      dbl = !dbl;
    }
    if ((sum + (check - '0')) % 10 == 0) {
      d.push_back(check);
      break;
    }
  }
  return d.substr(0, 4) + " " + d.substr(4, 4) + "-" + d.substr(8, 4) + " " + d.substr(12, 4);
}

std::string Digits(std::mt19937& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng() % 10));
  return s;
}

// An unresolved message (never a request for a person, never a short reply
// that could pick a clarify option) carrying personal data.
std::string Message(std::mt19937& rng, int i) {
  switch (i % 6) {
    case 0: return "do you sell refrigerators in Batumi? my card is " + CardNumber(rng);
    case 1: return "ჩემი ნომერია 599 " + Digits(rng, 2) + " " + Digits(rng, 2) + " " + Digits(rng, 2) +
                   ", მაცივარი გაქვთ გასაყიდი?";
    case 2: return "nömrəm +994 50 " + Digits(rng, 3) + " " + Digits(rng, 2) + " " + Digits(rng, 2) +
                   ", kredit götürmək olarmı? FIN " + Digits(rng, 1) + "ZJ" + Digits(rng, 1) + "KQ" + Digits(rng, 1);
    case 3: return "please email the invoice for my fridge to nino.beridze" + Digits(rng, 3) + "@gmail.com";
    case 4: return "პირადი ნომერი 01" + Digits(rng, 9) + " როდის გაიხსნება ახალი ფილიალი ქუთაისში?";
    default: return "can I pay with bitcoin from account GE29NB" + Digits(rng, 16) + " tomorrow morning";
  }
}

// No '@' and no 7 digits in a row (separators ignored) anywhere in s.
bool LooksMasked(const std::string& s) {
  if (s.find('@') != std::string::npos) return false;
  int run = 0;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      if (++run >= 7) return false;
    } else if (c != ' ' && c != '-') {
      run = 0;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("log through the C API: every unresolved message is stored, masked, after zari_engine_destroy") {
  Api api;
  if (!api.Load()) {
    WARN_MESSAGE(false, "libzari.so not found next to the test binary; skipped");
    return;
  }
  LogTempDir dir("capi");
  const std::string db = dir.File("zari.db");
  for (const bool engine_first : {false, true}) {
    CAPTURE(engine_first);
    std::filesystem::remove(db);
    void* opts = api.options_create();
    REQUIRE(api.options_set_log_db(opts, db.c_str()) == 0);
    REQUIRE(api.options_set_clock(opts, FixedClock, nullptr) == 0);
    void* engine = nullptr;
    REQUIRE_MESSAGE(api.engine_load(&engine, PackDir().c_str(), opts) == 0, api.last_error());
    api.options_destroy(opts);

    std::mt19937 rng(42);
    std::vector<void*> sessions(40);
    for (size_t i = 0; i < sessions.size(); ++i) {
      REQUIRE(api.session_create(&sessions[i], engine, ("visitor-" + std::to_string(i)).c_str(), "web") == 0);
    }
    int64_t unresolved = 0, answered = 0;
    const int kMessages = 3000;
    for (int i = 0; i < kMessages; ++i) {
      const std::string text = Message(rng, i);
      void* reply = nullptr;
      REQUIRE(api.session_respond(&reply, sessions[static_cast<size_t>(i) % sessions.size()], text.data(),
                                  text.size()) == 0);
      // Fallback, clarify, and the handoffs that too many misses lead to.
      if (api.reply_action(reply) == kAnswer) ++answered;
      else ++unresolved;
      api.reply_destroy(reply);
    }
    char* stats = nullptr;
    REQUIRE(api.engine_stats_json(&stats, engine) == 0);
    CHECK(std::string(stats).find("\"dropped\":0") != std::string::npos);
    api.string_free(stats);
    if (engine_first) {
      api.engine_destroy(engine);  // sessions keep it alive; the last one flushes
      for (void* s : sessions) api.session_destroy(s);
    } else {
      for (void* s : sessions) api.session_destroy(s);
      api.engine_destroy(engine);
    }

    REQUIRE(unresolved > 2000);
    Sql sql(db);
    CHECK(sql.Int("SELECT count(*) FROM unresolved") == unresolved);
    CHECK(sql.Int("SELECT sum(turns) FROM turn_counts") == kMessages);
    CHECK(sql.Int("SELECT sum(turns) FROM turn_counts WHERE action = 'answer'") == answered);
    CHECK(sql.Int("SELECT sum(conversations) FROM turn_counts") == 40);
    int bad = 0;
    for (const char* column : {"text", "normalized"}) {
      for (const std::string& s : sql.Column(std::string("SELECT ") + column + " FROM unresolved")) {
        if (!LooksMasked(s) && bad++ < 5) FAIL_CHECK("not masked: " << s);
      }
    }
    int64_t turns_seen = 0;
    for (const std::string& s : sql.Column("SELECT transcript FROM handoffs")) {
      for (const auto& turn : nlohmann::json::parse(s)) {
        ++turns_seen;
        const std::string t = turn.at("text").get<std::string>();
        if (!LooksMasked(t) && bad++ < 5) FAIL_CHECK("not masked: " << t);
      }
    }
    CHECK(turns_seen > 0);
    CHECK(bad == 0);
    // And the support lead's view: the same questions as a handful of
    // clusters, each with the pack's nearest intent.
    {
      auto pack = zari::Engine::Load(PackDir());
      REQUIRE(pack.ok());
      zari::report::ReportOptions ro;
      ro.databases = {db};
      ro.engine = pack.value();
      auto report = zari::report::BuildReport(ro);
      REQUIRE_MESSAGE(report.ok(), report.status().message());
      int64_t clustered = 0;
      for (const auto& c : report.value().clusters) {
        clustered += c.count;
        CHECK_FALSE(c.nearest_intent.empty());
      }
      CHECK(clustered == unresolved);
      CHECK(report.value().clusters.size() <= 12);  // six kinds of question, in up to three languages
      CHECK(report.value().total.turns == kMessages);
    }
    for (const char* placeholder : {"[card]", "[phone]", "[email]", "[id]", "[account]"}) {
      CAPTURE(std::string(placeholder));
      CHECK(sql.Int(std::string("SELECT count(*) FROM unresolved WHERE instr(text, '") + placeholder + "') > 0") > 0);
      CHECK(sql.Int(std::string("SELECT count(*) FROM unresolved WHERE instr(normalized, '") + placeholder +
                    "') > 0") > 0);
    }
  }
}
