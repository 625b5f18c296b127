// `zari fastagi`: the FastAGI protocol of fastagi.h over TCP, one thread per
// call (bounded), and the router that classifies a caller's words on
// channel "ivr" through a dialog::Session. docs/IVR.md is the manual.
#ifndef ZARI_SERVER_FASTAGI_SERVER_H_
#define ZARI_SERVER_FASTAGI_SERVER_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "fastagi.h"
#include "lifecycle.h"
#include "dialog/runtime.h"
#include "util/status.h"

namespace zari::server {

// Caller input → route. Language: agi_arg_2 when it is a language of the
// pack (forced), else detected from the words with agi_language as the hint
// (for digits and short words). Of several speech alternatives the one the
// engine is surest of is taken. Unknown input (fallback, clarify, an intent
// without a route, nothing said) goes to the default route.
// A survey (script "survey": KIND, DIGITS[, LANGUAGE]) stores the answer
// keyed on the phone as Session::Feedback of the call's session (its
// agi_uniqueid, so it joins the call's routing in the log) and answers with
// the pack's thanks; docs/IVR.md has the variables.
// Thread-safe: each call gets its own Session.
class IvrRouter {
 public:
  IvrRouter(std::shared_ptr<dialog::Runtime> runtime, std::string default_route)
      : runtime_(std::move(runtime)), default_route_(std::move(default_route)) {}
  agi::Decision Route(const agi::CallInput& input) const;

 private:
  agi::Decision Survey(const agi::CallInput& input) const;

  std::shared_ptr<dialog::Runtime> runtime_;
  std::string default_route_;
};

struct FastAgiStats {
  uint64_t calls = 0;     // connections accepted and served
  uint64_t routed = 0;
  uint64_t hangups = 0;   // HANGUP, 511 or closed before the end
  uint64_t errors = 0;    // malformed, too long, timed out
  uint64_t rejected = 0;  // closed at once: too many calls at the same time
  size_t active = 0;
};

class FastAgiServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    int port = 4573;             // 0 = any free port
    int max_calls = 64;          // concurrent connections; more are closed at once
    int io_timeout_ms = 10000;   // a silent Asterisk for this long ends the call
    size_t max_line_bytes = 8192;
    agi::Call::Options call;
    LogFn log;                   // errors
    bool verbose = false;        // also one line per call
  };

  FastAgiServer(agi::Call::Router router, Options options);
  ~FastAgiServer();
  FastAgiServer(const FastAgiServer&) = delete;
  FastAgiServer& operator=(const FastAgiServer&) = delete;

  Status Bind();
  int port() const { return port_; }
  // Accepts calls until Stop(), then waits for the calls in progress.
  void Run();
  void Stop();  // thread-safe
  FastAgiStats stats() const;

 private:
  void Serve(int fd);  // one call; leaves fd open (the caller closes it)
  void Log(const std::string& line) const;

  agi::Call::Router router_;
  Options options_;
  int listen_fd_ = -1;
  int wake_[2] = {-1, -1};
  int port_ = 0;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mu_;
  std::condition_variable idle_;
  FastAgiStats stats_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_FASTAGI_SERVER_H_
