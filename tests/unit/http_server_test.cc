// The HTTP server's handlers without sockets: the message API, its errors,
// sessions, handoff outcomes, welcome and health. (tests/server/ drives the
// real server over HTTP.)
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "http_server.h"
#include "lifecycle.h"

using nlohmann::json;
using namespace zari::server;

namespace {

constexpr int64_t kWednesday11 = 1795590000;  // 2026-11-25 11:00 Tbilisi: operators online
constexpr int64_t kSunday12 = 1795939200;     // 2026-11-29 12:00 Tbilisi: closed

struct Fixture {
  std::unique_ptr<WebhookSender> webhook;
  std::unique_ptr<HandoffRelay> relay;
  std::shared_ptr<zari::dialog::Runtime> runtime;
  std::unique_ptr<HttpServer> server;
  ReloadStats reloads;

  explicit Fixture(int64_t now = kWednesday11, bool with_webhook = false, HttpServerOptions options = {}) {
    if (with_webhook) {
      WebhookSender::Options wo;
      wo.url = "http://127.0.0.1:9/never";  // nothing is delivered in these tests
      wo.max_attempts = 1;
      wo.drain_ms = 0;
      webhook = std::move(WebhookSender::Create(wo).value());
    }
    relay = std::make_unique<HandoffRelay>(webhook.get());
    zari::dialog::RuntimeOptions o;
    o.clock = [now] { return now; };
    o.on_handoff = [r = relay.get()](const zari::dialog::Handoff& h) { (*r)(h); };
    auto rt = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", o);
    REQUIRE(rt.ok());
    runtime = rt.value();
    server = std::make_unique<HttpServer>(runtime, options, webhook.get(), &reloads);
  }

  json Post(const std::string& body, int expect_status = 200) {
    HttpResponse r = server->HandleMessage(body);
    CAPTURE(body);
    CAPTURE(r.body);
    CHECK(r.status == expect_status);
    CHECK(r.content_type.rfind("application/json", 0) == 0);
    json j = json::parse(r.body, nullptr, false);
    REQUIRE_FALSE(j.is_discarded());
    return j;
  }
  json Say(const std::string& text, const std::string& session = "") {
    json req = {{"text", text}};
    if (!session.empty()) req["session"] = session;
    return Post(req.dump());
  }
};

}  // namespace

TEST_CASE("replies in ka, az and en carry the reply JSON and the session") {
  Fixture f;
  for (auto [text, lang] : {std::pair{"როგორ შევამოწმო ბალანსი?", "ka"}, std::pair{"balansi rogor shevamowmo", "ka"},
                            std::pair{"balansımı necə yoxlayım", "az"}, std::pair{"balansimi nece yoxlayim", "az"},
                            std::pair{"How do I check my balance?", "en"}}) {
    CAPTURE(text);
    json r = f.Say(text);
    CHECK(r["intent"] == "balance");
    CHECK(r["action"] == "answer");
    CHECK(r["language"] == lang);
    CHECK(r["route"] == "billing");
    CHECK(r["new_session"] == true);
    CHECK(r["session"].get<std::string>().size() == 32);
    for (const char* k : {"reply", "confidence", "slots", "options", "candidates", "explanation"}) {
      CAPTURE(k);
      CHECK(r.contains(k));
    }
    CHECK_FALSE(r.contains("handoff"));
  }
}

TEST_CASE("malformed requests get 400 with a JSON error") {
  Fixture f;
  for (const char* body : {"", "{", "not json", "[1,2]", "\"text\"", "{}", "{\"text\": 5}", "{\"text\": null}",
                           "{\"text\": \"hi\", \"session\": 7}", "{\"text\": \"hi\", \"session\": \"a b\"}",
                           "{\"text\": \"hi\", \"language\": \"fr\"}", "{\"text\": \"hi\", \"language\": 1}",
                           "{\"text\": \"\xff\xfe\"}"}) {
    json j = f.Post(body, 400);
    CHECK(j["error"].is_string());
    CHECK_FALSE(j["error"].get<std::string>().empty());
  }
  CHECK(f.Post("{\"text\": 5}", 400)["error"] == "'text' must be a string, got a number");
  CHECK(f.Post("{}", 400)["error"] == "missing field 'text'");
}

TEST_CASE("odd but valid messages get replies") {
  Fixture f;
  for (const std::string& text : {std::string(""), std::string("   "), std::string("😀😀😀"),
                                  std::string("a\0b", 3), std::string(10000, 'x')}) {
    json r = f.Post(json{{"text", text}}.dump());
    CHECK(r["reply"].is_string());
  }
}

TEST_CASE("a session continues: clarify then the chosen option, misses then handoff") {
  Fixture f;
  // A word the sample pack finds ambiguous (the matcher keeps being tuned).
  json r;
  for (const char* word : {"internet", "data", "package", "calls", "plan"}) {
    r = f.Say(word);
    if (r["action"] == "clarify" && r["options"].size() >= 2) break;
  }
  REQUIRE(r["action"] == "clarify");
  const std::string id = r["session"];
  REQUIRE(r["options"].size() >= 2);
  const std::string label = r["options"][1]["label"];
  const std::string chosen = r["options"][1]["intent"];
  r = f.Say(label, id);  // what a quick-reply button sends
  CHECK(r["session"] == id);
  CHECK(r["new_session"] == false);
  CHECK(r["action"] == "answer");
  CHECK(r["intent"] == chosen);

  // after_misses: 2 in the telecom pack.
  r = f.Say("qwerty zxcvb", id);
  CHECK(r["action"] == "fallback");
  r = f.Say("asdfgh lkjhg", id);
  CHECK(r["action"] == "handoff");
  CHECK(r["handoff_reason"] == "misses");
  CHECK(r["handoff"]["status"] == "not_configured");
  CHECK(r["handoff"]["logged"] == false);

  // An unknown id starts over with a fresh one.
  r = f.Say("qwerty zxcvb", "no-such-session");
  CHECK(r["new_session"] == true);
  CHECK(r["session"] != "no-such-session");
}

TEST_CASE("language forces the session's language; auto returns to detection") {
  Fixture f;
  json r = f.Post(R"({"text": "balance", "language": "az"})");
  CHECK(r["language"] == "az");
  const std::string id = r["session"];
  r = f.Post(json{{"text", "How do I check my balance?"}, {"session", id}}.dump());
  CHECK(r["language"] == "az");
  r = f.Post(json{{"text", "How do I check my balance?"}, {"session", id}, {"language", "auto"}}.dump());
  CHECK(r["language"] == "en");
}

TEST_CASE("handoff outcomes: queued to the webhook, after hours") {
  SUBCASE("queued") {
    Fixture f(kWednesday11, /*with_webhook=*/true);
    json r = f.Say("operator");
    CHECK(r["action"] == "handoff");
    CHECK(r["handoff"]["status"] == "queued");
  }
  SUBCASE("after hours") {
    Fixture f(kSunday12, true);
    json r = f.Say("operator");
    CHECK(r["action"] == "after_hours");
    CHECK(r["handoff"]["status"] == "after_hours");
    CHECK(f.webhook->stats().queued == 0);
  }
}

TEST_CASE("welcome and health") {
  Fixture f;
  json w = json::parse(f.server->HandleWelcome().body);
  CHECK(w["name"] == "Zari Mobile");
  CHECK(w["languages"] == json::array({"ka", "az", "en"}));
  CHECK(w["default_language"] == "ka");
  CHECK(w["operators_online"] == true);
  CHECK(w["welcome"]["en"].get<std::string>().find("Zari Mobile") != std::string::npos);
  f.Say("balance");
  json h = json::parse(f.server->HandleHealth().body);
  CHECK(h["status"] == "ok");
  CHECK(h["pack"]["name"] == "Zari Mobile");
  CHECK(h["pack"]["version"] == "2026.11");
  CHECK(h["sessions"]["active"] == 1);
  CHECK(h["log"]["enabled"] == false);
  CHECK(h["webhook"]["enabled"] == false);
  CHECK(h["reloads"]["ok"] == 0);
  CHECK(h["uptime_s"].is_number());
}

TEST_CASE("ParseListenAddress") {
  std::string host;
  int port = -1;
  REQUIRE(ParseListenAddress("127.0.0.1:8080", &host, &port));
  CHECK(host == "127.0.0.1");
  CHECK(port == 8080);
  REQUIRE(ParseListenAddress("[::1]:0", &host, &port));
  CHECK(host == "::1");
  CHECK(port == 0);
  REQUIRE(ParseListenAddress(":4573", &host, &port));
  CHECK(host == "0.0.0.0");
  REQUIRE(ParseListenAddress("localhost:1", &host, &port));
  for (const char* bad : {"", "8080", "127.0.0.1", "127.0.0.1:", "h:65536", "h:-1", "::1:80", "[::1]", "h:8a"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseListenAddress(bad, &host, &port));
  }
}
