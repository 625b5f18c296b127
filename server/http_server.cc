#include "http_server.h"

#include <httplib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <thread>

#include "dialog/reply_json.h"
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

std::string_view StatusText(int status) {
  switch (status) {
    case 400: return "bad request";
    case 403: return "forbidden";
    case 404: return "not found";
    case 405: return "method not allowed";
    case 408: return "request timeout";
    case 413: return "request body too large";
    case 414: return "request URI too long";
    case 415: return "unsupported media type";
    case 416: return "range not satisfiable";
    case 431: return "request header fields too large";
    case 503: return "service unavailable";
    default: return status >= 500 ? "internal server error" : "request failed";
  }
}

std::string_view JsonTypeName(const nlohmann::json& j) {
  if (j.is_string()) return "a string";
  if (j.is_number()) return "a number";
  if (j.is_boolean()) return "a boolean";
  if (j.is_array()) return "an array";
  if (j.is_object()) return "an object";
  return "null";
}

}  // namespace

std::string ErrorJson(std::string_view message) {
  std::string out = "{\"error\":";
  json::AppendString(&out, message);
  out += "}";
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

HttpServer::HttpServer(std::shared_ptr<dialog::Runtime> runtime, HttpServerOptions options, const WebhookSender* webhook,
                       const ReloadStats* reloads)
    : runtime_(std::move(runtime)),
      options_(std::move(options)),
      webhook_(webhook),
      reloads_(reloads),
      sessions_(
          [rt = runtime_](const std::string& id) { return std::make_unique<dialog::Session>(rt, id, "web"); },
          SessionStore::Options{options_.max_sessions, options_.session_idle_ms, options_.session_clock_ms}),
      http_(std::make_unique<httplib::Server>()),
      started_(std::chrono::steady_clock::now()) {
  // Browsers send Origin without a trailing slash: "https://www.example.ge/" is meant as that origin.
  for (std::string& o : options_.cors_origins) {
    while (o.size() > 1 && o.back() == '/') o.pop_back();
  }
  Install();
}

HttpServer::~HttpServer() = default;

bool HttpServer::OriginAllowed(const std::string& origin) const {
  if (origin.empty()) return false;
  for (const std::string& o : options_.cors_origins) {
    if (o == "*" || o == origin) return true;
  }
  return false;
}

void HttpServer::Decorate(const httplib::Request& req, httplib::Response& res) const {
  if (!res.has_header("X-Content-Type-Options")) res.set_header("X-Content-Type-Options", "nosniff");
  const std::string origin = req.get_header_value("Origin");
  if (OriginAllowed(origin) && !res.has_header("Access-Control-Allow-Origin")) {
    const bool any = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "*") !=
                     options_.cors_origins.end();
    res.set_header("Access-Control-Allow-Origin", any ? "*" : origin);
    if (!any) res.set_header("Vary", "Origin");
  }
}

void HttpServer::Install() {
  httplib::Server& s = *http_;
  const size_t threads = static_cast<size_t>(std::max(1, options_.threads));
  s.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  s.set_payload_max_length(options_.max_body_bytes);
  s.set_read_timeout(options_.io_timeout_s, 0);
  s.set_write_timeout(options_.io_timeout_s, 0);
  s.set_keep_alive_timeout(5);
  s.set_keep_alive_max_count(100);

  auto send = [this](const httplib::Request& req, httplib::Response& res, const HttpResponse& r) {
    ++requests_;
    if (r.status >= 500) ++server_errors_;
    else if (r.status >= 400) ++client_errors_;
    res.status = r.status;
    res.set_content(r.body, r.content_type.c_str());
    if (r.content_type.rfind("application/json", 0) == 0) res.set_header("Cache-Control", "no-store");
    Decorate(req, res);
  };

  s.Post("/api/v1/message", [this, send](const httplib::Request& req, httplib::Response& res) {
    send(req, res, HandleMessage(req.body));
  });
  s.Get("/api/v1/health", [this, send](const httplib::Request& req, httplib::Response& res) {
    send(req, res, HandleHealth());
  });
  s.Get("/api/v1/welcome", [this, send](const httplib::Request& req, httplib::Response& res) {
    send(req, res, HandleWelcome());
  });
  // Wrong methods on the API get 405, not 404.
  auto not_allowed = [send](const char* allow) {
    return [send, allow](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allow);
      send(req, res, Error(405, std::string("method not allowed (use ") + allow + ")"));
    };
  };
  s.Get("/api/v1/message", not_allowed("POST"));
  s.Put("/api/v1/message", not_allowed("POST"));
  s.Delete("/api/v1/message", not_allowed("POST"));
  s.Post("/api/v1/(health|welcome)", not_allowed("GET"));
  // CORS preflight.
  s.Options("/api/v1/(message|health|welcome)", [this](const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    res.status = 204;
    if (OriginAllowed(req.get_header_value("Origin"))) {
      res.set_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
      res.set_header("Access-Control-Allow-Headers", "Content-Type");
      res.set_header("Access-Control-Max-Age", "600");
    }
    Decorate(req, res);
  });

  auto asset = [this](const char* name) {
    return [this, name](const httplib::Request& req, httplib::Response& res) {
      ++requests_;
      const WebAsset* a = FindWebAsset(name);
      if (!a) {
        res.status = 404;
        return;
      }
      res.set_content(a->data.data(), a->data.size(), std::string(a->content_type).c_str());
      res.set_header("Cache-Control", "public, max-age=300");
      if (std::string_view(name) == "widget.js") {
        // The widget is loaded by other sites' pages.
        res.set_header("Cross-Origin-Resource-Policy", "cross-origin");
      } else {
        res.set_header("X-Frame-Options", "DENY");
      }
      Decorate(req, res);
    };
  };
  s.Get("/widget.js", asset("widget.js"));
  s.Get("/", asset("index.html"));
  s.Get("/index.html", asset("index.html"));
  s.Get("/favicon.ico", [this](const httplib::Request&, httplib::Response& res) {
    ++requests_;
    res.status = 204;  // no icon, and no 404 in the browser's console
  });

  // Anything that did not produce a body (404, 413 from the size limit, 400
  // from a malformed request line…) gets a JSON error.
  s.set_error_handler(httplib::Server::HandlerWithResponse(
      [this](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
    ++requests_;
    if (res.status >= 500) ++server_errors_;
    else ++client_errors_;
    std::string message(StatusText(res.status));
    if (res.status == 413) message += " (the limit is " + std::to_string(options_.max_body_bytes) + " bytes)";
    res.set_content(ErrorJson(message), "application/json; charset=utf-8");
    Decorate(req, res);
    return httplib::Server::HandlerResponse::Handled;
  }));
  s.set_exception_handler([this](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
    std::string what = "unknown exception";
    try {
      if (ep) std::rethrow_exception(ep);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
    }
    if (options_.log) options_.log("internal error on " + req.method + " " + req.path + ": " + what);
    ++requests_;
    ++server_errors_;
    res.status = 500;
    res.set_content(ErrorJson("internal server error"), "application/json; charset=utf-8");
    Decorate(req, res);
  });
}

Status HttpServer::Bind() {
  if (options_.port == 0) {
    int p = http_->bind_to_any_port(options_.host);
    if (p <= 0) return Status(Code::kIo, "cannot listen on " + options_.host + ": no free port");
    port_ = p;
  } else {
    if (!http_->bind_to_port(options_.host, options_.port)) {
      return Status(Code::kIo, "cannot listen on " + options_.host + ":" + std::to_string(options_.port) +
                                   " (in use, or not an address of this machine?)");
    }
    port_ = options_.port;
  }
  return Status::Ok();
}

void HttpServer::Run() {
  running_ = true;
  if (!stop_requested_) http_->listen_after_bind();
  running_ = false;
}

void HttpServer::Stop() {
  stop_requested_ = true;
  // httplib's stop() only stops a server that is already listening: if Run()
  // is between its check and the listening loop, wait for the loop.
  while (running_) {
    if (http_->is_running()) {
      http_->stop();
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
}

HttpResponse HttpServer::HandleMessage(std::string_view body) {
  nlohmann::json j = nlohmann::json::parse(body.begin(), body.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Error(400, "malformed JSON (expected {\"text\": \"...\"} in UTF-8)");
  if (!j.is_object()) return Error(400, "expected a JSON object, got " + std::string(JsonTypeName(j)));
  auto text = j.find("text");
  if (text == j.end()) return Error(400, "missing field 'text'");
  if (!text->is_string()) return Error(400, "'text' must be a string, got " + std::string(JsonTypeName(*text)));
  std::string session_id;
  if (auto s = j.find("session"); s != j.end() && !s->is_null()) {
    if (!s->is_string()) return Error(400, "'session' must be a string, got " + std::string(JsonTypeName(*s)));
    session_id = s->get<std::string>();
    if (!session_id.empty() && !IsValidSessionId(session_id)) {
      return Error(400, "'session' must be 1-128 characters of A-Z a-z 0-9 _ . -");
    }
  }
  bool set_lang = false;
  text::Lang lang = text::Lang::kUnknown;
  if (auto l = j.find("language"); l != j.end() && !l->is_null()) {
    if (!l->is_string()) return Error(400, "'language' must be a string, got " + std::string(JsonTypeName(*l)));
    const std::string code = l->get<std::string>();
    set_lang = true;
    if (!code.empty() && code != "auto") {
      lang = text::ParseLang(code);
      if (lang == text::Lang::kUnknown) {
        return Error(400, "unknown language '" + code + "' (expected ka, az, en, a tag such as ka-GE, or auto)");
      }
    }
  }

  SessionStore::Lease lease = sessions_.Acquire(session_id);
  if (set_lang) {
    Status s = lease.session().SetLanguage(lang);
    if (!s.ok()) return Error(400, s.message());
  }
  HandoffRelay::TakeOutcome();
  Reply r;
  lease.session().Respond(text->get_ref<const std::string&>(), &r);
  const HandoffRelay::Outcome outcome = HandoffRelay::TakeOutcome();
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
    std::string_view status = "after_hours";
    if (r.action == Action::kHandoff) {
      switch (outcome) {
        case HandoffRelay::Outcome::kQueued: status = "queued"; break;
        case HandoffRelay::Outcome::kRejected: status = "unavailable"; break;
        default: status = "not_configured"; break;
      }
    }
    w.Key("handoff").BeginObject();
    w.Key("status").String(status);
    w.Key("logged").Bool(runtime_->log() != nullptr);
    w.EndObject();
  }
  w.EndObject();
  return Json(200, std::move(out));
}

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
  nlohmann::json j;
  j["status"] = "ok";
  j["version"] = ZARI_VERSION_STRING;
  nlohmann::json langs = nlohmann::json::array();
  for (text::Lang l : p.languages) langs.push_back(std::string(text::LangCode(l)));
  j["pack"] = {{"name", p.name}, {"version", p.version}, {"intents", engine->intent_count()}, {"languages", langs}};
  j["uptime_s"] =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started_).count();
  j["operators_online"] = engine->schedule().IsOpen(runtime_->Now());
  const SessionStoreStats ss = sessions_.stats();
  j["sessions"] = {{"active", ss.active},   {"capacity", ss.capacity}, {"created", ss.created},
                   {"expired", ss.expired}, {"evicted", ss.evicted},   {"idle_timeout_s", options_.session_idle_ms / 1000}};
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
  j["requests"] = {{"total", requests_.load()}, {"client_errors", client_errors_.load()},
                   {"server_errors", server_errors_.load()}};
  return Json(200, j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace zari::server
