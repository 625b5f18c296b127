// A small Redis client over hiredis (Debian's libhiredis-dev) for the
// shared conversation store of several `zari serve` processes: a pool of
// blocking connections with short timeouts, so that a Redis that is down
// or unreachable costs a request well under a second and a clear error,
// never a hang; and a subscriber thread for pub/sub.
//
// Thread-safety: RedisClient may be used by any number of threads (each
// command takes a connection from the pool). RedisSubscriber runs its own
// thread and calls back from it.
#ifndef ZARI_SERVER_REDIS_H_
#define ZARI_SERVER_REDIS_H_

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "util/status.h"

struct redisContext;

namespace zari::server {

// redis://HOST:PORT[/DB][?prefix=NAME]
struct RedisAddress {
  std::string host = "127.0.0.1";
  int port = 6379;
  int db = 0;
  std::string prefix = "zari";  // every key starts with "PREFIX:"
};
// Errors: kInvalid with what is wrong ("redis://HOST:PORT[/DB][?prefix=NAME]").
Result<RedisAddress> ParseRedisUrl(std::string_view url);

struct RedisReply {
  enum class Type { kNil, kString, kInteger, kArray, kStatus };
  Type type = Type::kNil;
  std::string str;  // string, status
  long long integer = 0;
  std::vector<RedisReply> elements;
};

class RedisClient {
 public:
  struct Options {
    RedisAddress address;
    int connect_timeout_ms = 300;
    int command_timeout_ms = 500;
    int retry_after_ms = 200;  // after a failed connect, fail at once for this long
  };
  explicit RedisClient(Options options) : options_(std::move(options)) {}
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // One command. Errors: kIo (cannot connect, timed out, connection lost:
  // the connection is dropped and the next command reconnects) and
  // kInternal for an error reply ("ERR …", a bug in the caller).
  Result<RedisReply> Command(const std::vector<std::string>& args);
  // Several commands on one connection, sent at once (fewer round trips);
  // the replies in order. Errors as Command, for the first that fails.
  Result<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);

  bool healthy() const { return healthy_.load(); }
  std::string last_error() const;
  const Options& options() const { return options_; }
  std::string Describe() const;  // "redis 127.0.0.1:6379"

 private:
  redisContext* Take(Status* error);  // from the pool, or a new connection
  void Give(redisContext* c);         // back to the pool
  void Broken(redisContext* c, const std::string& why);

  Options options_;
  mutable std::mutex mu_;  // guards the three below
  std::vector<redisContext*> idle_;
  std::chrono::steady_clock::time_point retry_at_{};
  std::string last_error_;
  std::atomic<bool> healthy_{true};
};

// SUBSCRIBE to one channel on a connection of its own; on_message(payload)
// for each message. After a lost connection it reconnects (with backoff)
// and calls on_reconnect(), since messages sent meanwhile were missed.
class RedisSubscriber {
 public:
  RedisSubscriber(RedisClient::Options options, std::string channel, std::function<void(std::string)> on_message,
                  std::function<void()> on_reconnect);
  ~RedisSubscriber();  // stops the thread
  RedisSubscriber(const RedisSubscriber&) = delete;
  RedisSubscriber& operator=(const RedisSubscriber&) = delete;

 private:
  void Run();
  bool Listen(redisContext* c);  // returns when the connection fails or Stop

  RedisClient::Options options_;
  std::string channel_;
  std::function<void(std::string)> on_message_;
  std::function<void()> on_reconnect_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  int fd_ = -1;  // the subscribed connection's socket, shut down to stop
  std::thread thread_;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_REDIS_H_
