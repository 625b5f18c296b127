#include "lifecycle.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cstdlib>

#include "http/host_port.h"

namespace zari::server {

void ReloadStats::Record(const Status& s) {
  if (s.ok()) {
    ++ok_;
    return;
  }
  ++failed_;
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = s.message();
}

std::string ReloadStats::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

Status ReloadPack(dialog::Runtime& runtime, ReloadStats* stats, const LogFn& log) {
  Status s = runtime.Reload("");
  if (stats) stats->Record(s);
  if (log) {
    if (s.ok()) {
      auto e = runtime.engine();
      log("reloaded pack '" + e->pack().name + "' version '" + e->pack().version + "' (" +
          std::to_string(e->intent_count()) + " intents)");
    } else {
      log("reload failed, still serving the previous pack: " + s.message());
    }
  }
  return s;
}

namespace {

sigset_t WatchedSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR2);  // the watcher's own wake-up
  return set;
}

}  // namespace

void SignalWatcher::BlockSignals() {
  sigset_t set = WatchedSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  // A client that goes away mid-response must not kill the server.
  signal(SIGPIPE, SIG_IGN);
}

SignalWatcher::SignalWatcher(std::function<void()> on_reload, std::function<void()> on_stop)
    : on_reload_(std::move(on_reload)), on_stop_(std::move(on_stop)) {
  thread_ = std::thread([this] { Run(); });
}

SignalWatcher::~SignalWatcher() {
  quit_ = true;
  pthread_kill(thread_.native_handle(), SIGUSR2);
  thread_.join();
}

void SignalWatcher::Run() {
  sigset_t set = WatchedSignals();
  bool stopping = false;
  while (!quit_) {
    int sig = 0;
    if (sigwait(&set, &sig) != 0) continue;
    if (quit_) break;
    if (sig == SIGHUP) {
      if (on_reload_) on_reload_();
    } else if (sig == SIGINT || sig == SIGTERM) {
      if (stopping) {
        static const char kMsg[] = "zari: second signal, exiting now\n";
        (void)!::write(2, kMsg, sizeof kMsg - 1);
        std::_Exit(130);
      }
      stopping = true;
      if (on_stop_) on_stop_();
    }
  }
}

bool ParseListenAddress(const std::string& addr, std::string* host, int* port) {
  std::string h, p;
  if (!SplitHostPort(addr, &h, &p).ok()) return false;
  // An IPv6 host needs brackets: "::1:80" is no address.
  const bool bracketed = !addr.empty() && addr[0] == '[';
  if (!bracketed && h.find(':') != std::string::npos) return false;
  if (h.empty()) h = "0.0.0.0";
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) return false;
  int n = std::atoi(p.c_str());
  if (n > 65535) return false;
  *host = h;
  *port = n;
  return true;
}

std::string ListenBanner(std::string_view what, const pack::Pack& pack, std::string_view scheme,
                         const std::string& host, int port) {
  std::string line = "zari: ";
  line.append(what).append(" '").append(pack.name).append("' version '").append(pack.version).append("' on ");
  return line.append(scheme).append("://").append(FormatHostPort(host, port)).append("/");
}

}  // namespace zari::server
