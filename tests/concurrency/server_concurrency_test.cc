// The servers under concurrent load (run under TSan by scripts/test.sh):
// many HTTP requests on shared and new sessions while the pack reloads and
// sessions expire, and many FastAGI calls at once over loopback.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "fastagi_server.h"
#include "http_server.h"

using nlohmann::json;
using namespace zari::server;

namespace {

std::shared_ptr<zari::dialog::Runtime> Telecom(std::function<void(const zari::dialog::Handoff&)> on_handoff = nullptr) {
  zari::dialog::RuntimeOptions o;
  o.clock = [] { return int64_t{1795590000}; };  // Wed 2026-11-25 11:00 Tbilisi
  o.on_handoff = std::move(on_handoff);
  auto rt = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", o);
  REQUIRE(rt.ok());
  return rt.value();
}

}  // namespace

TEST_CASE("HTTP handlers: concurrent sessions, shared sessions, reloads and expiry") {
  HandoffRelay relay(nullptr);
  auto rt = Telecom([&relay](const zari::dialog::Handoff& h) { relay(h); });
  HttpServerOptions o;
  o.max_sessions = 64;  // small: eviction happens under load too
  std::atomic<int64_t> clock_ms{0};
  o.session_clock_ms = [&] { return clock_ms.load(); };
  o.session_idle_ms = 50;
  ReloadStats reloads;
  HttpServer server(rt, o, nullptr, &reloads);

  // A few shared conversations, hit by every thread.
  std::vector<std::string> shared;
  for (int i = 0; i < 4; ++i) {
    json r = json::parse(server.HandleMessage(R"({"text":"hello"})").body);
    shared.push_back(r["session"]);
  }
  const char* texts[] = {"როგორ შევამოწმო ბალანსი?", "balansimi nece yoxlayim", "How do I check my balance?",
                         "plan", "operator", "qwerty"};
  std::atomic<int> ok{0}, bad{0};
  std::atomic<bool> stop{false}, side_started{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      while (!side_started) std::this_thread::yield();  // requests overlap the first reload
      for (int i = 0; i < 60; ++i) {
        json req = {{"text", texts[(t + i) % 6]}};
        if (i % 2 == 0) req["session"] = shared[static_cast<size_t>(i / 2 % 4)];
        HttpResponse r = server.HandleMessage(req.dump());
        json j = json::parse(r.body, nullptr, false);
        if (r.status == 200 && !j.is_discarded() && j["reply"].is_string()) ++ok;
        else ++bad;
        if (i % 10 == 0) clock_ms += 7;
      }
    });
  }
  std::thread side([&] {
    side_started = true;
    do {  // at least one whole reload, however fast the requests are
      (void)server.HandleHealth();
      server.sessions().Sweep();
      ReloadPack(*rt, &reloads, nullptr);
    } while (!stop);
  });
  for (auto& th : threads) th.join();
  stop = true;
  side.join();
  CHECK(ok == 8 * 60);
  CHECK(bad == 0);
  CHECK(reloads.failed() == 0);
  CHECK(reloads.ok() >= 1);
  CHECK(server.sessions().stats().active <= 64);
}

namespace {

// A minimal Asterisk: sends the environment, answers every command.
std::string AgiCall(int port, const std::string& arg1, const std::string& arg2) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd);
    return "connect failed";
  }
  std::string env = "agi_network: yes\nagi_network_script: route\nagi_language: en\nagi_uniqueid: 1.1\nagi_arg_1: " +
                    arg1 + "\nagi_arg_2: " + arg2 + "\n\n";
  (void)!::send(fd, env.data(), env.size(), MSG_NOSIGNAL);
  std::string route, buf;
  char chunk[1024];
  while (true) {
    ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    buf.append(chunk, static_cast<size_t>(n));
    size_t nl;
    while ((nl = buf.find('\n')) != std::string::npos) {
      std::string line = buf.substr(0, nl);
      buf.erase(0, nl + 1);
      if (line.rfind("SET VARIABLE ZARI_ROUTE ", 0) == 0) route = line.substr(24);
      const char ok[] = "200 result=1\n";
      (void)!::send(fd, ok, sizeof ok - 1, MSG_NOSIGNAL);
    }
  }
  ::close(fd);
  return route;
}

}  // namespace

TEST_CASE("FastAGI: concurrent calls over loopback") {
  auto rt = Telecom();
  IvrRouter router(rt, "operator");
  FastAgiServer::Options o;
  o.port = 0;
  o.max_calls = 64;
  FastAgiServer server([&router](const agi::CallInput& in) { return router.Route(in); }, o);
  REQUIRE(server.Bind().ok());
  std::thread run([&] { server.Run(); });
  struct Case {
    const char* said;
    const char* lang;
    const char* route;
  };
  const Case cases[] = {{"balansi rogor shevamowmo", "", "\"billing\""},
                        {"როუმინგი", "ka", "\"roaming\""},
                        {"balansımı necə yoxlayım", "az", "\"billing\""},
                        {"I want to top up", "en", "\"billing\""},
                        {"5", "", "\"roaming\""},
                        {"blorp flux", "", "\"operator\""}};
  std::atomic<int> right{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < 12; ++t) {
    callers.emplace_back([&, t] {
      for (int i = 0; i < 5; ++i) {
        const Case& c = cases[static_cast<size_t>(t + i) % 6];
        if (AgiCall(server.port(), c.said, c.lang) == c.route) ++right;
      }
    });
  }
  for (auto& th : callers) th.join();
  server.Stop();
  run.join();
  CHECK(right == 60);
  FastAgiStats st = server.stats();
  CHECK(st.calls == 60);
  CHECK(st.routed == 60);
  CHECK(st.active == 0);
}

// Asterisk places the next call the moment it sees the hang-up: with as
// many callers as --max-calls, each calling back to back, every call must be
// served (a call still counted after its hang-up refused the next one now
// and then: 2 of ~19,000 in bench/load's FastAGI run).
TEST_CASE("FastAGI: a call that has hung up no longer counts against --max-calls") {
  auto rt = Telecom();
  IvrRouter router(rt, "operator");
  FastAgiServer::Options o;
  o.port = 0;
  o.max_calls = 8;
  FastAgiServer server([&router](const agi::CallInput& in) { return router.Route(in); }, o);
  REQUIRE(server.Bind().ok());
  std::thread run([&] { server.Run(); });
  std::atomic<int> right{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < o.max_calls; ++t) {
    callers.emplace_back([&] {
      for (int i = 0; i < 150; ++i) right += AgiCall(server.port(), "I want to top up", "en") == "\"billing\"";
    });
  }
  for (auto& th : callers) th.join();
  server.Stop();
  run.join();
  CHECK(right == 150 * o.max_calls);
  CHECK(server.stats().rejected == 0);
}
