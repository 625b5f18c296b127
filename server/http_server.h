// `zari serve`: the JSON API, the chat widget and its demo page, over the
// event-driven transport of server/http/http.h.
//
//   POST /api/v1/message   {"session"?, "text", "language"?} → the reply JSON
//                          plus "session", "new_session" and, on handoff or
//                          after hours, "handoff": {"status": …}
//   GET  /api/v1/events    ?session=ID&after=SEQ&wait=SECONDS → the
//                          conversation's events after SEQ, as soon as there
//                          are any (long poll), or as Server-Sent Events
//   GET  /api/v1/welcome   pack name, languages, welcome messages, operators online
//   GET  /api/v1/health    pack, uptime, connections, sessions, store, log, webhook
//   GET  /widget.js, GET / the embeddable widget and a demo page (compiled in)
//   GET  /operator         the operator console (with --operators)
//   /api/v1/operator/…     the operator side: operator_desk.h
//
// Errors are JSON {"error": "..."} with a 4xx (5xx: the store is unreachable,
// or a bug). Threads: the transport's I/O threads parse and write; engine
// work (answering, reading the store) runs on `workers` threads, so a slow
// request never holds up the sockets. Everything shared is thread-safe: the
// runtime, the store (one lock per conversation), the event hub, atomics.
// docs/HTTP.md is the user's manual.
#ifndef ZARI_SERVER_HTTP_SERVER_H_
#define ZARI_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/handoff.h"
#include "dialog/runtime.h"
#include "event_hub.h"
#include "http/http.h"
#include "lifecycle.h"
#include "operator_desk.h"
#include "redis.h"
#include "session_store.h"
#include "util/status.h"
#include "webhook.h"
#include "work_queue.h"

namespace zari::server {

// The runtime's handoff callback for the HTTP server: hands the handoff JSON
// to the webhook (if any) without blocking, and tells the request thread
// that caused it what became of it.
class HandoffRelay {
 public:
  enum class Outcome { kNone, kQueued, kNoWebhook, kRejected };
  explicit HandoffRelay(WebhookSender* webhook) : webhook_(webhook) {}
  void operator()(const dialog::Handoff& h) const;
  // The outcome of the last handoff relayed on this thread; resets it.
  static Outcome TakeOutcome();

 private:
  WebhookSender* webhook_;  // not owned; may be null
};

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                       // 0 = any free port
  int io_threads = 1;                    // socket threads
  int workers = 0;                       // engine threads; 0: one per CPU, at least 2
  size_t max_body_bytes = 16 * 1024;     // larger requests get 413
  size_t max_connections = 20000;        // more are refused at accept (503)
  std::vector<std::string> cors_origins; // allowed Origins; "*" = any; empty = no CORS
  size_t max_sessions = 10000;
  int64_t session_idle_ms = 30 * 60 * 1000;
  int io_timeout_ms = 10000;             // a whole request must arrive within this
  int keep_alive_ms = 30000;             // an idle kept-alive connection closes after this
  int max_wait_s = 30;                   // the longest /api/v1/events long poll
  std::function<int64_t()> session_clock_ms;  // tests; empty = steady clock
  std::shared_ptr<Persistence> persist;  // --store sqlite:PATH; null = memory
  std::optional<RedisAddress> redis;     // --store redis://…: shared by several servers
  // --operators FILE: the operator side (queue, console); nullopt = off.
  std::optional<std::vector<Operator>> operators;
  LogFn log;                             // one line per notable event
};

using HttpResponse = http::Response;

class HttpServer {
 public:
  // runtime's on_handoff should be a HandoffRelay on `webhook`. `webhook` and
  // `reloads` may be null and must outlive the server.
  HttpServer(std::shared_ptr<dialog::Runtime> runtime, HttpServerOptions options, const WebhookSender* webhook,
             const ReloadStats* reloads);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds the listening socket; port() is then the real port.
  Status Bind();
  int port() const { return transport_.port(); }
  // Serves until Stop(); returns after in-flight requests finish (or a
  // few seconds), with the store flushed.
  void Run();
  // Thread-safe; may come before Run(), which then returns at once.
  void Stop();

  // The handlers, callable without sockets (unit tests, fuzzers).
  HttpResponse HandleMessage(std::string_view body);
  HttpResponse HandleWelcome() const;
  HttpResponse HandleHealth() const;

  Store& sessions() { return *store_; }
  EventHub& hub() { return hub_; }

 private:
  struct EventStream;
  void Handle(std::shared_ptr<http::Exchange> ex);
  bool Route(const std::shared_ptr<http::Exchange>& ex);
  void Send(const std::shared_ptr<http::Exchange>& ex, HttpResponse r);
  void Decorate(const http::Request& req, HttpResponse& res) const;
  void Preflight(const std::shared_ptr<http::Exchange>& ex);
  void Asset(const std::shared_ptr<http::Exchange>& ex, const char* name);
  bool OriginAllowed(std::string_view origin) const;
  void HandleOperator(const std::shared_ptr<http::Exchange>& ex);
  // /api/v1/events
  // A conversation's events (?session=), or a feed's (the operators').
  void HandleEvents(const std::shared_ptr<http::Exchange>& ex, std::string feed = "");
  void LongPoll(std::shared_ptr<http::Exchange> ex, std::string id, uint64_t after, int wait_s);
  void AnswerPoll(const std::shared_ptr<http::Exchange>& ex, const std::string& id, uint64_t after);
  void StartStream(std::shared_ptr<http::Exchange> ex, std::string id, uint64_t after);
  void Pump(const std::shared_ptr<EventStream>& s, bool heartbeat);

  std::shared_ptr<dialog::Runtime> runtime_;
  HttpServerOptions options_;
  const WebhookSender* webhook_;
  const ReloadStats* reloads_;
  // Destroyed in reverse: the hub first (its wakes post to the workers),
  // then the workers (their answers go through the transport).
  std::unique_ptr<Store> store_;
  std::unique_ptr<OperatorDesk> desk_;  // with --operators
  http::Server transport_;
  WorkQueue workers_;
  EventHub hub_;
  std::chrono::steady_clock::time_point started_;
  mutable std::atomic<uint64_t> requests_{0}, client_errors_{0}, server_errors_{0};
};

// {"error": message}
std::string ErrorJson(std::string_view message);

// One event as JSON: {"seq", "type", "ts", <fields>}.
std::string EventJson(const Event& e);

}  // namespace zari::server

#endif  // ZARI_SERVER_HTTP_SERVER_H_
