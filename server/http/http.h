// The HTTP transport of `zari serve`: an event-driven server over
// Boost.Beast/Asio that holds many idle connections cheaply (long polls,
// Server-Sent Events), with the limits a public endpoint needs. It knows
// nothing about Zari: the API layer (server/api.h) gets each request as an
// Exchange and answers it when it is ready, from any thread.
//
// Threads: `io_threads` threads run the sockets (parsing, writing, timers).
// A handler is called on one of them and must not block: it answers at once
// (cheap work) or hands the request to other threads and answers later.
// Everything here is thread-safe unless a comment says otherwise.
//
// Limits: at most `max_connections` open connections (more are answered 503
// and closed at accept); a request must arrive whole within `io_timeout_ms`
// of its first byte (slow or half-sent requests are cut: slowloris); an idle
// kept-alive connection closes after `keep_alive_ms`; a body over
// `max_body_bytes` is refused with 413 and headers over `max_header_bytes`
// with 431, before they are read.
//
// Sockets have TCP_NODELAY set: a response is written in one go and must not
// wait for the client's delayed ACK (Nagle), which cost every kept-alive
// request ~40 ms with the previous server.
#ifndef ZARI_SERVER_HTTP_HTTP_H_
#define ZARI_SERVER_HTTP_HTTP_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace zari::server::http {

struct Request {
  std::string method;  // "GET", "POST", …
  std::string target;  // as sent: "/api/v1/events?session=…"
  std::string path;    // target without the query
  std::string query;   // after '?', not decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string peer;    // the client's address, without the port
  int version = 11;    // 10 = HTTP/1.0, 11 = HTTP/1.1

  // The first header of that (lower-case) name, or "".
  std::string_view Header(std::string_view name) const;
  // A query parameter, percent-decoded ('+' is a space); nullopt-like empty
  // with *found = false when absent.
  std::string Param(std::string_view name, bool* found = nullptr) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  void Set(std::string name, std::string value) { headers.emplace_back(std::move(name), std::move(value)); }
  bool Has(std::string_view name) const;
};

// One request in flight, handed to the handler. Answer it exactly once,
// with Respond (a whole response) or with StartStream followed by Send and
// Finish (a chunked stream, e.g. Server-Sent Events). Every method may be
// called from any thread; calls after the client went away do nothing.
class Exchange {
 public:
  virtual ~Exchange() = default;
  virtual const Request& request() const = 0;
  virtual void Respond(Response response) = 0;
  virtual void StartStream(Response head) = 0;  // head.body is sent as the first chunk
  virtual void Send(std::string chunk) = 0;
  virtual void Finish() = 0;  // ends a stream; the connection may then serve the next request
  // True once the client has closed the connection (or it timed out).
  virtual bool closed() const = 0;
  // Called once when the connection closes before the exchange is answered
  // or while it streams (on an I/O thread). Replaces any earlier callback.
  virtual void OnClose(std::function<void()> callback) = 0;
};

using Handler = std::function<void(std::shared_ptr<Exchange>)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                      // 0: any free port
  int io_threads = 1;
  size_t max_connections = 20000;
  size_t max_body_bytes = 16 * 1024;
  size_t max_header_bytes = 16 * 1024;
  int io_timeout_ms = 10000;            // a whole request, from its first byte; and each write
  int keep_alive_ms = 30000;            // idle between requests
  std::function<void(const std::string&)> log;  // errors worth a line
};

struct ServerStats {
  uint64_t accepted = 0;       // connections
  uint64_t refused = 0;        // over max_connections
  uint64_t requests = 0;
  uint64_t timeouts = 0;       // requests cut for arriving too slowly
  uint64_t too_large = 0;      // 413 and 431
  uint64_t malformed = 0;      // 400 before a handler saw it
  size_t open = 0;             // connections now
  size_t streaming = 0;        // of which streams (SSE) now
};

class Server {
 public:
  Server(ServerOptions options, Handler handler);
  ~Server();  // Stop()s and joins
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; port() is then the real port. Errors: kIo.
  Status Bind();
  int port() const;
  // Serves until Stop(): runs the I/O threads (the caller's thread is one
  // of them) and returns when they have ended.
  void Run();
  // Stops accepting, closes every connection, ends Run(). Thread-safe,
  // idempotent; may come before Run(), which then returns at once.
  void Stop();
  ServerStats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;  // shared with the connections, which may outlive Stop()
};

// "%xx" and '+' decoded (invalid escapes kept as they are).
std::string PercentDecode(std::string_view s);

}  // namespace zari::server::http

#endif  // ZARI_SERVER_HTTP_HTTP_H_
