// The HTTP server's session store: ids, continuity, expiry, eviction, leases.
#include <doctest/doctest.h>

#include <set>

#include "dialog/runtime.h"
#include "session_store.h"

using zari::server::IsValidSessionId;
using zari::server::NewSessionId;
using zari::server::SessionStore;

namespace {

std::shared_ptr<zari::dialog::Runtime> TelecomRuntime() {
  static std::shared_ptr<zari::dialog::Runtime> rt = [] {
    zari::dialog::RuntimeOptions o;
    o.clock = [] { return int64_t{1795590000}; };  // Wed 2026-11-25 11:00 Tbilisi
    auto r = zari::dialog::Runtime::Create(std::string(ZARI_SOURCE_DIR) + "/intents/telecom", o);
    REQUIRE(r.ok());
    return r.value();
  }();
  return rt;
}

struct FakeClock {
  int64_t ms = 1000;
  std::function<int64_t()> fn() {
    return [this] { return ms; };
  }
};

SessionStore MakeStore(FakeClock& clock, size_t max_sessions = 100, int64_t idle_ms = 60000) {
  auto rt = TelecomRuntime();
  return SessionStore([rt](const std::string& id) { return std::make_unique<zari::dialog::Session>(rt, id, "web"); },
                      SessionStore::Options{max_sessions, idle_ms, clock.fn()});
}

}  // namespace

TEST_CASE("session ids are random hex and validated") {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    std::string id = NewSessionId();
    CHECK(id.size() == 32);
    CHECK(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(IsValidSessionId(id));
    ids.insert(id);
  }
  CHECK(ids.size() == 1000);
  CHECK(IsValidSessionId("visitor-42_a.b"));
  CHECK_FALSE(IsValidSessionId(""));
  CHECK_FALSE(IsValidSessionId("a b"));
  CHECK_FALSE(IsValidSessionId("ses/../x"));
  CHECK_FALSE(IsValidSessionId("ბალანსი"));
  CHECK_FALSE(IsValidSessionId(std::string(129, 'a')));
}

TEST_CASE("a conversation continues under its id") {
  FakeClock clock;
  SessionStore store = MakeStore(clock);
  std::string id;
  {
    auto lease = store.Acquire("");
    CHECK(lease.created());
    id = lease.id();
    zari::Reply r;
    lease.session().Respond("blah blah nonsense", &r);  // a miss
    CHECK(lease.session().misses() == 1);
  }
  {
    auto lease = store.Acquire(id);
    CHECK_FALSE(lease.created());
    CHECK(lease.id() == id);
    CHECK(lease.session().misses() == 1);
  }
  // An id the store does not know starts a new conversation with a new id.
  auto other = store.Acquire("made-up-by-the-client");
  CHECK(other.created());
  CHECK(other.id() != "made-up-by-the-client");
  CHECK(store.stats().active == 2);
  CHECK(store.stats().created == 2);
}

TEST_CASE("idle sessions expire") {
  FakeClock clock;
  SessionStore store = MakeStore(clock, 100, 60000);
  std::string a = store.Acquire("").id();
  clock.ms += 30000;
  std::string b = store.Acquire("").id();
  clock.ms += 30001;  // a: idle 60001 ms, b: 30001 ms
  store.Sweep();
  CHECK(store.stats().active == 1);
  CHECK(store.stats().expired == 1);
  auto again = store.Acquire(a);
  CHECK(again.created());
  CHECK(again.id() != a);
  again.Release();
  CHECK_FALSE(store.Acquire(b).created());  // touched: lives on
}

TEST_CASE("a full store drops the least recently used session") {
  FakeClock clock;
  SessionStore store = MakeStore(clock, 3);
  std::string a = store.Acquire("").id();
  clock.ms++;
  std::string b = store.Acquire("").id();
  clock.ms++;
  std::string c = store.Acquire("").id();
  clock.ms++;
  CHECK_FALSE(store.Acquire(a).created());  // a is now the most recent
  clock.ms++;
  std::string d = store.Acquire("").id();  // evicts b
  auto s = store.stats();
  CHECK(s.active == 3);
  CHECK(s.evicted == 1);
  CHECK(store.Acquire(b).created());  // b is gone (and this evicts c)
  CHECK_FALSE(store.Acquire(a).created());
}

TEST_CASE("a lease keeps a dropped session alive until released") {
  FakeClock clock;
  SessionStore store = MakeStore(clock, 1);
  auto held = store.Acquire("");
  const std::string id = held.id();
  auto other = store.Acquire("");  // evicts the held one from the map
  CHECK(store.stats().evicted == 1);
  zari::Reply r;
  held.session().Respond("balance", &r);  // still usable
  CHECK(r.intent >= 0);
  held.Release();
  CHECK_FALSE(held);
  other.Release();
  CHECK(store.Acquire(id).created());
}

TEST_CASE("moving a lease moves the lock") {
  FakeClock clock;
  SessionStore store = MakeStore(clock);
  SessionStore::Lease a = store.Acquire("");
  const std::string id = a.id();
  SessionStore::Lease b = std::move(a);
  CHECK(b.id() == id);
  SessionStore::Lease c;
  c = std::move(b);
  c = SessionStore::Lease();  // unlocks
  auto again = store.Acquire(id);  // would deadlock if still locked
  CHECK(again.id() == id);
}
