// Handoff webhook: URL parsing, delivery with retries, the bounded queue.
#include <doctest/doctest.h>

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "webhook.h"

using zari::server::ParseUrl;
using zari::server::WebhookSender;
using zari::server::WebhookStats;

TEST_CASE("ParseUrl") {
  auto u = ParseUrl("http://127.0.0.1:9000/hooks/zari?x=1");
  REQUIRE(u.ok());
  CHECK(u->scheme == "http");
  CHECK(u->host == "127.0.0.1");
  CHECK(u->port == 9000);
  CHECK(u->path == "/hooks/zari?x=1");
  CHECK(u->Origin() == "http://127.0.0.1:9000");

  u = ParseUrl("HTTPS://ops.example.com");
  REQUIRE(u.ok());
  CHECK(u->scheme == "https");
  CHECK(u->port == 443);
  CHECK(u->path == "/");

  u = ParseUrl("http://[::1]:8081/h");
  REQUIRE(u.ok());
  CHECK(u->host == "::1");
  CHECK(u->Origin() == "http://[::1]:8081");

  u = ParseUrl("http://example.com?q");
  REQUIRE(u.ok());
  CHECK(u->path == "/?q");

  for (const char* bad : {"", "example.com/hook", "ftp://x/", "http://", "http://:80/", "http://h:0/",
                          "http://h:99999/", "http://h:8a/", "http://u:p@h/", "http://h/a b", "http://[::1/"}) {
    CAPTURE(bad);
    CHECK_FALSE(ParseUrl(bad).ok());
  }
}

namespace {

// A local receiver that fails the first `failures` requests with 500.
struct Receiver {
  httplib::Server server;
  std::thread thread;
  int port = 0;
  std::mutex mu;
  std::vector<httplib::Headers> headers;
  std::vector<std::string> bodies;
  std::atomic<int> failures{0};

  explicit Receiver(const std::function<void(httplib::Server&)>& setup = nullptr) {
    if (setup) setup(server);
    server.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard<std::mutex> lock(mu);
      headers.push_back(req.headers);
      bodies.push_back(req.body);
      res.status = failures-- > 0 ? 500 : 204;
    });
    server.Post("/gone", [](const httplib::Request&, httplib::Response& res) { res.status = 410; });
    port = server.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { server.listen_after_bind(); });
    // httplib's stop() only stops a server that is already running.
    while (!server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server.stop();
    thread.join();
  }
  size_t count() {
    std::lock_guard<std::mutex> lock(mu);
    return bodies.size();
  }
};

WebhookSender::Options FastOptions(const std::string& url) {
  WebhookSender::Options o;
  o.url = url;
  o.backoff_ms = 1;
  o.max_backoff_ms = 5;
  o.timeout_ms = 5000;
  o.drain_ms = 20000;
  return o;
}

// Sends one handoff with `o`, drains, and returns the sender's stats.
WebhookStats SendOne(const WebhookSender::Options& o, const std::string& body = "{}") {
  auto sender = WebhookSender::Create(o);
  REQUIRE(sender.ok());
  CHECK(sender.value()->Enqueue(body));
  sender.value()->Shutdown();  // drains the queue
  return sender.value()->stats();
}

}  // namespace

TEST_CASE("a handoff is delivered, retried after a 500 with the same delivery id") {
  Receiver rx;
  rx.failures = 2;
  auto st = SendOne(FastOptions("http://127.0.0.1:" + std::to_string(rx.port) + "/hook"), R"({"session":"s1"})");
  CHECK(st.delivered == 1);
  CHECK(st.retries == 2);
  CHECK(st.failed == 0);
  CHECK(st.pending == 0);
  REQUIRE(rx.count() == 3);
  const std::string delivery = rx.headers[0].find("X-Zari-Delivery")->second;
  for (size_t i = 0; i < 3; ++i) {
    CHECK(rx.bodies[i] == R"({"session":"s1"})");
    CHECK(rx.headers[i].find("X-Zari-Delivery")->second == delivery);
    CHECK(rx.headers[i].find("X-Zari-Attempt")->second == std::to_string(i + 1));
    CHECK(rx.headers[i].find("Content-Type")->second.rfind("application/json", 0) == 0);
  }
}

TEST_CASE("a final 4xx is not retried; attempts are bounded") {
  Receiver rx;
  SUBCASE("410") {
    auto st = SendOne(FastOptions("http://127.0.0.1:" + std::to_string(rx.port) + "/gone"));
    CHECK(st.failed == 1);
    CHECK(st.retries == 0);
    CHECK(st.last_error.find("410") != std::string::npos);
  }
  SUBCASE("always 500") {
    rx.failures = 1000;
    auto o = FastOptions("http://127.0.0.1:" + std::to_string(rx.port) + "/hook");
    o.max_attempts = 3;
    auto st = SendOne(o);
    CHECK(st.failed == 1);
    CHECK(st.retries == 2);
    CHECK(rx.count() == 3);
  }
}

TEST_CASE("connection refused is retried, then given up and counted") {
  int port;
  {
    Receiver rx;  // take a free port, then close it
    port = rx.port;
  }
  auto o = FastOptions("http://127.0.0.1:" + std::to_string(port) + "/hook");
  o.max_attempts = 2;
  std::vector<std::string> logs;
  std::mutex mu;
  o.on_log = [&](const std::string& l) {
    std::lock_guard<std::mutex> lock(mu);
    logs.push_back(l);
  };
  auto st = SendOne(o);
  CHECK(st.failed == 1);
  CHECK(st.retries == 1);
  CHECK_FALSE(st.last_error.empty());
  CHECK(logs.size() == 2);  // "retrying", then "gave up"
}

TEST_CASE("the queue is bounded and Enqueue never blocks") {
  std::mutex gate_mu;
  std::condition_variable gate_cv;
  bool open = false;
  std::atomic<int> arrived{0};
  Receiver rx([&](httplib::Server& server) {
    server.Post("/slow", [&](const httplib::Request&, httplib::Response& res) {
      ++arrived;
      std::unique_lock<std::mutex> lock(gate_mu);
      gate_cv.wait(lock, [&] { return open; });
      res.status = 204;
    });
  });
  auto o = FastOptions("http://127.0.0.1:" + std::to_string(rx.port) + "/slow");
  o.queue_capacity = 2;
  auto sender = WebhookSender::Create(o);
  REQUIRE(sender.ok());
  CHECK(sender.value()->Enqueue("{}"));
  while (arrived == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));  // in flight
  int accepted = 0;
  for (int i = 0; i < 50; ++i) accepted += sender.value()->Enqueue("{}") ? 1 : 0;
  CHECK(accepted == 2);
  CHECK(sender.value()->stats().rejected == 48);
  CHECK(sender.value()->stats().pending == 3);
  {
    std::lock_guard<std::mutex> lock(gate_mu);
    open = true;
  }
  gate_cv.notify_all();
  sender.value()->Shutdown();
  auto st = sender.value()->stats();
  CHECK(st.delivered == 3);
  CHECK(st.pending == 0);
  CHECK_FALSE(sender.value()->Enqueue("{}"));  // after shutdown
}
