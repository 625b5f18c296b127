// Live events under concurrency (run under TSan by scripts/test.sh): the
// event hub's waiters woken exactly once while others notify and cancel; a
// conversation's events numbered without gaps or duplicates while requests
// hold it; and the HTTP transport over real sockets with long polls,
// messages and appends at once.
#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <thread>
#include <vector>

#include "event_hub.h"
#include "http_server.h"

using namespace zari::server;

TEST_CASE("event hub: every waiter is woken once, by an event, its deadline or a cancel") {
  auto hub_owner = std::make_unique<EventHub>();
  EventHub& hub = *hub_owner;
  constexpr int kThreads = 4, kPerThread = 300;
  std::vector<std::atomic<int>> wakes(kThreads * kPerThread);
  std::vector<std::atomic<bool>> cancelled(kThreads * kPerThread);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const int n = t * kPerThread + i;
        const std::string id = "c" + std::to_string(n % 17);
        const auto deadline = EventHub::Clock::now() + std::chrono::milliseconds(n % 3 == 0 ? 1 : 2000);
        uint64_t h = hub.Wait(id, deadline, [&wakes, n](bool) { ++wakes[static_cast<size_t>(n)]; });
        if (n % 5 == 0) {
          hub.Cancel(h);
          cancelled[static_cast<size_t>(n)] = true;
        }
        if (n % 7 == 0) hub.Notify("c" + std::to_string((n + 3) % 17));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int k = 0; k < 17; ++k) hub.Notify("c" + std::to_string(k));
  CHECK(hub.waiting() == 0);
  // The timer thread may still be running a deadline's wake it took out
  // before the Notify calls: the hub's end joins it.
  hub_owner.reset();
  // Cancelled ones may have been woken before their cancel: at most once.
  for (size_t n = 0; n < wakes.size(); ++n) {
    CAPTURE(n);
    if (cancelled[n]) CHECK(wakes[n] <= 1);
    else CHECK(wakes[n] == 1);
  }
}

TEST_CASE("store: a conversation's events are numbered without gaps while requests hold it") {
  auto rt = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", {});
  REQUIRE(rt.ok());
  auto runtime = rt.value();
  SessionStore store([runtime](const std::string& id) { return std::make_unique<zari::dialog::Session>(runtime, id, "web"); },
                     SessionStore::Options{});
  std::string id;
  {
    Lease l = store.Acquire("");
    id = l.id();
  }
  std::atomic<int> heard{0};
  store.SetListener([&](const std::string&, uint64_t) { ++heard; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 100; ++i) {
        if (t == 0) {
          Lease l = store.Acquire(id);  // a request holds it meanwhile
          zari::Reply r;
          l.session().Respond("balance", &r);
        } else {
          CHECK(store.Append(id, "message", "\"n\":" + std::to_string(i), 0).ok());
          (void)store.Append("@feed", "notice", "", 0);
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  auto page = store.Read(id, 0, 1000);
  REQUIRE(page.ok());
  const auto& events = page.value().events;
  REQUIRE(events.size() == 256);  // the last max_events of 300
  for (size_t i = 0; i < events.size(); ++i) CHECK(events[i].seq == 300 - 256 + 1 + i);
  CHECK(page.value().next == 300);
  CHECK(store.Read("@feed", 0, 10000).value().next == 300);
  CHECK(heard == 600);
}

namespace {

// One HTTP/1.1 exchange on a kept-alive socket; returns the status.
int Exchange(int fd, const std::string& request) {
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) return -1;
  std::string got;
  char buf[4096];
  size_t need = std::string::npos;
  while (need == std::string::npos || got.size() < need) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return -1;
    got.append(buf, static_cast<size_t>(n));
    const size_t head = got.find("\r\n\r\n");
    if (head != std::string::npos && need == std::string::npos) {
      const size_t cl = got.find("Content-Length: ");
      need = head + 4 + std::stoul(got.substr(cl + 16));
    }
  }
  return std::stoi(got.substr(9, 3));
}

int Connect(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  return fd;
}

}  // namespace

TEST_CASE("HTTP transport: long polls, messages and appends at once over sockets") {
  auto rt = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", {});
  REQUIRE(rt.ok());
  HttpServerOptions o;
  o.port = 0;
  o.io_threads = 2;
  o.workers = 2;
  HttpServer server(rt.value(), o, nullptr, nullptr);
  REQUIRE(server.Bind().ok());
  std::thread serving([&] { server.Run(); });
  std::string id;
  {
    Lease l = server.sessions().Acquire("");
    id = l.id();
  }
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      const int fd = Connect(server.port());
      for (int i = 0; i < 30; ++i) {
        const std::string body = "{\"text\":\"balance\",\"session\":\"" + id + "\"}";
        const std::string req = t % 2 ? "GET /api/v1/events?session=" + id + "&after=" + std::to_string(i) +
                                            "&wait=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                                      : "POST /api/v1/message HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\n\r\n" + body;
        if (Exchange(fd, req) == 200) ++ok;
      }
      ::close(fd);
    });
  }
  std::thread appender([&] {
    for (int i = 0; i < 60; ++i) (void)server.sessions().Append(id, "notice", "\"text\":\"x\"", 0);
  });
  for (auto& c : clients) c.join();
  appender.join();
  server.Stop();
  serving.join();
  CHECK(ok == 120);
}
