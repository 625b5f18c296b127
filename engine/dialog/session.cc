#include "dialog/session.h"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/messages.h"
#include "util/utf8.h"
#include "util/json_writer.h"

namespace zari::dialog {

using text::Lang;

namespace {

constexpr int kStateVersion = 1;
constexpr size_t kMaxStateBytes = 1 << 20;
constexpr size_t kMaxTurnBytes = 4096;
constexpr size_t kMaxTakeoverTurns = 200;  // the latest turns of a takeover kept for the log
constexpr size_t kMaxOperatorBytes = 256;  // an operator's id or name

// Keys (normalized, lossy ASCII) of words that pick a clarify option.
struct Ordinal {
  std::string_view key;
  int index;  // 0-based; -1 = the last option
};
constexpr Ordinal kOrdinals[] = {
    {"first", 0},   {"second", 1},  {"third", 2},  {"last", -1},                       // en
    {"pirveli", 0}, {"meore", 1},   {"mesame", 2}, {"bolo", -1},                       // ka
    {"birinci", 0}, {"ikinci", 1},  {"ucuncu", 2}, {"sonuncu", -1}, {"axirinci", -1},  // az
};
constexpr std::string_view kYes[] = {"yes", "yeah", "yep", "sure", "ok", "okay", "ki", "diax", "xo",
                                     "beli", "he", "hee", "ha"};

// A transcript turn's role in the state's "u": 1 the user, 0 the bot (as
// format 1 wrote it), 2 an operator. Any other non-zero value is the user,
// as older Zari read it.
int StateRole(log::Role role) {
  switch (role) {
    case log::Role::kUser: return 1;
    case log::Role::kBot: return 0;
    case log::Role::kOperator: return 2;
  }
  return 1;
}

log::Role RoleOfState(int64_t u) {
  if (u == 0) return log::Role::kBot;
  return u == 2 ? log::Role::kOperator : log::Role::kUser;
}

}  // namespace

Session::Session(std::shared_ptr<Runtime> runtime, std::string id, std::string channel)
    : runtime_(std::move(runtime)), id_(std::move(id)), channel_(std::move(channel)) {}

Status Session::SetLanguage(Lang lang) {
  if (Status s = runtime_->engine()->CheckLanguage(lang); !s.ok()) return s;
  forced_ = lang;
  if (lang != Lang::kUnknown) sticky_ = lang;
  return Status::Ok();
}

int32_t Session::ResolveChoice(const Engine& e, const text::Normalized& n, std::string_view raw) const {
  if ((options_.empty() && suggested_.empty()) || n.tokens.empty()) return -1;
  // An option's or a suggestion's label, as a quick-reply button sends it.
  text::Normalized title;
  for (const std::vector<std::string>* offered : {&options_, &suggested_}) {
    for (const std::string& id : *offered) {
      int32_t intent = e.FindIntent(id);
      if (intent < 0) continue;
      e.Normalize(e.Title(intent, n.lang), n.lang, Lang::kUnknown, &title);
      if (title.BareKey() == n.BareKey() || id == raw) return intent;
    }
  }
  // Clarify options may also be chosen by number, ordinal or "yes".
  if (options_.empty() || n.tokens.size() > 4) return -1;  // a new question, not a choice
  auto option = [&](int index) -> int32_t {
    if (index < 0) index = static_cast<int>(options_.size()) - 1;
    if (index >= static_cast<int>(options_.size())) return -1;
    return e.FindIntent(options_[static_cast<size_t>(index)]);
  };
  for (const text::Token& t : n.tokens) {
    std::string_view key = n.KeyOf(t);
    if (t.numeric && key.size() == 1 && key[0] >= '1' && key[0] <= '9') return option(key[0] - '1');
    for (const Ordinal& o : kOrdinals) {
      if (key == o.key) return option(o.index);
    }
  }
  if (options_.size() == 1 && n.tokens.size() <= 2) {
    for (std::string_view y : kYes) {
      if (n.KeyOf(n.tokens[0]) == y) return option(0);
    }
  }
  return -1;
}

void Session::AddTurn(log::Role role, std::string_view text, int64_t ts) {
  const size_t keep = static_cast<size_t>(std::max(0, runtime_->engine()->pack().transcript_turns)) * 2;
  const bool joined = handoff_.state == HandoffState::kJoined;
  if (keep == 0 && !joined) return;
  log::Turn t;
  t.role = role;
  // Transcripts travel as JSON and into SQLite: keep them valid UTF-8 (the
  // cut at kMaxTurnBytes may also split a character).
  const std::string_view cut = text.substr(0, kMaxTurnBytes);
  // Most turns are valid already: checking is cheaper than rebuilding.
  t.text = zari::IsValidUtf8(cut) ? std::string(cut) : zari::SanitizeUtf8(cut);
  t.ts = ts;
  // The takeover's own record does not depend on how many turns the pack
  // hands to operators with a handoff.
  if (joined) {
    takeover_.push_back(t);
    if (takeover_.size() > kMaxTakeoverTurns) takeover_.pop_front();
  }
  if (keep == 0) return;
  transcript_.push_back(std::move(t));
  while (transcript_.size() > keep) transcript_.pop_front();
}

void Session::Understand(const Engine& e, std::string_view text, text::Normalized* n, Reply* out) const {
  e.Normalize(text, forced_, sticky_, n);
  out->input.assign(text.substr(0, kMaxTurnBytes));
  const int32_t chosen = ResolveChoice(e, *n, text);
  if (chosen < 0) {
    e.Decide(*n, text, out);
    return;
  }
  // The user picked one of the offered options: answer it as if matched.
  out->lang = n->lang;
  out->script = n->script;
  out->confidence = 1;
  out->chose_option = true;
  match::Candidate c;
  c.intent = chosen;
  c.score = 1;
  c.via = match::Via::kRule;
  out->candidates[0] = c;
  out->candidate_count = 1;
  e.ResolveIntent(chosen, out);
}

void Session::Respond(std::string_view text, Reply* out) {
  std::shared_ptr<const Engine> engine = runtime_->engine();
  out->Clear();
  out->engine = engine;
  Understand(*engine, text, &norm_, out);
  Conclude(*engine, text, norm_, out);
}

void Session::RespondBest(const std::vector<std::string>& alternatives, Reply* out) {
  std::shared_ptr<const Engine> engine = runtime_->engine();
  Reply candidate;
  text::Normalized n;
  size_t best = 0;
  double best_score = -1;
  for (size_t i = 0; i < alternatives.size(); ++i) {
    candidate.Clear();
    candidate.engine = engine;
    Understand(*engine, alternatives[i], &n, &candidate);
    // An answer beats a clarify or a fallback; earlier wins ties.
    const double score = (candidate.action == Action::kAnswer ? 2.0 : 0.0) + candidate.confidence;
    if (score > best_score) {
      best_score = score;
      best = i;
      *out = candidate;
      std::swap(norm_, n);
    }
  }
  Conclude(*engine, alternatives[best], norm_, out);
}

void Session::Conclude(const Engine& e, std::string_view text, const text::Normalized& n, Reply* out) {
  const int64_t now = runtime_->Now();
  if (handoff_.state == HandoffState::kJoined) {
    // An operator answers: the message is relayed, also a request for a
    // person; nothing counts as a miss or goes unresolved.
    e.ResolveRelayed(out);
  } else if (pending_reason_ != HandoffReason::kNone && out->action != Action::kHandoff &&
             e.schedule().IsOpen(now)) {
    // A person was asked for after hours and operators are back: hand over now.
    out->intent = e.FindIntent(pending_intent_);
    out->text_ref = nullptr;
    e.ResolveHandoff(pending_reason_, out);
  }
  if (n.detected && forced_ == Lang::kUnknown) sticky_ = n.lang;
  AddTurn(log::Role::kUser, text, now);
  options_.clear();
  suggested_.clear();
  switch (out->action) {
    case Action::kAnswer:
      misses_ = 0;
      for (size_t i = 0; i < out->suggestion_count; ++i) suggested_.push_back(e.intent(out->suggestions[i]).id);
      break;
    case Action::kClarify:
      for (size_t i = 0; i < out->option_count; ++i) options_.push_back(e.intent(out->options[i]).id);
      LogUnresolved(e, now, n, *out);
      break;
    case Action::kFallback:
      ++misses_;
      LogUnresolved(e, now, n, *out);
      if (e.pack().after_misses > 0 && misses_ >= e.pack().after_misses) e.ResolveHandoff(HandoffReason::kMisses, out);
      break;
    default:
      break;
  }
  if (out->action == Action::kHandoff) Escalate(e, now, out);
  if (out->action != Action::kRelayed) AddTurn(log::Role::kBot, out->Text(), now);
  // Every turn is counted (not stored) for containment and fallback rates.
  if (log::LogStore* store = runtime_->log()) {
    store->CountTurn(now, text::LangCode(out->lang), channel_, ActionName(out->action), turns_ == 0);
  }
  ++turns_;
}

void Session::Escalate(const Engine& e, int64_t now, Reply* out) {
  misses_ = 0;
  Handoff h;
  h.session = id_;
  h.channel = channel_;
  h.language = std::string(text::LangCode(out->lang));
  h.reason = out->handoff_reason;
  h.ts = now;
  if (out->intent >= 0) {
    h.intent = e.intent(out->intent).id;
    h.has_intent = true;
  }
  const Schedule& schedule = e.schedule();
  h.within_hours = schedule.IsOpen(now);
  if (h.within_hours) {
    pending_reason_ = HandoffReason::kNone;
    pending_intent_.clear();
    // Into the operators' queue; asking again keeps the place in it.
    if (handoff_.state == HandoffState::kNone) handoff_ = {HandoffState::kWaiting, h.reason, now, {}, {}};
  } else {
    pending_reason_ = out->handoff_reason;
    pending_intent_ = h.intent;
    h.next_open = schedule.NextOpen(now);
    e.ResolveAfterHours(now, h.next_open, out);
  }
  // The transcript includes this message and the bot's reply to it.
  std::vector<log::Turn> turns(transcript_.begin(), transcript_.end());
  turns.push_back({log::Role::kBot, std::string(out->Text()), now});
  if (h.within_hours && runtime_->options().on_handoff) {
    log::AppendTranscriptJson(turns, /*redact=*/false, &h.transcript_json);
    runtime_->options().on_handoff(h);
  }
  LogHandoff(e, h, std::move(turns));
}

void Session::LogHandoff(const Engine& e, const Handoff& h, std::vector<log::Turn> turns) const {
  log::LogStore* store = runtime_->log();
  if (!store) return;
  log::HandoffRow row;
  row.ts = h.ts;
  row.session = id_;
  row.channel = channel_;
  row.language = h.language;
  row.reason = std::string(HandoffReasonName(h.reason));
  row.intent = h.intent;
  row.within_hours = h.within_hours;
  row.next_open = h.next_open;
  row.transcript = std::move(turns);
  row.pack = e.pack().name;
  store->Add(std::move(row));
}

Status Session::OperatorJoin(std::string_view operator_id, std::string_view operator_name) {
  if (operator_id.empty() || operator_id.size() > kMaxOperatorBytes || operator_name.size() > kMaxOperatorBytes ||
      !zari::IsValidUtf8(operator_id) || !zari::IsValidUtf8(operator_name)) {
    return Status(Code::kInvalid, "operator id must be 1 to 256 bytes and the name at most 256, both UTF-8");
  }
  if (handoff_.state == HandoffState::kJoined) {
    if (operator_id != handoff_.operator_id) {
      return Status(Code::kBusy, "conversation '" + id_ + "' is held by operator '" + handoff_.operator_id + "'");
    }
    handoff_.operator_name.assign(operator_name);  // the same operator again (another tab, a reconnect)
    return Status::Ok();
  }
  // A waiting conversation keeps why it waited; one taken unasked has no reason.
  const HandoffReason reason = handoff_.reason;
  handoff_ = {HandoffState::kJoined, reason, runtime_->Now(), std::string(operator_id), std::string(operator_name)};
  takeover_.clear();
  // The operator answers from now on: what the bot offered or counted is
  // moot, and a request made after hours is served.
  misses_ = 0;
  options_.clear();
  suggested_.clear();
  pending_reason_ = HandoffReason::kNone;
  pending_intent_.clear();
  return Status::Ok();
}

Status Session::OperatorMessage(std::string_view text) {
  if (handoff_.state != HandoffState::kJoined) {
    return Status(Code::kBusy, "no operator holds conversation '" + id_ + "'");
  }
  AddTurn(log::Role::kOperator, text, runtime_->Now());
  return Status::Ok();
}

Status Session::OperatorLeave(bool resolved) {
  if (handoff_.state != HandoffState::kJoined) {
    return Status(Code::kBusy, "no operator holds conversation '" + id_ + "'");
  }
  const int64_t now = runtime_->Now();
  if (log::LogStore* store = runtime_->log()) {
    log::TakeoverRow row;
    row.session = id_;
    row.channel = channel_;
    row.language = std::string(text::LangCode(sticky_));
    row.operator_id = handoff_.operator_id;
    row.joined_ts = handoff_.since;
    row.left_ts = now;
    row.resolved = resolved;
    row.transcript.assign(takeover_.begin(), takeover_.end());
    row.pack = runtime_->engine()->pack().name;
    store->Add(std::move(row));
  }
  handoff_ = {};
  takeover_.clear();
  misses_ = 0;  // the bot starts afresh
  return Status::Ok();
}

void Session::LogUnresolved(const Engine& e, int64_t now, const text::Normalized& n, const Reply& r) const {
  log::LogStore* store = runtime_->log();
  if (!store) return;
  log::UnresolvedRow row;
  row.ts = now;
  row.session = id_;
  row.channel = channel_;
  row.language = std::string(text::LangCode(r.lang));
  row.action = std::string(ActionName(r.action));
  row.text = r.input;  // the log's writer makes it valid UTF-8, off the reply path
  row.normalized = n.surface;
  if (const match::Candidate* best = r.Best()) {
    row.best_intent = e.intent(best->intent).id;
    row.best_score = best->score;
  }
  row.pack = e.pack().name;
  row.pack_version = e.pack().version;
  store->Add(std::move(row));
}

namespace {

void WriteTurns(const std::deque<log::Turn>& turns, json::Writer& w) {
  w.BeginArray();
  for (const log::Turn& t : turns) {
    w.BeginObject();
    w.Key("u").Int(StateRole(t.role));
    w.Key("t").String(t.text);
    w.Key("ts").Int(t.ts);
    w.EndObject();
  }
  w.EndArray();
}

}  // namespace

std::string Session::Export() const {
  std::shared_ptr<const Engine> e = runtime_->engine();
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("v").Int(kStateVersion);
  w.Key("pack").String(e->pack().name);
  w.Key("pack_version").String(e->pack().version);
  w.Key("id").String(id_);
  w.Key("channel").String(channel_);
  w.Key("lang").String(sticky_ == Lang::kUnknown ? "" : text::LangCode(sticky_));
  w.Key("forced").String(forced_ == Lang::kUnknown ? "" : text::LangCode(forced_));
  w.Key("misses").Int(misses_);
  w.Key("turns").Int(turns_);
  w.Key("pending").String(HandoffReasonName(pending_reason_));
  w.Key("pending_intent").String(pending_intent_);
  if (handoff_.state != HandoffState::kNone) {  // optional: states without it are with the bot
    w.Key("handoff").String(HandoffStateName(handoff_.state));
    w.Key("handoff_reason").String(HandoffReasonName(handoff_.reason));
    w.Key("since").Int(handoff_.since);
  }
  if (handoff_.state == HandoffState::kJoined) {
    w.Key("operator_id").String(handoff_.operator_id);
    w.Key("operator_name").String(handoff_.operator_name);
    WriteTurns(takeover_, w.Key("takeover"));
  }
  w.Key("options").BeginArray();
  for (const auto& o : options_) w.String(o);
  w.EndArray();
  if (!suggested_.empty()) {  // optional: states written before suggestions have none
    w.Key("suggested").BeginArray();
    for (const auto& o : suggested_) w.String(o);
    w.EndArray();
  }
  WriteTurns(transcript_, w.Key("transcript"));
  w.EndObject();
  return out;
}

namespace {

// Reads an exported state into a session; each step checks its fields and
// says what is wrong in the same words ("invalid session state: …").
class StateReader {
 public:
  StateReader(const nlohmann::json& j, const Engine& e) : j_(j), e_(e) {}

  static Status Bad(const std::string& why) { return Status(Code::kState, "invalid session state: " + why); }

  bool Str(const char* key, std::string* out) const {
    auto it = j_.find(key);
    if (it == j_.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  }

  // "" (none) or a language of Zari's.
  static bool Language(const std::string& code, Lang* out) {
    *out = code.empty() ? Lang::kUnknown : text::ParseLang(code);
    return code.empty() || *out != Lang::kUnknown;
  }

  Status Counters(int* misses, int64_t* turns, bool* has_turns) const {
    auto m = j_.find("misses");
    if (m == j_.end() || !m->is_number_integer() || m->get<int64_t>() < 0 || m->get<int64_t>() > 1000) {
      return Bad("bad misses count");
    }
    *misses = static_cast<int>(m->get<int64_t>());
    // Optional (added after format 1 shipped): without it, a conversation
    // that already has a transcript is not counted as new again.
    auto t = j_.find("turns");
    *has_turns = t != j_.end();
    if (*has_turns) {
      if (!t->is_number_integer() || t->get<int64_t>() < 0) return Bad("bad turns count");
      *turns = t->get<int64_t>();
    }
    return Status::Ok();
  }

  // "" (none) or the name of a handoff reason.
  static bool Reason(const std::string& name, HandoffReason* out) {
    if (name == "requested") *out = HandoffReason::kRequested;
    else if (name == "intent") *out = HandoffReason::kIntent;
    else if (name == "misses") *out = HandoffReason::kMisses;
    else if (name.empty()) *out = HandoffReason::kNone;
    else return false;
    return true;
  }

  // A handoff waiting for operators (optional: states without it have none).
  Status Pending(HandoffReason* reason, std::string* intent) const {
    auto p = j_.find("pending");
    if (p == j_.end()) return Status::Ok();
    if (!p->is_string() || !Reason(p->get<std::string>(), reason)) return Bad("bad pending handoff");
    auto pi = j_.find("pending_intent");
    if (pi != j_.end()) {
      if (!pi->is_string()) return Bad("bad pending handoff");
      *intent = pi->get<std::string>();
    }
    return Status::Ok();
  }

  // A list of intent ids of this pack, at most `max` long (`required`: the
  // key must be there).
  Status Intents(const char* key, bool required, size_t max, std::vector<std::string>* out) const {
    auto it = j_.find(key);
    if (it == j_.end() && !required) return Status::Ok();
    if (it == j_.end() || !it->is_array() || it->size() > max) return Bad(std::string("bad ") + key);
    for (const auto& o : *it) {
      if (!o.is_string() || e_.FindIntent(o.get<std::string>()) < 0) return Bad(std::string(key) + " name unknown intents");
      out->push_back(o.get<std::string>());
    }
    return Status::Ok();
  }

  // Turns as WriteTurns wrote them under `key`: "transcript" or "takeover".
  Status Turns(const char* key, std::deque<log::Turn>* out) const {
    auto turns = j_.find(key);
    if (turns == j_.end() || !turns->is_array()) return Bad(std::string("bad ") + key);
    for (const auto& t : *turns) {
      if (!t.is_object()) return Bad(std::string("bad ") + key + " entry");
      auto u = t.find("u"), tx = t.find("t"), ts = t.find("ts");
      if (u == t.end() || !u->is_number_integer() || tx == t.end() || !tx->is_string() || ts == t.end() ||
          !ts->is_number_integer()) {
        return Bad(std::string("bad ") + key + " entry");
      }
      out->push_back({RoleOfState(u->get<int64_t>()), tx->get<std::string>(), ts->get<int64_t>()});
    }
    return Status::Ok();
  }

  // Where the conversation stands with operators (optional: states without
  // "handoff" are with the bot); a joined one names its operator and has
  // the takeover's turns.
  Status Lifecycle(HandoffStatus* out, std::deque<log::Turn>* takeover) const {
    std::string state, reason;
    if (j_.find("handoff") == j_.end()) return Status::Ok();
    if (!Str("handoff", &state) || !Str("handoff_reason", &reason) || !Reason(reason, &out->reason)) {
      return Bad("bad handoff");
    }
    auto since = j_.find("since");
    if (since == j_.end() || !since->is_number_integer()) return Bad("bad handoff");
    out->since = since->get<int64_t>();
    if (state == "none") {
      *out = {};
      return Status::Ok();
    }
    if (state == "waiting") {
      out->state = HandoffState::kWaiting;
      return Status::Ok();
    }
    if (state != "joined" || !Str("operator_id", &out->operator_id) || out->operator_id.empty() ||
        !Str("operator_name", &out->operator_name)) {
      return Bad("bad handoff");
    }
    out->state = HandoffState::kJoined;
    return Turns("takeover", takeover);
  }

 private:
  const nlohmann::json& j_;
  const Engine& e_;
};

// The format version and the pack the state belongs to.
Status CheckHeader(const nlohmann::json& j, const StateReader& r, const Engine& e) {
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer()) return StateReader::Bad("no format version");
  if (v->get<int64_t>() != kStateVersion) {
    return StateReader::Bad("format version " + std::to_string(v->get<int64_t>()) + ", this Zari reads version " +
                            std::to_string(kStateVersion));
  }
  std::string pack, pack_version;
  if (!r.Str("pack", &pack) || !r.Str("pack_version", &pack_version)) return StateReader::Bad("missing or mistyped fields");
  if (pack != e.pack().name || pack_version != e.pack().version) {
    return Status(Code::kState, "session state belongs to pack '" + pack + "' version '" + pack_version +
                                    "', but the engine runs pack '" + e.pack().name + "' version '" +
                                    e.pack().version + "'");
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<Session>> Session::Import(std::shared_ptr<Runtime> runtime, std::string_view state) {
  if (state.size() > kMaxStateBytes) return StateReader::Bad("longer than 1 MB");
  nlohmann::json j = nlohmann::json::parse(state.begin(), state.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return StateReader::Bad("not a Zari session state (not a JSON object)");
  std::shared_ptr<const Engine> e = runtime->engine();
  StateReader r(j, *e);
  if (Status s = CheckHeader(j, r, *e); !s.ok()) return s;
  std::string id, channel, lang, forced;
  if (!r.Str("id", &id) || !r.Str("channel", &channel) || !r.Str("lang", &lang) || !r.Str("forced", &forced)) {
    return StateReader::Bad("missing or mistyped fields");
  }
  auto session = std::make_unique<Session>(runtime, id, channel);
  if (!StateReader::Language(lang, &session->sticky_) || !StateReader::Language(forced, &session->forced_)) {
    return StateReader::Bad("unknown language");
  }
  bool has_turns = false;
  Status s = r.Counters(&session->misses_, &session->turns_, &has_turns);
  if (s.ok()) s = r.Pending(&session->pending_reason_, &session->pending_intent_);
  if (s.ok()) s = r.Intents("options", /*required=*/true, kMaxOptions, &session->options_);
  if (s.ok()) s = r.Intents("suggested", /*required=*/false, kMaxSuggestions, &session->suggested_);
  if (s.ok()) s = r.Lifecycle(&session->handoff_, &session->takeover_);
  if (s.ok()) s = r.Turns("transcript", &session->transcript_);
  if (!s.ok()) return s;
  if (!has_turns && !session->transcript_.empty()) session->turns_ = 1;
  return session;
}

}  // namespace zari::dialog
