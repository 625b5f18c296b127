#include "dialog/reply_json.h"

#include "core/engine.h"

namespace zari::dialog {

namespace {

using match::Candidate;
using match::EvidenceKind;

// The most bytes OpenCandidate writes, with a comma before it.
size_t CandidateBytes(const Engine& e) { return e.max_json_value() + json::kMaxNumberBytes + 48; }

// One candidate's members, without its closing brace:
// {"intent":…,"score":…,"via":…
void OpenCandidate(const Engine& e, const Candidate& c, json::Buffer& b) {
  b.Literal("{\"intent\":");
  b.Raw(e.IntentJson(c.intent));
  b.Literal(",\"score\":");
  b.Number(c.score);
  b.Literal(",\"via\":");
  b.PlainString(match::ViaName(c.via));
}

// A relayed reply's candidates are the operator's suggestions (agent
// assist): each also has the "answer" the bot would give, in the customer's
// language (null when it would hand off instead).
void AppendAssistCandidates(const Engine& e, const Reply& r, std::string* out) {
  out->push_back('[');
  for (size_t i = 0; i < r.candidate_count; ++i) {
    const Candidate& c = r.candidates[i];
    {
      json::Buffer b(out, CandidateBytes(e));
      if (i > 0) b.Literal(",");
      OpenCandidate(e, c, b);
    }
    out->append(",\"answer\":");
    if (const std::string* answer = e.AnswerFor(c.intent, r.lang)) json::AppendString(out, *answer);
    else out->append("null");
    out->push_back('}');
  }
  out->push_back(']');
}

// The candidates array: [{"intent":…,"score":…,"via":…}, …], in one buffer
// (this is on the path of every reply and classify line).
void AppendCandidates(const Engine& e, const Reply& r, std::string* out) {
  if (r.action == Action::kRelayed) {
    AppendAssistCandidates(e, r, out);
    return;
  }
  json::Buffer b(out, 2 + r.candidate_count * CandidateBytes(e));
  b.Literal("[");
  for (size_t i = 0; i < r.candidate_count; ++i) {
    if (i > 0) b.Literal(",");
    OpenCandidate(e, r.candidates[i], b);
    b.Literal("}");
  }
  b.Literal("]");
}

// [{"intent", "<key>": title}, …] for clarify options and suggestions.
void AppendIntentList(const Engine& e, const Reply& r, const int32_t* intents, size_t count,
                      std::string_view title_key, json::Writer& w) {
  w.BeginArray();
  for (size_t i = 0; i < count; ++i) {
    w.BeginObject();
    w.Key("intent").Raw(e.IntentJson(intents[i]));
    w.Key(title_key).String(e.Title(intents[i], r.lang));
    w.EndObject();
  }
  w.EndArray();
}

// The matched span of message tokens [b, e) in the normalized surface.
std::string_view Span(const text::Normalized& n, uint16_t b, uint16_t e) {
  if (b >= e || e > n.tokens.size()) return {};
  size_t sb = n.tokens[b].surface_begin;
  size_t se = n.tokens[e - 1].surface_begin + n.tokens[e - 1].surface_len;
  return std::string_view(n.surface).substr(sb, se - sb);
}

void ExplainExamples(const Engine& e, const Reply& r, const text::Normalized& n, const Candidate& best,
                     json::Writer& w) {
  w.Key("score").Number(best.score);
  int32_t nearest = e.examples().Nearest(n, best.intent);
  if (nearest >= 0) {
    const ExampleRef& ex = e.example_refs()[static_cast<size_t>(nearest)];
    w.Key("nearest_example").String(ex.text->text);
    w.Key("source").String(ex.text->pos.ToString());
  }
  if (r.action == Action::kClarify || r.action == Action::kFallback) {
    w.Key("reason").String(r.action == Action::kClarify ? "best score is between the suggest and answer thresholds"
                                                        : "best score is below the suggest threshold");
    w.Key("thresholds").BeginObject();
    w.Key("answer").Number(e.answer_threshold());
    w.Key("suggest").Number(e.suggest_threshold());
    w.EndObject();
  }
}

void ExplainBest(const Engine& e, const Reply& r, const text::Normalized& n, const Candidate& best,
                 json::Writer& w) {
  const match::Evidence& ev = best.evidence;
  w.Key("via").String(match::ViaName(best.via));
  w.Key("intent").String(e.intent(best.intent).id);
  switch (ev.kind) {
    case EvidenceKind::kDtmf:
      w.Key("dtmf").String(e.intent(best.intent).dtmf);
      break;
    case EvidenceKind::kExactExample: {
      const ExampleRef& ex = e.example_refs()[static_cast<size_t>(ev.source)];
      w.Key("example").String(ex.text->text);
      w.Key("source").String(ex.text->pos.ToString());
      w.Key("match").String("exact");
      w.Key("span").String(n.surface);
      break;
    }
    case EvidenceKind::kRule: {
      const match::Rule& rule = e.rules().rule(ev.source);
      w.Key(rule.is_regex ? "regex" : "template").String(rule.source);
      w.Key("source").String(rule.pos.ToString());
      w.Key("span").String(Span(n, ev.token_begin, ev.token_end));
      break;
    }
    case EvidenceKind::kExamples:
      ExplainExamples(e, r, n, best, w);
      break;
    case EvidenceKind::kNone:
      break;
  }
}

}  // namespace

void AppendReplyMembers(const Reply& r, json::Writer& w) {
  const Engine& e = *r.engine;
  w.Key("reply").String(r.Text());
  w.Key("action").String(ActionName(r.action));
  w.Key("intent").Raw(e.IntentJson(r.intent));
  w.Key("confidence").Number(r.confidence);
  w.Key("language").String(text::LangCode(r.lang));
  w.Key("route").Raw(e.RouteJson(r.intent));
  w.Key("slots").BeginObject();
  for (const match::Slot& s : r.slots) w.Key(s.name).String(s.value);
  w.EndObject();
  AppendIntentList(e, r, r.options.data(), r.option_count, "label", w.Key("options"));
  AppendIntentList(e, r, r.suggestions.data(), r.suggestion_count, "title", w.Key("suggestions"));
  AppendCandidates(e, r, w.Key("candidates").RawValue());
  if (r.handoff_reason != HandoffReason::kNone) w.Key("handoff_reason").String(HandoffReasonName(r.handoff_reason));
  AppendExplanationJson(r, w.Key("explanation").RawValue());
}

void AppendReplyJson(const Reply& r, std::string* out) {
  json::Writer w(out);
  w.BeginObject();
  AppendReplyMembers(r, w);
  w.EndObject();
}

void AppendClassifyJson(const Reply& r, std::string_view text, std::string* out, bool options) {
  const Engine& e = *r.engine;
  // A fixed shape: the keys are literals, ids and routes were escaped at load.
  out->append("{\"text\":");
  json::AppendString(out, text);
  {
    json::Buffer b(out, 2 * e.max_json_value() + json::kMaxNumberBytes + 96);
    b.Literal(",\"language\":");
    b.PlainString(text::LangCode(r.lang));
    b.Literal(",\"intent\":");
    b.Raw(e.IntentJson(r.intent));
    b.Literal(",\"confidence\":");
    b.Number(r.confidence);
    b.Literal(",\"action\":");
    b.PlainString(ActionName(r.action));
    b.Literal(",\"route\":");
    b.Raw(e.RouteJson(r.intent));
    b.Literal(",\"candidates\":");
  }
  AppendCandidates(e, r, out);
  if (options) {
    json::Buffer b(out, 16 + r.option_count * (e.max_json_value() + 1));
    b.Literal(",\"options\":[");
    for (size_t i = 0; i < r.option_count; ++i) {
      if (i > 0) b.Literal(",");
      b.Raw(e.IntentJson(r.options[i]));
    }
    b.Literal("]");
  }
  out->push_back('}');
}

void AppendExplanationJson(const Reply& r, std::string* out) {
  const Engine& e = *r.engine;
  text::Normalized n;
  e.Normalize(r.input, r.lang, text::Lang::kUnknown, &n);
  json::Writer w(out);
  w.BeginObject();
  w.Key("typed_as").String(text::LangTag(r.lang, r.script));
  w.Key("normalized").String(n.surface);
  w.Key("key").String(n.BareKey());
  if (r.chose_option) w.Key("chosen_option").Bool(true);
  if (const Candidate* best = r.Best()) {
    ExplainBest(e, r, n, *best, w);
  } else {
    w.Key("via").Null();
    w.Key("reason").String("no rule matched and no example shares words with the message");
  }
  w.EndObject();
}

std::string HandoffJson(const Handoff& h) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  w.Key("session").String(h.session);
  w.Key("channel").String(h.channel);
  w.Key("language").String(h.language);
  w.Key("reason").String(HandoffReasonName(h.reason));
  if (h.has_intent) w.Key("intent").String(h.intent);
  else w.Key("intent").Null();
  w.Key("within_hours").Bool(h.within_hours);
  w.Key("ts").Int(h.ts);
  if (h.next_open >= 0) w.Key("next_open").Int(h.next_open);
  w.Key("transcript").Raw(h.transcript_json.empty() ? std::string_view("[]") : std::string_view(h.transcript_json));
  w.EndObject();
  return out;
}

}  // namespace zari::dialog
