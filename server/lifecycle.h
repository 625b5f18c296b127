// What the long-running servers (zari serve, zari fastagi) share: pack reload
// on SIGHUP with its counters, graceful shutdown on SIGINT/SIGTERM, the
// listen address and the line that announces it.
#ifndef ZARI_SERVER_LIFECYCLE_H_
#define ZARI_SERVER_LIFECYCLE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "dialog/runtime.h"
#include "pack/pack.h"
#include "util/status.h"

namespace zari::server {

using LogFn = std::function<void(const std::string&)>;

// Counts reloads for /api/v1/health. Thread-safe.
class ReloadStats {
 public:
  void Record(const Status& s);
  uint64_t ok() const { return ok_.load(); }
  uint64_t failed() const { return failed_.load(); }
  std::string last_error() const;

 private:
  std::atomic<uint64_t> ok_{0}, failed_{0};
  mutable std::mutex mu_;
  std::string last_error_;
};

// zari_engine_reload semantics: compiles the pack again from its path; on
// any error the current snapshot keeps serving. Logs one line either way.
Status ReloadPack(dialog::Runtime& runtime, ReloadStats* stats, const LogFn& log);

// Turns SIGHUP, SIGINT and SIGTERM into calls on a thread of its own (so the
// handlers may lock, allocate and log). BlockSignals() must run in main()
// before any other thread starts, so that every thread inherits the mask and
// the signals reach only the watcher. A second SIGINT/SIGTERM while shutting
// down exits at once (status 130).
class SignalWatcher {
 public:
  static void BlockSignals();

  SignalWatcher(std::function<void()> on_reload, std::function<void()> on_stop);
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  void Run();
  std::function<void()> on_reload_, on_stop_;
  std::atomic<bool> quit_{false};
  std::thread thread_;
};

// "127.0.0.1:8080", "[::1]:8080", "localhost:0" (0 = any free port),
// ":8080" (all interfaces). Returns false for anything else.
bool ParseListenAddress(const std::string& addr, std::string* host, int* port);

// The first line a server prints on stdout, which scripts and tests read:
// "zari: serving 'Zari Mobile' version '2026.11' on http://127.0.0.1:8080/"
// (`what` "serving", `scheme` "http"; "[::1]" for an IPv6 host).
std::string ListenBanner(std::string_view what, const pack::Pack& pack, std::string_view scheme,
                         const std::string& host, int port);

}  // namespace zari::server

#endif  // ZARI_SERVER_LIFECYCLE_H_
