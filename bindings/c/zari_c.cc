// The C API (zari.h) over the C++ engine: one-field handle structs and one
// error funnel, as in LevelDB's db/c.cc. Every extern "C" body runs inside
// Guard(), so no exception crosses the boundary.
#include "zari/zari.h"

#include <atomic>
#include <cstring>
#include <deque>
#include <mutex>
#include <memory>
#include <new>
#include <string>

#include "dialog/handoff.h"
#include "dialog/reply_json.h"
#include "dialog/session.h"
#include "dialog/runtime.h"
#include "util/json_writer.h"

using zari::Code;
using zari::Status;

// Statuses, actions and log levels cross the boundary as plain casts
// (static_cast<int>(s.code()), reply->rep.action, the log callback's level),
// so the C enums must keep the C++ numbers. zari_limit has no C++ enum: its
// values are mapped one by one in zari_options_set_limit.
static_assert(ZARI_OK == static_cast<int>(Code::kOk));
static_assert(ZARI_EINVAL == static_cast<int>(Code::kInvalid));
static_assert(ZARI_ENOMEM == static_cast<int>(Code::kNoMemory));
static_assert(ZARI_ENOTFOUND == static_cast<int>(Code::kNotFound));
static_assert(ZARI_EPACK == static_cast<int>(Code::kPack));
static_assert(ZARI_ESTATE == static_cast<int>(Code::kState));
static_assert(ZARI_EIO == static_cast<int>(Code::kIo));
static_assert(ZARI_ELIMIT == static_cast<int>(Code::kLimit));
static_assert(ZARI_EINTERNAL == static_cast<int>(Code::kInternal));
static_assert(ZARI_ACTION_ANSWER == static_cast<int>(zari::Action::kAnswer));
static_assert(ZARI_ACTION_CLARIFY == static_cast<int>(zari::Action::kClarify));
static_assert(ZARI_ACTION_FALLBACK == static_cast<int>(zari::Action::kFallback));
static_assert(ZARI_ACTION_HANDOFF == static_cast<int>(zari::Action::kHandoff));
static_assert(ZARI_ACTION_AFTER_HOURS == static_cast<int>(zari::Action::kAfterHours));
static_assert(ZARI_LOG_INFO == static_cast<int>(zari::log::LogLevel::kInfo));
static_assert(ZARI_LOG_WARNING == static_cast<int>(zari::log::LogLevel::kWarning));
static_assert(ZARI_LOG_ERROR == static_cast<int>(zari::log::LogLevel::kError));

struct zari_options {
  zari::EngineOptions engine;
  std::string log_db;
  zari_clock_fn clock = nullptr;
  void* clock_data = nullptr;
  zari_handoff_fn handoff = nullptr;
  void* handoff_data = nullptr;
  zari_log_fn log = nullptr;
  void* log_data = nullptr;
};

struct zari_engine {
  std::shared_ptr<zari::dialog::Runtime> rep;
  // The log callback's gate: closed by zari_engine_destroy before it waits
  // for the log writer, so a host whose callback needs the destroying thread
  // (Node, PHP) cannot deadlock.
  std::shared_ptr<std::atomic<bool>> log_gate;
  // Pack name and version for the borrowed getters: every value ever seen is
  // kept until destroy, so a pointer stays valid across concurrent reloads.
  std::mutex names_mu;
  std::deque<std::string> names;
  std::atomic<const char*> name{""};
  std::atomic<const char*> version{""};
};

struct zari_session {
  std::unique_ptr<zari::dialog::Session> rep;
};

struct zari_reply {
  zari::Reply rep;
};

struct zari_handoff {
  const zari::dialog::Handoff* rep;
};

namespace {

thread_local std::string t_last_error;

int Fail(int code, std::string message) {
  t_last_error = std::move(message);
  return code;
}

int FromStatus(const Status& s) {
  if (s.ok()) return ZARI_OK;
  return Fail(static_cast<int>(s.code()), s.message());
}

template <typename F>
int Guard(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return Fail(ZARI_ENOMEM, "out of memory");
  } catch (const std::exception& e) {
    return Fail(ZARI_EINTERNAL, std::string("internal error: ") + e.what());
  } catch (...) {
    return Fail(ZARI_EINTERNAL, "internal error: unknown exception");
  }
}

char* CopyString(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (!p) throw std::bad_alloc();
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

int ParseLanguage(const char* language, zari::text::Lang* out) {
  *out = zari::text::Lang::kUnknown;
  if (!language) return ZARI_OK;
  zari::text::Lang l = zari::text::ParseLang(language);
  if (l == zari::text::Lang::kUnknown) {
    return Fail(ZARI_EINVAL, std::string("unknown language '") + language +
                                 "' (expected ka, az or en, or a tag such as ka-GE)");
  }
  *out = l;
  return ZARI_OK;
}

zari::dialog::RuntimeOptions ToRuntimeOptions(const zari_options* o, const std::shared_ptr<std::atomic<bool>>& log_gate) {
  zari::dialog::RuntimeOptions r;
  if (!o) return r;
  r.engine = o->engine;
  r.log_db = o->log_db;
  if (o->clock) {
    zari_clock_fn fn = o->clock;
    void* data = o->clock_data;
    r.clock = [fn, data] { return fn(data); };
  }
  if (o->handoff) {
    zari_handoff_fn fn = o->handoff;
    void* data = o->handoff_data;
    r.on_handoff = [fn, data](const zari::dialog::Handoff& h) {
      zari_handoff handle{&h};
      fn(&handle, data);
    };
  }
  if (o->log) {
    zari_log_fn fn = o->log;
    void* data = o->log_data;
    r.on_log = [fn, data, log_gate](zari::log::LogLevel level, const std::string& msg) {
      if (log_gate->load()) fn(static_cast<int>(level), msg.c_str(), data);
    };
  }
  return r;
}

void RefreshNames(zari_engine* e) {
  auto snap = e->rep->engine();
  std::lock_guard<std::mutex> lock(e->names_mu);
  auto keep = [&](const std::string& value, std::atomic<const char*>* slot) {
    if (value == slot->load()) return;
    e->names.push_back(value);
    slot->store(e->names.back().c_str());
  };
  keep(snap->pack().name, &e->name);
  keep(snap->pack().version, &e->version);
}

}  // namespace

extern "C" {

int zari_version_number(void) { return ZARI_VERSION_NUMBER; }
const char* zari_version_string(void) { return ZARI_VERSION_STRING; }

const char* zari_status_str(int status) {
  switch (status) {
    case ZARI_OK: return "ok";
    case ZARI_EINVAL: return "invalid argument";
    case ZARI_ENOMEM: return "out of memory";
    case ZARI_ENOTFOUND: return "not found";
    case ZARI_EPACK: return "pack invalid";
    case ZARI_ESTATE: return "session state invalid";
    case ZARI_EIO: return "input/output error";
    case ZARI_ELIMIT: return "limit exceeded";
    case ZARI_EINTERNAL: return "internal error";
    case ZARI_EBUSY: return "conversation busy";
    default: return "unknown status";
  }
}

const char* zari_last_error(void) { return t_last_error.c_str(); }

/* ---- options ---- */

zari_options* zari_options_create(void) { return new (std::nothrow) zari_options(); }
void zari_options_destroy(zari_options* opts) { delete opts; }

int zari_options_set_log_db(zari_options* opts, const char* sqlite_path) {
  return Guard([&]() -> int {
    if (!opts) return Fail(ZARI_EINVAL, "zari_options_set_log_db: opts is NULL");
    opts->log_db = sqlite_path ? sqlite_path : "";
    return ZARI_OK;
  });
}

int zari_options_set_clock(zari_options* opts, zari_clock_fn fn, void* user_data) {
  if (!opts) return Fail(ZARI_EINVAL, "zari_options_set_clock: opts is NULL");
  opts->clock = fn;
  opts->clock_data = user_data;
  return ZARI_OK;
}

int zari_options_set_handoff(zari_options* opts, zari_handoff_fn fn, void* user_data) {
  if (!opts) return Fail(ZARI_EINVAL, "zari_options_set_handoff: opts is NULL");
  opts->handoff = fn;
  opts->handoff_data = user_data;
  return ZARI_OK;
}

int zari_options_set_limit(zari_options* opts, int limit, int64_t value) {
  if (!opts) return Fail(ZARI_EINVAL, "zari_options_set_limit: opts is NULL");
  if (value <= 0 || value > (int64_t{1} << 40)) {
    return Fail(ZARI_EINVAL, "zari_options_set_limit: value must be between 1 and 2^40");
  }
  const size_t v = static_cast<size_t>(value);
  zari::pack::Limits& l = opts->engine.limits;
  switch (limit) {
    case ZARI_LIMIT_PACK_FILE_BYTES: l.max_file_bytes = v; break;
    case ZARI_LIMIT_PACK_BYTES: l.max_total_bytes = v; break;
    case ZARI_LIMIT_PACK_FILES: l.max_files = v; break;
    case ZARI_LIMIT_YAML_NODES: l.max_yaml_nodes = v; break;
    case ZARI_LIMIT_INTENTS: l.max_intents = v; break;
    case ZARI_LIMIT_TEXT_BYTES: l.max_text_bytes = v; break;
    case ZARI_LIMIT_RE2_MEMORY: opts->engine.rules.re2_max_mem = value; break;
    case ZARI_LIMIT_MESSAGE_CODE_POINTS: opts->engine.max_message_code_points = v; break;
    default: return Fail(ZARI_EINVAL, "zari_options_set_limit: unknown limit " + std::to_string(limit));
  }
  return ZARI_OK;
}

int zari_options_set_log_callback(zari_options* opts, zari_log_fn fn, void* user_data) {
  if (!opts) return Fail(ZARI_EINVAL, "zari_options_set_log_callback: opts is NULL");
  opts->log = fn;
  opts->log_data = user_data;
  return ZARI_OK;
}

/* ---- engine ---- */

int zari_engine_load(zari_engine** out, const char* pack_path, const zari_options* opts) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out) return Fail(ZARI_EINVAL, "zari_engine_load: out is NULL");
    if (!pack_path) return Fail(ZARI_EINVAL, "zari_engine_load: pack_path is NULL");
    auto gate = std::make_shared<std::atomic<bool>>(true);
    auto rt = zari::dialog::Runtime::Create(pack_path, ToRuntimeOptions(opts, gate));
    if (!rt.ok()) return FromStatus(rt.status());
    auto* e = new zari_engine();
    e->rep = std::move(rt.value());
    e->log_gate = std::move(gate);
    RefreshNames(e);
    *out = e;
    return ZARI_OK;
  });
}

int zari_engine_reload(zari_engine* engine, const char* pack_path) {
  return Guard([&]() -> int {
    if (!engine) return Fail(ZARI_EINVAL, "zari_engine_reload: engine is NULL");
    Status s = engine->rep->Reload(pack_path ? pack_path : "");
    if (!s.ok()) return FromStatus(s);
    RefreshNames(engine);
    return ZARI_OK;
  });
}

void zari_engine_destroy(zari_engine* engine) {
  if (!engine) return;
  Guard([&]() -> int {
    engine->log_gate->store(false);
    engine->rep->FlushLog();
    delete engine;
    return ZARI_OK;
  });
}

const char* zari_engine_pack_name(const zari_engine* engine) {
  if (!engine) return "";
  return engine->name.load();
}

const char* zari_engine_pack_version(const zari_engine* engine) {
  if (!engine) return "";
  return engine->version.load();
}

int zari_engine_stats_json(char** out, const zari_engine* engine) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !engine) return Fail(ZARI_EINVAL, "zari_engine_stats_json: NULL argument");
    auto snap = engine->rep->engine();
    zari::log::LogStats ls = engine->rep->log_stats();
    std::string s;
    zari::json::Writer w(&s);
    w.BeginObject();
    w.Key("pack").String(snap->pack().name);
    w.Key("pack_version").String(snap->pack().version);
    w.Key("intents").Int(static_cast<long long>(snap->intent_count()));
    w.Key("examples").Int(static_cast<long long>(snap->example_refs().size()));
    w.Key("rules").Int(static_cast<long long>(snap->rules().rule_count()));
    // Messages matched rule by rule because RE2's DFA ran out of memory.
    w.Key("rule_dfa_fallbacks").Int(static_cast<long long>(snap->rules().dfa_fallbacks()));
    w.Key("languages").BeginArray();
    for (auto l : snap->pack().languages) w.String(zari::text::LangCode(l));
    w.EndArray();
    w.Key("log").BeginObject();
    w.Key("enabled").Bool(engine->rep->log() != nullptr);
    w.Key("enqueued").Int(static_cast<long long>(ls.enqueued));
    w.Key("written").Int(static_cast<long long>(ls.written));
    w.Key("dropped").Int(static_cast<long long>(ls.dropped));
    w.Key("pending").Int(static_cast<long long>(ls.pending));
    w.Key("failed_writes").Int(static_cast<long long>(ls.failed_writes));
    w.Key("last_error").String(ls.last_error);
    w.EndObject();
    w.EndObject();
    *out = CopyString(s);
    return ZARI_OK;
  });
}

int zari_engine_classify(zari_reply** out, zari_engine* engine, const char* text, size_t len,
                         const char* language) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out) return Fail(ZARI_EINVAL, "zari_engine_classify: out is NULL");
    if (!engine) return Fail(ZARI_EINVAL, "zari_engine_classify: engine is NULL");
    if (!text && len > 0) return Fail(ZARI_EINVAL, "zari_engine_classify: text is NULL");
    zari::text::Lang lang;
    if (int rc = ParseLanguage(language, &lang); rc != ZARI_OK) return rc;
    auto snap = engine->rep->engine();
    if (Status s = snap->CheckLanguage(lang); !s.ok()) return FromStatus(s);
    auto reply = std::make_unique<zari_reply>();
    snap->Classify(std::string_view(text ? text : "", len), lang, &reply->rep);
    *out = reply.release();
    return ZARI_OK;
  });
}

/* ---- replies ---- */

int zari_reply_action(const zari_reply* reply) {
  if (!reply) return Fail(ZARI_EINVAL, "zari_reply_action: reply is NULL");
  return static_cast<int>(reply->rep.action);
}

const char* zari_reply_action_str(const zari_reply* reply) {
  if (!reply) return "";
  return zari::ActionName(reply->rep.action).data();  // static literals
}

const char* zari_reply_text(const zari_reply* reply) {
  if (!reply) return "";
  // Both sources are NUL-terminated std::strings.
  return reply->rep.text_ref ? reply->rep.text_ref->c_str() : reply->rep.text_owned.c_str();
}

const char* zari_reply_intent(const zari_reply* reply) {
  if (!reply || reply->rep.intent < 0) return nullptr;
  return reply->rep.engine->intent(reply->rep.intent).id.c_str();
}

const char* zari_reply_language(const zari_reply* reply) {
  if (!reply) return "";
  return zari::text::LangCode(reply->rep.lang).data();
}

const char* zari_reply_route(const zari_reply* reply) {
  if (!reply || reply->rep.intent < 0) return nullptr;
  const std::string& route = reply->rep.engine->intent(reply->rep.intent).route;
  return route.empty() ? nullptr : route.c_str();
}

double zari_reply_confidence(const zari_reply* reply) { return reply ? reply->rep.confidence : 0.0; }

size_t zari_reply_option_count(const zari_reply* reply) { return reply ? reply->rep.option_count : 0; }

const char* zari_reply_option_intent(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.option_count) return nullptr;
  return reply->rep.engine->intent(reply->rep.options[i]).id.c_str();
}

const char* zari_reply_option_label(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.option_count) return nullptr;
  // Titles and examples are std::strings of the pack; ids too.
  return reply->rep.engine->Title(reply->rep.options[i], reply->rep.lang).data();
}

size_t zari_reply_suggestion_count(const zari_reply* reply) { return reply ? reply->rep.suggestion_count : 0; }

const char* zari_reply_suggestion_intent(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.suggestion_count) return nullptr;
  return reply->rep.engine->intent(reply->rep.suggestions[i]).id.c_str();
}

const char* zari_reply_suggestion_title(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.suggestion_count) return nullptr;
  return reply->rep.engine->Title(reply->rep.suggestions[i], reply->rep.lang).data();
}

size_t zari_reply_candidate_count(const zari_reply* reply) { return reply ? reply->rep.candidate_count : 0; }

const char* zari_reply_candidate_intent(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.candidate_count) return nullptr;
  return reply->rep.engine->intent(reply->rep.candidates[i].intent).id.c_str();
}

double zari_reply_candidate_score(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.candidate_count) return 0.0;
  return reply->rep.candidates[i].score;
}

const char* zari_reply_candidate_answer(const zari_reply* reply, size_t i) {
  if (!reply || i >= reply->rep.candidate_count) return nullptr;
  // A std::string of the pack, which the reply keeps alive. Deciding may
  // allocate (a handoff's text): out of memory is NULL, never a throw.
  const std::string* answer = nullptr;
  Guard([&]() -> int {
    answer = reply->rep.engine->AnswerFor(reply->rep.candidates[i].intent, reply->rep.lang);
    return ZARI_OK;
  });
  return answer ? answer->c_str() : nullptr;
}

int zari_reply_to_json(char** out, const zari_reply* reply) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !reply) return Fail(ZARI_EINVAL, "zari_reply_to_json: NULL argument");
    std::string s;
    zari::dialog::AppendReplyJson(reply->rep, &s);
    *out = CopyString(s);
    return ZARI_OK;
  });
}

void zari_reply_destroy(zari_reply* reply) { delete reply; }

/* ---- sessions ---- */

int zari_session_create(zari_session** out, zari_engine* engine, const char* session_id, const char* channel) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !engine) return Fail(ZARI_EINVAL, "zari_session_create: NULL argument");
    auto s = std::make_unique<zari_session>();
    s->rep = std::make_unique<zari::dialog::Session>(engine->rep, session_id ? session_id : "",
                                                     channel && *channel ? channel : "web");
    *out = s.release();
    return ZARI_OK;
  });
}

void zari_session_destroy(zari_session* session) { delete session; }

const char* zari_session_id(const zari_session* session) { return session ? session->rep->id().c_str() : ""; }
const char* zari_session_channel(const zari_session* session) {
  return session ? session->rep->channel().c_str() : "";
}

int zari_session_set_language(zari_session* session, const char* language) {
  return Guard([&]() -> int {
    if (!session) return Fail(ZARI_EINVAL, "zari_session_set_language: session is NULL");
    zari::text::Lang lang;
    if (int rc = ParseLanguage(language, &lang); rc != ZARI_OK) return rc;
    return FromStatus(session->rep->SetLanguage(lang));
  });
}

int zari_session_respond(zari_reply** out, zari_session* session, const char* text, size_t len) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !session) return Fail(ZARI_EINVAL, "zari_session_respond: NULL argument");
    if (!text && len > 0) return Fail(ZARI_EINVAL, "zari_session_respond: text is NULL");
    auto reply = std::make_unique<zari_reply>();
    session->rep->Respond(std::string_view(text ? text : "", len), &reply->rep);
    *out = reply.release();
    return ZARI_OK;
  });
}

int zari_session_export(char** out, const zari_session* session) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !session) return Fail(ZARI_EINVAL, "zari_session_export: NULL argument");
    *out = CopyString(session->rep->Export());
    return ZARI_OK;
  });
}

int zari_session_import(zari_session** out, zari_engine* engine, const char* state) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !engine || !state) return Fail(ZARI_EINVAL, "zari_session_import: NULL argument");
    auto s = zari::dialog::Session::Import(engine->rep, state);
    if (!s.ok()) return FromStatus(s.status());
    *out = new zari_session{std::move(s.value())};
    return ZARI_OK;
  });
}

/* ---- operators ---- */

int zari_session_operator_join(zari_session* session, const char* operator_id, const char* operator_name) {
  return Guard([&]() -> int {
    if (!session || !operator_id) return Fail(ZARI_EINVAL, "zari_session_operator_join: NULL argument");
    return FromStatus(session->rep->OperatorJoin(operator_id, operator_name ? operator_name : ""));
  });
}

int zari_session_operator_message(zari_session* session, const char* text, size_t len) {
  return Guard([&]() -> int {
    if (!session) return Fail(ZARI_EINVAL, "zari_session_operator_message: session is NULL");
    if (!text && len > 0) return Fail(ZARI_EINVAL, "zari_session_operator_message: text is NULL");
    return FromStatus(session->rep->OperatorMessage(std::string_view(text ? text : "", len)));
  });
}

int zari_session_operator_leave(zari_session* session, int resolved) {
  return Guard([&]() -> int {
    if (!session) return Fail(ZARI_EINVAL, "zari_session_operator_leave: session is NULL");
    return FromStatus(session->rep->OperatorLeave(resolved != 0));
  });
}

int zari_session_operator_active(const zari_session* session) {
  return session && session->rep->handoff().state == zari::dialog::HandoffState::kJoined ? 1 : 0;
}

int zari_session_handoff_state(const zari_session* session) {
  if (!session) return Fail(ZARI_EINVAL, "zari_session_handoff_state: session is NULL");
  return static_cast<int>(session->rep->handoff().state);
}

const char* zari_session_handoff_reason(const zari_session* session) {
  if (!session) return "";
  return zari::HandoffReasonName(session->rep->handoff().reason).data();  // static literals
}

int64_t zari_session_handoff_since(const zari_session* session) {
  return session ? session->rep->handoff().since : 0;
}

const char* zari_session_operator_id(const zari_session* session) {
  if (!session || session->rep->handoff().state != zari::dialog::HandoffState::kJoined) return nullptr;
  return session->rep->handoff().operator_id.c_str();
}

const char* zari_session_operator_name(const zari_session* session) {
  if (!session || session->rep->handoff().state != zari::dialog::HandoffState::kJoined) return nullptr;
  return session->rep->handoff().operator_name.c_str();
}

/* ---- handoffs ---- */

const char* zari_handoff_session(const zari_handoff* h) { return h ? h->rep->session.c_str() : ""; }
const char* zari_handoff_channel(const zari_handoff* h) { return h ? h->rep->channel.c_str() : ""; }
const char* zari_handoff_language(const zari_handoff* h) { return h ? h->rep->language.c_str() : ""; }
const char* zari_handoff_reason(const zari_handoff* h) {
  return h ? zari::HandoffReasonName(h->rep->reason).data() : "";
}
const char* zari_handoff_intent(const zari_handoff* h) {
  return h && h->rep->has_intent ? h->rep->intent.c_str() : nullptr;
}
const char* zari_handoff_transcript_json(const zari_handoff* h) {
  return h ? h->rep->transcript_json.c_str() : "[]";
}

int zari_handoff_to_json(char** out, const zari_handoff* h) {
  return Guard([&]() -> int {
    if (out) *out = nullptr;
    if (!out || !h) return Fail(ZARI_EINVAL, "zari_handoff_to_json: NULL argument");
    *out = CopyString(zari::dialog::HandoffJson(*h->rep));
    return ZARI_OK;
  });
}

void zari_string_free(char* s) { std::free(s); }

}  // extern "C"
