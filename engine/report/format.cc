// The report as a table for people, CSV for spreadsheets and JSON for
// programs (the fields are described in docs/OPERATIONS.md).
#include <algorithm>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "report/display.h"
#include "report/kpi.h"
#include "report/report.h"
#include "util/json_writer.h"
#include "util/numbers.h"
#include "util/utf8.h"

namespace zari::report {

namespace {

// ---- table ----------------------------------------------------------------------

void Line(const std::string& s, std::string* out) { *out += s + "\n"; }

// The title, the period, the language and the databases read.
void AppendHeading(const Report& r, std::string* out) {
  Line("Zari unresolved-query report", out);
  Line("  period:     " + PeriodText(r), out);
  Line("  languages:  " + (r.options.language.empty() ? std::string("all") : r.options.language), out);
  for (const auto& d : r.databases) {
    std::string s = "  database:   " + d.path + "  (schema " + std::to_string(d.schema) + ", " +
                    GroupThousands(d.unresolved) + " unresolved, " + GroupThousands(d.handoffs) + " handoffs";
    if (!d.packs.empty()) {
      s += ", pack ";
      for (size_t i = 0; i < d.packs.size(); ++i) s += (i ? ", " : "") + d.packs[i];
    }
    Line(s + ")", out);
  }
}

void SummaryRow(const std::string& label, const std::string& value, const std::string& extra, std::string* out) {
  *out += SummaryLine(label, value, extra);
}

// Rates of the whole period, the unresolved questions, handoffs and notes.
void AppendSummary(const Report& r, std::string* out) {
  Line("", out);
  Line("Summary", out);
  const Rates& t = r.total;
  if (r.has_rates) {
    SummaryRow("messages", GroupThousands(t.turns), "in " + GroupThousands(t.conversations) + " conversations", out);
    SummaryRow("answered", GroupThousands(t.answer), Percent(t.Share(t.answer)), out);
    SummaryRow("clarify", GroupThousands(t.clarify), Percent(t.Share(t.clarify)), out);
    SummaryRow("fallback", GroupThousands(t.fallback), Percent(t.Share(t.fallback)), out);
    SummaryRow("handoff (in hours)", GroupThousands(t.handoff), Percent(t.Share(t.handoff)), out);
    SummaryRow("after hours", GroupThousands(t.after_hours), Percent(t.Share(t.after_hours)), out);
    const double c = t.Containment();
    const int64_t contained = t.conversations - std::min(t.handoff_conversations, t.conversations);
    SummaryRow("containment", c < 0 ? "n/a" : Percent(c),
               c < 0 ? "" : "of conversations without a handoff (" + GroupThousands(contained) + " of " +
                                GroupThousands(t.conversations) + ")",
               out);
  } else {
    SummaryRow("messages", "n/a", "no turn counts (schema < 3)", out);
  }
  SummaryRow("unresolved questions", GroupThousands(r.unresolved), Breakdown(r.unresolved_by_action), out);
  SummaryRow("handoffs", GroupThousands(r.handoffs),
             "in hours " + GroupThousands(r.handoffs_within_hours) + ", after hours " +
                 GroupThousands(r.handoffs_after_hours) +
                 (r.handoffs_by_reason.empty() ? "" : "; " + Breakdown(r.handoffs_by_reason)),
             out);
  if (r.handoffs_after_hours > 0) {
    SummaryRow("after-hours requests", GroupThousands(r.handoffs_after_hours), Breakdown(r.after_hours_by_language),
               out);
  }
  for (const auto& n : r.notes) Line("  note: " + n, out);
}

// Rates by language and channel, in aligned columns (the first two to the
// left, the numbers to the right).
void AppendRatesTable(const Report& r, std::string* out) {
  Line("", out);
  Line("By language and channel", out);
  const std::vector<std::string> head = {"language", "channel", "messages", "convs", "answered", "clarify",
                                         "fallback", "handoff", "after hours", "containment"};
  std::vector<std::vector<std::string>> cells;
  for (const Rates& x : r.rates) {
    const double c = x.Containment();
    cells.push_back({x.language.empty() ? "?" : x.language, x.channel.empty() ? "?" : OneLine(x.channel),
                     GroupThousands(x.turns), GroupThousands(x.conversations), Percent(x.Share(x.answer)),
                     Percent(x.Share(x.clarify)), Percent(x.Share(x.fallback)), Percent(x.Share(x.handoff)),
                     Percent(x.Share(x.after_hours)), c < 0 ? "n/a" : Percent(c)});
  }
  std::vector<size_t> width(head.size());
  for (size_t i = 0; i < head.size(); ++i) width[i] = DisplayWidth(head[i]);
  for (const auto& row : cells) {
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], DisplayWidth(row[i]));
  }
  auto print = [&](const std::vector<std::string>& v) {
    std::string s = " ";
    for (size_t i = 0; i < v.size(); ++i) {
      s.push_back(' ');
      s.append(i < 2 ? PadRight(v[i], width[i]) : PadLeft(v[i], width[i]));
    }
    while (!s.empty() && s.back() == ' ') s.pop_back();
    Line(s, out);
  };
  print(head);
  for (const auto& row : cells) print(row);
}

// Widths of the cluster table's columns (#, count, languages, nearest intent).
struct ClusterColumns {
  bool pack = false;
  size_t rank = 1, count = 5, languages = 9, intent = 14;
};

constexpr size_t kQuestionWidth = 72;

ClusterColumns MeasureClusters(const Report& r) {
  ClusterColumns w;
  w.pack = r.options.engine != nullptr;
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    w.rank = std::max(w.rank, std::to_string(i + 1).size());
    w.count = std::max(w.count, GroupThousands(c.count).size());
    w.languages = std::max(w.languages, DisplayWidth(LanguagesOf(c)));
    if (w.pack) w.intent = std::max(w.intent, DisplayWidth(c.nearest_intent.empty() ? "-" : c.nearest_intent + " 0.00"));
  }
  return w;
}

// One cluster: its row, then what the pack answers now, the other samples
// and how many variants were left out, indented under the question.
void AppendCluster(const Cluster& c, size_t rank, const ClusterColumns& w, std::string* out) {
  std::string s = "  " + PadLeft(std::to_string(rank), w.rank) + "  " + PadLeft(GroupThousands(c.count), w.count) +
                  "  " + PadRight(LanguagesOf(c), w.languages) + "  ";
  if (w.pack) {
    s += PadRight(c.nearest_intent.empty() ? "-" : c.nearest_intent + " " + Fixed(c.nearest_score, 2), w.intent) +
         "  ";
  }
  Line(s + Truncate(c.label, kQuestionWidth), out);
  const std::string indent(2 + w.rank + 2 + w.count + 2, ' ');
  if (!c.answered_by.empty()) {
    Line(indent + "now answered by '" + c.answered_by + "' (" + Percent(c.answered_share) + ")", out);
  }
  for (size_t k = 1; k < c.samples.size(); ++k) {
    Line(indent + "· " + Truncate(c.samples[k].text, kQuestionWidth) +
             (c.samples[k].count > 1 ? "  ×" + GroupThousands(c.samples[k].count) : ""),
         out);
  }
  if (c.texts.size() > c.samples.size()) {
    const size_t more = c.texts.size() - c.samples.size();
    Line(indent + "  … " + GroupThousands(static_cast<int64_t>(more)) + (more == 1 ? " more variant" : " more variants"),
         out);
  }
}

void AppendClusters(const Report& r, std::string* out) {
  Line("", out);
  std::string title = "Unresolved questions: " + GroupThousands(static_cast<int64_t>(r.cluster_count)) + " clusters";
  if (r.clusters.size() < r.cluster_count) {
    title += " (showing " + std::to_string(r.clusters.size());
    if (r.options.min_count > 1) title += " with at least " + std::to_string(r.options.min_count) + " questions";
    title += ")";
  }
  Line(title, out);
  if (r.clusters.empty()) {
    Line("  (none)", out);
    return;
  }
  const ClusterColumns w = MeasureClusters(r);
  std::string head = "  " + PadLeft("#", w.rank) + "  " + PadLeft("count", w.count) + "  " +
                     PadRight("languages", w.languages) + "  ";
  if (w.pack) head += PadRight("nearest intent", w.intent) + "  ";
  Line(head + "question", out);
  for (size_t i = 0; i < r.clusters.size(); ++i) AppendCluster(r.clusters[i], i + 1, w, out);
}

}  // namespace

std::string FormatTable(const Report& r) {
  std::string out;
  AppendHeading(r, &out);
  AppendSummary(r, &out);
  AppendKpiTable(r, &out);
  if (r.has_rates && !r.rates.empty()) AppendRatesTable(r, &out);
  AppendClusters(r, &out);
  return out;
}

std::string FormatCsv(const Report& r) {
  std::string out =
      "rank,count,languages,channels,actions,first_seen,last_seen,question,samples,variants,"
      "nearest_intent,nearest_score,answered_now_by,logged_best_intent\r\n";
  for (size_t i = 0; i < r.clusters.size(); ++i) {
    const Cluster& c = r.clusters[i];
    std::string samples;
    for (const Sample& s : c.samples) {
      if (!samples.empty()) samples += " | ";
      samples += s.text;
    }
    std::vector<std::string> v = {std::to_string(i + 1),
                                  std::to_string(c.count),
                                  Breakdown(c.languages, " ", ":"),
                                  Breakdown(c.channels, " ", ":"),
                                  Breakdown(c.actions, " ", ":"),
                                  IsoTime(c.first_ts),
                                  IsoTime(c.last_ts),
                                  c.label,
                                  samples,
                                  std::to_string(c.texts.size()),
                                  c.nearest_intent,
                                  c.nearest_intent.empty() ? "" : Fixed(c.nearest_score, 4),
                                  c.answered_by,
                                  c.logged_best};
    for (size_t k = 0; k < v.size(); ++k) {
      if (k) out.push_back(',');
      out.append(CsvField(v[k]));
    }
    out += "\r\n";
  }
  return out;
}

namespace {

// ---- JSON -----------------------------------------------------------------------

void StringOrNull(bool present, const std::string& s, json::Writer* w) {
  if (present) w->String(s);
  else w->Null();
}

// "key": {"ka": 30, "en": 7}
void WriteCounts(const char* key, const std::map<std::string, int64_t>& m, json::Writer* w) {
  w->Key(key).BeginObject();
  for (const auto& [k, v] : m) w->Key(zari::SanitizeUtf8(k)).Int(v);
  w->EndObject();
}

// The fields of a Rates object (the caller opens and closes it).
void WriteRates(const Rates& x, json::Writer* w) {
  w->Key("messages").Int(x.turns);
  w->Key("conversations").Int(x.conversations);
  w->Key("answer").Int(x.answer);
  w->Key("clarify").Int(x.clarify);
  w->Key("fallback").Int(x.fallback);
  w->Key("handoff").Int(x.handoff);
  w->Key("after_hours").Int(x.after_hours);
  w->Key("conversations_with_handoff").Int(x.handoff_conversations);
  w->Key("answer_rate").Number(x.Share(x.answer));
  w->Key("fallback_rate").Number(x.Share(x.fallback));
  w->Key("clarify_rate").Number(x.Share(x.clarify));
  w->Key("handoff_rate").Number(x.Share(x.handoff));
  w->Key("after_hours_rate").Number(x.Share(x.after_hours));
  const double c = x.Containment();
  w->Key("containment");
  if (c < 0) w->Null();
  else w->Number(c);
}

void WritePeriod(const Report& r, json::Writer* w) {
  const auto& o = r.options;
  w->Key("period").BeginObject();
  w->Key("since");
  StringOrNull(o.since != std::numeric_limits<int64_t>::min(), IsoTime(o.since), w);
  w->Key("until");
  StringOrNull(o.until != std::numeric_limits<int64_t>::max(), IsoTime(o.until), w);
  w->Key("first_question");
  StringOrNull(r.unresolved != 0, IsoTime(r.first_ts), w);
  w->Key("last_question");
  StringOrNull(r.unresolved != 0, IsoTime(r.last_ts), w);
  w->EndObject();
}

void WriteDatabases(const Report& r, json::Writer* w) {
  w->Key("databases").BeginArray();
  for (const auto& d : r.databases) {
    w->BeginObject();
    w->Key("path").String(zari::SanitizeUtf8(d.path));
    w->Key("schema").Int(d.schema);
    w->Key("unresolved").Int(d.unresolved);
    w->Key("handoffs").Int(d.handoffs);
    w->Key("dropped_rows").Int(d.dropped_rows);
    w->Key("turn_counts").Bool(d.has_counts);
    w->Key("feedback").Int(d.feedback);
    w->Key("packs").BeginArray();
    for (const auto& p : d.packs) w->String(zari::SanitizeUtf8(p));
    w->EndArray();
    w->EndObject();
  }
  w->EndArray();
}

void WriteSummary(const Report& r, json::Writer* w) {
  w->Key("summary").BeginObject();
  w->Key("unresolved").Int(r.unresolved);
  WriteCounts("unresolved_by_language", r.unresolved_by_language, w);
  WriteCounts("unresolved_by_action", r.unresolved_by_action, w);
  WriteCounts("unresolved_by_channel", r.unresolved_by_channel, w);
  w->Key("handoffs").Int(r.handoffs);
  w->Key("handoffs_within_hours").Int(r.handoffs_within_hours);
  w->Key("handoffs_after_hours").Int(r.handoffs_after_hours);
  WriteCounts("handoffs_by_reason", r.handoffs_by_reason, w);
  WriteCounts("after_hours_by_language", r.after_hours_by_language, w);
  w->Key("rates");
  if (r.has_rates) {
    w->BeginObject();
    WriteRates(r.total, w);
    w->EndObject();
  } else {
    w->Null();
  }
  w->EndObject();
}

void WriteRatesByChannel(const Report& r, json::Writer* w) {
  w->Key("rates").BeginArray();
  for (const Rates& x : r.rates) {
    w->BeginObject();
    w->Key("language").String(x.language);
    w->Key("channel").String(zari::SanitizeUtf8(x.channel));
    WriteRates(x, w);
    w->EndObject();
  }
  w->EndArray();
}

void WriteCluster(const Cluster& c, size_t rank, json::Writer* w) {
  w->BeginObject();
  w->Key("rank").Int(static_cast<long long>(rank));
  w->Key("count").Int(c.count);
  w->Key("question").String(c.label);
  w->Key("key").String(zari::SanitizeUtf8(c.key));
  WriteCounts("languages", c.languages, w);
  WriteCounts("channels", c.channels, w);
  WriteCounts("actions", c.actions, w);
  w->Key("first_seen").String(IsoTime(c.first_ts));
  w->Key("last_seen").String(IsoTime(c.last_ts));
  w->Key("variants").Int(static_cast<long long>(c.texts.size()));
  w->Key("samples").BeginArray();
  for (const Sample& s : c.samples) {
    w->BeginObject();
    w->Key("text").String(s.text);
    w->Key("language").String(s.language);
    w->Key("count").Int(s.count);
    w->EndObject();
  }
  w->EndArray();
  w->Key("nearest_intent");
  if (c.nearest_intent.empty()) {
    w->Null();
  } else {
    w->BeginObject();
    w->Key("id").String(c.nearest_intent);
    w->Key("score").Number(c.nearest_score);
    w->Key("where").String(zari::SanitizeUtf8(c.nearest_where));
    w->EndObject();
  }
  w->Key("answered_now_by");
  StringOrNull(!c.answered_by.empty(), c.answered_by, w);
  w->Key("answered_now_share").Number(c.answered_share);
  w->Key("logged_best_intent");
  StringOrNull(!c.logged_best.empty(), c.logged_best, w);
  w->EndObject();
}

}  // namespace

std::string FormatJson(const Report& r) {
  std::string out;
  json::Writer w(&out);
  w.BeginObject();
  WritePeriod(r, &w);
  w.Key("language");
  StringOrNull(!r.options.language.empty(), r.options.language, &w);
  WriteDatabases(r, &w);
  WriteSummary(r, &w);
  w.Key("kpis").Raw(KpisJson(r));
  WriteRatesByChannel(r, &w);
  w.Key("cluster_count").Int(static_cast<long long>(r.cluster_count));
  w.Key("clusters").BeginArray();
  for (size_t i = 0; i < r.clusters.size(); ++i) WriteCluster(r.clusters[i], i + 1, &w);
  w.EndArray();
  w.Key("notes").BeginArray();
  for (const auto& n : r.notes) w.String(zari::SanitizeUtf8(n));
  w.EndArray();
  w.EndObject();
  out += "\n";
  return out;
}

}  // namespace zari::report
