#include "http_server.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "dialog/reply_json.h"
#include "dialog/session.h"
#include "redis_store.h"
#include "util/json_writer.h"
#include "web_assets.h"
#include "zari/version.h"

namespace zari::server {

namespace {

thread_local HandoffRelay::Outcome tl_outcome = HandoffRelay::Outcome::kNone;

HttpResponse Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse Error(int status, std::string_view message) { return Json(status, ErrorJson(message)); }

std::string_view JsonTypeName(const nlohmann::json& j) {
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

int DefaultWorkers() {
  const unsigned n = std::thread::hardware_concurrency();
  return static_cast<int>(std::max(2u, n));
}

// The request's optional "session" and "language" fields.
struct MessageFields {
  std::string session;
  bool set_lang = false;
  text::Lang lang = text::Lang::kUnknown;
};

std::optional<HttpResponse> ReadMessageFields(const nlohmann::json& j, MessageFields* f) {
  if (auto s = j.find("session"); s != j.end() && !s->is_null()) {
    if (!s->is_string()) return Error(400, "'session' must be a string, got " + std::string(JsonTypeName(*s)));
    f->session = s->get<std::string>();
    if (!f->session.empty() && !IsValidSessionId(f->session)) {
      return Error(400, "'session' must be 1-128 characters of A-Z a-z 0-9 _ . -");
    }
  }
  if (auto l = j.find("language"); l != j.end() && !l->is_null()) {
    if (!l->is_string()) return Error(400, "'language' must be a string, got " + std::string(JsonTypeName(*l)));
    const std::string code = l->get<std::string>();
    f->set_lang = true;
    if (!code.empty() && code != "auto") {
      f->lang = text::ParseLang(code);
      if (f->lang == text::Lang::kUnknown) {
        return Error(400, "unknown language '" + code + "' (expected ka, az, en, a tag such as ka-GE, or auto)");
      }
    }
  }
  return std::nullopt;
}

std::string_view HandoffStatus(Action action, HandoffRelay::Outcome outcome) {
  if (action == Action::kAfterHours) return "after_hours";
  switch (outcome) {
    case HandoffRelay::Outcome::kQueued: return "queued";
    case HandoffRelay::Outcome::kRejected: return "unavailable";
    default: return "not_configured";
  }
}

}  // namespace

std::string ErrorJson(std::string_view message) {
  std::string out = "{\"error\":";
  json::AppendString(&out, message);
  out += "}";
  return out;
}

std::string EventJson(const Event& e) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("seq").Int(static_cast<long long>(e.seq));
  w.Key("type").String(e.type);
  w.Key("ts").Int(e.ts);
  if (!e.fields.empty()) out.append(",").append(e.fields);
  out.push_back('}');
  return out;
}

void HandoffRelay::operator()(const dialog::Handoff& h) const {
  if (!webhook_) {
    tl_outcome = Outcome::kNoWebhook;
    return;
  }
  tl_outcome = webhook_->Enqueue(dialog::HandoffJson(h)) ? Outcome::kQueued : Outcome::kRejected;
}

HandoffRelay::Outcome HandoffRelay::TakeOutcome() {
  Outcome o = tl_outcome;
  tl_outcome = Outcome::kNone;
  return o;
}

namespace {

http::ServerOptions TransportOptions(const HttpServerOptions& o) {
  http::ServerOptions t;
  t.host = o.host;
  t.port = o.port;
  t.io_threads = std::max(1, o.io_threads);
  t.max_connections = o.max_connections;
  t.max_body_bytes = o.max_body_bytes;
  t.io_timeout_ms = o.io_timeout_ms;
  t.keep_alive_ms = o.keep_alive_ms;
  t.log = o.log;
  return t;
}

std::unique_ptr<Store> MakeStore(const std::shared_ptr<dialog::Runtime>& rt, const HttpServerOptions& o) {
  SessionStore::Options so;
  so.max_sessions = o.max_sessions;
  so.idle_timeout_ms = o.session_idle_ms;
  so.now_ms = o.session_clock_ms;
  so.persist = o.persist;
  so.restore = [rt](const std::string& state) -> Result<std::unique_ptr<dialog::Session>> {
    auto s = dialog::Session::Import(rt, state);
    if (!s.ok()) return s.status();
    return std::move(s.value());
  };
  SessionStore::Factory factory = [rt](const std::string& id) { return std::make_unique<dialog::Session>(rt, id, "web"); };
  if (o.redis) {
    RedisStore::Options ro;
    ro.address = *o.redis;
    ro.idle_timeout_ms = o.session_idle_ms;
    return std::make_unique<RedisStore>(std::move(factory), std::move(so.restore), ro);
  }
  return std::make_unique<SessionStore>(std::move(factory), std::move(so));
}

}  // namespace

HttpServer::HttpServer(std::shared_ptr<dialog::Runtime> runtime, HttpServerOptions options, const WebhookSender* webhook,
                       const ReloadStats* reloads)
    : runtime_(std::move(runtime)),
      options_(std::move(options)),
      webhook_(webhook),
      reloads_(reloads),
      store_(MakeStore(runtime_, options_)),
      desk_(options_.operators ? std::make_unique<OperatorDesk>(runtime_, store_.get(), *options_.operators) : nullptr),
      transport_(TransportOptions(options_), [this](std::shared_ptr<http::Exchange> ex) { Handle(std::move(ex)); }),
      workers_(options_.workers > 0 ? options_.workers : DefaultWorkers()),
      started_(std::chrono::steady_clock::now()) {
  // Browsers send Origin without a trailing slash: "https://www.example.ge/" is meant as that origin.
  for (std::string& o : options_.cors_origins) {
    while (o.size() > 1 && o.back() == '/') o.pop_back();
  }
  // "" (a shared store that may have missed some): every waiter reads again.
  store_->SetListener([this](const std::string& id, uint64_t) { id.empty() ? hub_.NotifyAll() : hub_.Notify(id); });
}

HttpServer::~HttpServer() {
  transport_.Stop();
  hub_.Shutdown();
}

Status HttpServer::Bind() {
  if (Status s = store_->Open(); !s.ok()) return s;
  return transport_.Bind();
}

void HttpServer::Run() {
  transport_.Run();
  store_->Flush();
}

void HttpServer::Stop() {
  hub_.Shutdown();  // long polls answer now, streams end
  transport_.Stop();
}

// ---- Routing ---------------------------------------------------------------

void HttpServer::Handle(std::shared_ptr<http::Exchange> ex) {
  if (Route(ex)) return;
  const http::Request& req = ex->request();
  // Wrong methods on the API get 405, not 404.
  auto not_allowed = [&](const char* allow) {
    HttpResponse r = Error(405, std::string("method not allowed (use ") + allow + ")");
    r.Set("Allow", allow);
    Send(ex, std::move(r));
  };
  if (req.path == "/api/v1/message") return not_allowed("POST");
  if (req.path == "/api/v1/events" || req.path == "/api/v1/health" || req.path == "/api/v1/welcome") {
    return not_allowed("GET");
  }
  Send(ex, Error(404, "not found"));
}

bool HttpServer::Route(const std::shared_ptr<http::Exchange>& ex) {
  const http::Request& req = ex->request();
  const std::string& m = req.method;
  const std::string& p = req.path;
  if (p.rfind("/api/v1/operator/", 0) == 0) {
    HandleOperator(ex);
  } else if (m == "OPTIONS" && p.rfind("/api/v1/", 0) == 0) {
    Preflight(ex);
  } else if (m == "POST" && p == "/api/v1/message") {
    workers_.Post([this, ex] { Send(ex, HandleMessage(ex->request().body)); });
  } else if (m == "GET" && p == "/api/v1/events") {
    HandleEvents(ex);
  } else if (m == "GET" && p == "/api/v1/health") {
    workers_.Post([this, ex] { Send(ex, HandleHealth()); });  // asks the store: may wait on its server
  } else if (m == "GET" && p == "/api/v1/welcome") {
    Send(ex, HandleWelcome());
  } else if (m == "GET" && p == "/widget.js") {
    Asset(ex, "widget.js");
  } else if (m == "GET" && (p == "/" || p == "/index.html")) {
    Asset(ex, "index.html");
  } else if (m == "GET" && (p == "/operator" || p == "/operator/")) {
    Asset(ex, "operator.html");
  } else if (m == "GET" && p == "/operator.js") {
    Asset(ex, "operator.js");
  } else if (m == "GET" && p == "/favicon.ico") {
    ++requests_;
    HttpResponse r;
    r.status = 204;  // no icon, and no 404 in the browser's console
    r.content_type.clear();
    ex->Respond(std::move(r));
  } else {
    return false;
  }
  return true;
}

bool HttpServer::OriginAllowed(std::string_view origin) const {
  if (origin.empty()) return false;
  for (const std::string& o : options_.cors_origins) {
    if (o == "*" || o == origin) return true;
  }
  return false;
}

void HttpServer::Decorate(const http::Request& req, HttpResponse& res) const {
  if (!res.Has("X-Content-Type-Options")) res.Set("X-Content-Type-Options", "nosniff");
  if (res.content_type.rfind("application/json", 0) == 0 && !res.Has("Cache-Control")) {
    res.Set("Cache-Control", "no-store");
  }
  const std::string origin(req.Header("origin"));
  const bool operator_side = req.path.rfind("/api/v1/operator/", 0) == 0;  // never cross-origin
  if (!operator_side && OriginAllowed(origin) && !res.Has("Access-Control-Allow-Origin")) {
    const bool any = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "*") !=
                     options_.cors_origins.end();
    res.Set("Access-Control-Allow-Origin", any ? "*" : origin);
    if (!any) res.Set("Vary", "Origin");
  }
}

void HttpServer::Send(const std::shared_ptr<http::Exchange>& ex, HttpResponse r) {
  ++requests_;
  if (r.status >= 500) ++server_errors_;
  else if (r.status >= 400) ++client_errors_;
  Decorate(ex->request(), r);
  ex->Respond(std::move(r));
}

void HttpServer::Preflight(const std::shared_ptr<http::Exchange>& ex) {
  ++requests_;
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  if (OriginAllowed(ex->request().Header("origin"))) {
    r.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    r.Set("Access-Control-Allow-Headers", "Content-Type");
    r.Set("Access-Control-Max-Age", "600");
  }
  Decorate(ex->request(), r);
  ex->Respond(std::move(r));
}

void HttpServer::Asset(const std::shared_ptr<http::Exchange>& ex, const char* name) {
  ++requests_;
  const WebAsset* a = FindWebAsset(name);
  HttpResponse r;
  if (!a) {
    r = Error(404, "not found");
  } else {
    r.content_type = std::string(a->content_type);
    r.body.assign(a->data.data(), a->data.size());
    r.Set("Cache-Control", "public, max-age=300");
    // The widget is loaded by other sites' pages; the demo page is not framed.
    if (std::string_view(name) == "widget.js") r.Set("Cross-Origin-Resource-Policy", "cross-origin");
    else r.Set("X-Frame-Options", "DENY");
    if (std::string_view(name) == "operator.html") {
      // The console runs only its own script; nothing may frame it.
      r.Set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
            "frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
      r.Set("Referrer-Policy", "no-referrer");
    }
  }
  Decorate(ex->request(), r);
  ex->Respond(std::move(r));
}

// ---- /api/v1/operator/ ----------------------------------------------------

namespace {

// Whether a browser says the request comes from a page of another site:
// operator calls never do (whatever --cors allows for the widget).
bool CrossOrigin(const http::Request& req) {
  if (req.Header("sec-fetch-site") == "cross-site") return true;
  const std::string_view origin = req.Header("origin");
  if (origin.empty() || origin == "null") return !origin.empty();
  const size_t scheme = origin.find("://");
  const std::string_view host = scheme == std::string_view::npos ? origin : origin.substr(scheme + 3);
  return host != req.Header("host");
}

}  // namespace

void HttpServer::HandleOperator(const std::shared_ptr<http::Exchange>& ex) {
  const http::Request& req = ex->request();
  if (!desk_) return Send(ex, Error(404, "no operators here (start zari serve with --operators FILE)"));
  if (CrossOrigin(req)) return Send(ex, Error(403, "operator calls are not allowed from other sites"));
  if (req.method == "OPTIONS") return Send(ex, Error(403, "operator calls are not allowed from other sites"));
  if (req.path != "/api/v1/operator/events") {
    return workers_.Post([this, ex] { Send(ex, desk_->Handle(ex->request())); });
  }
  workers_.Post([this, ex] {
    auto op = desk_->Authenticate(ex->request());
    if (!op.ok()) return Send(ex, Error(op.status().code() == Code::kIo ? 503 : 401, op.status().message()));
    HandleEvents(ex, std::string(kOperatorFeed));
  });
}

// ---- POST /api/v1/message -------------------------------------------------

HttpResponse HttpServer::HandleMessage(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(400, "malformed JSON (expected {\"text\": \"...\"} in UTF-8)");
  if (!j.is_object()) return Error(400, "expected a JSON object, got " + std::string(JsonTypeName(j)));
  auto text = j.find("text");
  if (text == j.end()) return Error(400, "missing field 'text'");
  if (!text->is_string()) return Error(400, "'text' must be a string, got " + std::string(JsonTypeName(*text)));
  MessageFields f;
  if (auto bad = ReadMessageFields(j, &f)) return *bad;

  Lease lease = store_->Acquire(f.session);
  if (!lease) return Error(503, "conversations are unavailable right now: " + lease.status().message());
  if (f.set_lang) {
    Status s = lease.session().SetLanguage(f.lang);
    if (!s.ok()) return Error(400, s.message());
  }
  HandoffRelay::TakeOutcome();
  Reply r;
  lease.session().Respond(text->get_ref<const std::string&>(), &r);
  const HandoffRelay::Outcome outcome = HandoffRelay::TakeOutcome();
  if (desk_) desk_->AfterReply(lease.id(), lease.session(), r);
  const std::string id = lease.id();
  const bool created = lease.created();
  lease.Release();  // the session is free for its next request

  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("session").String(id);
  w.Key("new_session").Bool(created);
  dialog::AppendReplyMembers(r, w);
  if (r.action == Action::kHandoff || r.action == Action::kAfterHours) {
    w.Key("handoff").BeginObject();
    w.Key("status").String(desk_ && r.action == Action::kHandoff ? "waiting" : HandoffStatus(r.action, outcome));
    w.Key("logged").Bool(runtime_->log() != nullptr);
    w.EndObject();
  }
  w.EndObject();
  return Json(200, std::move(out));
}

// ---- GET /api/v1/welcome, /api/v1/health ----------------------------------

HttpResponse HttpServer::HandleWelcome() const {
  auto engine = runtime_->engine();
  const pack::Pack& p = engine->pack();
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("name").String(p.name);
  w.Key("version").String(p.version);
  w.Key("languages").BeginArray();
  for (text::Lang l : p.languages) w.String(text::LangCode(l));
  w.EndArray();
  w.Key("default_language").String(text::LangCode(p.DefaultLanguage()));
  w.Key("operators_online").Bool(engine->schedule().IsOpen(runtime_->Now()));
  w.Key("welcome").BeginObject();
  for (text::Lang l : p.languages) w.Key(text::LangCode(l)).String(engine->Message(MessageKind::kWelcome, l));
  w.EndObject();
  w.EndObject();
  return Json(200, std::move(out));
}

HttpResponse HttpServer::HandleHealth() const {
  auto engine = runtime_->engine();
  const pack::Pack& p = engine->pack();
  const Status store_ok = store_->Check();
  StoreStats ss = store_->stats();
  if (!store_ok.ok()) ss.last_error = store_ok.message();
  nlohmann::json j;
  // A store that cannot be written or reached: conversations fail with 503,
  // and so does this, so that a load balancer sends visitors elsewhere.
  j["status"] = store_ok.ok() ? "ok" : "degraded";
  j["version"] = ZARI_VERSION_STRING;
  nlohmann::json langs = nlohmann::json::array();
  for (text::Lang l : p.languages) langs.push_back(std::string(text::LangCode(l)));
  j["pack"] = {{"name", p.name}, {"version", p.version}, {"intents", engine->intent_count()}, {"languages", langs}};
  j["uptime_s"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  j["operators_online"] = engine->schedule().IsOpen(runtime_->Now());
  j["sessions"] = {{"active", ss.active},   {"capacity", ss.capacity}, {"created", ss.created},
                   {"expired", ss.expired}, {"evicted", ss.evicted},   {"idle_timeout_s", options_.session_idle_ms / 1000}};
  j["store"] = {{"backend", ss.backend},
                {"restored", ss.restored},
                {"pending", ss.pending},
                {"last_error", ss.last_error}};
  const http::ServerStats ts = transport_.stats();
  j["connections"] = {{"open", ts.open},          {"accepted", ts.accepted}, {"refused", ts.refused},
                      {"streaming", ts.streaming}, {"waiting", hub_.waiting()}, {"timeouts", ts.timeouts}};
  if (runtime_->log()) {
    const log::LogStats ls = runtime_->log_stats();
    j["log"] = {{"enabled", true},         {"enqueued", ls.enqueued},
                {"written", ls.written},   {"dropped", ls.dropped},
                {"failed_writes", ls.failed_writes}, {"last_error", ls.last_error}};
  } else {
    j["log"] = {{"enabled", false}};
  }
  if (webhook_) {
    const WebhookStats ws = webhook_->stats();
    j["webhook"] = {{"enabled", true},        {"queued", ws.queued},   {"delivered", ws.delivered},
                    {"retries", ws.retries},  {"failed", ws.failed},   {"rejected", ws.rejected},
                    {"pending", ws.pending},  {"last_error", ws.last_error}};
  } else {
    j["webhook"] = {{"enabled", false}};
  }
  if (reloads_) {
    j["reloads"] = {{"ok", reloads_->ok()}, {"failed", reloads_->failed()}, {"last_error", reloads_->last_error()}};
  }
  j["requests"] = {{"total", requests_.load() + ts.too_large + ts.malformed + ts.timeouts},
                   {"client_errors", client_errors_.load() + ts.too_large + ts.malformed + ts.timeouts},
                   {"server_errors", server_errors_.load()}};
  return Json(store_ok.ok() ? 200 : 503, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// ---- GET /api/v1/events ----------------------------------------------------

// One Server-Sent Events stream: the events after `last` are sent in order,
// by one Pump at a time.
struct HttpServer::EventStream {
  std::shared_ptr<http::Exchange> ex;
  std::string id;
  std::mutex mu;  // one Pump at a time
  uint64_t last = 0;
  uint64_t waiter = 0;
  bool closed = false;
};

void HttpServer::HandleEvents(const std::shared_ptr<http::Exchange>& ex, std::string feed) {
  const http::Request& req = ex->request();
  bool has_session = !feed.empty();
  const std::string id = feed.empty() ? req.Param("session", &has_session) : feed;
  if (!has_session || (feed.empty() && !IsValidSessionId(id))) {
    return Send(ex, Error(400, "'session' must be a session id (1-128 characters of A-Z a-z 0-9 _ . -)"));
  }
  // A reconnecting EventSource says where it stopped in Last-Event-ID.
  std::string after_text = std::string(req.Header("last-event-id"));
  if (after_text.empty()) after_text = req.Param("after");
  uint64_t after = 0;
  if (!after_text.empty() && (after_text.size() > 18 || after_text.find_first_not_of("0123456789") != std::string::npos)) {
    return Send(ex, Error(400, "'after' must be an event sequence number (0, 1, 2, ...)"));
  }
  if (!after_text.empty()) after = std::stoull(after_text);
  const std::string wait_text = req.Param("wait");
  int wait = 25;
  if (!wait_text.empty()) {
    if (wait_text.size() > 2 || wait_text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(wait_text) > options_.max_wait_s) {
      return Send(ex, Error(400, "'wait' must be 0 to " + std::to_string(options_.max_wait_s) + " seconds"));
    }
    wait = std::stoi(wait_text);
  }
  const bool sse = req.Header("accept").find("text/event-stream") != std::string_view::npos;
  workers_.Post([this, ex, id, after, wait, sse] {
    if (sse) StartStream(ex, id, after);
    else LongPoll(ex, id, after, wait);
  });
}

void HttpServer::AnswerPoll(const std::shared_ptr<http::Exchange>& ex, const std::string& id, uint64_t after) {
  auto page = store_->Read(id, after, 100);
  if (!page.ok()) {
    return Send(ex, Error(page.status().code() == Code::kNotFound ? 404 : 503,
                          page.status().code() == Code::kNotFound ? "unknown session" : page.status().message()));
  }
  std::string out = "{\"events\":[";
  for (size_t i = 0; i < page.value().events.size(); ++i) {
    if (i) out.push_back(',');
    out += EventJson(page.value().events[i]);
  }
  out += "],\"next\":" + std::to_string(page.value().next) + "}";
  Send(ex, Json(200, std::move(out)));
}

void HttpServer::LongPoll(std::shared_ptr<http::Exchange> ex, std::string id, uint64_t after, int wait_s) {
  // Registered before reading, so an event appended in between wakes it.
  uint64_t waiter = 0;
  if (wait_s > 0) {
    const auto deadline = EventHub::Clock::now() + std::chrono::seconds(wait_s);
    waiter = hub_.Wait(id, deadline, [this, ex, id, after](bool) {
      workers_.Post([this, ex, id, after] { AnswerPoll(ex, id, after); });
    });
    ex->OnClose([this, waiter] { hub_.Cancel(waiter); });
  }
  auto page = store_->Read(id, after, 1);
  if (!page.ok() || !page.value().events.empty() || wait_s == 0) {
    if (waiter) hub_.Cancel(waiter);
    AnswerPoll(ex, id, after);
  }
}

void HttpServer::StartStream(std::shared_ptr<http::Exchange> ex, std::string id, uint64_t after) {
  auto page = store_->Read(id, after, 1);
  if (!page.ok()) return AnswerPoll(ex, id, after);  // 404 or 503, as JSON
  ++requests_;
  HttpResponse head;
  head.content_type = "text/event-stream; charset=utf-8";
  head.Set("Cache-Control", "no-store");
  head.Set("X-Accel-Buffering", "no");  // nginx: pass events on at once
  head.body = "retry: 3000\n\n";         // reconnect after 3 s
  Decorate(ex->request(), head);
  ex->StartStream(std::move(head));
  auto s = std::make_shared<EventStream>();
  s->ex = ex;
  s->id = std::move(id);
  s->last = after;
  ex->OnClose([this, s] {
    std::lock_guard<std::mutex> lock(s->mu);
    s->closed = true;
    hub_.Cancel(s->waiter);
  });
  Pump(s, false);
}

// Sends what is new, then waits for more (15 s at most: a comment keeps the
// connection alive through proxies).
void HttpServer::Pump(const std::shared_ptr<EventStream>& s, bool heartbeat) {
  std::lock_guard<std::mutex> lock(s->mu);
  if (s->closed) return;
  if (heartbeat) s->ex->Send(": keep-alive\n\n");
  hub_.Cancel(s->waiter);
  s->waiter = hub_.Wait(s->id, EventHub::Clock::now() + std::chrono::seconds(15), [this, s](bool timed_out) {
    workers_.Post([this, s, timed_out] { Pump(s, timed_out); });
  });
  auto page = store_->Read(s->id, s->last, 100);
  if (!page.ok()) {  // the conversation expired: end the stream
    hub_.Cancel(s->waiter);
    s->closed = true;
    s->ex->Finish();
    return;
  }
  for (const Event& e : page.value().events) {
    s->ex->Send("id: " + std::to_string(e.seq) + "\ndata: " + EventJson(e) + "\n\n");
    s->last = e.seq;
  }
}

}  // namespace zari::server
