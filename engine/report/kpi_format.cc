// The KPIs in every format of `zari report`: one tree (nlohmann's ordered
// JSON) gives the JSON object and the YAML mapping, so the two always have
// the same fields; the table and the CSV read the structs.
#include <nlohmann/json.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "log/feedback.h"
#include "report/display.h"
#include "report/kpi.h"
#include "util/numbers.h"
#include "util/utf8.h"
#include "util/yaml_text.h"

namespace zari::report {
namespace {

using Json = nlohmann::ordered_json;

// ---- the tree -------------------------------------------------------------------

// {"value", "numerator", "denominator"}: all null when it cannot be counted,
// the value null when the denominator is 0.
Json RatioJson(const Ratio& r) {
  if (!r.known) return Json{{"value", nullptr}, {"numerator", nullptr}, {"denominator", nullptr}};
  const double v = r.value();
  return Json{{"value", v < 0 ? Json(nullptr) : Json(v)}, {"numerator", r.numerator}, {"denominator", r.denominator}};
}

Json NumberOrNull(double v) { return v < 0 ? Json(nullptr) : Json(v); }

Json Distribution(const Answers& a, int lowest, int highest) {
  Json d = Json::object();
  for (int v = lowest; v <= highest; ++v) {
    auto it = a.by_value.find(v);
    d[std::to_string(v)] = it == a.by_value.end() ? 0 : it->second;
  }
  return d;
}

// The answers to one question: responses, average, the share in a band and
// how many gave each value.
Json AnswersJson(const Answers& a, log::FeedbackKind kind, const char* band, int from, int to) {
  const log::FeedbackScale scale = log::ScaleOf(kind);
  Json j{{"responses", a.responses()}, {"average", NumberOrNull(a.Average())}};
  j[band] = RatioJson(a.Between(from, to));
  j["distribution"] = Distribution(a, scale.min, scale.max);
  return j;
}

Json NpsJson(const Kpis& k) {
  Json j{{"responses", k.nps.responses()}, {"score", k.nps.responses() ? Json(k.Nps()) : Json(nullptr)}};
  j["promoters"] = RatioJson(k.nps.Between(log::kNpsPromoterFrom, 10));
  j["passives"] = RatioJson(k.nps.Between(log::kNpsDetractorTo + 1, log::kNpsPromoterFrom - 1));
  j["detractors"] = RatioJson(k.nps.Between(0, log::kNpsDetractorTo));
  j["distribution"] = Distribution(k.nps, 0, 10);
  return j;
}

Json FeedbackJson(const Kpis& k) {
  Json j = Json::object();
  j["csat"] = AnswersJson(k.csat, log::FeedbackKind::kCsat, "satisfied", log::kCsatSatisfiedFrom, 5);
  j["ces"] = AnswersJson(k.ces, log::FeedbackKind::kCes, "easy", log::kCesEasyFrom, 7);
  j["nps"] = NpsJson(k);
  j["helpful"] = Json{{"responses", k.helpful.responses()}, {"yes", RatioJson(k.helpful.Between(1, 1))}};
  Json intents = Json::array();
  for (const IntentHelpful& h : k.helpful_by_intent) {
    intents.push_back(Json{{"intent", h.intent.empty() ? Json(nullptr) : Json(zari::SanitizeUtf8(h.intent))},
                           {"responses", h.answers.responses()},
                           {"yes", RatioJson(h.answers.Between(1, 1))}});
  }
  j["helpful_by_intent"] = intents;
  return j;
}

Json OperatorsJson(const Kpis& k) {
  Json ops = Json::array();
  for (const OperatorKpis& o : k.operators) {
    ops.push_back(Json{{"operator", zari::SanitizeUtf8(o.operator_id)},
                       {"conversations", o.conversations},
                       {"csat", Json{{"responses", o.csat.responses()},
                                     {"average", NumberOrNull(o.csat.Average())},
                                     {"satisfied", RatioJson(o.csat.Between(log::kCsatSatisfiedFrom, 5))}}}});
  }
  return ops;
}

Json KpiTree(const Report& r) {
  const Kpis& k = r.kpis;
  Json j = Json::object();
  j["conversations"] = k.has_conversations ? Json(k.conversations) : Json(nullptr);
  j["containment"] = RatioJson(k.containment);
  j["confirmed_resolution"] = RatioJson(k.confirmed_resolution);
  j["escalation"] = RatioJson(k.escalation);
  Json by_reason = Json::object();
  for (const auto& [reason, ratio] : k.escalation_by_reason) by_reason[zari::SanitizeUtf8(reason)] = RatioJson(ratio);
  j["escalation_by_reason"] = by_reason;
  j["outside_hours"] = RatioJson(k.outside_hours);
  j["feedback"] = k.has_feedback;
  j.update(FeedbackJson(k));
  j["takeovers"] = k.has_takeovers;
  j["operators"] = OperatorsJson(k);
  return j;
}

// ---- YAML -----------------------------------------------------------------------

std::string YamlScalar(const Json& v) {
  if (v.is_null()) return "null";
  if (v.is_string()) return zari::YamlQuoted(v.get<std::string>());
  return v.dump();  // numbers and booleans read the same in YAML
}

void AppendYaml(const Json& j, const std::string& indent, std::string* out) {
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      *out += indent + zari::YamlKey(key) + ":";
      if (value.is_structured() && !value.empty()) {
        *out += "\n";
        AppendYaml(value, indent + "  ", out);
      } else {
        *out += " " + (value.is_structured() ? std::string(value.is_array() ? "[]" : "{}") : YamlScalar(value)) + "\n";
      }
    }
    return;
  }
  for (const Json& item : j) {  // a list of mappings (intents, operators)
    std::string fields;
    AppendYaml(item, indent + "  ", &fields);
    fields.replace(indent.size(), 2, "- ");
    *out += fields;
  }
}

// ---- table ----------------------------------------------------------------------

std::string RatioText(const Ratio& r) {
  const double v = r.value();
  return v < 0 ? "n/a" : Percent(v);
}

std::string OfText(const Ratio& r, const std::string& what) {
  if (!r.known || r.denominator == 0) return "";
  return GroupThousands(r.numerator) + " of " + GroupThousands(r.denominator) + what;
}

void Row(const std::string& label, const std::string& value, const std::string& extra, std::string* out) {
  *out += SummaryLine(label, value, extra);
}

void AppendConversationKpis(const Kpis& k, std::string* out) {
  Row("conversations", k.has_conversations ? GroupThousands(k.conversations) : "n/a", "", out);
  Row("containment", RatioText(k.containment), OfText(k.containment, " without a handoff"), out);
  Row("confirmed resolution", RatioText(k.confirmed_resolution),
      OfText(k.confirmed_resolution, ": positive feedback, no handoff"), out);
  Row("escalation", RatioText(k.escalation), OfText(k.escalation, " handed to a person"), out);
  static const std::pair<const char*, const char*> kReasons[] = {
      {"requested", "  asked for a person"}, {"intent", "  handoff intent"}, {"misses", "  misses in a row"}};
  for (const auto& [reason, label] : kReasons) {
    auto it = k.escalation_by_reason.find(reason);
    if (it != k.escalation_by_reason.end()) Row(label, RatioText(it->second), OfText(it->second, ""), out);
  }
  Row("outside operator hours", RatioText(k.outside_hours),
      k.outside_hours.known ? OfText(k.outside_hours, " began while operators were offline")
                            : "(--pack gives the opening hours)",
      out);
}

void AppendFeedbackKpis(const Kpis& k, std::string* out) {
  auto answers = [](const Answers& a) { return GroupThousands(a.responses()) + (a.responses() == 1 ? " answer" : " answers"); };
  if (!k.has_feedback) {
    Row("feedback", "n/a", "no feedback table (schema < 4)", out);
    return;
  }
  // A question nobody answered says so, rather than a row of n/a.
  auto row = [&](const std::string& label, const Answers& a, const std::string& value, const std::string& extra) {
    Row(label, a.responses() ? value : "n/a", a.responses() ? extra + ", " + answers(a) : "no answers", out);
  };
  row("CSAT (1-5)", k.csat, Fixed(k.csat.Average(), 2),
      RatioText(k.csat.Between(log::kCsatSatisfiedFrom, 5)) + " satisfied (4-5)");
  row("CES (1-7, 7 = easy)", k.ces, Fixed(k.ces.Average(), 2), RatioText(k.ces.Between(log::kCesEasyFrom, 7)) + " easy (5-7)");
  row("NPS", k.nps, Fixed(k.Nps(), 0),
      RatioText(k.nps.Between(log::kNpsPromoterFrom, 10)) + " promoters, " +
          RatioText(k.nps.Between(0, log::kNpsDetractorTo)) + " detractors");
  row("helpful", k.helpful, RatioText(k.helpful.Between(1, 1)), "said yes");
}

void AppendLeastHelpful(const Kpis& k, std::string* out) {
  if (k.helpful_by_intent.empty()) return;
  *out += "\nLeast helpful answers (\"was this helpful?\", worst first)\n";
  size_t width = 6;
  for (const IntentHelpful& h : k.helpful_by_intent) width = std::max(width, DisplayWidth(OneLine(h.intent)));
  *out += "  " + PadRight("intent", width) + "  " + PadLeft("helpful", 8) + "  " + PadLeft("yes", 6) + "  " +
          PadLeft("no", 6) + "\n";
  size_t shown = 0;
  for (const IntentHelpful& h : k.helpful_by_intent) {
    if (++shown > 10) break;
    const Ratio yes = h.answers.Between(1, 1);
    *out += "  " + PadRight(h.intent.empty() ? "(before any answer)" : OneLine(h.intent), width) + "  " +
            PadLeft(RatioText(yes), 8) + "  " + PadLeft(GroupThousands(yes.numerator), 6) + "  " +
            PadLeft(GroupThousands(yes.denominator - yes.numerator), 6) + "\n";
  }
}

void AppendOperators(const Kpis& k, std::string* out) {
  if (!k.has_takeovers) return;
  *out += "\nOperators (conversations taken over; CSAT given after they joined)\n";
  if (k.operators.empty()) {
    *out += "  (none in the period)\n";
    return;
  }
  size_t width = 8;
  for (const OperatorKpis& o : k.operators) width = std::max(width, DisplayWidth(OneLine(o.operator_id)));
  *out += "  " + PadRight("operator", width) + "  " + PadLeft("conversations", 13) + "  " + PadLeft("CSAT", 5) +
          "  " + PadLeft("satisfied", 9) + "  " + PadLeft("answers", 7) + "\n";
  for (const OperatorKpis& o : k.operators) {
    *out += "  " + PadRight(OneLine(o.operator_id), width) + "  " + PadLeft(GroupThousands(o.conversations), 13) +
            "  " + PadLeft(o.csat.responses() ? Fixed(o.csat.Average(), 2) : "-", 5) + "  " +
            PadLeft(RatioText(o.csat.Between(log::kCsatSatisfiedFrom, 5)), 9) + "  " +
            PadLeft(GroupThousands(o.csat.responses()), 7) + "\n";
  }
}

// ---- CSV ------------------------------------------------------------------------

void CsvRow(const std::vector<std::string>& fields, std::string* out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i) out->push_back(',');
    *out += CsvField(fields[i]);
  }
  *out += "\r\n";
}

// kpi, group, value, numerator, denominator, responses, average
void CsvRatio(const std::string& kpi, const std::string& group, const Ratio& r, std::string* out) {
  const double v = r.value();
  CsvRow({kpi, group, v < 0 ? "" : Fixed(v, 4), r.known ? std::to_string(r.numerator) : "",
          r.known ? std::to_string(r.denominator) : "", "", ""},
         out);
}

void CsvAnswers(const std::string& kpi, const std::string& group, const Answers& a, const Ratio& band,
                std::string* out) {
  const double v = band.value();
  CsvRow({kpi, group, v < 0 ? "" : Fixed(v, 4), std::to_string(band.numerator), std::to_string(band.denominator),
          std::to_string(a.responses()), a.responses() ? Fixed(a.Average(), 4) : ""},
         out);
}

}  // namespace

std::string KpisJson(const Report& r) { return KpiTree(r).dump(); }

void AppendKpiYaml(const Report& r, std::string* out) {
  *out += "kpis:\n";
  AppendYaml(KpiTree(r), "  ", out);
}

void AppendKpiTable(const Report& r, std::string* out) {
  *out += "\nKPIs (docs/OPERATIONS.md defines each)\n";
  AppendConversationKpis(r.kpis, out);
  AppendFeedbackKpis(r.kpis, out);
  AppendLeastHelpful(r.kpis, out);
  AppendOperators(r.kpis, out);
}

std::string FormatKpiCsv(const Report& r) {
  const Kpis& k = r.kpis;
  std::string out;
  CsvRow({"kpi", "group", "value", "numerator", "denominator", "responses", "average"}, &out);
  CsvRow({"conversations", "", k.has_conversations ? std::to_string(k.conversations) : "", "", "", "", ""}, &out);
  CsvRatio("containment", "", k.containment, &out);
  CsvRatio("confirmed_resolution", "", k.confirmed_resolution, &out);
  CsvRatio("escalation", "", k.escalation, &out);
  for (const auto& [reason, ratio] : k.escalation_by_reason) CsvRatio("escalation", reason, ratio, &out);
  CsvRatio("outside_hours", "", k.outside_hours, &out);
  CsvAnswers("csat", "satisfied", k.csat, k.csat.Between(log::kCsatSatisfiedFrom, 5), &out);
  CsvAnswers("ces", "easy", k.ces, k.ces.Between(log::kCesEasyFrom, 7), &out);
  CsvAnswers("nps", "promoters", k.nps, k.nps.Between(log::kNpsPromoterFrom, 10), &out);
  CsvAnswers("nps", "detractors", k.nps, k.nps.Between(0, log::kNpsDetractorTo), &out);
  CsvRow({"nps", "score", k.nps.responses() ? Fixed(k.Nps(), 1) : "", "", "", std::to_string(k.nps.responses()), ""},
         &out);
  CsvAnswers("helpful", "", k.helpful, k.helpful.Between(1, 1), &out);
  for (const IntentHelpful& h : k.helpful_by_intent) {
    CsvAnswers("helpful_by_intent", h.intent, h.answers, h.answers.Between(1, 1), &out);
  }
  for (const OperatorKpis& o : k.operators) {
    CsvRow({"operator_conversations", o.operator_id, std::to_string(o.conversations), "", "", "", ""}, &out);
    CsvAnswers("operator_csat", o.operator_id, o.csat, o.csat.Between(log::kCsatSatisfiedFrom, 5), &out);
  }
  return out;
}

}  // namespace zari::report
