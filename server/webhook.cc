#include "webhook.h"

#include <httplib.h>

#include <algorithm>
#include <cctype>

#include "http/host_port.h"
#include "session_store.h"
#include "zari/version.h"

namespace zari::server {

std::string Url::Origin() const { return scheme + "://" + FormatHostPort(host, port); }

Result<Url> ParseUrl(std::string_view url) {
  auto bad = [&](const std::string& why) {
    return Status(Code::kInvalid, "invalid URL '" + std::string(url) + "': " + why);
  };
  Url u;
  size_t colon = url.find("://");
  if (colon == std::string_view::npos) return bad("expected http://host[:port]/path");
  u.scheme = std::string(url.substr(0, colon));
  std::transform(u.scheme.begin(), u.scheme.end(), u.scheme.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (u.scheme != "http" && u.scheme != "https") return bad("the scheme must be http or https");
  std::string_view rest = url.substr(colon + 3);
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  u.path = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!u.path.empty() && u.path[0] == '?') u.path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) return bad("user:password@ is not supported");
  std::string port;
  if (Status split = SplitHostPort(authority, &u.host, &port); !split.ok()) return bad(split.message());
  if (u.host.empty()) return bad("no host");
  for (char ch : u.host) {
    if (std::isspace(static_cast<unsigned char>(ch)) || ch == '/' || ch == '#') return bad("bad host");
  }
  for (char ch : u.path) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) return bad("spaces or control characters in the path");
  }
  if (port.empty()) {
    u.port = u.scheme == "https" ? 443 : 80;
  } else {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) return bad("bad port");
    u.port = std::stoi(port);
    if (u.port < 1 || u.port > 65535) return bad("port out of range");
  }
  return u;
}

Result<std::unique_ptr<WebhookSender>> WebhookSender::Create(Options options) {
  auto url = ParseUrl(options.url);
  if (!url.ok()) return url.status();
  options.max_attempts = std::max(1, options.max_attempts);
  options.queue_capacity = std::max<size_t>(1, options.queue_capacity);
  std::unique_ptr<WebhookSender> s(new WebhookSender(std::move(options), std::move(url.value())));
  s->worker_ = std::thread([p = s.get()] { p->Run(); });
  return s;
}

WebhookSender::WebhookSender(Options options, Url url)
    : options_(std::move(options)), url_(std::move(url)), instance_(NewSessionId().substr(0, 12)) {}

WebhookSender::~WebhookSender() { Shutdown(); }

void WebhookSender::Log(const std::string& line) const {
  if (options_.on_log) options_.on_log(line);
}

bool WebhookSender::Enqueue(std::string json) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ || queue_.size() >= options_.queue_capacity) {
      ++stats_.rejected;
      stats_.last_error = stopping_ ? "shutting down" : "queue full";
      return false;
    }
    queue_.push_back({std::move(json), instance_ + "-" + std::to_string(++next_delivery_)});
    ++stats_.queued;
  }
  cv_.notify_all();
  return true;
}

void WebhookSender::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      deadline_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.drain_ms);
    }
  }
  cv_.notify_all();
  if (worker_.joinable()) worker_.join();
}

WebhookStats WebhookSender::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  WebhookStats s = stats_;
  s.pending = queue_.size() + (in_flight_ ? 1 : 0);
  return s;
}

int WebhookSender::Post(const std::string& body, const std::string& delivery, int attempt, std::string* error) {
  httplib::Client client(url_.Origin());
  const time_t sec = options_.timeout_ms / 1000;
  const time_t usec = (options_.timeout_ms % 1000) * 1000;
  client.set_connection_timeout(sec, usec);
  client.set_read_timeout(sec, usec);
  client.set_write_timeout(sec, usec);
  client.set_follow_location(false);
  client.set_keep_alive(false);
  httplib::Headers headers = {
      {"User-Agent", options_.user_agent + "/" ZARI_VERSION_STRING},
      {"X-Zari-Event", "handoff"},
      {"X-Zari-Delivery", delivery},
      {"X-Zari-Attempt", std::to_string(attempt)},
  };
  auto res = client.Post(url_.path, headers, body, "application/json; charset=utf-8");
  if (!res) {
    *error = "POST " + url_.Origin() + url_.path + ": " + httplib::to_string(res.error());
    return 1;
  }
  if (res->status >= 200 && res->status < 300) return 0;
  *error = "POST " + url_.Origin() + url_.path + ": HTTP " + std::to_string(res->status);
  if (res->status == 408 || res->status == 429 || res->status >= 500) return 1;
  return 2;
}

void WebhookSender::Run() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) break;  // stopping and drained
    Item item = std::move(queue_.front());
    queue_.pop_front();
    in_flight_ = true;
    bool done = false;
    std::string error;
    for (int attempt = 1; attempt <= options_.max_attempts && !done; ++attempt) {
      if (stopping_ && Clock::now() >= deadline_) {
        error = "shut down before delivery" + (error.empty() ? "" : " (last: " + error + ")");
        break;
      }
      if (attempt > 1) ++stats_.retries;
      lock.unlock();
      error.clear();
      int outcome = Post(item.body, item.delivery, attempt, &error);
      lock.lock();
      if (outcome == 0) {
        ++stats_.delivered;
        stats_.last_error.clear();
        done = true;
        break;
      }
      stats_.last_error = error;
      if (outcome == 2 || attempt == options_.max_attempts) break;
      Log("webhook: " + error + "; retrying (attempt " + std::to_string(attempt + 1) + " of " +
          std::to_string(options_.max_attempts) + ")");
      // Exponential backoff, cut short by the shutdown deadline.
      int64_t wait = static_cast<int64_t>(options_.backoff_ms) << std::min(attempt - 1, 20);
      wait = std::min<int64_t>(wait, options_.max_backoff_ms);
      Clock::time_point until = Clock::now() + std::chrono::milliseconds(wait);
      while (true) {
        const Clock::time_point limit = stopping_ ? std::min(until, deadline_) : until;
        if (Clock::now() >= limit) break;
        if (stopping_) {
          cv_.wait_until(lock, limit);
        } else {
          cv_.wait_until(lock, limit, [&] { return stopping_; });
        }
      }
    }
    if (!done) {
      ++stats_.failed;
      Log("webhook: gave up on delivery " + item.delivery + ": " + error);
    }
    in_flight_ = false;
  }
  // Whatever is left after the deadline is counted, not silently lost.
  while (!queue_.empty()) {
    ++stats_.failed;
    Log("webhook: gave up on delivery " + queue_.front().delivery + ": shut down before delivery");
    queue_.pop_front();
  }
}

}  // namespace zari::server
