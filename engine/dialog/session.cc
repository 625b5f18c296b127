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

}  // namespace

Session::Session(std::shared_ptr<Runtime> runtime, std::string id, std::string channel)
    : runtime_(std::move(runtime)), id_(std::move(id)), channel_(std::move(channel)) {}

Status Session::SetLanguage(Lang lang) {
  if (lang != Lang::kUnknown && !(runtime_->engine()->pack().LanguageSet() & text::LangBit(lang))) {
    return Status(Code::kInvalid, "the pack has no language '" + std::string(text::LangCode(lang)) + "'");
  }
  forced_ = lang;
  if (lang != Lang::kUnknown) sticky_ = lang;
  return Status::Ok();
}

int32_t Session::ResolveOption(const Engine& e, const text::Normalized& n, std::string_view raw) const {
  if (options_.empty() || n.tokens.empty()) return -1;
  auto option = [&](int index) -> int32_t {
    if (index < 0) index = static_cast<int>(options_.size()) - 1;
    if (index >= static_cast<int>(options_.size())) return -1;
    return e.FindIntent(options_[static_cast<size_t>(index)]);
  };
  // The option's label, as a quick-reply button sends it.
  text::Normalized title;
  for (size_t i = 0; i < options_.size(); ++i) {
    int32_t intent = e.FindIntent(options_[i]);
    if (intent < 0) continue;
    e.Normalize(e.Title(intent, n.lang), n.lang, Lang::kUnknown, &title);
    if (title.BareKey() == n.BareKey() || options_[i] == raw) return intent;
  }
  if (n.tokens.size() > 4) return -1;  // a new question, not a choice
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

void Session::AddTurn(bool user, std::string_view text, int64_t ts) {
  const size_t keep = static_cast<size_t>(std::max(0, runtime_->engine()->pack().transcript_turns)) * 2;
  if (keep == 0) return;
  log::Turn t;
  t.user = user;
  // Transcripts travel as JSON and into SQLite: keep them valid UTF-8 (the
  // cut at kMaxTurnBytes may also split a character).
  const std::string_view cut = text.substr(0, kMaxTurnBytes);
  // Most turns are valid already: checking is cheaper than rebuilding.
  t.text = zari::IsValidUtf8(cut) ? std::string(cut) : zari::SanitizeUtf8(cut);
  t.ts = ts;
  transcript_.push_back(std::move(t));
  while (transcript_.size() > keep) transcript_.pop_front();
}

void Session::Respond(std::string_view text, Reply* out) {
  std::shared_ptr<const Engine> engine = runtime_->engine();
  const Engine& e = *engine;
  const int64_t now = runtime_->Now();
  e.Normalize(text, forced_, sticky_, &norm_);
  out->Clear();
  out->engine = engine;
  out->input.assign(text.substr(0, kMaxTurnBytes));

  const int32_t chosen = ResolveOption(e, norm_, text);
  if (chosen >= 0) {
    // The user picked one of the offered options: answer it as if matched.
    out->lang = norm_.lang;
    out->script = norm_.script;
    out->action = Action::kAnswer;
    out->intent = chosen;
    out->confidence = 1;
    out->chose_option = true;
    match::Candidate c;
    c.intent = chosen;
    c.score = 1;
    c.via = match::Via::kRule;
    out->candidates[0] = c;
    out->candidate_count = 1;
    out->text_ref = e.Answer(chosen, out->lang);
    if (e.IsEscalation(chosen)) {
      out->action = Action::kHandoff;
      out->handoff_reason = HandoffReason::kRequested;
      out->text_ref = nullptr;
    } else if (e.intent(chosen).handoff) {
      out->action = Action::kHandoff;
      out->handoff_reason = HandoffReason::kIntent;
    }
    if (!out->text_ref) out->text_owned.assign(e.Message(MessageKind::kHandoff, out->lang));
  } else {
    e.Decide(norm_, text, out);
  }
  // A person was asked for after hours and operators are back: hand over now.
  if (pending_reason_ != HandoffReason::kNone && out->action != Action::kHandoff && e.schedule().IsOpen(now)) {
    out->action = Action::kHandoff;
    out->handoff_reason = pending_reason_;
    out->intent = e.FindIntent(pending_intent_);
    out->text_ref = nullptr;
  }
  if (norm_.detected && forced_ == Lang::kUnknown) sticky_ = norm_.lang;
  AddTurn(true, text, now);

  options_.clear();
  switch (out->action) {
    case Action::kAnswer:
      misses_ = 0;
      break;
    case Action::kClarify:
      for (size_t i = 0; i < out->option_count; ++i) options_.push_back(e.intent(out->options[i]).id);
      LogUnresolved(e, now, *out);
      break;
    case Action::kFallback:
      ++misses_;
      LogUnresolved(e, now, *out);
      if (e.pack().after_misses > 0 && misses_ >= e.pack().after_misses) {
        out->action = Action::kHandoff;
        out->handoff_reason = HandoffReason::kMisses;
      }
      break;
    default:
      break;
  }
  if (out->action == Action::kHandoff) Escalate(e, now, out);
  AddTurn(false, out->Text(), now);
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
    // An intent that hands off keeps its own answer ("a specialist will call
    // you"); otherwise the pack's handoff message.
    if (out->handoff_reason != HandoffReason::kIntent || !out->text_ref) {
      out->text_ref = nullptr;
      out->text_owned.assign(e.Message(MessageKind::kHandoff, out->lang));
    }
  } else {
    out->action = Action::kAfterHours;
    pending_reason_ = out->handoff_reason;
    pending_intent_ = h.intent;
    h.next_open = schedule.NextOpen(now);
    out->text_ref = nullptr;
    out->text_owned = Fill(e.Message(MessageKind::kAfterHours, out->lang), "next_open",
                           schedule.DescribeNextOpen(now, h.next_open, out->lang));
  }
  // The transcript includes this message and the bot's reply to it.
  std::vector<log::Turn> turns(transcript_.begin(), transcript_.end());
  turns.push_back({false, std::string(out->Text()), now});
  if (h.within_hours && runtime_->options().on_handoff) {
    log::AppendTranscriptJson(turns, /*redact=*/false, &h.transcript_json);
    runtime_->options().on_handoff(h);
  }
  if (log::LogStore* store = runtime_->log()) {
    log::HandoffRow row;
    row.ts = now;
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
}

void Session::LogUnresolved(const Engine& e, int64_t now, const Reply& r) const {
  log::LogStore* store = runtime_->log();
  if (!store) return;
  log::UnresolvedRow row;
  row.ts = now;
  row.session = id_;
  row.channel = channel_;
  row.language = std::string(text::LangCode(r.lang));
  row.action = std::string(ActionName(r.action));
  row.text = r.input;  // the log's writer makes it valid UTF-8, off the reply path
  row.normalized = norm_.surface;
  if (const match::Candidate* best = r.Best()) {
    row.best_intent = e.intent(best->intent).id;
    row.best_score = best->score;
  }
  row.pack = e.pack().name;
  row.pack_version = e.pack().version;
  store->Add(std::move(row));
}

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
  w.Key("options").BeginArray();
  for (const auto& o : options_) w.String(o);
  w.EndArray();
  w.Key("transcript").BeginArray();
  for (const log::Turn& t : transcript_) {
    w.BeginObject();
    w.Key("u").Int(t.user ? 1 : 0);
    w.Key("t").String(t.text);
    w.Key("ts").Int(t.ts);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return out;
}

Result<std::unique_ptr<Session>> Session::Import(std::shared_ptr<Runtime> runtime, std::string_view state) {
  auto bad = [](const std::string& why) { return Status(Code::kState, "invalid session state: " + why); };
  if (state.size() > kMaxStateBytes) return bad("longer than 1 MB");
  nlohmann::json j = nlohmann::json::parse(state.begin(), state.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("not a Zari session state (not a JSON object)");
  auto str = [&](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  auto v = j.find("v");
  if (v == j.end() || !v->is_number_integer()) return bad("no format version");
  if (v->get<int64_t>() != kStateVersion) {
    return bad("format version " + std::to_string(v->get<int64_t>()) + ", this Zari reads version " +
               std::to_string(kStateVersion));
  }
  std::shared_ptr<const Engine> e = runtime->engine();
  std::string pack, pack_version, id, channel, lang, forced;
  if (!str("pack", &pack) || !str("pack_version", &pack_version) || !str("id", &id) || !str("channel", &channel) ||
      !str("lang", &lang) || !str("forced", &forced)) {
    return bad("missing or mistyped fields");
  }
  if (pack != e->pack().name || pack_version != e->pack().version) {
    return Status(Code::kState, "session state belongs to pack '" + pack + "' version '" + pack_version +
                                    "', but the engine runs pack '" + e->pack().name + "' version '" +
                                    e->pack().version + "'");
  }
  auto session = std::make_unique<Session>(runtime, id, channel);
  auto parse_lang = [&](const std::string& code, Lang* out) {
    if (code.empty()) {
      *out = Lang::kUnknown;
      return true;
    }
    Lang l = text::ParseLang(code);
    if (l == Lang::kUnknown || code.size() != 2) return false;
    *out = l;
    return true;
  };
  if (!parse_lang(lang, &session->sticky_) || !parse_lang(forced, &session->forced_)) return bad("unknown language");
  auto misses = j.find("misses");
  if (misses == j.end() || !misses->is_number_integer() || misses->get<int64_t>() < 0 || misses->get<int64_t>() > 1000) {
    return bad("bad misses count");
  }
  session->misses_ = static_cast<int>(misses->get<int64_t>());
  // Optional (added after format 1 shipped): without it, a conversation that
  // already has a transcript is not counted as new again.
  auto turns = j.find("turns");
  if (turns != j.end()) {
    if (!turns->is_number_integer() || turns->get<int64_t>() < 0) return bad("bad turns count");
    session->turns_ = turns->get<int64_t>();
  }
  // A handoff waiting for operators (optional: states without it have none).
  if (auto p = j.find("pending"); p != j.end()) {
    if (!p->is_string()) return bad("bad pending handoff");
    const std::string reason = p->get<std::string>();
    if (reason == "requested") session->pending_reason_ = HandoffReason::kRequested;
    else if (reason == "intent") session->pending_reason_ = HandoffReason::kIntent;
    else if (reason == "misses") session->pending_reason_ = HandoffReason::kMisses;
    else if (!reason.empty()) return bad("bad pending handoff");
    auto pi = j.find("pending_intent");
    if (pi != j.end()) {
      if (!pi->is_string()) return bad("bad pending handoff");
      session->pending_intent_ = pi->get<std::string>();
    }
  }
  auto options = j.find("options");
  if (options == j.end() || !options->is_array() || options->size() > kMaxOptions) return bad("bad options");
  for (const auto& o : *options) {
    if (!o.is_string() || e->FindIntent(o.get<std::string>()) < 0) return bad("options name unknown intents");
    session->options_.push_back(o.get<std::string>());
  }
  auto transcript = j.find("transcript");
  if (transcript == j.end() || !transcript->is_array()) return bad("bad transcript");
  for (const auto& t : *transcript) {
    if (!t.is_object()) return bad("bad transcript entry");
    auto u = t.find("u"), tx = t.find("t"), ts = t.find("ts");
    if (u == t.end() || !u->is_number_integer() || tx == t.end() || !tx->is_string() || ts == t.end() ||
        !ts->is_number_integer()) {
      return bad("bad transcript entry");
    }
    session->transcript_.push_back({u->get<int64_t>() != 0, tx->get<std::string>(), ts->get<int64_t>()});
  }
  if (turns == j.end() && !session->transcript_.empty()) session->turns_ = 1;
  return session;
}

}  // namespace zari::dialog
