// `zari report --html FILE`: one self-contained page a support lead opens
// in a browser or mails on. Inline SVG written here (docs/DECISIONS.md says
// why): no scripts, fonts, images or network; patterns and labels carry the
// meaning, so it reads printed in black and white. Every text from the log
// or the pack is escaped: it is customer input.
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/engine.h"
#include "core/hours.h"
#include "log/feedback.h"
#include "report/display.h"
#include "report/html.h"
#include "report/report.h"
#include "util/numbers.h"
#include "util/utf8.h"

namespace zari::report {

std::string HtmlEscape(std::string_view s) {
  const std::string valid = zari::IsValidUtf8(s) ? std::string(s) : zari::SanitizeUtf8(s);
  std::string out;
  out.reserve(valid.size());
  for (size_t i = 0; i < valid.size();) {
    const size_t start = i;
    const char32_t cp = zari::DecodeUtf8(valid, &i);
    switch (cp) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        // Characters XML does not allow (a page that is also well-formed
        // XML is easy to check and to process).
        if ((cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') || cp == 0xFFFE || cp == 0xFFFF) {
          out += "\xEF\xBF\xBD";
        } else {
          out.append(valid, start, i - start);
        }
    }
  }
  return out;
}

namespace {

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// 950, 1.2k, 34k: counts inside small cells.
std::string Compact(int64_t n) {
  if (n < 1000) return std::to_string(n);
  if (n < 10000) return Num(static_cast<double>(n) / 1000) + "k";
  return std::to_string(n / 1000) + "k";
}

// One chart: an <svg> with its own patterns, title and description.
class Svg {
 public:
  Svg(std::string id, int width, int height, const std::string& title) : id_(std::move(id)) {
    out_ = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 " + std::to_string(width) + " " +
           std::to_string(height) + "\" role=\"img\" aria-labelledby=\"" + id_ + "-title\"><title id=\"" + id_ +
           "-title\">" + HtmlEscape(title) + "</title><defs>" +
           // Diagonal lines: the second series, and offline hours.
           "<pattern id=\"" + id_ + "-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
           " patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#ffffff\"/>"
           "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#222222\" stroke-width=\"2\"/></pattern>"
           "<pattern id=\"" + id_ + "-shade\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\""
           " patternTransform=\"rotate(45)\"><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#555555\""
           " stroke-width=\"1\"/></pattern></defs>";
  }
  std::string Hatch() const { return "url(#" + id_ + "-hatch)"; }
  std::string Shade() const { return "url(#" + id_ + "-shade)"; }

  void Rect(double x, double y, double w, double h, const std::string& cls, const std::string& fill = "",
            double opacity = 1) {
    out_ += "<rect class=\"" + cls + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(std::max(0.0, w)) +
            "\" height=\"" + Num(std::max(0.0, h)) + "\"";
    if (!fill.empty()) out_ += " fill=\"" + fill + "\"";
    if (opacity < 1) out_ += " fill-opacity=\"" + Num(opacity) + "\"";
    out_ += "/>";
  }
  void Text(double x, double y, std::string_view text, const std::string& cls, const char* anchor = "start") {
    out_ += "<text class=\"" + cls + "\" x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" text-anchor=\"" + anchor + "\">" +
            HtmlEscape(text) + "</text>";
  }
  void Line(double x1, double y1, double x2, double y2, const std::string& cls) {
    out_ += "<line class=\"" + cls + "\" x1=\"" + Num(x1) + "\" y1=\"" + Num(y1) + "\" x2=\"" + Num(x2) + "\" y2=\"" +
            Num(y2) + "\"/>";
  }
  void Polyline(const std::vector<std::pair<double, double>>& points, const std::string& cls) {
    std::string p;
    for (const auto& [x, y] : points) p += (p.empty() ? "" : " ") + Num(x) + "," + Num(y);
    out_ += "<polyline class=\"" + cls + "\" points=\"" + p + "\"/>";
  }
  void Circle(double x, double y, double r, const std::string& cls) {
    out_ += "<circle class=\"" + cls + "\" cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" r=\"" + Num(r) + "\"/>";
  }
  // Horizontal lines at 0, 25, …, 100 % of a plot area, labelled on its left.
  void PercentGrid(double left, double top, double w, double h) {
    for (int p = 0; p <= 100; p += 25) {
      const double y = top + h - h * p / 100.0;
      Line(left, y, left + w, y, "grid");
      Text(left - 6, y + 4, std::to_string(p) + "%", "axis", "end");
    }
  }
  std::string Finish() { return out_ + "</svg>"; }

 private:
  std::string id_;
  std::string out_;
};

// ---- time -----------------------------------------------------------------------

// The pack's time zone, or UTC without a pack.
struct Clock {
  Schedule utc;
  const Schedule* schedule = nullptr;
  explicit Clock(const Engine* e) {
    if (e) {
      schedule = &e->schedule();
    } else {
      (void)utc.Build(pack::Hours(), "UTC", pack::SourcePos());
      schedule = &utc;
    }
  }
  LocalTime Local(int64_t ts) const { return schedule->ToLocal(ts); }
};

std::string DayLabel(int64_t days) {
  int y, m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d-%02d", m, d);
  return buf;
}

// ---- the charts -----------------------------------------------------------------

constexpr const char* kWeekdays[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

// Whether operators are online at half past hour `h` of weekday `d` by the
// pack's weekly hours (closed dates aside); a range may run past midnight.
bool OpenAt(const pack::Hours& hours, int d, int h) {
  if (hours.always_open) return true;
  const int mid = h * 60 + 30;
  for (const pack::TimeRange& r : hours.week[static_cast<size_t>(d)]) {
    if (mid >= r.start && mid < r.end) return true;
  }
  for (const pack::TimeRange& r : hours.week[static_cast<size_t>((d + 6) % 7)]) {
    if (mid + 1440 >= r.start && mid + 1440 < r.end) return true;
  }
  return false;
}

std::string HourOfWeekChart(const Report& r, const Clock& clock) {
  int64_t grid[7][24] = {};
  int64_t max = 0;
  for (const auto& [hour, n] : r.activity.conversations_by_hour) {
    const LocalTime t = clock.Local(hour * 3600 + 1800);
    int64_t& cell = grid[t.weekday][t.minute / 60];
    cell += n;
    max = std::max(max, cell);
  }
  const Engine* e = r.options.engine.get();
  constexpr double kLeft = 44, kTop = 26, kW = 28, kH = 22;
  Svg svg("hours", 720, 230, "Conversations by hour of the week");
  for (int h = 0; h < 24; h += 2) svg.Text(kLeft + h * kW + kW / 2, kTop - 8, std::to_string(h), "axis", "middle");
  for (int d = 0; d < 7; ++d) {
    svg.Text(kLeft - 6, kTop + d * kH + kH * 0.7, kWeekdays[d], "axis", "end");
    for (int h = 0; h < 24; ++h) {
      const double x = kLeft + h * kW, y = kTop + d * kH;
      const int64_t n = grid[d][h];
      svg.Rect(x, y, kW, kH, "cell");
      if (n > 0) svg.Rect(x, y, kW, kH, "heat", "", 0.12 + 0.88 * static_cast<double>(n) / static_cast<double>(max));
      if (e && !OpenAt(e->pack().hours, d, h)) svg.Rect(x, y, kW, kH, "offline", svg.Shade());
      if (n > 0) {
        svg.Text(x + kW / 2, y + kH * 0.68, Compact(n), n * 2 > max ? "cellnum light" : "cellnum", "middle");
      }
    }
  }
  const double ly = kTop + 7 * kH + 22;
  svg.Rect(kLeft, ly - 11, 22, 14, "offline", svg.Shade());
  svg.Text(kLeft + 28, ly, e ? "operators offline (the pack's hours)" : "opening hours unknown: run with --pack",
           "legend");
  svg.Rect(kLeft + 330, ly - 11, 22, 14, "heat", "", 0.8);
  svg.Text(kLeft + 358, ly, "darker: more conversations (number in each hour)", "legend");
  return svg.Finish();
}

// Per local day: conversations begun, and those with a handoff.
struct Day {
  int64_t conversations = 0, escalated = 0;
};

std::map<int64_t, Day> Days(const Report& r, const Clock& clock) {
  std::map<int64_t, Day> days;
  for (const auto& [hour, n] : r.activity.conversations_by_hour) days[clock.Local(hour * 3600 + 1800).days].conversations += n;
  std::set<std::pair<int64_t, std::string>> seen;
  for (const HandoffEvent& h : r.activity.handoffs) {
    const int64_t day = clock.Local(h.ts).days;
    if (h.session.empty() || seen.emplace(day, h.session).second) ++days[day].escalated;
  }
  return days;
}

std::string DailyChart(const Report& r, const Clock& clock) {
  const std::map<int64_t, Day> days = Days(r, clock);
  constexpr double kLeft = 48, kTop = 16, kW = 680, kH = 190;
  Svg svg("daily", 760, 270, "Containment and escalation by day");
  svg.PercentGrid(kLeft, kTop, kW, kH);
  std::vector<std::pair<double, double>> contained, escalated;
  const size_t n = days.size();
  const size_t every = std::max<size_t>(1, (n + 13) / 14);  // at most 14 day labels
  size_t i = 0;
  for (const auto& [day, d] : days) {
    // Inset from the axes, so the first and last labels stay clear of them.
    const double x = kLeft + 30 + (n == 1 ? (kW - 60) / 2 : (kW - 60) * static_cast<double>(i) / static_cast<double>(n - 1));
    if (i % every == 0) svg.Text(x, kTop + kH + 16, DayLabel(day), "axis", "middle");
    ++i;
    if (d.conversations == 0) continue;
    const double esc = std::min(1.0, static_cast<double>(d.escalated) / static_cast<double>(d.conversations));
    contained.emplace_back(x, kTop + kH * esc);
    escalated.emplace_back(x, kTop + kH - kH * esc);
    if (n <= 14) {
      svg.Text(x, kTop + kH * esc - 8, Percent(1 - esc), "value", "middle");
      svg.Text(x, kTop + kH - kH * esc + 16, Percent(esc), "value", "middle");
    }
  }
  svg.Polyline(contained, "series1");
  svg.Polyline(escalated, "series2");
  for (const auto& [x, y] : contained) svg.Circle(x, y, 4, "marker1");
  for (const auto& [x, y] : escalated) svg.Rect(x - 4, y - 4, 8, 8, "marker2");
  const double ly = kTop + kH + 44;
  svg.Line(kLeft, ly - 4, kLeft + 30, ly - 4, "series1");
  svg.Circle(kLeft + 15, ly - 4, 4, "marker1");
  svg.Text(kLeft + 38, ly, "containment: conversations without a handoff", "legend");
  svg.Line(kLeft + 350, ly - 4, kLeft + 380, ly - 4, "series2");
  svg.Rect(kLeft + 361, ly - 8, 8, 8, "marker2");
  svg.Text(kLeft + 388, ly, "escalation: conversations handed to a person", "legend");
  return svg.Finish();
}

// Per local week (from Monday): CSAT answers and "helpful" answers.
struct Week {
  Answers csat, helpful;
};

std::string WeeklyChart(const Report& r, const Clock& clock) {
  std::map<int64_t, Week> weeks;  // the Monday's local day → answers
  for (const FeedbackCount& f : r.activity.feedback) {
    const LocalTime t = clock.Local(f.hour * 3600 + 1800);
    Week& w = weeks[t.days - t.weekday];
    if (f.kind == "csat") w.csat.by_value[f.value] += f.count;
    if (f.kind == "helpful") w.helpful.by_value[f.value] += f.count;
  }
  constexpr double kLeft = 48, kTop = 22, kW = 680, kH = 170;
  Svg svg("weekly", 760, 260, "Satisfied customers (CSAT 4-5) and helpful answers by week");
  svg.PercentGrid(kLeft, kTop, kW, kH);
  const double slot = kW / static_cast<double>(std::max<size_t>(1, std::min<size_t>(weeks.size(), 26)));
  const double bar = std::min(40.0, slot * 0.38);
  size_t i = 0;
  for (auto it = weeks.size() > 26 ? std::prev(weeks.end(), 26) : weeks.begin(); it != weeks.end(); ++it, ++i) {
    const double x0 = kLeft + slot * static_cast<double>(i) + slot / 2;
    auto bar_of = [&](const Answers& a, int lo, int hi, double x, const std::string& fill, const char* cls) {
      const Ratio share = a.Between(lo, hi);
      if (share.denominator == 0) {
        svg.Text(x + bar / 2, kTop + kH - 4, "–", "value", "middle");
        return;
      }
      const double h = kH * share.value();
      svg.Rect(x, kTop + kH - h, bar, h, cls, fill);
      svg.Text(x + bar / 2, kTop + kH - h - 14, Percent(share.value()), "value", "middle");
      svg.Text(x + bar / 2, kTop + kH - h - 3, "n=" + GroupThousands(share.denominator), "small", "middle");
    };
    bar_of(it->second.csat, log::kCsatSatisfiedFrom, 5, x0 - bar - 1, "", "bar1");
    bar_of(it->second.helpful, 1, 1, x0 + 1, svg.Hatch(), "bar2");
    svg.Text(x0, kTop + kH + 16, "wk " + DayLabel(it->first), "axis", "middle");
  }
  const double ly = kTop + kH + 42;
  svg.Rect(kLeft, ly - 11, 22, 14, "bar1");
  svg.Text(kLeft + 28, ly, "CSAT: share of answers 4-5", "legend");
  svg.Rect(kLeft + 260, ly - 11, 22, 14, "bar2", svg.Hatch());
  svg.Text(kLeft + 288, ly, "helpful: share of \"yes\" (n = answers)", "legend");
  return svg.Finish();
}

std::string ReasonsChart(const Report& r) {
  static const std::pair<const char*, const char*> kReasons[] = {
      {"requested", "asked for a person"}, {"intent", "handoff intent"}, {"misses", "misses in a row"}};
  std::map<std::string, std::pair<int64_t, int64_t>> counts;  // reason → (in hours, after hours)
  int64_t max = 1;
  for (const HandoffEvent& h : r.activity.handoffs) {
    auto& c = counts[h.reason];
    (h.within_hours ? c.first : c.second) += 1;
    max = std::max(max, c.first + c.second);
  }
  constexpr double kLeft = 150, kTop = 10, kRow = 36, kW = 330;  // room for the counts after the bar
  Svg svg("reasons", 760, 170, "Handoffs by reason, inside and after business hours");
  double y = kTop;
  for (const auto& [reason, label] : kReasons) {
    const auto [in, after] = counts[reason];
    const double w_in = kW * static_cast<double>(in) / static_cast<double>(max);
    const double w_after = kW * static_cast<double>(after) / static_cast<double>(max);
    svg.Text(kLeft - 8, y + 17, label, "axis", "end");
    svg.Rect(kLeft, y, w_in, 24, "bar1");
    svg.Rect(kLeft + w_in, y, w_after, 24, "bar2", svg.Hatch());
    svg.Text(kLeft + w_in + w_after + 6, y + 17,
             GroupThousands(in + after) + "  (in hours " + GroupThousands(in) + ", after hours " +
                 GroupThousands(after) + ")",
             "value");
    y += kRow;
  }
  svg.Rect(kLeft, y + 4, 22, 14, "bar1");
  svg.Text(kLeft + 28, y + 15, "inside business hours", "legend");
  svg.Rect(kLeft + 220, y + 4, 22, 14, "bar2", svg.Hatch());
  svg.Text(kLeft + 248, y + 15, "after hours (told when operators are back)", "legend");
  return svg.Finish();
}

// Horizontal bars with a label on the left and the figure on the right.
struct BarRow {
  std::string label, value;
  double length = 0;  // 0..1
};

std::string BarChart(const std::string& id, const std::string& title, const std::vector<BarRow>& rows) {
  constexpr double kLeft = 250, kTop = 8, kRow = 26, kW = 300;
  Svg svg(id, 760, static_cast<int>(kTop * 2 + kRow * static_cast<double>(std::max<size_t>(1, rows.size()))), title);
  double y = kTop;
  for (const BarRow& row : rows) {
    svg.Text(kLeft - 8, y + 15, Truncate(OneLine(row.label), 34), "axis", "end");
    svg.Rect(kLeft, y + 2, kW, 18, "track");
    svg.Rect(kLeft, y + 2, kW * row.length, 18, "bar1");
    svg.Text(kLeft + kW + 8, y + 15, row.value, "value");
    y += kRow;
  }
  if (rows.empty()) svg.Text(kLeft, y + 15, "(nothing in the period)", "value");
  return svg.Finish();
}

std::string ClustersChart(const Report& r) {
  std::vector<BarRow> rows;
  const int64_t max = r.clusters.empty() ? 1 : std::max<int64_t>(1, r.clusters[0].count);
  for (size_t i = 0; i < r.clusters.size() && i < 10; ++i) {
    const Cluster& c = r.clusters[i];
    rows.push_back({"#" + std::to_string(i + 1) + " " + c.label,
                    GroupThousands(c.count) + (c.nearest_intent.empty() ? "" : "  → " + c.nearest_intent),
                    static_cast<double>(c.count) / static_cast<double>(max)});
  }
  return BarChart("clusters", "The questions the bot could not answer most often", rows);
}

// An intent as a person reads it: its id and the pack's title in its first
// language, as written.
std::string IntentLabel(const Report& r, const std::string& id) {
  if (id.empty()) return "(before any answer)";
  const Engine* e = r.options.engine.get();
  const int32_t i = e ? e->FindIntent(id) : -1;
  if (i < 0) return id;
  const std::string_view title = e->Title(i, e->pack().DefaultLanguage());
  return title == id ? id : id + " · " + std::string(title);
}

std::string HelpfulChart(const Report& r) {
  std::vector<BarRow> rows;
  for (const IntentHelpful& h : r.kpis.helpful_by_intent) {
    if (rows.size() == 10) break;
    const Ratio yes = h.answers.Between(1, 1);
    rows.push_back({IntentLabel(r, h.intent),
                    Percent(yes.value()) + " yes (" + GroupThousands(yes.numerator) + " of " +
                        GroupThousands(yes.denominator) + ")",
                    yes.value()});
  }
  return BarChart("helpful", "Answers customers find least helpful: share of \"yes\" to \"was this helpful?\"", rows);
}

}  // namespace

std::string FormatHtml(const Report& r, int64_t generated) {
  const Clock clock(r.options.engine.get());
  const std::string pack = r.options.engine ? r.options.engine->pack().name : std::string();
  std::string out = HtmlHead(pack.empty() ? "Zari report" : "Zari report: " + pack);
  out += HtmlHeading(r, pack, generated);
  out += Section("kpis", "Key figures", "", KpiCards(r));
  out += Section("hours", "Conversations by hour of the week",
                 r.options.engine ? "Local time of the pack (" + r.options.engine->pack().timezone +
                                        "); hatched hours: operators offline by the pack's weekly hours."
                                  : "Times are UTC. Opening hours unknown: give --pack to mark the hours operators "
                                    "are offline and see after-hours demand.",
                 r.has_rates ? HourOfWeekChart(r, clock) : NoData("no turn counts (schema 3 and later have them)"));
  out += Section("daily", "Containment and escalation by day", "A conversation counts on the day it began.",
                 r.has_rates ? DailyChart(r, clock) : NoData("no turn counts (schema 3 and later have them)"));
  out += Section("weekly", "Satisfaction by week", "",
                 r.activity.feedback.empty() ? NoData("no feedback in the period") : WeeklyChart(r, clock));
  out += Section("reasons", "Why conversations went to a person", "", ReasonsChart(r));
  out += Section("clusters", "Questions the bot could not answer",
                 "Each cluster groups the same question typed in different ways; the nearest intent is where the "
                 "matcher would put it.",
                 ClustersChart(r) + ClusterTable(r));
  out += Section("helpful", "Answers customers find least helpful", "", HelpfulChart(r));
  if (r.kpis.has_takeovers) out += Section("operators", "Operators", "", OperatorTable(r));
  out += HtmlFooter(r);
  return out;
}

}  // namespace zari::report
