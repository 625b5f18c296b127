// Where `zari serve` keeps its conversations: each visitor's dialog::Session
// and the conversation's events (what /api/v1/events delivers). One
// interface, so that the HTTP handlers do not know whether conversations
// live in this process (`--store memory`), in this process and an SQLite
// file that survives a restart (`--store sqlite:PATH`), or elsewhere.
//
// A conversation is used by one request at a time: Acquire returns a Lease,
// the exclusive use of the session until it is released; releasing it is
// also when the store keeps the session's new state. Events are appended and
// read without a lease (an operator's message reaches a visitor whose own
// request is running).
#ifndef ZARI_SERVER_STORE_H_
#define ZARI_SERVER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/status.h"

namespace zari::dialog {
class Session;
}

namespace zari::server {

// A fresh unguessable session id: 32 hex digits from the kernel's CSPRNG.
std::string NewSessionId();

// Session ids a client may send back: 1..128 of [A-Za-z0-9_.-].
bool IsValidSessionId(std::string_view id);

// One event of a conversation, as /api/v1/events gives it:
// {"seq": …, "type": …, "ts": …, <fields>}.
struct Event {
  uint64_t seq = 0;    // 1, 2, … within the conversation
  std::string type;    // "message", "notice", …
  int64_t ts = 0;      // unix seconds
  std::string fields;  // the event's other members, as JSON object members ("role":"operator",…); may be ""
};

struct EventPage {
  std::vector<Event> events;  // seq > after, oldest first
  uint64_t next = 0;          // the seq to ask after next time: the conversation's last event
};

// Called after an event was appended: (conversation id, its seq).
using EventListener = std::function<void(const std::string& id, uint64_t seq)>;

class Lease {
 public:
  // What a store keeps while a request holds a conversation.
  struct Holder {
    virtual ~Holder() = default;
    virtual dialog::Session& session() = 0;
    virtual void Release() = 0;  // keep the state, unlock; called once
    std::string id;
    bool created = false;
  };

  Lease() = default;
  explicit Lease(std::unique_ptr<Holder> holder) : holder_(std::move(holder)) {}
  explicit Lease(Status failure) : failure_(std::move(failure)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&& other) noexcept;
  ~Lease() { Release(); }

  explicit operator bool() const { return holder_ != nullptr; }
  dialog::Session& session() const { return holder_->session(); }
  const std::string& id() const { return holder_->id; }
  bool created() const { return holder_->created; }  // a new conversation started here
  // Why there is no conversation (a store that cannot be reached): kIo.
  const Status& status() const { return failure_; }
  // Keeps the session's state and frees the conversation for its next request.
  void Release();

 private:
  std::unique_ptr<Holder> holder_;
  Status failure_;
};

struct StoreStats {
  size_t active = 0;     // conversations held now
  size_t capacity = 0;
  uint64_t created = 0;  // since start
  uint64_t expired = 0;  // dropped after the idle timeout
  uint64_t evicted = 0;  // dropped because the store was full
  uint64_t restored = 0; // brought back from the store's file after a restart
  std::string backend;   // "memory", "sqlite", …
  size_t pending = 0;    // writes accepted, not yet durable
  std::string last_error;  // "" when the backend is healthy
};

class Store {
 public:
  using Lease = server::Lease;
  virtual ~Store() = default;

  // Prepares the store before the first request: reads what its file kept,
  // connects to its server. The store is unusable when this fails.
  virtual Status Open() = 0;

  // The live conversation `id`, or (id empty, unknown or expired) a new one
  // with a fresh id. Blocks while another request holds the same
  // conversation. An empty lease with status() when the store fails.
  virtual Lease Acquire(std::string_view id) = 0;
  // The conversation `id` if it exists (no new one): an empty lease with an
  // ok status when it does not.
  virtual Lease AcquireExisting(std::string_view id) = 0;

  // Appends an event; returns its seq. kNotFound for an unknown
  // conversation. An id starting with '@' names a feed instead (the
  // operators' "@operators"): created by its first event, never expired,
  // and never a visitor's (their ids cannot hold '@').
  virtual Result<uint64_t> Append(std::string_view id, std::string type, std::string fields, int64_t ts) = 0;
  // Events after `after` (at most `max`). kNotFound for an unknown
  // conversation; a feed without events reads empty.
  virtual Result<EventPage> Read(std::string_view id, uint64_t after, size_t max) = 0;

  // Small records the server keeps beside conversations, by kind and key
  // (operators' login tokens, the operators' queue): a JSON value each.
  virtual Status PutRecord(std::string_view kind, std::string_view key, std::string value) = 0;
  virtual Result<std::optional<std::string>> GetRecord(std::string_view kind, std::string_view key) = 0;
  virtual Status DeleteRecord(std::string_view kind, std::string_view key) = 0;
  virtual Result<std::vector<std::pair<std::string, std::string>>> ListRecords(std::string_view kind) = 0;

  // Drops expired conversations now (the store also does it as it goes).
  virtual void Sweep() = 0;
  // Waits until what was stored before the call is durable (no-op in memory).
  virtual void Flush() = 0;
  // Whether the store works right now (for /api/v1/health): a shared store
  // asks its server; ok, or kIo with why not.
  virtual Status Check() = 0;
  virtual StoreStats stats() const = 0;
  // Who hears about appended events (one listener; set before use).
  virtual void SetListener(EventListener listener) = 0;
};

}  // namespace zari::server

#endif  // ZARI_SERVER_STORE_H_
