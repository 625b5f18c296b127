#include "core/engine.h"

#include <algorithm>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "pack/loader.h"
#include "util/batch_pool.h"
#include "util/hash.h"
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

namespace {

// The pack's identity: its name, version and intent ids, each closed by a
// byte that cannot occur in UTF-8.
uint64_t Fnv(uint64_t h, std::string_view s) { return hash::FnvByte(hash::Fnv(h, s), 0xFF); }

}  // namespace

Status Engine::Build(const EngineOptions& options) {
  max_message_code_points_ = options.max_message_code_points;
  Status s = rules_.Build(pack_, options.rules);
  if (!s.ok()) return s;
  s = schedule_.Build(pack_.hours, pack_.timezone, pack_.timezone_pos);
  if (!s.ok()) return s;
  if (pack_.answer_threshold >= 0) answer_threshold_ = pack_.answer_threshold;
  if (pack_.suggest_threshold >= 0) suggest_threshold_ = pack_.suggest_threshold;
  if (suggest_threshold_ > answer_threshold_) suggest_threshold_ = answer_threshold_;

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

  examples_ = match::ExampleMatcher(options.examples);
  size_t example_count = 0;
  for (const pack::Intent& in : pack_.intents) {
    for (const auto& list : in.examples) example_count += list.size();
  }
  examples_.Reserve(example_count);
  example_refs_.reserve(example_count);
  uint64_t fp = Fnv(hash::kFnvOffset, pack_.name);
  fp = Fnv(fp, pack_.version);
  for (size_t ii = 0; ii < pack_.intents.size(); ++ii) {
    const pack::Intent& in = pack_.intents[ii];
    fp = Fnv(fp, in.id);
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
  fingerprint_ = fp;
  return Status::Ok();
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

const std::string* Engine::Answer(int32_t intent, Lang lang) const {
  const std::string& a = pack_.intents[static_cast<size_t>(intent)].answer[static_cast<size_t>(lang)];
  return a.empty() ? nullptr : &a;
}

void Engine::Decide(const text::Normalized& n, std::string_view raw, Reply* out, bool exact_examples) const {
  out->handoff_reason = HandoffReason::kNone;
  out->lang = n.lang;
  out->script = n.script;
  out->candidate_count = 0;
  out->option_count = 0;
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

  // Rules: DTMF, exact examples, templates and regexes all score 1.
  int32_t dtmf = rules_.Dtmf(raw);
  if (dtmf >= 0) {
    Candidate c;
    c.intent = dtmf;
    c.score = 1;
    c.via = Via::kDtmf;
    c.evidence.kind = EvidenceKind::kDtmf;
    cands.push_back(c);
  }
  int32_t exact = exact_examples ? rules_.ExactExample(n, exact_hash) : -1;
  if (exact >= 0) {
    Candidate c;
    c.intent = example_refs_[static_cast<size_t>(exact)].intent;
    c.score = 1;
    c.via = Via::kRule;
    c.evidence = {EvidenceKind::kExactExample, exact, 0, static_cast<uint16_t>(n.tokens.size())};
    if (std::none_of(cands.begin(), cands.end(), [&](const Candidate& x) { return x.intent == c.intent; })) {
      cands.push_back(c);
    }
  }
  for (const match::RuleHit& h : hits) {
    if (std::any_of(cands.begin(), cands.end(), [&](const Candidate& x) { return x.intent == h.intent; })) continue;
    Candidate c;
    c.intent = h.intent;
    c.score = 1;
    c.via = Via::kRule;
    c.evidence = {EvidenceKind::kRule, h.rule, h.token_begin, h.token_end};
    cands.push_back(c);
  }
  const size_t rule_count = cands.size();
  // Rules first: by priority, then specificity, then DTMF/exact before templates.
  std::sort(cands.begin(), cands.end(), [&](const Candidate& a, const Candidate& b) {
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

  const Candidate* best = out->Best();
  out->confidence = best ? best->score : 0.0f;
  out->text_ref = nullptr;
  out->text_owned.clear();
  // A confident example match is answered unless a runner-up is close (at
  // least a third of its score): then the user chooses ("internet" alone may
  // be about packages or about a connection that does not work).
  const bool close_second = count > 1 && out->candidates[1].via == Via::kExample &&
                            out->candidates[1].score * 3.0f >= best->score;
  if (best && (best->via != Via::kExample || (best->score >= answer_threshold_ && !close_second))) {
    out->action = Action::kAnswer;
    out->intent = best->intent;
    out->slots.clear();
    if (best->evidence.kind == EvidenceKind::kRule) {
      match::RuleHit h{best->evidence.source, best->intent, best->evidence.token_begin, best->evidence.token_end};
      rules_.Slots(n, h, &out->slots);
    }
    out->text_ref = Answer(best->intent, out->lang);
    // Asking for a person, or an intent that always goes to one: the session
    // decides between handoff and after-hours (docs/PACKS.md, In a conversation).
    if (IsEscalation(best->intent)) {
      out->action = Action::kHandoff;
      out->handoff_reason = HandoffReason::kRequested;
      out->text_ref = nullptr;
    } else if (intent(best->intent).handoff) {
      out->action = Action::kHandoff;
      out->handoff_reason = HandoffReason::kIntent;
    }
    if (!out->text_ref) out->text_owned.assign(Message(MessageKind::kHandoff, out->lang));
    return;
  }
  out->intent = -1;
  out->slots.clear();
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

// The candidates array: [{"intent":…,"score":…,"via":…}, …].
void Engine::AppendCandidates(const Reply& r, std::string* out) const {
  json::Buffer b(out, 2 + r.candidate_count * (max_json_value_ + json::kMaxNumberBytes + 48));
  b.Literal("[");
  for (size_t i = 0; i < r.candidate_count; ++i) {
    const Candidate& c = r.candidates[i];
    if (i > 0) b.Literal(",");
    b.Literal("{\"intent\":");
    b.Raw(id_json_[static_cast<size_t>(c.intent)]);
    b.Literal(",\"score\":");
    b.Number(c.score);
    b.Literal(",\"via\":");
    b.PlainString(match::ViaName(c.via));
    b.Literal("}");
  }
  b.Literal("]");
}

std::string_view Engine::IntentJson(int32_t intent) const {
  return intent >= 0 ? std::string_view(id_json_[static_cast<size_t>(intent)]) : "null";
}

std::string_view Engine::RouteJson(int32_t intent) const {
  return intent >= 0 ? std::string_view(route_json_[static_cast<size_t>(intent)]) : "null";
}

void Engine::AppendClassifyJson(const Reply& r, std::string_view text, std::string* out) const {
  // A fixed shape: the keys are literals, ids and routes were escaped at load.
  out->append("{\"text\":");
  json::AppendString(out, text);
  {
    json::Buffer b(out, 2 * max_json_value_ + json::kMaxNumberBytes + 96);
    b.Literal(",\"language\":");
    b.PlainString(text::LangCode(r.lang));
    b.Literal(",\"intent\":");
    b.Raw(IntentJson(r.intent));
    b.Literal(",\"confidence\":");
    b.Number(r.confidence);
    b.Literal(",\"action\":");
    b.PlainString(ActionName(r.action));
    b.Literal(",\"route\":");
    b.Raw(RouteJson(r.intent));
    b.Literal(",\"candidates\":");
  }
  AppendCandidates(r, out);
  out->push_back('}');
}

void Engine::AppendReplyJson(const Reply& r, std::string* out) const {
  json::Writer w(out);
  w.BeginObject();
  w.Key("reply").String(r.Text());
  w.Key("action").String(ActionName(r.action));
  w.Key("intent").Raw(IntentJson(r.intent));
  w.Key("confidence").Number(r.confidence);
  w.Key("language").String(text::LangCode(r.lang));
  w.Key("route").Raw(RouteJson(r.intent));
  w.Key("slots").BeginObject();
  for (const match::Slot& s : r.slots) w.Key(s.name).String(s.value);
  w.EndObject();
  w.Key("options").BeginArray();
  for (size_t i = 0; i < r.option_count; ++i) {
    w.BeginObject();
    w.Key("intent").Raw(IntentJson(r.options[i]));
    w.Key("label").String(Title(r.options[i], r.lang));
    w.EndObject();
  }
  w.EndArray();
  AppendCandidates(r, w.Key("candidates").RawValue());
  if (r.handoff_reason != HandoffReason::kNone) w.Key("handoff_reason").String(HandoffReasonName(r.handoff_reason));
  w.Key("explanation");
  AppendExplanationJson(r, out);
  w.EndObject();
}

void Engine::AppendExplanationJson(const Reply& r, std::string* out) const {
  text::Normalized n;
  Normalize(r.input, r.lang, Lang::kUnknown, &n);
  json::Writer w(out);
  w.BeginObject();
  w.Key("typed_as").String(text::LangTag(r.lang, r.script));
  w.Key("normalized").String(n.surface);
  w.Key("key").String(n.BareKey());
  const Candidate* best = r.Best();
  auto span = [&](uint16_t b, uint16_t e) {
    if (b >= e || e > n.tokens.size()) return std::string_view();
    size_t sb = n.tokens[b].surface_begin;
    size_t se = n.tokens[e - 1].surface_begin + n.tokens[e - 1].surface_len;
    return std::string_view(n.surface).substr(sb, se - sb);
  };
  if (r.chose_option) w.Key("chosen_option").Bool(true);
  if (!best) {
    w.Key("via").Null();
    w.Key("reason").String("no rule matched and no example shares words with the message");
  } else {
    const match::Evidence& ev = best->evidence;
    w.Key("via").String(match::ViaName(best->via));
    w.Key("intent").String(intent(best->intent).id);
    switch (ev.kind) {
      case EvidenceKind::kDtmf:
        w.Key("dtmf").String(intent(best->intent).dtmf);
        break;
      case EvidenceKind::kExactExample: {
        const ExampleRef& ex = example_refs_[static_cast<size_t>(ev.source)];
        w.Key("example").String(ex.text->text);
        w.Key("source").String(ex.text->pos.ToString());
        w.Key("match").String("exact");
        w.Key("span").String(n.surface);
        break;
      }
      case EvidenceKind::kRule: {
        const match::Rule& rule = rules_.rule(ev.source);
        w.Key(rule.is_regex ? "regex" : "template").String(rule.source);
        w.Key("source").String(rule.pos.ToString());
        w.Key("span").String(span(ev.token_begin, ev.token_end));
        break;
      }
      case EvidenceKind::kExamples: {
        w.Key("score").Number(best->score);
        int32_t e = examples_.Nearest(n, best->intent);
        if (e >= 0) {
          const ExampleRef& ex = example_refs_[static_cast<size_t>(e)];
          w.Key("nearest_example").String(ex.text->text);
          w.Key("source").String(ex.text->pos.ToString());
        }
        if (r.action == Action::kClarify || r.action == Action::kFallback) {
          std::string reason = r.action == Action::kClarify ? "best score is between the suggest and answer thresholds"
                                                            : "best score is below the suggest threshold";
          w.Key("reason").String(reason);
          w.Key("thresholds").BeginObject();
          w.Key("answer").Number(answer_threshold_);
          w.Key("suggest").Number(suggest_threshold_);
          w.EndObject();
        }
        break;
      }
      case EvidenceKind::kNone:
        break;
    }
  }
  w.EndObject();
}

}  // namespace zari
