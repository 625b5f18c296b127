// `zari serve` (docs/HTTP.md): the JSON API, the chat widget and its demo page
// over cpp-httplib.
//
//   POST /api/v1/message   {"session"?, "text", "language"?} → reply JSON (§10a)
//                          plus "session", "new_session" and, on handoff or
//                          after hours, "handoff": {"status": …}
//   GET  /api/v1/welcome   pack name, languages, welcome messages, operators online
//   GET  /api/v1/health    pack, uptime, sessions, log, webhook, reloads, requests
//   GET  /widget.js, GET / the embeddable widget and a demo page (compiled in)
//
// Errors are JSON {"error": "..."} with a 4xx (5xx only for a bug) status.
// Thread-safety: requests run on httplib's thread pool; everything shared is
// the runtime (thread-safe), the session store (one lock per session) and
// atomics. docs/HTTP.md is the user's manual.
#ifndef ZARI_SERVER_HTTP_SERVER_H_
#define ZARI_SERVER_HTTP_SERVER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dialog/handoff.h"
#include "lifecycle.h"
#include "dialog/runtime.h"
#include "session_store.h"
#include "util/status.h"
#include "webhook.h"

namespace httplib {
class Server;
struct Request;
struct Response;
}  // namespace httplib

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
  int threads = 8;                       // request threads
  size_t max_body_bytes = 16 * 1024;     // larger requests get 413
  std::vector<std::string> cors_origins; // allowed Origins; "*" = any; empty = no CORS
  size_t max_sessions = 10000;
  int64_t session_idle_ms = 30 * 60 * 1000;
  int io_timeout_s = 10;                 // read/write timeout per request
  std::function<int64_t()> session_clock_ms;  // tests; empty = steady clock
  LogFn log;                             // one line per notable event
};

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json; charset=utf-8";
};

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
  int port() const { return port_; }
  // Serves until Stop(); returns after in-flight requests finish.
  void Run();
  // Thread-safe; may come before Run(), which then returns at once.
  void Stop();

  // The handlers, callable without sockets (unit tests).
  HttpResponse HandleMessage(std::string_view body);
  HttpResponse HandleWelcome() const;
  HttpResponse HandleHealth() const;

  SessionStore& sessions() { return sessions_; }

 private:
  void Install();
  void Decorate(const httplib::Request& req, httplib::Response& res) const;
  bool OriginAllowed(const std::string& origin) const;

  std::shared_ptr<dialog::Runtime> runtime_;
  HttpServerOptions options_;
  const WebhookSender* webhook_;
  const ReloadStats* reloads_;
  SessionStore sessions_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  std::chrono::steady_clock::time_point started_;
  mutable std::atomic<uint64_t> requests_{0}, client_errors_{0}, server_errors_{0};
  std::atomic<bool> running_{false}, stop_requested_{false};
};

// {"error": message}
std::string ErrorJson(std::string_view message);

}  // namespace zari::server

#endif  // ZARI_SERVER_HTTP_SERVER_H_
