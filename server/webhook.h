// Delivers handoffs to the host's operator system: each handoff's JSON
// (zari_handoff_to_json) is POSTed to a configured URL by a background
// worker, off the request thread, with a timeout and retries.
//
// The queue is bounded: Enqueue never blocks; when the queue is full the
// handoff is refused (and counted), so the caller can tell the user. A
// delivery is retried with exponential backoff after a connection error, a
// timeout, or a 408/429/5xx answer; any other 4xx is final. Each POST carries
// X-Zari-Delivery (the same for all attempts of one handoff, for receivers to
// drop duplicates) and X-Zari-Attempt (1, 2, …).
//
// Thread-safety: Enqueue and stats may be called from any thread.
#ifndef ZARI_SERVER_WEBHOOK_H_
#define ZARI_SERVER_WEBHOOK_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "util/status.h"

namespace zari::server {

// http[s]://host[:port][/path] split for the HTTP client.
struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;        // the scheme's default when absent
  std::string path;    // "/" when absent; includes the query
  std::string Origin() const;  // scheme://host:port, as httplib::Client takes it
};
Result<Url> ParseUrl(std::string_view url);

struct WebhookStats {
  uint64_t queued = 0;      // accepted by Enqueue
  uint64_t delivered = 0;   // answered 2xx
  uint64_t retries = 0;     // attempts after the first
  uint64_t failed = 0;      // given up: attempts exhausted, a final 4xx, or shutdown
  uint64_t rejected = 0;    // Enqueue refused: queue full or shut down
  size_t pending = 0;       // waiting or in flight
  std::string last_error;   // "" after a success
};

class WebhookSender {
 public:
  struct Options {
    std::string url;
    size_t queue_capacity = 1000;
    int max_attempts = 4;           // the first try and 3 retries
    int timeout_ms = 5000;          // connect, read and write, each
    int backoff_ms = 500;           // before the 1st retry; doubles, up to max_backoff_ms
    int max_backoff_ms = 30000;
    int drain_ms = 5000;            // Shutdown waits this long for the queue to empty
    std::string user_agent = "zari";
    std::function<void(const std::string&)> on_log;  // failures and give-ups, one line each
  };

  // Validates the URL and starts the worker.
  static Result<std::unique_ptr<WebhookSender>> Create(Options options);
  ~WebhookSender();  // Shutdown()

  // Queues one handoff JSON; false when the queue is full or shut down.
  bool Enqueue(std::string json);

  // Stops accepting, delivers what is queued within drain_ms (no retry waits
  // past it), then stops the worker. Idempotent.
  void Shutdown();

  WebhookStats stats() const;
  const Url& url() const { return url_; }

 private:
  explicit WebhookSender(Options options, Url url);
  void Run();
  // One POST; returns 0 on success, 1 to retry, 2 for a final failure.
  int Post(const std::string& body, const std::string& delivery, int attempt, std::string* error);
  void Log(const std::string& line) const;

  struct Item {
    std::string body;
    std::string delivery;
  };

  Options options_;
  Url url_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool in_flight_ = false;
  std::chrono::steady_clock::time_point deadline_{};  // when stopping_: give up after this
  WebhookStats stats_;
  uint64_t next_delivery_ = 0;
  std::string instance_;  // random prefix of delivery ids
  std::thread worker_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_WEBHOOK_H_
