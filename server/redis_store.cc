#include "redis_store.h"

#include <charconv>
#include <thread>

#include "dialog/session.h"

namespace zari::server {

namespace {

// KEYS: lock, state. ARGV: token, state, ttl ms. Saves only while the lock
// is still ours (our lease may have run out and another server taken over).
constexpr const char* kSaveAndUnlock = R"lua(
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
return 1
)lua";

// KEYS: lock. ARGV: token.
constexpr const char* kUnlock = R"lua(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)lua";

// KEYS: seq, events, state ('' for a feed). ARGV: type, ts, fields, max
// events, ttl ms (0: none), channel, id. -1 when the conversation is gone.
constexpr const char* kAppend = R"lua(
if KEYS[3] ~= '' and redis.call('EXISTS', KEYS[3]) == 0 then return -1 end
local seq = redis.call('INCR', KEYS[1])
redis.call('RPUSH', KEYS[2], seq .. ' ' .. ARGV[1] .. ' ' .. ARGV[2] .. ' ' .. ARGV[3])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[4]), -1)
if tonumber(ARGV[5]) > 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  redis.call('PEXPIRE', KEYS[2], ARGV[5])
end
redis.call('PUBLISH', ARGV[6], ARGV[7])
return seq
)lua";

bool ParseUint(std::string_view s, uint64_t* out) {
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

// "SEQ TYPE TS FIELDS" → Event.
bool ParseEvent(const std::string& s, Event* e) {
  const size_t a = s.find(' '), b = a == std::string::npos ? a : s.find(' ', a + 1);
  const size_t c = b == std::string::npos ? b : s.find(' ', b + 1);
  if (c == std::string::npos) return false;
  uint64_t ts = 0;
  if (!ParseUint(std::string_view(s).substr(0, a), &e->seq) || !ParseUint(std::string_view(s).substr(b + 1, c - b - 1), &ts)) {
    return false;
  }
  e->type = s.substr(a + 1, b - a - 1);
  e->ts = static_cast<int64_t>(ts);
  e->fields = s.substr(c + 1);
  return true;
}

std::string RandomToken() { return NewSessionId(); }  // 128 random bits, hex

}  // namespace

// A conversation held by this server: the session imported from Redis (or
// new), saved back with the lock released when the request is done.
class RedisStore::Holder : public Lease::Holder {
 public:
  Holder(RedisStore* store, std::unique_ptr<dialog::Session> s, std::string token, bool created_here)
      : store_(store), session_(std::move(s)), token_(std::move(token)) {
    id = session_->id();
    created = created_here;
  }
  dialog::Session& session() override { return *session_; }
  void Release() override {
    auto r = store_->redis_->Command({"EVAL", kSaveAndUnlock, "2", store_->Key("lock", id), store_->Key("s", id), token_,
                                      session_->Export(), std::to_string(store_->options_.idle_timeout_ms)});
    (void)r;  // on failure Redis is down (health says so) or our lease ran out: nothing to undo
  }

 private:
  RedisStore* store_;
  std::unique_ptr<dialog::Session> session_;
  std::string token_;
};

RedisStore::RedisStore(SessionStore::Factory factory, SessionStore::Restorer restore, Options options)
    : factory_(std::move(factory)), restore_(std::move(restore)), options_(std::move(options)) {
  RedisClient::Options ro;
  ro.address = options_.address;
  redis_ = std::make_unique<RedisClient>(ro);
}

RedisStore::~RedisStore() = default;

std::string RedisStore::Key(std::string_view kind, std::string_view id) const {
  std::string k = options_.address.prefix;
  k.append(":").append(kind);
  if (!id.empty()) k.append(":").append(id);
  return k;
}

Status RedisStore::Open() {
  RedisClient::Options ro = redis_->options();
  // Events stored by any server wake the waiters of this one; after a lost
  // connection everyone here re-reads (what was published meanwhile is missed).
  subscriber_ = std::make_unique<RedisSubscriber>(
      ro, Key("events", ""), [this](std::string id) { if (listener_) listener_(id, 0); },
      [this] { if (listener_) listener_("", 0); });
  // Redis may be down at start: the server still starts and answers 503
  // until it is back.
  (void)redis_->Command({"PING"});
  return Status::Ok();
}

Result<std::string> RedisStore::Lock(const std::string& id) {
  const std::string token = RandomToken();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.lock_wait_ms);
  int pause_us = 200;
  ReleaseStale();
  while (true) {
    auto r = redis_->Command({"SET", Key("lock", id), token, "NX", "PX", std::to_string(options_.lock_lease_ms)});
    if (!r.ok()) {
      // Redis may still have taken it: release it once Redis answers again.
      std::lock_guard<std::mutex> lock(stale_mu_);
      stale_.emplace_back(id, token);
      return r.status();
    }
    if (r.value().type == RedisReply::Type::kStatus) return token;  // "OK"
    if (std::chrono::steady_clock::now() >= deadline) return std::string();
    std::this_thread::sleep_for(std::chrono::microseconds(pause_us));  // another request of this conversation
    pause_us = std::min(pause_us * 2, 10000);
  }
}

void RedisStore::ReleaseStale() {
  std::vector<std::pair<std::string, std::string>> stale;
  {
    std::lock_guard<std::mutex> lock(stale_mu_);
    stale.swap(stale_);
  }
  for (size_t i = 0; i < stale.size(); ++i) {
    auto r = redis_->Command({"EVAL", kUnlock, "1", Key("lock", stale[i].first), stale[i].second});
    if (!r.ok()) {  // still down: keep the rest for next time
      std::lock_guard<std::mutex> lock(stale_mu_);
      stale_.insert(stale_.end(), stale.begin() + static_cast<std::ptrdiff_t>(i), stale.end());
      return;
    }
  }
}

void RedisStore::Unlock(const std::string& id, const std::string& token) {
  (void)redis_->Command({"EVAL", kUnlock, "1", Key("lock", id), token});
}

Lease RedisStore::Create() {
  std::string id = NewSessionId();
  auto token = Lock(id);
  if (!token.ok()) return Lease(token.status());
  ++created_;
  return Lease(std::make_unique<Holder>(this, factory_(id), token.value(), true));
}

Lease RedisStore::Load(const std::string& id, bool create_if_missing) {
  if (!IsValidSessionId(id)) return create_if_missing ? Create() : Lease();
  auto token = Lock(id);
  if (!token.ok()) return Lease(token.status());
  if (token.value().empty()) return Lease(Status(Code::kIo, "the conversation is busy: try again"));
  auto state = redis_->Command({"GET", Key("s", id)});
  if (!state.ok()) {
    Unlock(id, token.value());
    return Lease(state.status());
  }
  if (state.value().type == RedisReply::Type::kString) {
    auto session = restore_(state.value().str);
    if (session.ok()) {
      ++restored_;
      return Lease(std::make_unique<Holder>(this, std::move(session.value()), token.value(), false));
    }
  }
  // Unknown, expired, or from another pack version: a new conversation.
  Unlock(id, token.value());
  return create_if_missing ? Create() : Lease();
}

Lease RedisStore::Acquire(std::string_view id) {
  return id.empty() ? Create() : Load(std::string(id), true);
}

Lease RedisStore::AcquireExisting(std::string_view id) {
  return id.empty() ? Lease() : Load(std::string(id), false);
}

Result<uint64_t> RedisStore::Append(std::string_view id, std::string type, std::string fields, int64_t ts) {
  const bool feed = !id.empty() && id.front() == '@';
  auto r = redis_->Command({"EVAL", kAppend, "3", Key("seq", id), Key("ev", id), feed ? "" : Key("s", id), type,
                            std::to_string(ts), fields, std::to_string(options_.max_events),
                            feed ? "0" : std::to_string(options_.idle_timeout_ms), Key("events", ""), std::string(id)});
  if (!r.ok()) return r.status();
  if (r.value().integer < 0) return Status(Code::kNotFound, "no conversation '" + std::string(id) + "'");
  // Waiters here hear it at once; other servers through the channel.
  if (listener_) listener_(std::string(id), static_cast<uint64_t>(r.value().integer));
  return static_cast<uint64_t>(r.value().integer);
}

Result<EventPage> RedisStore::Read(std::string_view id, uint64_t after, size_t max) {
  const bool feed = !id.empty() && id.front() == '@';
  auto r = redis_->Pipeline({{"EXISTS", Key("s", id)}, {"GET", Key("seq", id)}, {"LRANGE", Key("ev", id), "0", "-1"}});
  if (!r.ok()) return r.status();
  const auto& replies = r.value();
  if (!feed && replies[0].integer == 0) return Status(Code::kNotFound, "no conversation '" + std::string(id) + "'");
  EventPage page;
  uint64_t last = 0;
  if (replies[1].type == RedisReply::Type::kString) ParseUint(replies[1].str, &last);
  for (const RedisReply& item : replies[2].elements) {
    Event e;
    if (ParseEvent(item.str, &e) && e.seq > after && page.events.size() < max) page.events.push_back(std::move(e));
  }
  page.next = page.events.empty() ? last : page.events.back().seq;
  return page;
}

Status RedisStore::PutRecord(std::string_view kind, std::string_view key, std::string value) {
  auto r = redis_->Command({"HSET", Key("rec", kind), std::string(key), std::move(value)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::optional<std::string>> RedisStore::GetRecord(std::string_view kind, std::string_view key) {
  auto r = redis_->Command({"HGET", Key("rec", kind), std::string(key)});
  if (!r.ok()) return r.status();
  if (r.value().type != RedisReply::Type::kString) return std::optional<std::string>();
  return std::optional<std::string>(std::move(r.value().str));
}

Status RedisStore::DeleteRecord(std::string_view kind, std::string_view key) {
  auto r = redis_->Command({"HDEL", Key("rec", kind), std::string(key)});
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::vector<std::pair<std::string, std::string>>> RedisStore::ListRecords(std::string_view kind) {
  auto r = redis_->Command({"HGETALL", Key("rec", kind)});
  if (!r.ok()) return r.status();
  std::vector<std::pair<std::string, std::string>> out;
  const auto& e = r.value().elements;
  for (size_t i = 0; i + 1 < e.size(); i += 2) out.emplace_back(e[i].str, e[i + 1].str);
  return out;
}

Status RedisStore::Check() {
  auto r = redis_->Command({"PING"});
  if (r.ok()) ReleaseStale();
  return r.ok() ? Status::Ok() : r.status();
}

StoreStats RedisStore::stats() const {
  StoreStats s;
  s.backend = "redis";
  s.created = created_;
  s.restored = restored_;
  s.last_error = redis_->healthy() ? "" : redis_->last_error();
  return s;
}

}  // namespace zari::server
