// The HTML report's page around its charts: style, heading, the KPIs as
// cards, the clusters and operators as tables, notes. Markup is also
// well-formed XML (every element closed, attributes quoted, no named
// entities but XML's), so tools and tests can parse it.
#include <string>
#include <vector>

#include "core/engine.h"
#include "log/feedback.h"
#include "report/display.h"
#include "report/html.h"
#include "util/numbers.h"

namespace zari::report {
namespace {

// For screen and paper: dark blue and black read as two greys in print,
// and every series also differs by pattern, line style or marker.
constexpr const char* kStyle = R"(
body { font-family: system-ui, "Segoe UI", "Noto Sans", "Noto Sans Georgian", "DejaVu Sans", sans-serif;
       margin: 0 auto; max-width: 980px; padding: 24px; color: #111111; background: #ffffff; line-height: 1.4; }
h1 { font-size: 1.6em; margin: 0 0 4px 0; }
h2 { font-size: 1.2em; margin: 30px 0 6px 0; border-bottom: 2px solid #111111; padding-bottom: 4px; }
.meta { color: #333333; font-size: 0.9em; margin: 2px 0; }
.note { color: #333333; font-size: 0.85em; margin: 2px 0 8px 0; }
.nodata { font-style: italic; color: #333333; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(175px, 1fr)); gap: 10px; }
.card { border: 1px solid #777777; border-radius: 6px; padding: 10px 12px; }
.card .label { font-size: 0.78em; text-transform: uppercase; letter-spacing: 0.04em; color: #222222; }
.card .value { font-size: 1.7em; font-weight: 700; margin: 2px 0; }
.card .of { font-size: 0.8em; color: #333333; }
svg.chart { width: 100%; height: auto; display: block; }
svg .axis, svg .legend { font-size: 11px; fill: #222222; }
svg .value { font-size: 11px; fill: #111111; font-weight: 600; }
svg .small { font-size: 9px; fill: #333333; }
svg .cellnum { font-size: 9px; fill: #111111; }
svg .cellnum.light { fill: #ffffff; font-weight: 600; }
svg .cell { fill: #ffffff; stroke: #bbbbbb; stroke-width: 0.5; }
svg .heat { fill: #1f4e79; }
svg .offline { stroke: #777777; stroke-width: 0.5; }
svg .grid { stroke: #cccccc; stroke-width: 1; }
svg .series1 { fill: none; stroke: #1f4e79; stroke-width: 2.5; }
svg .series2 { fill: none; stroke: #111111; stroke-width: 2; stroke-dasharray: 6 4; }
svg .marker1 { fill: #1f4e79; stroke: #ffffff; stroke-width: 1; }
svg .marker2 { fill: #ffffff; stroke: #111111; stroke-width: 1.5; }
svg .bar1 { fill: #1f4e79; stroke: #111111; stroke-width: 0.5; }
svg .bar2 { stroke: #111111; stroke-width: 0.8; }
svg .track { fill: #f2f2f2; stroke: #cccccc; stroke-width: 0.5; }
table { border-collapse: collapse; width: 100%; font-size: 0.9em; margin-top: 10px; }
th, td { border-bottom: 1px solid #cccccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { border-bottom: 2px solid #111111; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.samples { color: #333333; font-size: 0.9em; }
footer { margin-top: 32px; font-size: 0.8em; color: #333333; border-top: 1px solid #777777; padding-top: 8px; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  section, .card, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
}
)";

std::string Card(const std::string& label, const std::string& value, const std::string& of) {
  return "<div class=\"card\"><div class=\"label\">" + HtmlEscape(label) + "</div><div class=\"value\">" +
         HtmlEscape(value) + "</div><div class=\"of\">" + HtmlEscape(of) + "</div></div>";
}

std::string RatioValue(const Ratio& r) { return r.value() < 0 ? "n/a" : Percent(r.value()); }

std::string RatioOf(const Ratio& r, const std::string& what) {
  if (!r.known) return "not counted";
  return GroupThousands(r.numerator) + " of " + GroupThousands(r.denominator) + " " + what;
}

std::string AnswerCount(int64_t n) { return GroupThousands(n) + (n == 1 ? " answer" : " answers"); }

std::string IntentCell(const Report& r, const std::string& id, double score) {
  if (id.empty()) return "–";
  std::string s = "<code>" + HtmlEscape(id) + "</code>";
  if (const Engine* e = r.options.engine.get()) {
    const int32_t i = e->FindIntent(id);
    // The pack's own title, as written, in its first language.
    if (i >= 0) s += "<br/>" + HtmlEscape(e->Title(i, e->pack().DefaultLanguage()));
  }
  return s + "<br/><span class=\"samples\">score " + Fixed(score, 2) + "</span>";
}

}  // namespace

std::string HtmlHead(const std::string& title) {
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/><title>" +
         HtmlEscape(title) + "</title><style>" + kStyle + "</style></head><body>\n";
}

std::string HtmlHeading(const Report& r, const std::string& pack, int64_t generated) {
  std::string out = "<header><h1>Customer support report</h1>";
  if (!pack.empty()) {
    const std::string& version = r.options.engine->pack().version;
    out += "<p class=\"meta\">Pack: <strong>" + HtmlEscape(pack) + "</strong>" +
           (version.empty() ? "" : " version " + HtmlEscape(version)) + "</p>";
  }
  out += "<p class=\"meta\">Period: " + HtmlEscape(PeriodText(r)) +
         (r.options.language.empty() ? "" : "; language " + HtmlEscape(r.options.language)) + "</p>";
  for (const DatabaseInfo& d : r.databases) {
    out += "<p class=\"meta\">Log: " + HtmlEscape(d.path) + " (schema " + std::to_string(d.schema) + ")</p>";
  }
  out += "<p class=\"meta\">Made " + HtmlEscape(FormatTime(generated)) + " UTC by zari report</p></header>\n";
  return out;
}

std::string Section(const std::string& id, const std::string& title, const std::string& note, const std::string& body) {
  return "<section id=\"" + id + "\"><h2>" + HtmlEscape(title) + "</h2>" +
         (note.empty() ? "" : "<p class=\"note\">" + HtmlEscape(note) + "</p>") + body + "</section>\n";
}

std::string NoData(const std::string& why) { return "<p class=\"nodata\">" + HtmlEscape(why) + "</p>"; }

std::string KpiCards(const Report& r) {
  const Kpis& k = r.kpis;
  std::string out = "<div class=\"cards\">";
  out += Card("Conversations", k.has_conversations ? GroupThousands(k.conversations) : "n/a", "begun in the period");
  out += Card("Containment", RatioValue(k.containment), RatioOf(k.containment, "without a handoff"));
  out += Card("Confirmed resolution", RatioValue(k.confirmed_resolution),
              RatioOf(k.confirmed_resolution, "with positive feedback, no handoff"));
  std::string reasons;
  for (const auto& [reason, label] : std::vector<std::pair<std::string, std::string>>{
           {"requested", "asked"}, {"intent", "intent"}, {"misses", "misses"}}) {
    auto it = k.escalation_by_reason.find(reason);
    if (it != k.escalation_by_reason.end()) reasons += (reasons.empty() ? "" : " · ") + label + " " + RatioValue(it->second);
  }
  out += Card("Escalation", RatioValue(k.escalation), RatioOf(k.escalation, "handed to a person") + "; " + reasons);
  out += Card("Outside operator hours", RatioValue(k.outside_hours),
              k.outside_hours.known ? RatioOf(k.outside_hours, "began while operators were offline")
                                    : "needs --pack (the opening hours)");
  const Ratio satisfied = k.csat.Between(log::kCsatSatisfiedFrom, 5);
  out += Card("CSAT", k.csat.responses() ? Fixed(k.csat.Average(), 2) + " / 5" : "n/a",
              RatioValue(satisfied) + " satisfied (4-5) · " + AnswerCount(k.csat.responses()));
  out += Card("CES", k.ces.responses() ? Fixed(k.ces.Average(), 2) + " / 7" : "n/a",
              RatioValue(k.ces.Between(log::kCesEasyFrom, 7)) + " easy (5-7) · " + AnswerCount(k.ces.responses()));
  out += Card("NPS", k.nps.responses() ? (k.Nps() > 0 ? "+" : "") + Fixed(k.Nps(), 0) : "n/a",
              RatioValue(k.nps.Between(log::kNpsPromoterFrom, 10)) + " promoters · " +
                  RatioValue(k.nps.Between(0, log::kNpsDetractorTo)) + " detractors · " + AnswerCount(k.nps.responses()));
  const Ratio yes = k.helpful.Between(1, 1);
  out += Card("Helpful answers", RatioValue(yes), RatioOf(yes, "said yes"));
  return out + "</div>";
}

std::string ClusterTable(const Report& r) {
  if (r.clusters.empty()) return NoData("no unresolved questions in the period");
  std::string out = "<table><thead><tr><th class=\"num\">#</th><th class=\"num\">asked</th><th>languages</th>"
                    "<th>question, as customers wrote it</th><th>nearest intent</th></tr></thead><tbody>";
  for (size_t i = 0; i < r.clusters.size() && i < 20; ++i) {
    const Cluster& c = r.clusters[i];
    std::string samples;
    for (size_t k = 1; k < c.samples.size() && k < 4; ++k) {
      samples += "<br/><span class=\"samples\">· " + HtmlEscape(OneLine(c.samples[k].text)) + "</span>";
    }
    out += "<tr><td class=\"num\">" + std::to_string(i + 1) + "</td><td class=\"num\">" + GroupThousands(c.count) +
           "</td><td>" + HtmlEscape(LanguagesOf(c)) + "</td><td>" + HtmlEscape(OneLine(c.label)) + samples +
           (c.answered_by.empty() ? "" : "<br/><em>now answered by " + HtmlEscape(c.answered_by) + "</em>") +
           "</td><td>" + IntentCell(r, c.nearest_intent, c.nearest_score) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string OperatorTable(const Report& r) {
  if (r.kpis.operators.empty()) return NoData("no conversation was taken over in the period");
  std::string out = "<table><thead><tr><th>operator</th><th class=\"num\">conversations taken</th>"
                    "<th class=\"num\">CSAT after them</th><th class=\"num\">satisfied (4-5)</th>"
                    "<th class=\"num\">answers</th></tr></thead><tbody>";
  for (const OperatorKpis& o : r.kpis.operators) {
    out += "<tr><td>" + HtmlEscape(o.operator_id) + "</td><td class=\"num\">" + GroupThousands(o.conversations) +
           "</td><td class=\"num\">" + (o.csat.responses() ? Fixed(o.csat.Average(), 2) : "–") +
           "</td><td class=\"num\">" + RatioValue(o.csat.Between(log::kCsatSatisfiedFrom, 5)) +
           "</td><td class=\"num\">" + GroupThousands(o.csat.responses()) + "</td></tr>";
  }
  return out + "</tbody></table>";
}

std::string HtmlFooter(const Report& r) {
  std::string out = "<footer>";
  if (!r.notes.empty()) {
    out += "<p>Notes:</p><ul>";
    for (const std::string& n : r.notes) out += "<li>" + HtmlEscape(n) + "</li>";
    out += "</ul>";
  }
  out += "<p>Every figure is defined in Zari's docs/OPERATIONS.md (KPIs). Customers' texts are shown as logged, "
         "with personal data masked.</p></footer>\n</body></html>\n";
  return out;
}

}  // namespace zari::report
