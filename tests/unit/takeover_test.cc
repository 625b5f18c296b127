// A person takes a conversation over (dialog::Session): the handoff's
// lifecycle none → waiting → joined → none, after hours into the queue once
// operators are back, relayed replies with the bot's suggestions, misuse,
// and export/import in every state (also of states written before it).
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

#include "dialog/reply_json.h"
#include "dialog/session.h"
#include "log_test_util.h"

using zari::Action;
using zari::Code;
using zari::HandoffReason;
using zari::Reply;
using zari::dialog::Handoff;
using zari::dialog::HandoffState;
using zari::dialog::Runtime;
using zari::dialog::RuntimeOptions;
using zari::dialog::Session;
using zari::log::Role;

namespace {

constexpr int64_t kOpen = 1795590000;    // Wed 2026-11-25 11:00 in Tbilisi: operators online
constexpr int64_t kClosed = 1795894200;  // Sat 2026-11-28 23:30: offline until Monday 09:00

// A runtime over the sample pack with a clock the test moves and the
// handoff callbacks it saw.
struct Host {
  int64_t now = kOpen;
  std::vector<Handoff> handoffs;
  std::shared_ptr<Runtime> rt;

  explicit Host(int64_t start = kOpen) : now(start) {
    RuntimeOptions o;
    o.clock = [this] { return now; };
    o.on_handoff = [this](const Handoff& h) { handoffs.push_back(h); };
    auto r = Runtime::Create(zari_test::PackDir(), std::move(o));
    REQUIRE_MESSAGE(r.ok(), r.status().message());
    rt = r.value();
  }

  Reply Say(Session& s, const std::string& text) {
    Reply r;
    s.Respond(text, &r);
    return r;
  }

  // Export, then import into a new session (another process would do so).
  std::unique_ptr<Session> RoundTrip(const Session& s) {
    auto restored = Session::Import(rt, s.Export());
    REQUIRE_MESSAGE(restored.ok(), restored.status().message());
    return std::move(restored.value());
  }
};

std::string ReplyJson(const Reply& r) {
  std::string out;
  zari::dialog::AppendReplyJson(r, &out);
  return out;
}

// The transcript as the next handoff would carry it: "role:text" per turn.
std::vector<std::string> Roles(const Handoff& h) {
  std::vector<std::string> out;
  for (const auto& t : nlohmann::json::parse(h.transcript_json)) {
    out.push_back(t["role"].get<std::string>() + ":" + t["text"].get<std::string>());
  }
  return out;
}

}  // namespace

TEST_CASE("takeover: none, waiting, joined, left; the bot answers before and after") {
  Host host;
  Session s(host.rt, "chat-1", "web");
  CHECK(s.handoff().state == HandoffState::kNone);
  CHECK(host.Say(s, "How do I check my balance?").action == Action::kAnswer);

  Reply r = host.Say(s, "I want to talk to an operator");
  CHECK(r.action == Action::kHandoff);
  REQUIRE(host.handoffs.size() == 1);  // the host's helpdesk hears of it as before
  CHECK(s.handoff().state == HandoffState::kWaiting);
  CHECK(s.handoff().reason == HandoffReason::kRequested);
  CHECK(s.handoff().since == kOpen);
  CHECK(s.handoff().operator_id.empty());

  // Waiting, the bot still answers; asking again keeps the place in the queue.
  host.now += 120;
  CHECK(host.Say(s, "How do I check my balance?").action == Action::kAnswer);
  CHECK(host.Say(s, "operator please").action == Action::kHandoff);
  CHECK(host.handoffs.size() == 2);
  CHECK(s.handoff().since == kOpen);

  host.now += 60;
  REQUIRE(s.OperatorJoin("op-7", "Nino").ok());
  CHECK(s.handoff().state == HandoffState::kJoined);
  CHECK(s.handoff().operator_id == "op-7");
  CHECK(s.handoff().operator_name == "Nino");
  CHECK(s.handoff().since == kOpen + 180);
  CHECK(s.handoff().reason == HandoffReason::kRequested);  // why it waited, for the operator

  r = host.Say(s, "How do I check my balance?");
  CHECK(r.action == Action::kRelayed);
  CHECK(r.Text().empty());
  REQUIRE(s.OperatorMessage("Dial *100#, it is free.").ok());

  host.now += 60;
  REQUIRE(s.OperatorLeave(true).ok());
  CHECK(s.handoff().state == HandoffState::kNone);
  CHECK(s.handoff().reason == HandoffReason::kNone);
  CHECK(s.handoff().since == 0);
  CHECK(s.handoff().operator_id.empty());
  r = host.Say(s, "How do I check my balance?");
  CHECK(r.action == Action::kAnswer);
  CHECK(r.intent >= 0);

  // A new request after the takeover queues again; its transcript has every role.
  CHECK(host.Say(s, "operator please").action == Action::kHandoff);
  CHECK(s.handoff().state == HandoffState::kWaiting);
  CHECK(s.handoff().since == kOpen + 240);
  REQUIRE(host.handoffs.size() == 3);
  const std::vector<std::string> turns = Roles(host.handoffs[2]);
  CHECK(std::find(turns.begin(), turns.end(), "operator:Dial *100#, it is free.") != turns.end());
}

TEST_CASE("takeover: after hours the request waits in the session, and queues once operators are back") {
  Host host(kClosed);
  Session s(host.rt, "night", "web");
  CHECK(host.Say(s, "ოპერატორთან დამაკავშირეთ").action == Action::kAfterHours);
  CHECK(s.handoff().state == HandoffState::kNone);  // no operator to wait for
  CHECK(host.handoffs.empty());
  CHECK(host.Say(s, "ბალანსი როგორ შევამოწმო?").action == Action::kAnswer);
  CHECK(s.handoff().state == HandoffState::kNone);

  // Monday 09:00: the first message hands over and the conversation waits.
  host.now = host.rt->engine()->schedule().NextOpen(kClosed) + 300;
  auto restored = host.RoundTrip(s);
  Reply r = host.Say(*restored, "გამარჯობა, ისევ აქ ვარ");
  CHECK(r.action == Action::kHandoff);
  CHECK(r.handoff_reason == HandoffReason::kRequested);
  CHECK(host.handoffs.size() == 1);
  CHECK(restored->handoff().state == HandoffState::kWaiting);
  CHECK(restored->handoff().since == host.now);

  // An operator may also take the request before the customer writes again.
  Session early(host.rt, "night-2", "web");
  host.now = kClosed;
  CHECK(host.Say(early, "I want to talk to an operator").action == Action::kAfterHours);
  host.now = host.rt->engine()->schedule().NextOpen(kClosed) + 60;
  REQUIRE(early.OperatorJoin("op-1", "").ok());
  CHECK(early.handoff().reason == HandoffReason::kNone);  // it never waited in the queue
  CHECK(host.Say(early, "hello again").action == Action::kRelayed);
  REQUIRE(early.OperatorLeave(false).ok());
  // The request was served by the operator: it does not hand over again.
  CHECK(host.Say(early, "How do I check my balance?").action == Action::kAnswer);
  CHECK(host.handoffs.size() == 1);
}

TEST_CASE("takeover: who may join, write and leave") {
  Host host;
  Session s(host.rt, "c", "web");
  // Nobody holds it: messages and leaving are refused, the state unchanged.
  CHECK(s.OperatorMessage("hello").code() == Code::kBusy);
  CHECK(s.OperatorLeave(true).code() == Code::kBusy);
  CHECK(s.handoff().state == HandoffState::kNone);

  CHECK(s.OperatorJoin("", "Nino").code() == Code::kInvalid);
  CHECK(s.OperatorJoin(std::string(257, 'x'), "").code() == Code::kInvalid);
  CHECK(s.OperatorJoin("op", std::string(257, 'x')).code() == Code::kInvalid);
  CHECK(s.OperatorJoin("op\xff", "").code() == Code::kInvalid);
  CHECK(s.handoff().state == HandoffState::kNone);

  // A conversation that is not waiting may be taken (here: with the bot).
  REQUIRE(s.OperatorJoin(std::string(256, 'x'), "").ok());
  REQUIRE(s.OperatorLeave(false).ok());
  REQUIRE(s.OperatorJoin("op-1", "Nino").ok());
  CHECK(s.handoff().reason == HandoffReason::kNone);
  const int64_t joined = s.handoff().since;

  // Another operator: busy, and nothing changes.
  host.now += 10;
  const zari::Status busy = s.OperatorJoin("op-2", "Aysel");
  CHECK(busy.code() == Code::kBusy);
  CHECK(busy.message().find("op-1") != std::string::npos);
  CHECK(s.handoff().operator_id == "op-1");
  // The same operator again (a second tab): fine, only the name follows.
  REQUIRE(s.OperatorJoin("op-1", "Nino B.").ok());
  CHECK(s.handoff().operator_name == "Nino B.");
  CHECK(s.handoff().since == joined);

  REQUIRE(s.OperatorLeave(true).ok());
  CHECK(s.OperatorLeave(true).code() == Code::kBusy);
  CHECK(s.OperatorMessage("still there?").code() == Code::kBusy);
  // Once it is free another operator may take it.
  CHECK(s.OperatorJoin("op-2", "Aysel").ok());
}

TEST_CASE("takeover: a relayed reply says nothing, decides nothing and counts no miss") {
  Host host;
  Session s(host.rt, "relay", "web");
  CHECK(host.Say(s, "asdf qwerty zxcv").action == Action::kFallback);
  CHECK(s.misses() == 1);
  REQUIRE(s.OperatorJoin("op-1", "Nino").ok());
  CHECK(s.misses() == 0);  // the operator answers now

  for (const char* text : {"asdf qwerty zxcv", "qwerty asdf zxcv", "zzz xxx yyy"}) {
    Reply r = host.Say(s, text);
    CHECK(r.action == Action::kRelayed);
    CHECK(r.Text().empty());
    CHECK(r.intent == -1);
    CHECK(r.option_count == 0);
    CHECK(r.suggestion_count == 0);
    CHECK(r.handoff_reason == HandoffReason::kNone);
  }
  CHECK(s.misses() == 0);  // after_misses is 2: no handoff by misses while joined

  // Asking for a person while one is there is just relayed: no callback.
  Reply r = host.Say(s, "ოპერატორთან დამაკავშირეთ");
  CHECK(r.action == Action::kRelayed);
  CHECK(host.handoffs.empty());
  CHECK(s.handoff().state == HandoffState::kJoined);
  // A clarify would have offered options; relayed, none are remembered.
  CHECK(host.Say(s, "internet").action == Action::kRelayed);

  // Several transcriptions (IVR) are relayed the same way.
  Reply best;
  s.RespondBest({"balance", "how do I check my balance"}, &best);
  CHECK(best.action == Action::kRelayed);

  REQUIRE(s.OperatorMessage("Hello, I am Nino.").ok());
  REQUIRE(s.OperatorLeave(false).ok());
  CHECK(host.Say(s, "operator please").action == Action::kHandoff);
  REQUIRE(host.handoffs.size() == 1);
  const std::vector<std::string> turns = Roles(host.handoffs[0]);
  // The customer's relayed messages are there; the bot said nothing to them.
  REQUIRE(turns.size() == 11);
  CHECK(turns[0] == "user:asdf qwerty zxcv");
  CHECK(turns[1].rfind("bot:", 0) == 0);
  for (size_t i = 2; i < 8; ++i) CHECK(turns[i].rfind("user:", 0) == 0);
  CHECK(turns[8] == "operator:Hello, I am Nino.");
  CHECK(turns[9] == "user:operator please");
  CHECK(turns[10].rfind("bot:", 0) == 0);
}

TEST_CASE("takeover: agent assist: the candidates carry the bot's answers in the customer's language") {
  Host host;
  Session s(host.rt, "assist", "web");
  REQUIRE(s.OperatorJoin("op-1", "Nino").ok());
  const auto& e = *host.rt->engine();
  struct Case {
    const char* text;
    zari::text::Lang lang;
  };
  for (const Case& c : {Case{"ბალანსი როგორ შევამოწმო?", zari::text::Lang::kKa},
                        Case{"balansimi nece yoxlaya bilerem", zari::text::Lang::kAz},
                        Case{"How do I check my balance?", zari::text::Lang::kEn}}) {
    INFO(std::string(c.text));
    Reply r = host.Say(s, c.text);
    REQUIRE(r.action == Action::kRelayed);
    CHECK(r.lang == c.lang);
    REQUIRE(r.candidate_count > 0);
    const int32_t balance = e.FindIntent("balance");
    CHECK(r.candidates[0].intent == balance);
    const std::string* answer = e.AnswerFor(r.candidates[0].intent, r.lang);
    REQUIRE(answer != nullptr);
    CHECK(answer == e.AnswerText(balance, c.lang));
    const auto j = nlohmann::json::parse(ReplyJson(r));
    CHECK(j["action"] == "relayed");
    CHECK(j["reply"] == "");
    CHECK(j["intent"].is_null());
    CHECK(j["candidates"][0]["intent"] == "balance");
    CHECK(j["candidates"][0]["answer"] == *answer);
    CHECK(j.find("handoff_reason") == j.end());
  }
  // An intent that hands off has no answer to offer: the operator is here.
  for (const std::string id : {"operator", "complaint"}) {
    INFO(id);
    CHECK(e.AnswerFor(e.FindIntent(id), zari::text::Lang::kEn) == nullptr);
  }
  Reply r = host.Say(s, "I want to talk to an operator");
  REQUIRE(r.candidate_count > 0);
  CHECK(r.candidates[0].intent == e.FindIntent("operator"));
  CHECK(nlohmann::json::parse(ReplyJson(r))["candidates"][0]["answer"].is_null());
}

TEST_CASE("takeover: other replies' JSON has no answers in its candidates") {
  Host host;
  Session s(host.rt, "plain", "web");
  for (const std::string text : {"How do I check my balance?", "internet", "asdf qwerty", "operator please"}) {
    INFO(text);
    Reply r = host.Say(s, text);
    CHECK(r.action != Action::kRelayed);
    const auto j = nlohmann::json::parse(ReplyJson(r));
    REQUIRE(!j["candidates"].empty());
    for (const auto& c : j["candidates"]) CHECK(c.find("answer") == c.end());
  }
}

TEST_CASE("takeover: export and import in every state") {
  Host host;
  Session s(host.rt, "exp", "web");
  host.Say(s, "How do I check my balance?");
  // With the bot: the state has no handoff keys at all (as before).
  CHECK(s.Export().find("\"handoff\"") == std::string::npos);
  CHECK(host.RoundTrip(s)->handoff().state == HandoffState::kNone);

  host.Say(s, "asdf qwerty zxcv");
  host.Say(s, "qwerty asdf zxcv");  // the second miss hands off
  REQUIRE(s.handoff().state == HandoffState::kWaiting);
  auto waiting = host.RoundTrip(s);
  CHECK(waiting->handoff().state == HandoffState::kWaiting);
  CHECK(waiting->handoff().reason == HandoffReason::kMisses);
  CHECK(waiting->handoff().since == kOpen);
  CHECK(waiting->Export() == s.Export());

  host.now += 60;
  REQUIRE(waiting->OperatorJoin("op-9", "Aysel").ok());
  CHECK(host.Say(*waiting, "salam, balansimi nece yoxlaya bilerem").action == Action::kRelayed);
  REQUIRE(waiting->OperatorMessage("Salam! *100# yığın.").ok());
  auto joined = host.RoundTrip(*waiting);
  CHECK(joined->handoff().state == HandoffState::kJoined);
  CHECK(joined->handoff().operator_id == "op-9");
  CHECK(joined->handoff().operator_name == "Aysel");
  CHECK(joined->handoff().since == kOpen + 60);
  CHECK(joined->handoff().reason == HandoffReason::kMisses);
  CHECK(joined->Export() == waiting->Export());
  // Restored elsewhere it goes on as it was: relayed, busy for others.
  CHECK(host.Say(*joined, "təşəkkür edirəm").action == Action::kRelayed);
  CHECK(joined->OperatorJoin("op-2", "").code() == Code::kBusy);
  REQUIRE(joined->OperatorLeave(true).ok());
  auto left = host.RoundTrip(*joined);
  CHECK(left->handoff().state == HandoffState::kNone);
  CHECK(left->Export().find("\"handoff\"") == std::string::npos);
  CHECK(host.Say(*left, "How do I check my balance?").action == Action::kAnswer);

  // After hours: the pending request survives the trip, then queues.
  Host night(kClosed);
  Session n(night.rt, "night", "web");
  night.Say(n, "I want to talk to an operator");
  auto pending = night.RoundTrip(n);
  CHECK(pending->handoff().state == HandoffState::kNone);
  night.now = night.rt->engine()->schedule().NextOpen(kClosed);
  CHECK(night.Say(*pending, "hello?").action == Action::kHandoff);
  CHECK(pending->handoff().state == HandoffState::kWaiting);
}

TEST_CASE("takeover: the takeover's transcript travels with the state") {
  Host host;
  Session s(host.rt, "t", "web");
  REQUIRE(s.OperatorJoin("op-1", "Nino").ok());
  host.Say(s, "hello");
  REQUIRE(s.OperatorMessage("Hi, Nino here").ok());
  const auto j = nlohmann::json::parse(s.Export());
  CHECK(j["handoff"] == "joined");
  CHECK(j["handoff_reason"] == "");
  CHECK(j["operator_id"] == "op-1");
  CHECK(j["takeover"] == nlohmann::json::parse(
                             "[{\"u\":1,\"t\":\"hello\",\"ts\":1795590000},"
                             "{\"u\":2,\"t\":\"Hi, Nino here\",\"ts\":1795590000}]"));
  // The recent transcript has the same turns, roles kept.
  CHECK(j["transcript"] == j["takeover"]);
}

TEST_CASE("takeover: states written before the lifecycle still import") {
  Host host;
  // As Zari wrote them before: no handoff keys, "u" 1 for the user and 0 for the bot.
  const std::string old =
      "{\"v\":1,\"pack\":\"Zari Mobile\",\"pack_version\":\"2026.11\",\"id\":\"old\",\"channel\":\"web\","
      "\"lang\":\"en\",\"forced\":\"\",\"misses\":1,\"turns\":2,\"pending\":\"requested\","
      "\"pending_intent\":\"operator\",\"options\":[],\"transcript\":[{\"u\":1,\"t\":\"hi\",\"ts\":1},"
      "{\"u\":0,\"t\":\"Hello\",\"ts\":1},{\"u\":5,\"t\":\"odd but a user\",\"ts\":2}]}";
  auto s = Session::Import(host.rt, old);
  REQUIRE_MESSAGE(s.ok(), s.status().message());
  CHECK(s.value()->handoff().state == HandoffState::kNone);
  // The pending request (after hours then) hands over now, inside hours.
  Reply r = host.Say(*s.value(), "hello?");
  CHECK(r.action == Action::kHandoff);
  REQUIRE(host.handoffs.size() == 1);
  const std::vector<std::string> turns = Roles(host.handoffs[0]);
  REQUIRE(turns.size() >= 3);
  CHECK(std::vector<std::string>(turns.begin(), turns.begin() + 3) ==
        std::vector<std::string>{"user:hi", "bot:Hello", "user:odd but a user"});
  CHECK(s.value()->handoff().state == HandoffState::kWaiting);
}

TEST_CASE("takeover: corrupt lifecycle states are refused with a reason") {
  Host host;
  Session s(host.rt, "c", "web");
  REQUIRE(s.OperatorJoin("op-1", "").ok());
  const std::string good = s.Export();
  REQUIRE(Session::Import(host.rt, good).ok());
  auto with = [&](const std::string& from, const std::string& to) {
    std::string bad = good;
    const size_t at = bad.find(from);
    REQUIRE(at != std::string::npos);
    bad.replace(at, from.size(), to);
    return Session::Import(host.rt, bad);
  };
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"\"handoff\":\"joined\"", "\"handoff\":\"held\""},
           {"\"handoff\":\"joined\"", "\"handoff\":1"},
           {"\"handoff_reason\":\"\"", "\"handoff_reason\":\"bored\""},
           {"\"since\":1795590000", "\"since\":\"noon\""},
           {"\"operator_id\":\"op-1\"", "\"operator_id\":\"\""},
           {"\"operator_id\":\"op-1\",", ""},
           {"\"takeover\":[]", "\"takeover\":{}"},
           {"\"takeover\":[]", "\"takeover\":[7]"}}) {
    INFO(to);
    auto r = with(from, to);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == Code::kState);
    CHECK(r.status().message().find("invalid session state") != std::string::npos);
  }
}
