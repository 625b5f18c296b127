#include "redis.h"

#include <hiredis/hiredis.h>
#include <sys/socket.h>

#include <charconv>

#include "http/host_port.h"

namespace zari::server {

namespace {

timeval Millis(int ms) { return timeval{ms / 1000, (ms % 1000) * 1000}; }

RedisReply Convert(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Convert(r->element[i]));
      break;
    default:
      break;
  }
  return out;
}

// Sends `args` (appended, not yet flushed) as one command.
void Append(redisContext* c, const std::vector<std::string>& args) {
  std::vector<const char*> argv;
  std::vector<size_t> lens;
  for (const std::string& a : args) {
    argv.push_back(a.data());
    lens.push_back(a.size());
  }
  redisAppendCommandArgv(c, static_cast<int>(argv.size()), argv.data(), lens.data());
}

redisContext* Connect(const RedisClient::Options& o, std::string* error) {
  const RedisAddress& a = o.address;
  redisContext* c = redisConnectWithTimeout(a.host.c_str(), a.port, Millis(o.connect_timeout_ms));
  if (!c || c->err) {
    *error = c ? c->errstr : "cannot allocate a connection";
    if (c) redisFree(c);
    return nullptr;
  }
  redisSetTimeout(c, Millis(o.command_timeout_ms));
  if (a.db != 0) {
    auto* r = static_cast<redisReply*>(redisCommand(c, "SELECT %d", a.db));
    const bool ok = r && r->type != REDIS_REPLY_ERROR;
    if (!ok) *error = r ? std::string(r->str, r->len) : c->errstr;
    if (r) freeReplyObject(r);
    if (!ok) {
      redisFree(c);
      return nullptr;
    }
  }
  return c;
}

}  // namespace

Result<RedisAddress> ParseRedisUrl(std::string_view url) {
  const Status bad(Code::kInvalid, "expected redis://HOST:PORT[/DB][?prefix=NAME], got '" + std::string(url) + "'");
  constexpr std::string_view kScheme = "redis://";
  if (url.rfind(kScheme, 0) != 0) return bad;
  url.remove_prefix(kScheme.size());
  RedisAddress a;
  if (size_t q = url.find('?'); q != std::string_view::npos) {
    std::string_view query = url.substr(q + 1);
    url = url.substr(0, q);
    if (query.rfind("prefix=", 0) != 0 || query.size() == 7 || query.find_first_of("&:{} ") != std::string_view::npos) {
      return bad;
    }
    a.prefix = std::string(query.substr(7));
  }
  if (size_t slash = url.find('/'); slash != std::string_view::npos) {
    std::string_view db = url.substr(slash + 1);
    url = url.substr(0, slash);
    auto [p, ec] = std::from_chars(db.data(), db.data() + db.size(), a.db);
    if (ec != std::errc() || p != db.data() + db.size() || a.db < 0 || a.db > 15) return bad;
  }
  std::string port;
  if (!SplitHostPort(url, &a.host, &port).ok() || a.host.empty()) return bad;
  if (!port.empty()) {
    auto [p, ec] = std::from_chars(port.data(), port.data() + port.size(), a.port);
    if (ec != std::errc() || p != port.data() + port.size() || a.port < 1 || a.port > 65535) return bad;
  }
  return a;
}

RedisClient::~RedisClient() {
  for (redisContext* c : idle_) redisFree(c);
}

std::string RedisClient::Describe() const {
  return "redis " + FormatHostPort(options_.address.host, options_.address.port);
}

std::string RedisClient::last_error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_error_;
}

redisContext* RedisClient::Take(Status* error) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      redisContext* c = idle_.back();
      idle_.pop_back();
      return c;
    }
    // Redis was just found down: fail fast instead of waiting out a
    // connect timeout on every request.
    if (std::chrono::steady_clock::now() < retry_at_) {
      *error = Status(Code::kIo, Describe() + ": " + last_error_);
      return nullptr;
    }
  }
  std::string why;
  redisContext* c = Connect(options_, &why);
  if (c) return c;
  std::lock_guard<std::mutex> lock(mu_);
  retry_at_ = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.retry_after_ms);
  last_error_ = "cannot connect: " + why;
  healthy_ = false;
  *error = Status(Code::kIo, Describe() + ": " + last_error_);
  return nullptr;
}

void RedisClient::Give(redisContext* c) {
  std::lock_guard<std::mutex> lock(mu_);
  idle_.push_back(c);
  healthy_ = true;
  last_error_.clear();
}

void RedisClient::Broken(redisContext* c, const std::string& why) {
  redisFree(c);
  std::lock_guard<std::mutex> lock(mu_);
  last_error_ = why;
  healthy_ = false;
  // The others may be broken too (Redis restarted): start afresh.
  for (redisContext* idle : idle_) redisFree(idle);
  idle_.clear();
}

Result<RedisReply> RedisClient::Command(const std::vector<std::string>& args) {
  auto replies = Pipeline({args});
  if (!replies.ok()) return replies.status();
  return std::move(replies.value().front());
}

Result<std::vector<RedisReply>> RedisClient::Pipeline(const std::vector<std::vector<std::string>>& commands) {
  Status error;
  redisContext* c = Take(&error);
  if (!c) return error;
  for (const auto& args : commands) Append(c, args);
  std::vector<RedisReply> out;
  Status failure;
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || !raw) {
      const std::string why = c->errstr[0] ? c->errstr : "connection lost";
      Broken(c, why);
      return Status(Code::kIo, Describe() + ": " + why);
    }
    auto* r = static_cast<redisReply*>(raw);
    if (r->type == REDIS_REPLY_ERROR && failure.ok()) {
      failure = Status(Code::kInternal, Describe() + " refused '" + commands[i][0] + "': " + std::string(r->str, r->len));
    }
    out.push_back(Convert(r));
    freeReplyObject(r);
  }
  Give(c);
  if (!failure.ok()) return failure;
  return out;
}

// ---- RedisSubscriber ---------------------------------------------------------

RedisSubscriber::RedisSubscriber(RedisClient::Options options, std::string channel,
                                 std::function<void(std::string)> on_message, std::function<void()> on_reconnect)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      on_message_(std::move(on_message)),
      on_reconnect_(std::move(on_reconnect)),
      thread_([this] { Run(); }) {}

RedisSubscriber::~RedisSubscriber() {
  stop_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);  // wakes the blocked read
  }
  thread_.join();
}

void RedisSubscriber::Run() {
  int backoff_ms = 100;
  bool first = true;
  while (!stop_) {
    std::string why;
    redisContext* c = Connect(options_, &why);
    if (c) {
      if (!first) on_reconnect_();  // messages were missed while away
      first = false;
      backoff_ms = 100;
      Listen(c);
      redisFree(c);
      if (stop_) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(backoff_ms));
    backoff_ms = std::min(backoff_ms * 2, 2000);
  }
}

bool RedisSubscriber::Listen(redisContext* c) {
  redisSetTimeout(c, timeval{0, 0});  // block until a message (or shutdown)
  auto* r = static_cast<redisReply*>(redisCommand(c, "SUBSCRIBE %b", channel_.data(), channel_.size()));
  if (!r) return false;
  freeReplyObject(r);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return false;
    fd_ = c->fd;
  }
  while (!stop_) {
    void* raw = nullptr;
    if (redisGetReply(c, &raw) != REDIS_OK || !raw) break;
    auto* m = static_cast<redisReply*>(raw);
    // ["message", channel, payload]
    if (m->type == REDIS_REPLY_ARRAY && m->elements == 3 && m->element[2]->type == REDIS_REPLY_STRING) {
      on_message_(std::string(m->element[2]->str, m->element[2]->len));
    }
    freeReplyObject(m);
  }
  std::lock_guard<std::mutex> lock(mu_);
  fd_ = -1;
  return true;
}

}  // namespace zari::server
