#include "report/kpi.h"

#include <algorithm>
#include <set>
#include <utility>

#include "core/engine.h"
#include "log/feedback.h"

namespace zari::report {

int64_t Answers::responses() const {
  int64_t n = 0;
  for (const auto& [value, count] : by_value) n += count;
  return n;
}

double Answers::Average() const {
  int64_t n = 0, sum = 0;
  for (const auto& [value, count] : by_value) {
    n += count;
    sum += value * count;
  }
  return n ? static_cast<double>(sum) / static_cast<double>(n) : -1;
}

Ratio Answers::Between(int lowest, int highest) const {
  Ratio r;
  for (const auto& [value, count] : by_value) {
    if (value >= lowest && value <= highest) r.numerator += count;
    r.denominator += count;
  }
  return r;
}

double Kpis::Nps() const {
  const int64_t n = nps.responses();
  if (n == 0) return 0;
  const Ratio promoters = nps.Between(log::kNpsPromoterFrom, 10);
  const Ratio detractors = nps.Between(0, log::kNpsDetractorTo);
  return 100.0 * static_cast<double>(promoters.numerator - detractors.numerator) / static_cast<double>(n);
}

namespace {

// Conversations with a handoff of each reason: distinct session ids, and
// each row without an id as one conversation (as containment counts them).
std::map<std::string, int64_t> ConversationsByReason(const std::vector<HandoffEvent>& events) {
  std::map<std::string, std::set<std::string>> sessions;
  std::map<std::string, int64_t> out;
  for (const HandoffEvent& h : events) {
    if (h.session.empty()) ++out[h.reason];
    else sessions[h.reason].insert(h.session);
  }
  for (const auto& [reason, ids] : sessions) out[reason] += static_cast<int64_t>(ids.size());
  return out;
}

void MergeAnswers(const Answers& from, Answers* to) {
  for (const auto& [value, count] : from.by_value) to->by_value[value] += count;
}

Answers* AnswersOf(Kpis& k, const std::string& kind) {
  log::FeedbackKind parsed;
  if (!log::ParseFeedbackKind(kind, &parsed)) return nullptr;
  switch (parsed) {
    case log::FeedbackKind::kHelpful: return &k.helpful;
    case log::FeedbackKind::kCsat: return &k.csat;
    case log::FeedbackKind::kCes: return &k.ces;
    case log::FeedbackKind::kNps: return &k.nps;
  }
  return nullptr;
}

// The least helpful first: lowest share of yes, then most answers.
void RankHelpful(std::vector<IntentHelpful>* intents) {
  auto share = [](const IntentHelpful& h) { return h.answers.Between(1, 1).value(); };
  std::sort(intents->begin(), intents->end(), [&](const IntentHelpful& a, const IntentHelpful& b) {
    if (share(a) != share(b)) return share(a) < share(b);
    if (a.answers.responses() != b.answers.responses()) return a.answers.responses() > b.answers.responses();
    return a.intent < b.intent;
  });
}

// Conversations begun while the pack's operators were offline: an hour
// counts as offline when the schedule is closed at its half past.
Ratio OutsideHours(const Engine* engine, const Report& r) {
  Ratio out;
  out.known = engine != nullptr && r.has_rates;
  out.denominator = r.total.conversations;
  if (!out.known) return out;
  for (const auto& [hour, conversations] : r.activity.conversations_by_hour) {
    if (!engine->schedule().IsOpen(hour * 3600 + 1800)) out.numerator += conversations;
  }
  return out;
}

}  // namespace

void AddKpiInputs(DbData* d, Report* report) {
  Kpis& k = report->kpis;
  Activity& a = report->activity;
  for (const auto& [hour, n] : d->conversations_by_hour) a.conversations_by_hour[hour] += n;
  for (const auto& [reason, n] : ConversationsByReason(d->handoff_events)) k.escalation_by_reason[reason].numerator += n;
  std::move(d->handoff_events.begin(), d->handoff_events.end(), std::back_inserter(a.handoffs));
  std::move(d->feedback.begin(), d->feedback.end(), std::back_inserter(a.feedback));
  k.has_feedback |= d->info.has_feedback;
  k.has_takeovers |= d->info.has_takeovers;
  k.confirmed_resolution.numerator += d->confirmed;
  for (const auto& [intent, answers] : d->helpful_by_intent) {
    auto it = std::find_if(k.helpful_by_intent.begin(), k.helpful_by_intent.end(),
                           [&](const IntentHelpful& h) { return h.intent == intent; });
    if (it == k.helpful_by_intent.end()) it = k.helpful_by_intent.insert(it, IntentHelpful{intent, {}});
    MergeAnswers(answers, &it->answers);
  }
  for (const auto& [op, n] : d->operator_conversations) {
    auto it = std::find_if(k.operators.begin(), k.operators.end(),
                           [&](const OperatorKpis& o) { return o.operator_id == op; });
    if (it == k.operators.end()) it = k.operators.insert(it, OperatorKpis{op, 0, {}});
    it->conversations += n;
  }
  for (const auto& [op, answers] : d->operator_csat) {
    auto it = std::find_if(k.operators.begin(), k.operators.end(),
                           [&](const OperatorKpis& o) { return o.operator_id == op; });
    if (it == k.operators.end()) it = k.operators.insert(it, OperatorKpis{op, 0, {}});
    MergeAnswers(answers, &it->csat);
  }
}

void FinishKpis(const Engine* engine, Report* report) {
  Kpis& k = report->kpis;
  const Rates& t = report->total;
  k.has_conversations = report->has_rates;
  k.conversations = t.conversations;
  const int64_t escalated = std::min(t.handoff_conversations, t.conversations);
  auto of_conversations = [&](int64_t n) { return Ratio{n, t.conversations, report->has_rates}; };
  k.containment = of_conversations(t.conversations - escalated);
  k.escalation = of_conversations(escalated);
  for (const char* reason : {"requested", "intent", "misses"}) k.escalation_by_reason[reason];  // always listed
  for (auto& [reason, ratio] : k.escalation_by_reason) ratio = of_conversations(ratio.numerator);
  k.confirmed_resolution = of_conversations(k.confirmed_resolution.numerator);
  k.outside_hours = OutsideHours(engine, *report);
  for (const FeedbackCount& f : report->activity.feedback) {
    if (Answers* a = AnswersOf(k, f.kind)) a->by_value[f.value] += f.count;
  }
  RankHelpful(&k.helpful_by_intent);
  std::stable_sort(k.operators.begin(), k.operators.end(), [](const OperatorKpis& a, const OperatorKpis& b) {
    if (a.conversations != b.conversations) return a.conversations > b.conversations;
    return a.operator_id < b.operator_id;
  });
  if (!k.has_feedback) {
    report->notes.push_back("no feedback table (it starts with schema 4): CSAT, CES, NPS and helpful are empty");
  }
  if (!engine && report->has_rates) {
    report->notes.push_back("conversations outside operator hours: n/a without --pack (the pack's opening hours)");
  }
}

}  // namespace zari::report
