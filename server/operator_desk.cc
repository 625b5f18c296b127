#include "operator_desk.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/engine.h"
#include "log/redact.h"
#include "log/transcript.h"
#include "pack/learned.h"
#include "util/json_writer.h"
#include "util/utf8.h"

namespace zari::server {

namespace {

constexpr size_t kMaxOperatorText = 4096;

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response Error(int status, std::string_view message) {
  std::string body = "{\"error\":";
  json::AppendString(&body, message);
  body += "}";
  return Json(status, std::move(body));
}

// The error a store failure or a missing conversation gives.
http::Response Missing(const Lease& lease) {
  return lease.status().ok() ? Error(404, "unknown session")
                             : Error(503, "conversations are unavailable right now: " + lease.status().message());
}

nlohmann::json ParseObject(const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_object() ? j : nlohmann::json();
}

// The session's transcript as JSON: [{"role", "text", "ts"}, …].
std::string TranscriptJson(const dialog::Session& session) {
  const auto& turns = session.transcript();
  std::string out;
  log::AppendTranscriptJson(std::vector<log::Turn>(turns.begin(), turns.end()), /*redact=*/false, &out);
  return out;
}

// The last phone number the customer wrote: a callback request.
std::string CallbackPhone(const dialog::Session& session) {
  const auto& turns = session.transcript();
  for (auto it = turns.rbegin(); it != turns.rend(); ++it) {
    if (it->role != log::Role::kUser) continue;
    auto phones = log::FindPhones(it->text);
    if (!phones.empty()) return phones.back();
  }
  return {};
}

// Zari's guesses for an operator: [{"intent", "score", "answer"}] in the
// customer's language (agent assist).
void AppendSuggestions(const Reply& r, json::Writer& w) {
  w.BeginArray();
  for (size_t i = 0; i < r.candidate_count; ++i) {
    const int32_t intent = r.candidates[i].intent;
    const std::string* answer = r.engine->AnswerText(intent, r.lang);
    w.BeginObject();
    w.Key("intent").String(r.engine->intent(intent).id);
    w.Key("score").Number(r.candidates[i].score);
    if (answer) w.Key("answer").String(*answer);
    else w.Key("answer").Null();
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

namespace {

// Only the operator who joined a conversation writes in it or leaves it.
bool Holds(Lease& lease, const Operator& op) {
  const auto& h = lease.session().handoff();
  return h.state == dialog::HandoffState::kJoined && h.operator_id == op.id;
}

// Tokens expire by the runtime's clock (--now fixes it in tests and demos).
OperatorAuth::Options WithClock(OperatorAuth::Options o, const std::shared_ptr<dialog::Runtime>& rt) {
  if (!o.clock) o.clock = [rt] { return rt->Now(); };
  return o;
}

}  // namespace

OperatorDesk::OperatorDesk(std::shared_ptr<dialog::Runtime> runtime, Store* store, std::vector<Operator> operators,
                           OperatorAuth::Options auth, Teaching teaching)
    : runtime_(std::move(runtime)),
      store_(store),
      auth_(std::move(operators), store, WithClock(std::move(auth), runtime_)),
      teaching_(std::move(teaching)) {}

http::Response OperatorDesk::Handle(const http::Request& req) {
  const std::string_view path = std::string_view(req.path).substr(std::string_view("/api/v1/operator/").size());
  if (path == "login") return req.method == "POST" ? LogIn(req) : Error(405, "method not allowed (use POST)");
  if (path == "logout") return req.method == "POST" ? LogOut(req) : Error(405, "method not allowed (use POST)");
  auto op = auth_.Authenticate(req);
  if (!op.ok()) return Error(op.status().code() == Code::kIo ? 503 : 401, op.status().message());
  if (path == "queue") return req.method == "GET" ? Queue() : Error(405, "method not allowed (use GET)");
  if (path == "intents") return req.method == "GET" ? Intents() : Error(405, "method not allowed (use GET)");
  if (path == "teach") return req.method == "POST" ? Teach(*op.value(), req.body) : Error(405, "method not allowed (use POST)");
  constexpr std::string_view kConv = "conversations/";
  if (path.rfind(kConv, 0) == 0) {
    std::string_view rest = path.substr(kConv.size());
    const size_t slash = rest.find('/');
    if (slash != std::string_view::npos) {
      if (req.method != "POST") return Error(405, "method not allowed (use POST)");
      return Conversation(*op.value(), rest.substr(0, slash), rest.substr(slash + 1), req.body);
    }
  }
  return Error(404, "not found");
}

// ---- logging in and out ----------------------------------------------------

http::Response OperatorDesk::LogIn(const http::Request& req) {
  const nlohmann::json j = ParseObject(req.body);
  if (j.is_null() || !j.contains("id") || !j["id"].is_string() || !j.contains("password") ||
      !j["password"].is_string()) {
    return Error(400, "expected {\"id\": \"...\", \"password\": \"...\"}");
  }
  auto login = auth_.LogIn(j["id"].get<std::string>(), j["password"].get<std::string>(), req.peer);
  if (!login.ok()) {
    const Code c = login.status().code();
    http::Response r = Error(c == Code::kLimit ? 429 : c == Code::kIo ? 503 : 401, login.status().message());
    if (c == Code::kLimit) r.Set("Retry-After", "60");
    return r;
  }
  const OperatorAuth::Login& l = login.value();
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("token").String(l.token);
  w.Key("csrf").String(l.csrf);
  w.Key("operator").BeginObject();
  w.Key("id").String(l.op->id);
  w.Key("name").String(l.op->name);
  w.Key("languages").BeginArray();
  for (const std::string& lang : l.op->languages) w.String(lang);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  http::Response r = Json(200, std::move(out));
  const bool https = req.Header("x-forwarded-proto") == "https";
  r.Set("Set-Cookie", "zari_operator=" + l.token + "; HttpOnly; SameSite=Strict; Path=/api/v1/operator; Max-Age=43200" +
                          (https ? "; Secure" : ""));
  return r;
}

http::Response OperatorDesk::LogOut(const http::Request& req) {
  auth_.LogOut(req);
  http::Response r = Json(200, "{\"ok\":true}");
  r.Set("Set-Cookie", "zari_operator=; HttpOnly; SameSite=Strict; Path=/api/v1/operator; Max-Age=0");
  return r;
}

// ---- the queue -------------------------------------------------------------

void OperatorDesk::PutQueue(const std::string& id, const dialog::Session& session, bool after_hours) {
  const dialog::HandoffStatus& h = session.handoff();
  nlohmann::json rec;
  auto old = store_->GetRecord("queue", id);
  if (old.ok() && old.value()) rec = nlohmann::json::parse(*old.value(), nullptr, false);
  if (!rec.is_object()) rec = {{"waiting_since", h.since > 0 ? h.since : Now()}, {"after_hours", after_hours}};
  rec["status"] = h.state == dialog::HandoffState::kJoined ? "joined" : "waiting";
  rec["operator"] = h.operator_id;
  rec["operator_name"] = h.operator_name;
  rec["language"] = std::string(text::LangCode(session.language()));
  rec["channel"] = session.channel();
  if (h.reason != HandoffReason::kNone) rec["reason"] = std::string(HandoffReasonName(h.reason));
  rec["callback"] = CallbackPhone(session);
  (void)store_->PutRecord("queue", id, rec.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response OperatorDesk::Queue() {
  auto records = store_->ListRecords("queue");
  if (!records.ok()) return Error(503, records.status().message());
  std::vector<std::pair<nlohmann::json, std::string>> items;  // (record, transcript)
  for (auto& [id, value] : records.value()) {
    Lease lease = store_->AcquireExisting(id);
    if (!lease) {
      if (lease.status().ok()) (void)store_->DeleteRecord("queue", id);  // the conversation expired
      continue;
    }
    nlohmann::json rec = nlohmann::json::parse(value, nullptr, false);
    if (!rec.is_object()) continue;
    rec["session"] = id;
    items.emplace_back(std::move(rec), TranscriptJson(lease.session()));
  }
  // Waiting ones first, oldest first: after-hours requests from the night
  // are at the top when the first operator logs in.
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    const bool wa = a.first["status"] == "waiting", wb = b.first["status"] == "waiting";
    if (wa != wb) return wa;
    return a.first.value("waiting_since", int64_t{0}) < b.first.value("waiting_since", int64_t{0});
  });
  std::string out = "{\"conversations\":[";
  for (size_t i = 0; i < items.size(); ++i) {
    std::string rec = items[i].first.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    rec.pop_back();  // the record's members, then its transcript
    out += (i ? "," : "") + rec + ",\"transcript\":" + items[i].second + "}";
  }
  out += "]}";
  return Json(200, std::move(out));
}

// ---- one conversation ------------------------------------------------------

http::Response OperatorDesk::Conversation(const Operator& op, std::string_view id, std::string_view verb,
                                          const std::string& body) {
  if (!IsValidSessionId(id)) return Error(404, "unknown session");
  const std::string sid(id);
  if (verb == "join") return Join(op, sid);
  if (verb == "messages") return Write(op, sid, body);
  if (verb == "leave") return Leave(op, sid, body);
  return Error(404, "not found");
}

http::Response OperatorDesk::Join(const Operator& op, const std::string& id) {
  Lease lease = store_->AcquireExisting(id);
  if (!lease) return Missing(lease);
  Status s = lease.session().OperatorJoin(op.id, op.name);
  if (!s.ok()) {
    const auto& h = lease.session().handoff();
    return s.code() == Code::kBusy ? Error(409, h.operator_name + " holds this conversation") : Error(400, s.message());
  }
  PutQueue(id, lease.session(), false);
  const std::string transcript = TranscriptJson(lease.session());
  lease.Release();
  std::string name;
  json::AppendString(&name, op.name);
  Tell(id, "operator_joined", "\"operator\":" + name);
  std::string who;
  json::AppendString(&who, op.id);
  Tell(kOperatorFeed, "joined", "\"session\":\"" + id + "\",\"operator\":" + who + ",\"operator_name\":" + name);
  return Json(200, "{\"session\":\"" + id + "\",\"status\":\"joined\",\"transcript\":" + transcript + "}");
}

http::Response OperatorDesk::Write(const Operator& op, const std::string& id, const std::string& body) {
  const nlohmann::json j = ParseObject(body);
  if (j.is_null() || !j.contains("text") || !j["text"].is_string() || j["text"].get_ref<const std::string&>().empty()) {
    return Error(400, "expected {\"text\": \"...\"}");
  }
  const std::string& text = j["text"].get_ref<const std::string&>();
  if (text.size() > kMaxOperatorText) return Error(400, "'text' is longer than 4096 bytes");
  Lease lease = store_->AcquireExisting(id);
  if (!lease) return Missing(lease);
  if (!Holds(lease, op)) return Error(403, "join the conversation first");
  if (Status s = lease.session().OperatorMessage(text); !s.ok()) return Error(403, s.message());
  lease.Release();
  std::string fields = "\"role\":\"operator\",\"text\":";
  json::AppendString(&fields, text);
  fields += ",\"operator\":";
  json::AppendString(&fields, op.name);
  auto seq = store_->Append(id, "message", fields, Now());
  Tell(kOperatorFeed, "operator_message", "\"session\":\"" + id + "\"," + fields);
  return Json(200, "{\"seq\":" + std::to_string(seq.ok() ? seq.value() : 0) + "}");
}

http::Response OperatorDesk::Leave(const Operator& op, const std::string& id, const std::string& body) {
  const nlohmann::json j = ParseObject(body.empty() ? "{}" : body);
  if (j.is_null() || (j.contains("resolved") && !j["resolved"].is_boolean())) {
    return Error(400, "expected {\"resolved\": true or false}");
  }
  const bool resolved = j.value("resolved", false);
  Lease lease = store_->AcquireExisting(id);
  if (!lease) return Missing(lease);
  if (!Holds(lease, op)) return Error(403, "join the conversation first");
  if (Status s = lease.session().OperatorLeave(resolved); !s.ok()) return Error(403, s.message());
  lease.Release();
  (void)store_->DeleteRecord("queue", id);
  const std::string r = resolved ? "true" : "false";
  std::string name;
  json::AppendString(&name, op.name);
  Tell(id, "operator_left", "\"operator\":" + name + ",\"resolved\":" + r);
  Tell(kOperatorFeed, "left", "\"session\":\"" + id + "\",\"operator_name\":" + name + ",\"resolved\":" + r);
  return Json(200, "{\"ok\":true}");
}

// ---- teaching ---------------------------------------------------------------

http::Response OperatorDesk::Intents() const {
  auto engine = runtime_->engine();
  const pack::Pack& p = engine->pack();
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("intents").BeginArray();
  for (int32_t i = 0; i < static_cast<int32_t>(engine->intent_count()); ++i) {
    w.BeginObject();
    w.Key("id").String(engine->intent(i).id);
    w.Key("titles").BeginObject();
    for (text::Lang l : p.languages) w.Key(text::LangCode(l)).String(engine->Title(i, l));
    w.EndObject();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return Json(200, std::move(out));
}

http::Response OperatorDesk::Teach(const Operator& op, const std::string& body) {
  if (teaching_.learn_file.empty() || !teaching_.reload) {
    return Error(404, "teaching is off: the pack is one file (zari serve --learn FILE in a pack directory)");
  }
  const nlohmann::json j = ParseObject(body);
  for (const char* key : {"text", "intent", "language"}) {
    if (j.is_null() || !j.contains(key) || !j[key].is_string()) {
      return Error(400, "expected {\"text\": \"...\", \"intent\": \"...\", \"language\": \"ka|az|en\"}");
    }
  }
  const std::string& intent = j["intent"].get_ref<const std::string&>();
  const std::string& code = j["language"].get_ref<const std::string&>();
  auto engine = runtime_->engine();
  const text::Lang lang = text::ParseLang(code);
  if (lang == text::Lang::kUnknown) return Error(400, "unknown language '" + code + "' (expected ka, az or en)");
  if (Status s = engine->CheckLanguage(lang); !s.ok()) return Error(400, s.message());
  if (engine->FindIntent(intent) < 0) return Error(400, "unknown intent '" + intent + "'");
  auto pos = pack::AppendLearnedExample(teaching_.learn_file, intent, lang, j["text"].get_ref<const std::string&>());
  if (!pos.ok()) return Error(pos.status().code() == Code::kInvalid ? 400 : 500, pos.status().message());
  if (Status s = teaching_.reload(); !s.ok()) return Error(500, "learned, but the pack did not reload: " + s.message());
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("intent").String(intent);
  w.Key("language").String(text::LangCode(lang));
  w.Key("learned").String(pos.value().ToString());
  w.Key("reloaded").Bool(true);
  w.EndObject();
  std::string fields;
  json::Writer f(&fields);
  f.Key("intent").String(intent);
  f.Key("language").String(text::LangCode(lang));
  f.Key("operator").String(op.id);
  Tell(kOperatorFeed, "taught", std::move(fields));
  return Json(200, std::move(out));
}

void OperatorDesk::Tell(std::string_view id, std::string type, std::string fields) {
  (void)store_->Append(id, std::move(type), std::move(fields), Now());
}

// ---- the visitor's side ----------------------------------------------------

void OperatorDesk::AfterReply(const std::string& id, dialog::Session& session, const Reply& r) {
  const bool handed = r.action == Action::kHandoff || r.action == Action::kAfterHours;
  auto queued = store_->GetRecord("queue", id);
  const bool in_queue = queued.ok() && queued.value();
  if (!handed && !in_queue) return;
  PutQueue(id, session, r.action == Action::kAfterHours);
  std::string fields;
  json::Writer w(&fields);
  w.Key("session").String(id);
  w.Key("status").String(session.handoff().state == dialog::HandoffState::kJoined ? "joined" : "waiting");
  w.Key("language").String(text::LangCode(r.lang));
  if (handed && !in_queue) {
    w.Key("reason").String(HandoffReasonName(r.handoff_reason));
    w.Key("after_hours").Bool(r.action == Action::kAfterHours);
    Tell(kOperatorFeed, "waiting", std::move(fields));
    return;
  }
  w.Key("text").String(r.input);
  if (r.action == Action::kRelayed) {
    AppendSuggestions(r, w.Key("suggestions"));
  } else {
    w.Key("reply").String(r.Text());
  }
  Tell(kOperatorFeed, "message", std::move(fields));
}

}  // namespace zari::server
