#include "core/engine.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pack/loader.h"
#include "util/batch_pool.h"
#include "util/json_writer.h"

namespace zari {

using match::Candidate;
using match::EvidenceKind;
using match::Via;
using text::Lang;

void Reply::Clear() {
  engine.reset();
  action = Action::kFallback;
  intent = -1;
  lang = Lang::kUnknown;
  script = text::Script::kNative;
  confidence = 0;
  candidate_count = 0;
  option_count = 0;
  handoff_reason = HandoffReason::kNone;
  chose_option = false;
  slots.clear();
  text_ref = nullptr;
  text_owned.clear();
  input.clear();
}

namespace {

// Gives freed heap back to the system (glibc keeps it otherwise, in every
// thread's arena), so what a load leaves behind does not add to the next
// step's peak or to the engine's RSS.
void ReturnFreedMemory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

}  // namespace

Result<std::shared_ptr<const Engine>> Engine::Load(const std::string& path, const EngineOptions& options) {
  auto pack = pack::LoadPack(path, options.limits, options.build_threads);
  if (!pack.ok()) return pack.status();
  // The YAML trees were parsed on the build threads and freed between the
  // pack's long-lived strings: without this the build's peak sits on top of
  // them (peak RSS while loading: scale-1000 ~97 -> ~85 MiB, MASSIVE ~95 -> ~89 MiB).
  ReturnFreedMemory();
  return Compile(std::move(pack.value()), options);
}

Result<std::shared_ptr<const Engine>> Engine::Compile(pack::Pack pack, const EngineOptions& options) {
  std::shared_ptr<Engine> e(new Engine());
  e->pack_ = std::move(pack);
  Status s = e->Build(options);
  if (!s.ok()) return s;
  // Building freed tens of megabytes of temporary tables (training
  // buffers): a loaded engine's RSS is its own size.
  ReturnFreedMemory();
  return std::shared_ptr<const Engine>(std::move(e));
}

Status Engine::Build(const EngineOptions& options) {
  max_message_code_points_ = options.max_message_code_points;
  Status s = rules_.Build(pack_, options.rules);
  if (!s.ok()) return s;
  s = schedule_.Build(pack_.hours, pack_.timezone, pack_.timezone_pos);
  if (!s.ok()) return s;
  if (pack_.answer_threshold >= 0) answer_threshold_ = pack_.answer_threshold;
  if (pack_.suggest_threshold >= 0) suggest_threshold_ = pack_.suggest_threshold;
  if (suggest_threshold_ > answer_threshold_) suggest_threshold_ = answer_threshold_;
  BuildIntentTables();
  BuildExamples(options);
  return Status::Ok();
}

// Per intent: its id and route as JSON values, whether it escalates, and its
// suggested follow-ups (the loader checked that they exist).
void Engine::BuildIntentTables() {
  id_json_.clear();
  route_json_.clear();
  for (const pack::Intent& in : pack_.intents) {
    id_json_.emplace_back();
    json::AppendString(&id_json_.back(), in.id);
    route_json_.emplace_back();
    if (in.route.empty()) {
      route_json_.back() = "null";
    } else {
      json::AppendString(&route_json_.back(), in.route);
    }
    max_json_value_ = std::max({max_json_value_, id_json_.back().size(), route_json_.back().size()});
  }
  escalation_.assign(pack_.intents.size(), 0);
  for (const pack::Text& t : pack_.escalation_intents) {
    int32_t i = FindIntent(t.text);
    if (i >= 0) escalation_[static_cast<size_t>(i)] = 1;
  }
  suggest_.assign(pack_.intents.size(), {});
  for (size_t i = 0; i < pack_.intents.size(); ++i) {
    for (const pack::Text& t : pack_.intents[i].suggest) {
      const int32_t target = FindIntent(t.text);
      if (target >= 0) suggest_[i].push_back(target);
    }
  }
}

// The exact-example table, the example matcher and the vocabulary.
void Engine::BuildExamples(const EngineOptions& options) {
  examples_ = match::ExampleMatcher(options.examples);
  size_t example_count = 0;
  for (const pack::Intent& in : pack_.intents) {
    for (const auto& list : in.examples) example_count += list.size();
  }
  examples_.Reserve(example_count);
  example_refs_.reserve(example_count);
  for (size_t ii = 0; ii < pack_.intents.size(); ++ii) {
    const pack::Intent& in = pack_.intents[ii];
    for (int l = 1; l < text::kLangCount; ++l) {
      for (const pack::Text& ex : in.examples[static_cast<size_t>(l)]) {
        example_refs_.push_back({static_cast<int32_t>(ii), static_cast<Lang>(l), &ex});
      }
    }
  }
  // Examples are normalized a chunk at a time on every build thread (the
  // text layer is thread-safe and its output does not depend on the
  // thread), then added in pack order, so the model is the same.
  BatchPool pool(options.build_threads);
  constexpr size_t kChunk = 512;
  std::vector<text::Normalized> normalized(std::min(kChunk, example_refs_.size()));
  for (size_t c0 = 0; c0 < example_refs_.size(); c0 += kChunk) {
    const size_t count = std::min(kChunk, example_refs_.size() - c0);
    pool.Run(count, [&](size_t j, unsigned) {
      const ExampleRef& ref = example_refs_[c0 + j];
      // Pack texts are bounded by the pack limits, not by the message cap.
      text::NormalizeOptions po;
      po.forced = ref.lang;
      po.allowed = pack_.LanguageSet();
      po.max_code_points = options.limits.max_text_bytes;
      text::Normalize(ref.text->text, po, &normalized[j]);
    });
    for (size_t j = 0; j < count; ++j) {
      const text::Normalized& n = normalized[j];
      const ExampleRef& ref = example_refs_[c0 + j];
      rules_.AddExactExample(n.BareKey(), static_cast<int32_t>(c0 + j));
      examples_.Add(n, ref.intent);
      for (const text::Token& t : n.tokens) {
        auto [it, fresh] = vocab_.emplace(std::string(n.KeyOf(t)), 0);
        it->second |= text::LangBit(ref.lang);
      }
    }
  }
  std::vector<text::Normalized>().swap(normalized);
  examples_.Finish(pack_.intents.size(), &pool);
}

void Engine::Normalize(std::string_view text, Lang forced, Lang hint, text::Normalized* out) const {
  text::NormalizeOptions o;
  o.forced = forced;
  o.hint = hint;
  o.fallback = pack_.DefaultLanguage();
  o.allowed = pack_.LanguageSet();
  o.max_code_points = max_message_code_points_;
  text::Normalize(text, o, out);
  if (forced != Lang::kUnknown || hint != Lang::kUnknown || out->detected || pack_.languages.size() < 2 ||
      out->tokens.empty()) {
    return;
  }
  // No cue and no conversation yet: ask the pack's vocabulary. Each language
  // reads the text its own way (Latin letters are chat Georgian for ka), and
  // the one whose examples know most of its words wins.
  thread_local text::Normalized alt;
  Lang best = Lang::kUnknown;
  int best_hits = 0;
  for (Lang l : pack_.languages) {
    o.forced = l;
    text::Normalize(text, o, &alt);
    int hits = 0;
    for (const text::Token& t : alt.tokens) {
      auto it = vocab_.find(alt.KeyOf(t));
      if (it != vocab_.end() && (it->second & text::LangBit(l))) ++hits;
    }
    // A tie goes to the text layer's own (weak) guess.
    if (hits > best_hits || (hits == best_hits && hits > 0 && l == out->lang)) {
      best_hits = hits;
      best = l;
    }
  }
  if (best != Lang::kUnknown && best != out->lang) {
    o.forced = best;
    text::Normalize(text, o, out);
  }
  if (best != Lang::kUnknown) out->detected = true;
}

Status Engine::CheckLanguage(Lang lang) const {
  if (lang == Lang::kUnknown || (pack_.LanguageSet() & text::LangBit(lang))) return Status::Ok();
  std::string have;
  for (Lang l : pack_.languages) have += (have.empty() ? "" : ", ") + std::string(text::LangCode(l));
  return Status(Code::kInvalid, "the pack has no language '" + std::string(text::LangCode(lang)) + "' (its languages: " +
                                    have + ")");
}

int32_t Engine::FindIntent(std::string_view id) const {
  for (size_t i = 0; i < pack_.intents.size(); ++i) {
    if (pack_.intents[i].id == id) return static_cast<int32_t>(i);
  }
  return -1;
}

bool Engine::IsEscalation(int32_t intent) const {
  return intent >= 0 && static_cast<size_t>(intent) < escalation_.size() && escalation_[static_cast<size_t>(intent)];
}

std::string_view Engine::Message(MessageKind kind, Lang lang) const {
  const pack::Messages& m = pack_.messages;
  const pack::PerLangText* t = nullptr;
  switch (kind) {
    case MessageKind::kWelcome: t = &m.welcome; break;
    case MessageKind::kFallback: t = &m.fallback; break;
    case MessageKind::kClarify: t = &m.clarify; break;
    case MessageKind::kHandoff: t = &m.handoff; break;
    case MessageKind::kAfterHours: t = &m.after_hours; break;
  }
  const std::string& s = (*t)[static_cast<size_t>(lang)];
  return s.empty() ? DefaultMessage(kind, lang) : std::string_view(s);
}

std::string_view Engine::Title(int32_t intent, Lang lang) const {
  const pack::Intent& in = pack_.intents[static_cast<size_t>(intent)];
  const std::string& t = in.title[static_cast<size_t>(lang)];
  if (!t.empty()) return t;
  const auto& ex = in.examples[static_cast<size_t>(lang)];
  if (!ex.empty()) return ex.front().text;
  return in.id;
}

const std::string* Engine::AnswerText(int32_t intent, Lang lang) const {
  const std::string& a = pack_.intents[static_cast<size_t>(intent)].answer[static_cast<size_t>(lang)];
  return a.empty() ? nullptr : &a;
}

std::string_view Engine::IntentJson(int32_t intent) const {
  return intent >= 0 ? std::string_view(id_json_[static_cast<size_t>(intent)]) : "null";
}

std::string_view Engine::RouteJson(int32_t intent) const {
  return intent >= 0 ? std::string_view(route_json_[static_cast<size_t>(intent)]) : "null";
}

void Engine::Decide(const text::Normalized& n, std::string_view raw, Reply* out, bool exact_examples) const {
  out->handoff_reason = HandoffReason::kNone;
  out->lang = n.lang;
  out->script = n.script;
  thread_local std::vector<Candidate> cands, scored;
  thread_local std::vector<match::RuleHit> hits;
  cands.clear();
  scored.clear();
  hits.clear();

  // The matchers run first and the exact-example lookup last: its table is
  // large enough that the read misses the cache, and started here it is
  // done by then.
  const uint64_t exact_hash = exact_examples ? rules_.PrefetchExactExample(n) : 0;
  rules_.Match(n, &hits);
  examples_.Score(n, kMaxCandidates, &scored);
  RuleCandidates(n, raw, hits, exact_examples ? &exact_hash : nullptr, &cands);
  const size_t rule_count = cands.size();
  // Examples: calibrated scores for the rest of the list, but for intents a
  // rule already found.
  for (Candidate c : scored) {
    if (std::any_of(cands.begin(), cands.begin() + static_cast<std::ptrdiff_t>(rule_count),
                    [&](const Candidate& x) { return x.intent == c.intent; })) {
      continue;
    }
    c.evidence.kind = EvidenceKind::kExamples;
    cands.push_back(c);
  }
  const size_t count = std::min(cands.size(), kMaxCandidates);
  for (size_t i = 0; i < count; ++i) out->candidates[i] = cands[i];
  out->candidate_count = static_cast<uint8_t>(count);
  ResolveCandidates(n, out);
}

// Rules score 1: DTMF, an exact example, templates and regexes; sorted by
// priority, then specificity, then DTMF/exact before templates.
void Engine::RuleCandidates(const text::Normalized& n, std::string_view raw, const std::vector<match::RuleHit>& hits,
                            const uint64_t* exact_hash, std::vector<Candidate>* cands) const {
  auto known = [&](int32_t intent) {
    return std::any_of(cands->begin(), cands->end(), [&](const Candidate& x) { return x.intent == intent; });
  };
  if (int32_t dtmf = rules_.Dtmf(raw); dtmf >= 0) {
    cands->push_back({dtmf, 1, Via::kDtmf, {EvidenceKind::kDtmf, -1, 0, 0}});
  }
  const int32_t exact = exact_hash ? rules_.ExactExample(n, *exact_hash) : -1;
  if (exact >= 0) {
    const int32_t intent = example_refs_[static_cast<size_t>(exact)].intent;
    if (!known(intent)) {
      cands->push_back(
          {intent, 1, Via::kRule, {EvidenceKind::kExactExample, exact, 0, static_cast<uint16_t>(n.tokens.size())}});
    }
  }
  for (const match::RuleHit& h : hits) {
    if (known(h.intent)) continue;
    cands->push_back({h.intent, 1, Via::kRule, {EvidenceKind::kRule, h.rule, h.token_begin, h.token_end}});
  }
  std::sort(cands->begin(), cands->end(), [&](const Candidate& a, const Candidate& b) {
    int pa = intent(a.intent).priority, pb = intent(b.intent).priority;
    if (pa != pb) return pa > pb;
    auto spec = [&](const Candidate& c) {
      if (c.evidence.kind == EvidenceKind::kDtmf) return 1 << 20;
      if (c.evidence.kind == EvidenceKind::kExactExample) return 1 << 19;
      return rules_.rule(c.evidence.source).specificity;
    };
    int sa = spec(a), sb = spec(b);
    if (sa != sb) return sa > sb;
    return a.intent < b.intent;
  });
}

// Answer, clarify or fallback from the ranked candidates and the thresholds.
void Engine::ResolveCandidates(const text::Normalized& n, Reply* out) const {
  const size_t count = out->candidate_count;
  const Candidate* best = out->Best();
  out->confidence = best ? best->score : 0.0f;
  out->option_count = 0;
  out->suggestion_count = 0;
  out->slots.clear();
  out->text_ref = nullptr;
  out->text_owned.clear();
  // A confident example match is answered unless a runner-up is close (at
  // least a third of its score): then the user chooses ("internet" alone may
  // be about packages or about a connection that does not work).
  const bool close_second = count > 1 && out->candidates[1].via == Via::kExample &&
                            out->candidates[1].score * 3.0f >= best->score;
  if (best && (best->via != Via::kExample || (best->score >= answer_threshold_ && !close_second))) {
    if (best->evidence.kind == EvidenceKind::kRule) {
      match::RuleHit h{best->evidence.source, best->intent, best->evidence.token_begin, best->evidence.token_end};
      rules_.Slots(n, h, &out->slots);
    }
    ResolveIntent(best->intent, out);
    return;
  }
  out->intent = -1;
  if (best && best->score >= suggest_threshold_) {
    out->action = Action::kClarify;
    for (size_t i = 0; i < count && out->option_count < kMaxOptions; ++i) {
      // The runner-ups join when they are at least half as likely as the best.
      if (i > 0 && out->candidates[i].score < std::max(suggest_threshold_ * 0.5, best->score * 0.25)) break;
      out->options[out->option_count++] = out->candidates[i].intent;
    }
    ComposeClarify(out);
    return;
  }
  out->action = Action::kFallback;
  out->text_owned.assign(Message(MessageKind::kFallback, out->lang));
}

void Engine::ResolveIntent(int32_t intent_index, Reply* out) const {
  out->intent = intent_index;
  out->action = Action::kAnswer;
  out->handoff_reason = HandoffReason::kNone;
  out->suggestion_count = 0;
  out->text_owned.clear();
  out->text_ref = AnswerText(intent_index, out->lang);
  // Asking for a person, or an intent that always goes to one: the session
  // then decides between handoff and after hours.
  if (IsEscalation(intent_index)) {
    out->text_ref = nullptr;
    ResolveHandoff(HandoffReason::kRequested, out);
    return;
  }
  if (intent(intent_index).handoff) {
    ResolveHandoff(HandoffReason::kIntent, out);
    return;
  }
  for (int32_t s : suggest_[static_cast<size_t>(intent_index)]) out->suggestions[out->suggestion_count++] = s;
}

void Engine::ResolveHandoff(HandoffReason reason, Reply* out) const {
  out->action = Action::kHandoff;
  out->handoff_reason = reason;
  out->suggestion_count = 0;
  if (reason != HandoffReason::kIntent || !out->text_ref) {
    out->text_ref = nullptr;
    out->text_owned.assign(Message(MessageKind::kHandoff, out->lang));
  }
}

void Engine::ResolveAfterHours(int64_t now, int64_t next_open, Reply* out) const {
  out->action = Action::kAfterHours;
  out->text_ref = nullptr;
  FillInto(Message(MessageKind::kAfterHours, out->lang), "next_open",
           schedule_.DescribeNextOpen(now, next_open, out->lang), &out->text_owned);
}

void Engine::ResolveRelayed(Reply* out) const {
  out->action = Action::kRelayed;
  out->intent = -1;
  out->handoff_reason = HandoffReason::kNone;
  out->option_count = 0;
  out->suggestion_count = 0;
  out->slots.clear();
  out->text_ref = nullptr;
  out->text_owned.clear();
}

const std::string* Engine::AnswerFor(int32_t intent, Lang lang) const {
  // Decided the one way every reply is, rather than a second rule for
  // which intents answer.
  Reply r;
  r.lang = lang;
  ResolveIntent(intent, &r);
  return r.action == Action::kAnswer ? r.text_ref : nullptr;
}

void Engine::ComposeClarify(Reply* out) const {
  thread_local std::vector<std::string_view> titles;
  thread_local std::string list;
  titles.clear();
  list.clear();
  for (size_t i = 0; i < out->option_count; ++i) titles.push_back(Title(out->options[i], out->lang));
  AppendAlternatives(titles, out->lang, &list);
  FillInto(Message(MessageKind::kClarify, out->lang), "options", list, &out->text_owned);
}

void Engine::Classify(std::string_view text, Lang forced, Reply* out) const {
  thread_local text::Normalized n;
  Normalize(text, forced, Lang::kUnknown, &n);
  out->engine = shared_from_this();
  out->chose_option = false;
  out->input.assign(text.substr(0, 4096));
  Decide(n, text, out);
}

}  // namespace zari
