#include "session_store.h"

#include <sys/random.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <stdexcept>

#include "dialog/session.h"

namespace zari::server {

std::string NewSessionId() {
  unsigned char bytes[16];
  size_t got = 0;
  while (got < sizeof bytes) {
    ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw std::runtime_error("getrandom failed");
    }
    got += static_cast<size_t>(n);
  }
  static const char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(32);
  for (unsigned char b : bytes) {
    id.push_back(kHex[b >> 4]);
    id.push_back(kHex[b & 15]);
  }
  return id;
}

bool IsValidSessionId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

Lease& Lease::operator=(Lease&& other) noexcept {
  if (this != &other) {
    Release();
    holder_ = std::move(other.holder_);
    failure_ = std::move(other.failure_);
  }
  return *this;
}

void Lease::Release() {
  if (!holder_) return;
  holder_->Release();
  holder_.reset();
}

// The lease of a SessionStore conversation: its mutex, and the entry kept
// alive until released (also when the store dropped it meanwhile).
class SessionStore::Holder : public Lease::Holder {
 public:
  Holder(SessionStore* store, std::shared_ptr<Entry> entry, bool created_here) : store_(store), entry_(std::move(entry)) {
    id = entry_->id;
    created = created_here;
    lock_ = std::unique_lock<std::mutex>(entry_->mu);
  }
  dialog::Session& session() override { return *entry_->session; }
  void Release() override {
    if (store_->options_.persist) store_->Saved(*entry_);
    lock_.unlock();  // before the last reference can free the mutex
    entry_.reset();
  }

 private:
  SessionStore* store_;
  std::shared_ptr<Entry> entry_;
  std::unique_lock<std::mutex> lock_;
};

SessionStore::SessionStore(Factory factory, Options options)
    : factory_(std::move(factory)), options_(std::move(options)) {
  if (options_.max_sessions == 0) options_.max_sessions = 1;
  stats_.capacity = options_.max_sessions;
  stats_.backend = options_.persist ? options_.persist->name() : "memory";
}

int64_t SessionStore::NowMs() const {
  if (options_.now_ms) return options_.now_ms();
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t SessionStore::WallNow() const {
  return options_.wall_clock ? options_.wall_clock() : static_cast<int64_t>(std::time(nullptr));
}

void SessionStore::DropLocked(std::string id, bool erase) {  // a copy: `id` may be lru_'s own
  auto it = map_.find(id);
  if (it == map_.end()) return;
  lru_.erase(it->second->lru);
  map_.erase(it);  // a Lease still holding the entry keeps it alive
  if (erase && options_.persist) options_.persist->Erase(id);
}

void SessionStore::SweepLocked(int64_t now) {
  // lru_ is ordered by last use: expired sessions are at the front.
  while (!lru_.empty()) {
    auto it = map_.find(lru_.front());
    if (it == map_.end()) {  // cannot happen; keep the list consistent anyway
      lru_.pop_front();
      continue;
    }
    if (now - it->second->last_used_ms <= options_.idle_timeout_ms) break;
    DropLocked(lru_.front(), /*erase=*/true);
    ++stats_.expired;
  }
  // Conversations in the file that this process never loaded expire too
  // (checked once a minute: a DELETE over the file).
  if (options_.persist && WallNow() - last_disk_sweep_ >= 60) {
    last_disk_sweep_ = WallNow();
    options_.persist->EraseOlderThan(last_disk_sweep_ - options_.idle_timeout_ms / 1000);
  }
}

std::shared_ptr<SessionStore::Entry> SessionStore::Find(std::string_view id, int64_t now) {
  if (id.empty()) return nullptr;
  auto it = map_.find(std::string(id));
  if (it == map_.end()) return nullptr;
  lru_.splice(lru_.end(), lru_, it->second->lru);
  it->second->last_used_ms = now;
  return it->second;
}

std::shared_ptr<SessionStore::Entry> SessionStore::Insert(std::string id, std::unique_ptr<dialog::Session> s,
                                                          int64_t now) {
  while (map_.size() >= options_.max_sessions && !lru_.empty()) {
    // Evicted, not expired: with a file it is still there for the visitor.
    DropLocked(lru_.front(), /*erase=*/false);
    ++stats_.evicted;
  }
  auto entry = std::make_shared<Entry>();
  entry->id = id;
  entry->session = std::move(s);
  entry->last_used_ms = now;
  entry->lru = lru_.insert(lru_.end(), id);
  map_.emplace(std::move(id), entry);
  return entry;
}

// A conversation this process does not hold, from the file (after a restart
// or an eviction), unless it expired there.
std::shared_ptr<SessionStore::Entry> SessionStore::Restore(const std::string& id, int64_t now) {
  if (!options_.persist || !options_.restore || !IsValidSessionId(id)) return nullptr;
  auto saved = options_.persist->Load(id);
  if (!saved.ok() || !saved.value()) return nullptr;
  SavedConversation& c = *saved.value();
  if (WallNow() - c.updated > options_.idle_timeout_ms / 1000) {
    options_.persist->Erase(id);
    return nullptr;
  }
  auto session = options_.restore(c.state);
  if (!session.ok()) return nullptr;  // another pack version: a new conversation
  std::lock_guard<std::mutex> lock(mu_);
  if (auto live = Find(id, now)) return live;  // another request restored it meanwhile
  auto entry = Insert(id, std::move(session.value()), now);
  entry->last_seq = c.last_seq;
  entry->events.assign(c.events.begin(), c.events.end());
  ++stats_.restored;
  return entry;
}

Lease SessionStore::Hold(std::shared_ptr<Entry> entry, bool created) {
  return Lease(std::make_unique<Holder>(this, std::move(entry), created));
}

Lease SessionStore::Acquire(std::string_view id) {
  const int64_t now = NowMs();
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    SweepLocked(now);
    entry = Find(id, now);
  }
  if (!entry && !id.empty()) entry = Restore(std::string(id), now);
  if (entry) return Hold(std::move(entry), false);
  std::lock_guard<std::mutex> lock(mu_);
  std::string fresh = NewSessionId();
  while (map_.count(fresh)) fresh = NewSessionId();
  entry = Insert(fresh, factory_(fresh), now);
  ++stats_.created;
  return Hold(std::move(entry), true);
}

Lease SessionStore::AcquireExisting(std::string_view id) {
  const int64_t now = NowMs();
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    SweepLocked(now);
    entry = Find(id, now);
  }
  if (!entry && !id.empty()) entry = Restore(std::string(id), now);
  return entry ? Hold(std::move(entry), false) : Lease();
}

void SessionStore::Saved(Entry& entry) {
  options_.persist->Save(entry.id, entry.session->Export(), WallNow());
}

Result<uint64_t> SessionStore::Append(std::string_view id, std::string type, std::string fields, int64_t ts) {
  if (!id.empty() && id.front() == '@') {
    Event e{0, std::move(type), ts, std::move(fields)};
    {
      std::lock_guard<std::mutex> lock(records_mu_);
      Feed& f = feeds_[std::string(id)];
      e.seq = ++f.last_seq;
      f.events.push_back(e);
      while (f.events.size() > 4 * options_.max_events) f.events.pop_front();
      if (options_.persist) options_.persist->SaveEvent(std::string(id), e);
    }
    if (listener_) listener_(std::string(id), e.seq);
    return e.seq;
  }
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entry = Find(id, NowMs());
  }
  if (!entry) entry = Restore(std::string(id), NowMs());
  if (!entry) return Status(Code::kNotFound, "no conversation '" + std::string(id) + "'");
  Event e{0, std::move(type), ts, std::move(fields)};
  {
    std::lock_guard<std::mutex> lock(entry->events_mu);
    e.seq = ++entry->last_seq;
    entry->events.push_back(e);
    while (entry->events.size() > options_.max_events) entry->events.pop_front();
    // Under the same lock, so the file receives a conversation's events in order.
    if (options_.persist) options_.persist->SaveEvent(entry->id, e);
  }
  if (listener_) listener_(entry->id, e.seq);
  return e.seq;
}

Result<EventPage> SessionStore::Read(std::string_view id, uint64_t after, size_t max) {
  if (!id.empty() && id.front() == '@') {
    EventPage page;
    std::lock_guard<std::mutex> lock(records_mu_);
    auto it = feeds_.find(std::string(id));
    if (it == feeds_.end()) return page;
    for (const Event& e : it->second.events) {
      if (e.seq > after && page.events.size() < max) page.events.push_back(e);
    }
    page.next = page.events.empty() ? it->second.last_seq : page.events.back().seq;
    return page;
  }
  std::shared_ptr<Entry> entry;
  {
    std::lock_guard<std::mutex> lock(mu_);
    entry = Find(id, NowMs());
  }
  if (!entry) entry = Restore(std::string(id), NowMs());
  if (!entry) return Status(Code::kNotFound, "no conversation '" + std::string(id) + "'");
  EventPage page;
  std::lock_guard<std::mutex> lock(entry->events_mu);
  for (const Event& e : entry->events) {
    if (e.seq > after && page.events.size() < max) page.events.push_back(e);
  }
  page.next = page.events.empty() ? entry->last_seq : page.events.back().seq;
  return page;
}

void SessionStore::Sweep() {
  std::lock_guard<std::mutex> lock(mu_);
  SweepLocked(NowMs());
}

Status SessionStore::Check() {
  const std::string error = options_.persist ? options_.persist->last_error() : std::string();
  return error.empty() ? Status::Ok() : Status(Code::kIo, error);
}

void SessionStore::Flush() {
  if (options_.persist) options_.persist->Flush();
}

Status SessionStore::PutRecord(std::string_view kind, std::string_view key, std::string value) {
  std::lock_guard<std::mutex> lock(records_mu_);
  if (options_.persist) options_.persist->SaveRecord(std::string(kind), std::string(key), &value);
  records_[{std::string(kind), std::string(key)}] = std::move(value);
  return Status::Ok();
}

Result<std::optional<std::string>> SessionStore::GetRecord(std::string_view kind, std::string_view key) {
  std::lock_guard<std::mutex> lock(records_mu_);
  auto it = records_.find({std::string(kind), std::string(key)});
  if (it == records_.end()) return std::optional<std::string>();
  return std::optional<std::string>(it->second);
}

Status SessionStore::DeleteRecord(std::string_view kind, std::string_view key) {
  std::lock_guard<std::mutex> lock(records_mu_);
  if (records_.erase({std::string(kind), std::string(key)}) && options_.persist) {
    options_.persist->SaveRecord(std::string(kind), std::string(key), nullptr);
  }
  return Status::Ok();
}

Result<std::vector<std::pair<std::string, std::string>>> SessionStore::ListRecords(std::string_view kind) {
  std::vector<std::pair<std::string, std::string>> out;
  std::lock_guard<std::mutex> lock(records_mu_);
  for (auto it = records_.lower_bound({std::string(kind), std::string()}); it != records_.end() && it->first.first == kind;
       ++it) {
    out.emplace_back(it->first.second, it->second);
  }
  return out;
}

Status SessionStore::Open() {
  if (!options_.persist) return Status::Ok();
  auto records = options_.persist->LoadRecords();
  if (!records.ok()) return records.status();
  auto feeds = options_.persist->LoadFeeds();
  if (!feeds.ok()) return feeds.status();
  std::lock_guard<std::mutex> lock(records_mu_);
  for (auto& [kind, key, value] : records.value()) records_[{kind, key}] = std::move(value);
  for (auto& [id, e] : feeds.value()) {
    Feed& f = feeds_[id];
    f.last_seq = std::max(f.last_seq, e.seq);
    f.events.push_back(std::move(e));
  }
  return Status::Ok();
}

StoreStats SessionStore::stats() const {
  std::lock_guard<std::mutex> lock(mu_);
  StoreStats s = stats_;
  s.active = map_.size();
  if (options_.persist) {
    s.last_error = options_.persist->last_error();
    s.pending = options_.persist->pending();
  }
  return s;
}

}  // namespace zari::server
